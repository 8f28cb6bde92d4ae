import protobuf from 'protobufjs';
import { StatusError } from '../store/errors.js';
import { inlineFields, kindSchema, protobufKinds } from './protobuf-schema.js';

/**
 * Kubernetes protobuf request bodies (what client-go's typed clients send: helm's release Secrets / ConfigMaps,
 * `kubectl create namespace|deployment|job ...`, `kubectl run`): the magic `k8s\0` then a runtime.Unknown envelope
 * whose `raw` holds the object's own message. Kinds are laid out in protobuf-schema.ts; the apimachinery types
 * below use the field numbers of k8s.io/apimachinery's generated.proto. Unknown fields (managedFields, ...) are
 * skipped.
 */
const metaSchema = `
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message Duration { optional int64 duration = 1; }
message Quantity { optional string string = 1; }
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
message ListMeta { optional string selfLink = 1; optional string resourceVersion = 2; optional string continue = 3; optional int64 remainingItemCount = 4; }
message LabelSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }
message LabelSelector { map<string, string> matchLabels = 1; repeated LabelSelectorRequirement matchExpressions = 2; }
message Condition {
  optional string type = 1; optional string status = 2; optional int64 observedGeneration = 3;
  optional Time lastTransitionTime = 4; optional string reason = 5; optional string message = 6;
}
message OwnerReference {
  optional string kind = 1; optional string name = 3; optional string uid = 4; optional string apiVersion = 5;
  optional bool controller = 6; optional bool blockOwnerDeletion = 7;
}
message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3; optional string selfLink = 4;
  optional string uid = 5; optional string resourceVersion = 6; optional int64 generation = 7;
  optional Time creationTimestamp = 8; optional Time deletionTimestamp = 9; optional int64 deletionGracePeriodSeconds = 10;
  map<string, string> labels = 11; map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13; repeated string finalizers = 14;
}
message Preconditions { optional string uid = 1; optional string resourceVersion = 2; }
message DeleteOptions {
  optional int64 gracePeriodSeconds = 1; optional Preconditions preconditions = 2; optional bool orphanDependents = 3;
  optional string propagationPolicy = 4; repeated string dryRun = 5;
}
`;

const root = protobuf.parse(`syntax = "proto2";\npackage k8s;\n${metaSchema}\n${kindSchema}`, { keepCase: true }).root.resolveAll();
const Unknown = root.lookupType('k8s.Unknown');

/** `apiVersion/Kind` -> message type; DeleteOptions is accepted under any meta apiVersion. */
function messageFor(apiVersion: string, kind: string): protobuf.Type | undefined {
  if (kind === 'DeleteOptions') return root.lookupType('k8s.DeleteOptions');
  const name = protobufKinds[`${apiVersion}/${kind}`];
  return name ? root.lookupType(`k8s.${name}`) : undefined;
}

/** The 4-byte prefix of every Kubernetes protobuf message. */
export const protobufMagic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The MIME type of Kubernetes protobuf. */
export const protobufContentType = 'application/vnd.kubernetes.protobuf';

/**
 * Pointer fields whose zero value means something (Go writes them only when set, and JSON keeps them):
 * `replicas: 0`, `backoffLimit: 0`, `suspend: false`, ... Every other zero scalar is a Go non-pointer default that
 * JSON would omit, so it is dropped.
 */
const keepZero = new Set([
  'replicas', 'backoffLimit', 'backoffLimitPerIndex', 'parallelism', 'completions', 'terminationGracePeriodSeconds',
  'revisionHistoryLimit', 'ttlSecondsAfterFinished', 'activeDeadlineSeconds', 'successfulJobsHistoryLimit',
  'failedJobsHistoryLimit', 'partition', 'runAsUser', 'runAsGroup', 'fsGroup', 'priority', 'value',
  'automountServiceAccountToken', 'suspend', 'readOnlyRootFilesystem', 'runAsNonRoot', 'privileged',
  'allowPrivilegeEscalation', 'immutable', 'optional', 'enableServiceLinks', 'shareProcessNamespace',
  'setHostnameAsFQDN', 'allocateLoadBalancerNodePorts', 'hostUsers', 'maxUnavailable', 'maxSurge', 'minAvailable',
  'progressDeadlineSeconds', 'startingDeadlineSeconds', 'defaultMode', 'mode', 'leaseDurationSeconds',
  'leaseTransitions', 'controller', 'blockOwnerDeletion',
]);

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && 'low' in value) return Number((value as { toString(): string }).toString());
  return Number(value);
}

function timeString(seconds: number): string | undefined {
  return seconds ? new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
}

/** One decoded message -> its Kubernetes JSON form, using the schema to convert apimachinery types. */
function messageToJson(type: protobuf.Type, message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!Object.prototype.hasOwnProperty.call(message, field.name)) continue;
    const raw = message[field.name];
    if (raw === undefined || raw === null) continue;
    if (inlineFields.has(`${type.name}.${field.name}`) && field.resolvedType instanceof protobuf.Type) {
      Object.assign(out, messageToJson(field.resolvedType, raw as Record<string, unknown>));
      continue;
    }
    if (field.map) {
      const entries = Object.entries(raw as Record<string, unknown>);
      if (entries.length === 0) continue;
      out[field.name] = Object.fromEntries(entries.map(([k, v]) => [k, valueToJson(field, v)]));
    } else if (field.repeated) {
      const items = raw as unknown[];
      if (items.length === 0) continue;
      out[field.name] = items.map((v) => valueToJson(field, v));
    } else {
      const value = valueToJson(field, raw);
      if (value === undefined || value === '') continue;
      if ((value === 0 || value === false) && !keepZero.has(field.name)) continue;
      out[field.name] = value;
    }
  }
  return out;
}

function valueToJson(field: protobuf.Field, value: unknown): unknown {
  const nested = field.resolvedType;
  if (nested instanceof protobuf.Type) {
    const m = value as Record<string, unknown>;
    switch (nested.name) {
      case 'Time':
        return timeString(toNumber(m.seconds ?? 0));
      case 'Quantity':
        return m.string;
      case 'IntOrString':
        return toNumber(m.type ?? 0) === 1 ? (m.strVal ?? '') : toNumber(m.intVal ?? 0);
      case 'Duration': {
        const ns = toNumber(m.duration ?? 0);
        return `${ns / 1e9}s`;
      }
      default:
        return messageToJson(nested, m);
    }
  }
  if (nested instanceof protobuf.Enum) return value;
  switch (field.type) {
    case 'bytes':
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
      return toNumber(value);
    default:
      return value;
  }
}

/** The JSON form of an object -> the plain object protobufjs encodes (inverse of messageToJson). */
function jsonToMessage(type: protobuf.Type, json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (inlineFields.has(`${type.name}.${field.name}`) && field.resolvedType instanceof protobuf.Type) {
      out[field.name] = jsonToMessage(field.resolvedType, json);
      continue;
    }
    const value = json[field.name];
    if (value === undefined || value === null) continue;
    if (field.map) out[field.name] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonValueToMessage(field, v)]));
    else if (field.repeated) out[field.name] = (value as unknown[]).map((v) => jsonValueToMessage(field, v));
    else out[field.name] = jsonValueToMessage(field, value);
  }
  return out;
}

function jsonValueToMessage(field: protobuf.Field, value: unknown): unknown {
  const nested = field.resolvedType;
  if (nested instanceof protobuf.Type) {
    switch (nested.name) {
      case 'Time':
        return { seconds: Math.floor(Date.parse(String(value)) / 1000) };
      case 'Quantity':
        return { string: String(value) };
      case 'IntOrString':
        return typeof value === 'string' ? { type: 1, strVal: value } : { type: 0, intVal: value };
      default:
        return jsonToMessage(nested, value as Record<string, unknown>);
    }
  }
  if (field.type === 'bytes') return Buffer.from(String(value), 'base64');
  return value;
}

/**
 * Decodes a Kubernetes protobuf body into the object's JSON form (apiVersion and kind from the envelope).
 * Unknown kinds are 415 UnsupportedMediaType, a malformed body 400.
 */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(protobufMagic)) {
    throw new StatusError(400, 'BadRequest', 'provided protobuf body does not start with the k8s protobuf prefix');
  }
  let envelope: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  try {
    envelope = Unknown.toObject(Unknown.decode(body.subarray(4))) as typeof envelope;
  } catch (err) {
    throw new StatusError(400, 'BadRequest', `unable to decode protobuf body: ${(err as Error).message}`);
  }
  const kind = envelope.typeMeta?.kind ?? '';
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const type = messageFor(apiVersion, kind);
  if (!type) {
    throw new StatusError(415, 'UnsupportedMediaType', `the body of kind "${kind}" (${apiVersion}) cannot be decoded from ${protobufContentType}; send application/json`);
  }
  let json: Record<string, unknown>;
  try {
    json = messageToJson(type, type.decode(envelope.raw ?? new Uint8Array()) as unknown as Record<string, unknown>);
  } catch (err) {
    throw new StatusError(400, 'BadRequest', `unable to decode ${kind} from protobuf: ${(err as Error).message}`);
  }
  if (kind === 'DeleteOptions') return { kind, apiVersion: apiVersion || 'meta.k8s.io/v1', ...json };
  return { apiVersion, kind, ...json, metadata: { name: '', ...((json.metadata as object | undefined) ?? {}) } };
}

/** Encodes an object the way client-go does (for tests and tools); the kind must be one protobufKinds lists. */
export function encodeProtobuf(object: Record<string, unknown>): Buffer {
  const kind = String(object.kind);
  const apiVersion = String(object.apiVersion ?? (kind === 'DeleteOptions' ? 'meta.k8s.io/v1' : 'v1'));
  const type = messageFor(apiVersion, kind);
  if (!type) throw new Error(`cannot encode ${apiVersion}/${kind} as protobuf`);
  const raw = type.encode(type.fromObject(jsonToMessage(type, object))).finish();
  const envelope = Unknown.encode(Unknown.fromObject({ typeMeta: { apiVersion, kind }, raw, contentType: '' })).finish();
  return Buffer.concat([protobufMagic, Buffer.from(envelope)]);
}

/** The minimal protobuf OpenAPI v2 document (swagger "2.0" + info) that helm's client-side validation accepts. */
export function minimalOpenApiV2(title: string, version: string): Buffer {
  const writer = protobuf.Writer.create();
  writer.uint32((1 << 3) | 2).string('2.0');
  const info = protobuf.Writer.create();
  info.uint32((1 << 3) | 2).string(title);
  info.uint32((2 << 3) | 2).string(version);
  writer.uint32((2 << 3) | 2).bytes(info.finish());
  return Buffer.from(writer.finish());
}

const leafTypes = new Set(['Time', 'Quantity', 'IntOrString', 'Duration']);

/** A path step: a field name, or a list element (index, and its `name` when it has one). */
export type FieldPathStep = string | { index: number; name?: string };

/** A value of the wrong JSON type, described as Go's encoding/json and server-side apply report it. */
export interface FieldTypeError {
  path: FieldPathStep[];
  /** The Go struct holding the field (`DeploymentSpec`). */
  struct: string;
  /** JSON type received: string, number, bool, array, object. */
  got: string;
  /** Go type expected (`int32`, `string`, `[]v1.Container`, `v1.PodSpec`). */
  goType: string;
  /** Server-side apply's kind of value expected: `numeric (int or float)`, `string`, `boolean`, `list`, `map`. */
  applyExpected: string;
}

/** What `inspectFields` finds in an object of a built-in kind. */
export interface FieldReport {
  /** Fields the schema does not declare. */
  undeclared: FieldPathStep[][];
  /** The first value of the wrong type, if any (Go's decoder stops at the first). */
  typeError?: FieldTypeError;
}

/**
 * Checks `object` against its kind's schema: undeclared fields, and values of the wrong JSON type (apiVersion,
 * kind, status and the top-level metadata are not checked). Undefined when the simulator has no schema for the kind
 * (custom resources, ...).
 */
export function inspectFields(apiVersion: string, kind: string, object: Record<string, unknown>): FieldReport | undefined {
  const name = protobufKinds[`${apiVersion}/${kind}`];
  if (!name) return undefined;
  const type = root.lookupType(`k8s.${name}`);
  const report: FieldReport = { undeclared: [] };
  const top = { ...object };
  for (const skip of ['apiVersion', 'kind', 'metadata', 'status']) delete top[skip];
  walkDeclared(type, top, [], report);
  return report;
}

/** The undeclared fields only (see inspectFields). */
export function undeclaredFields(apiVersion: string, kind: string, object: Record<string, unknown>): FieldPathStep[][] | undefined {
  return inspectFields(apiVersion, kind, object)?.undeclared;
}

/** Field names of a message, with the fields of its inline (embedded) messages and the struct declaring each. */
function declaredFields(type: protobuf.Type): Map<string, { field: protobuf.Field; owner: protobuf.Type }> {
  const fields = new Map<string, { field: protobuf.Field; owner: protobuf.Type }>();
  for (const field of type.fieldsArray) {
    if (inlineFields.has(`${type.name}.${field.name}`) && field.resolvedType instanceof protobuf.Type) {
      for (const [k, v] of declaredFields(field.resolvedType)) fields.set(k, v);
    } else fields.set(field.name, { field, owner: type });
  }
  return fields;
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

function goStruct(type: protobuf.Type): string {
  return type.name.replace(/^[a-z]+_/, '');
}

const intTypes = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64']);

/** Go type name and SSA expectation of one (non-repeated) value of a field. */
function elementType(field: protobuf.Field): { goType: string; applyExpected: string; accepts: (v: unknown) => boolean } {
  const nested = field.resolvedType;
  if (nested instanceof protobuf.Type) {
    switch (nested.name) {
      case 'Time':
      case 'Duration':
        return { goType: nested.name === 'Time' ? 'v1.Time' : 'v1.Duration', applyExpected: 'string', accepts: (v) => typeof v === 'string' };
      case 'Quantity':
        return { goType: 'resource.Quantity', applyExpected: 'string', accepts: (v) => typeof v === 'string' || typeof v === 'number' };
      case 'IntOrString':
        return { goType: 'intstr.IntOrString', applyExpected: 'string', accepts: (v) => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)) };
      default:
        return { goType: `v1.${goStruct(nested)}`, applyExpected: 'map', accepts: (v) => jsonType(v) === 'object' };
    }
  }
  if (intTypes.has(field.type)) return { goType: field.type, applyExpected: 'numeric (int or float)', accepts: (v) => typeof v === 'number' && Number.isInteger(v) };
  if (field.type === 'double' || field.type === 'float') return { goType: 'float64', applyExpected: 'numeric (int or float)', accepts: (v) => typeof v === 'number' };
  if (field.type === 'bool') return { goType: 'bool', applyExpected: 'boolean', accepts: (v) => typeof v === 'boolean' };
  return { goType: field.type === 'bytes' ? '[]uint8' : 'string', applyExpected: 'string', accepts: (v) => typeof v === 'string' };
}

/**
 * Messages that are kinds of their own (they embed TypeMeta in Go: `apiVersion` and `kind` are declared JSON
 * fields). Protobuf leaves TypeMeta out of the message, so wherever such a message is embedded in another one
 * (StatefulSet `volumeClaimTemplates[]` are PersistentVolumeClaims) those two fields are added back here.
 */
const kindMessages: ReadonlySet<string> = new Set(Object.values(protobufKinds));

function walkDeclared(type: protobuf.Type, value: unknown, path: FieldPathStep[], report: FieldReport): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const fields = declaredFields(type);
  const isMeta = type.name === 'ObjectMeta';
  const embedsTypeMeta = kindMessages.has(type.name);
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const entry = fields.get(key);
    if (!entry && embedsTypeMeta && (key === 'apiVersion' || key === 'kind')) {
      if (child !== null && typeof child !== 'string') {
        report.typeError ??= { path: [...path, key], struct: 'TypeMeta', got: jsonType(child), goType: 'string', applyExpected: 'string' };
      }
      continue;
    }
    if (!entry) {
      // Nested ObjectMeta (pod templates) carries fields this small schema leaves out (managedFields, ...).
      if (!isMeta) report.undeclared.push([...path, key]);
      continue;
    }
    const { field, owner } = entry;
    if (child === null || child === undefined) continue;
    const here = [...path, key];
    const element = elementType(field);
    const fail = (got: unknown, goType: string, applyExpected: string, at: FieldPathStep[]) => {
      report.typeError ??= { path: at, struct: goStruct(owner), got: jsonType(got), goType, applyExpected };
    };
    const nested = field.resolvedType instanceof protobuf.Type && !leafTypes.has(field.resolvedType.name) ? field.resolvedType : undefined;
    if (field.map) {
      if (jsonType(child) !== 'object') {
        fail(child, `map[string]${element.goType}`, 'map', here);
        continue;
      }
      for (const [k, v] of Object.entries(child as Record<string, unknown>)) {
        if (v === null) continue;
        if (!element.accepts(v)) fail(v, element.goType, element.applyExpected, here);
        else if (nested) walkDeclared(nested, v, [...here, k], report);
      }
    } else if (field.repeated) {
      if (!Array.isArray(child)) {
        fail(child, `[]${element.goType}`, 'list', here);
        continue;
      }
      child.forEach((item, index) => {
        const itemName = item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string' ? (item as { name: string }).name : undefined;
        const at: FieldPathStep[] = [...here, { index, ...(itemName !== undefined ? { name: itemName } : {}) }];
        if (item === null) return;
        if (!element.accepts(item)) fail(item, element.goType, element.applyExpected, at);
        else if (nested) walkDeclared(nested, item, at, report);
      });
    } else if (!element.accepts(child)) fail(child, element.goType, element.applyExpected, here);
    else if (nested) walkDeclared(nested, child, here, report);
  }
}

/** `spec.template.spec.containers.ports.containerPort`: the field path encoding/json puts in type errors. */
export function goFieldPath(path: FieldPathStep[]): string {
  return path.filter((s): s is string => typeof s === 'string').join('.');
}

/** `spec.template.spec.containers[0].imagee`, as strict decoding errors name a field. */
export function jsonFieldPath(path: FieldPathStep[]): string {
  return path.map((s, i) => (typeof s === 'string' ? `${i === 0 ? '' : '.'}${s}` : `[${s.index}]`)).join('');
}

/** `.spec.template.spec.containers[name="web"].imagee`, as server-side apply names a field. */
export function applyFieldPath(path: FieldPathStep[]): string {
  return path.map((s) => (typeof s === 'string' ? `.${s}` : s.name !== undefined ? `[name="${s.name}"]` : `[${s.index}]`)).join('');
}
