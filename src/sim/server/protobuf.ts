import protobuf from 'protobufjs';
import { StatusError } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';

/**
 * Kubernetes protobuf request bodies (what client-go's typed clients send, e.g. helm's release Secrets):
 * the magic `k8s\0` then a runtime.Unknown envelope whose `raw` holds the object's own message. The schema
 * below is a small subset of k8s.io/api core/v1 and apimachinery meta/v1 (field numbers from their
 * generated.proto); unknown fields (managedFields, ...) are skipped.
 */
const schema = `
syntax = "proto2";
package k8s;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
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
message Secret { optional ObjectMeta metadata = 1; map<string, bytes> data = 2; optional string type = 3; map<string, string> stringData = 4; optional bool immutable = 5; }
message ConfigMap { optional ObjectMeta metadata = 1; map<string, string> data = 2; map<string, bytes> binaryData = 3; optional bool immutable = 4; }
message Preconditions { optional string uid = 1; optional string resourceVersion = 2; }
message DeleteOptions {
  optional int64 gracePeriodSeconds = 1; optional Preconditions preconditions = 2; optional bool orphanDependents = 3;
  optional string propagationPolicy = 4; repeated string dryRun = 5;
}
`;

const root = protobuf.parse(schema, { keepCase: true }).root;
const Unknown = root.lookupType('k8s.Unknown');
const messages: Record<string, protobuf.Type> = {
  Secret: root.lookupType('k8s.Secret'),
  ConfigMap: root.lookupType('k8s.ConfigMap'),
  DeleteOptions: root.lookupType('k8s.DeleteOptions'),
};

/** The 4-byte prefix of every Kubernetes protobuf message. */
export const protobufMagic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The MIME type of Kubernetes protobuf. */
export const protobufContentType = 'application/vnd.kubernetes.protobuf';

function toBase64Map(map: Record<string, Uint8Array> | undefined): Record<string, string> | undefined {
  if (!map || Object.keys(map).length === 0) return undefined;
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
}

function nonEmpty<T extends object>(map: T | undefined): T | undefined {
  return map && Object.keys(map).length > 0 ? map : undefined;
}

function timeToString(t: { seconds?: number } | undefined): string | undefined {
  if (!t || !t.seconds) return undefined;
  return new Date(t.seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function metaToJson(m: Record<string, unknown> | undefined): KubeObject['metadata'] {
  const meta = (m ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of ['name', 'generateName', 'namespace', 'uid', 'resourceVersion']) {
    if (typeof meta[key] === 'string' && meta[key] !== '') out[key] = meta[key];
  }
  if (meta.generation) out.generation = Number(meta.generation);
  const created = timeToString(meta.creationTimestamp as { seconds?: number });
  if (created) out.creationTimestamp = created;
  const deleted = timeToString(meta.deletionTimestamp as { seconds?: number });
  if (deleted) out.deletionTimestamp = deleted;
  if (nonEmpty(meta.labels as object)) out.labels = meta.labels;
  if (nonEmpty(meta.annotations as object)) out.annotations = meta.annotations;
  const refs = meta.ownerReferences as unknown[] | undefined;
  if (refs && refs.length > 0) out.ownerReferences = refs;
  const finalizers = meta.finalizers as string[] | undefined;
  if (finalizers && finalizers.length > 0) out.finalizers = finalizers;
  if (out.name === undefined) out.name = '';
  return out as unknown as KubeObject['metadata'];
}

/**
 * Decodes a Kubernetes protobuf body into the object's JSON form. Supports Secret, ConfigMap and DeleteOptions;
 * anything else is 415 UnsupportedMediaType, a malformed body 400.
 */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(protobufMagic)) {
    throw new StatusError(400, 'BadRequest', 'provided protobuf body does not start with the k8s protobuf prefix');
  }
  let envelope: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  try {
    envelope = Unknown.toObject(Unknown.decode(body.subarray(4)), { longs: Number }) as typeof envelope;
  } catch (err) {
    throw new StatusError(400, 'BadRequest', `unable to decode protobuf body: ${(err as Error).message}`);
  }
  const kind = envelope.typeMeta?.kind ?? '';
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const type = messages[kind];
  if (!type) throw new StatusError(415, 'UnsupportedMediaType', `the body of kind "${kind}" cannot be decoded from ${protobufContentType}; send application/json`);
  let decoded: Record<string, unknown>;
  try {
    decoded = type.toObject(type.decode(envelope.raw ?? new Uint8Array()), { longs: Number, arrays: false, objects: false }) as Record<string, unknown>;
  } catch (err) {
    throw new StatusError(400, 'BadRequest', `unable to decode ${kind} from protobuf: ${(err as Error).message}`);
  }
  if (kind === 'DeleteOptions') {
    const out: Record<string, unknown> = { kind, apiVersion: apiVersion || 'meta.k8s.io/v1' };
    if (decoded.gracePeriodSeconds !== undefined) out.gracePeriodSeconds = Number(decoded.gracePeriodSeconds);
    const pre = decoded.preconditions as Record<string, string> | undefined;
    if (pre && (pre.uid || pre.resourceVersion)) out.preconditions = pre;
    if (decoded.orphanDependents !== undefined) out.orphanDependents = decoded.orphanDependents;
    if (decoded.propagationPolicy) out.propagationPolicy = decoded.propagationPolicy;
    const dryRun = decoded.dryRun as string[] | undefined;
    if (dryRun && dryRun.length > 0) out.dryRun = dryRun;
    return out;
  }
  const object: Record<string, unknown> = { apiVersion: apiVersion || 'v1', kind, metadata: metaToJson(decoded.metadata as Record<string, unknown>) };
  if (kind === 'Secret') {
    const data = toBase64Map(decoded.data as Record<string, Uint8Array>);
    if (data) object.data = data;
    if (nonEmpty(decoded.stringData as object)) object.stringData = decoded.stringData;
    if (decoded.type) object.type = decoded.type;
  } else {
    if (nonEmpty(decoded.data as object)) object.data = decoded.data;
    const binary = toBase64Map(decoded.binaryData as Record<string, Uint8Array>);
    if (binary) object.binaryData = binary;
  }
  if (decoded.immutable !== undefined) object.immutable = decoded.immutable;
  return object;
}

/** Encodes a Secret / ConfigMap / DeleteOptions the way client-go does (for tests and tools). */
export function encodeProtobuf(object: Record<string, unknown>): Buffer {
  const kind = String(object.kind);
  const type = messages[kind];
  if (!type) throw new Error(`cannot encode ${kind} as protobuf`);
  const value: Record<string, unknown> = { ...object };
  delete value.kind;
  delete value.apiVersion;
  if (kind !== 'DeleteOptions') {
    const meta = { ...(object.metadata as Record<string, unknown>) };
    delete meta.creationTimestamp;
    delete meta.deletionTimestamp;
    value.metadata = meta;
  }
  if (kind === 'Secret' && object.data) {
    value.data = Object.fromEntries(Object.entries(object.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  }
  if (kind === 'ConfigMap' && object.binaryData) {
    value.binaryData = Object.fromEntries(Object.entries(object.binaryData as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  }
  const raw = type.encode(type.fromObject(value)).finish();
  const envelope = Unknown.encode(Unknown.fromObject({ typeMeta: { apiVersion: String(object.apiVersion ?? 'v1'), kind }, raw, contentType: '' })).finish();
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
