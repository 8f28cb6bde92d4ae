/**
 * Server-side apply (`application/apply-patch+yaml`) and managedFields bookkeeping. A simplified but faithful
 * take on structured-merge-diff: the applied configuration is merged into the live object (keyed lists by
 * merge key, scalar sets by value, other lists atomically), each manager's fields are recorded in
 * metadata.managedFields, fields a manager applied before and no longer applies are pruned unless another
 * manager owns them, and applying a value that differs from one owned by another manager is a 409 Conflict
 * unless `force` is set.
 */
import { StatusError } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';
import {
  fieldsOf,
  formatPath,
  fromFieldsV1,
  ownsWithin,
  resolve,
  toFieldsV1,
  type FieldSet,
  type PathElement,
} from './fieldset.js';
import { clone, deepEqual, isObject, type JsonObject } from './json-util.js';
import { child, listKeys, sameItem, type SchemaNode } from './schema.js';

/** One metadata.managedFields entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

interface Owner {
  entry: ManagedFieldsEntry;
  set: FieldSet;
}

/** The time format managedFields use (RFC 3339, seconds precision). */
function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function readOwners(object: KubeObject | undefined): Owner[] {
  const raw = object?.metadata?.managedFields;
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((e): e is ManagedFieldsEntry => isObject(e) && typeof e.manager === 'string')
    .map((entry) => ({ entry: clone(entry), set: fromFieldsV1(entry.fieldsV1) }));
}

function writeOwners(owners: Owner[]): ManagedFieldsEntry[] {
  return owners
    .filter((o) => o.set.size > 0)
    .map((o) => ({ ...o.entry, fieldsType: 'FieldsV1' as const, fieldsV1: toFieldsV1(o.set) }));
}

/** Drops paths that no longer exist in `object` from every owner. */
function dropMissing(owners: Owner[], object: JsonObject): void {
  for (const owner of owners) {
    for (const p of [...owner.set]) {
      if (!resolve(object, JSON.parse(p) as PathElement[]).found) owner.set.delete(p);
    }
  }
}

/** Inputs of `serverSideApply`. */
export interface ApplyRequest {
  current: KubeObject | undefined;
  applied: JsonObject;
  manager: string;
  force: boolean;
  schema: SchemaNode | undefined;
  /** True for resources with a status subresource: `status` in the applied object is ignored. */
  hasStatus: boolean;
  now: Date;
}

/** Applied configuration values that SSA ignores: explicit nulls (they mean "not specified"). */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(dropNulls);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
    return out;
  }
  return value;
}

/** Merges an applied configuration into a live value: keyed lists by key, scalar sets by value, others replaced. */
function mergeApplied(live: unknown, applied: unknown, schema: SchemaNode | undefined): unknown {
  if (isObject(applied)) {
    const result: JsonObject = isObject(live) ? { ...live } : {};
    for (const [key, value] of Object.entries(applied)) result[key] = mergeApplied(result[key], value, child(schema, key));
    return result;
  }
  if (Array.isArray(applied) && Array.isArray(live) && schema?.patchStrategy === 'merge') {
    const keys = listKeys(schema);
    if (keys && applied.every((i) => isObject(i) && keys[0] in i)) {
      const result = [...live];
      for (const item of applied as JsonObject[]) {
        const index = result.findIndex((x) => isObject(x) && sameItem(x, item, keys));
        if (index >= 0) result[index] = mergeApplied(result[index], item, schema.items);
        else result.push(clone(item));
      }
      return result;
    }
    if (applied.every((i) => !isObject(i))) {
      const result = [...live];
      for (const item of applied) if (!result.some((x) => deepEqual(x, item))) result.push(item);
      return result;
    }
  }
  return clone(applied);
}

/** Removes the value at `path`, then any parent that this left empty (and that nobody owns). */
function removePath(object: JsonObject, path: PathElement[], keep: (path: PathElement[]) => boolean): void {
  const target = resolve(object, path);
  if (!target.found) return;
  const { parent, index } = target;
  if (Array.isArray(parent)) parent.splice(index as number, 1);
  else if (isObject(parent)) delete parent[index as string];
  for (let depth = path.length - 1; depth > 0; depth--) {
    const up = path.slice(0, depth);
    const node = resolve(object, up);
    if (!node.found) return;
    const empty = (isObject(node.value) && Object.keys(node.value).length === 0) || (Array.isArray(node.value) && node.value.length === 0);
    if (!empty || keep(up)) return;
    if (Array.isArray(node.parent)) node.parent.splice(node.index as number, 1);
    else if (isObject(node.parent)) delete node.parent[node.index as string];
  }
}

/** True for the merge-key field of a keyed list item (`k:{"name":"a"}` then `f:name`): never pruned alone. */
function isItemKeyField(path: PathElement[]): boolean {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (!last?.startsWith('f:') || !parent?.startsWith('k:')) return false;
  return last.slice(2) in (JSON.parse(parent.slice(2)) as JsonObject);
}

/** True when `path` has children in `set` (then it is an inner node, not a leaf value). */
function hasChildren(set: FieldSet, path: string): boolean {
  const prefix = path.slice(0, -1) + ',';
  for (const p of set) if (p.startsWith(prefix)) return true;
  return false;
}

/**
 * Server-side apply. Returns the new object (for a create: the applied object with managedFields, no server
 * metadata). Throws 409 Conflict (reason Conflict, causes FieldManagerConflict) on conflicts without force.
 */
export function serverSideApply(request: ApplyRequest): KubeObject {
  const { current, manager, force, schema, now } = request;
  const applied = dropNulls(clone(request.applied)) as JsonObject;
  if (isObject(applied.metadata)) delete applied.metadata.managedFields;
  if (request.hasStatus) delete applied.status;
  const apiVersion = typeof applied.apiVersion === 'string' ? applied.apiVersion : current?.apiVersion ?? 'v1';
  const newSet = fieldsOf(applied, schema, { skipStatus: request.hasStatus });

  const owners = readOwners(current);
  const isSelf = (o: Owner): boolean => o.entry.manager === manager && o.entry.operation === 'Apply' && !o.entry.subresource;
  const self = owners.find(isSelf);
  const previous: FieldSet = self ? self.set : new Set();
  // Lenient: an Update entry under the same manager name (helm 3 wrote the object, helm 4 applies) never
  // conflicts with that manager's apply; helm 4 itself migrates such entries before it applies.
  const others = owners.filter((o) => !isSelf(o) && !(o.entry.manager === manager && !o.entry.subresource));

  const live: JsonObject = current ? clone(current) : {};

  // Conflicts: leaf values this apply sets differently from what another manager owns.
  const conflicts: Array<{ manager: string; apiVersion: string; path: PathElement[] }> = [];
  for (const p of newSet) {
    if (hasChildren(newSet, p)) continue;
    const path = JSON.parse(p) as PathElement[];
    if (!path[path.length - 1].startsWith('f:')) continue;
    const liveValue = resolve(live, path);
    if (!liveValue.found) continue;
    const appliedValue = resolve(applied, path);
    if (deepEqual(liveValue.value, appliedValue.value)) continue;
    // An empty struct or map (`spec: {}`) is not a value of its own: structured-merge-diff compares leaves only,
    // so applying `{}` over a filled-in map changes nothing another manager owns (helm 4 --create-namespace
    // applies `spec: {}` over a namespace `kubectl create ns` made).
    if (isObject(appliedValue.value) && Object.keys(appliedValue.value).length === 0 && isObject(liveValue.value)) continue;
    for (const other of others) {
      if (other.set.has(p)) conflicts.push({ manager: other.entry.manager, apiVersion: other.entry.apiVersion, path });
    }
  }
  if (conflicts.length > 0) {
    if (!force) throw conflictError(conflicts);
    for (const c of conflicts) {
      const key = JSON.stringify(c.path);
      for (const other of others) other.set.delete(key);
    }
  }

  const result = mergeApplied(live, applied, schema) as JsonObject;

  // Prune what this manager applied before and no longer applies, unless someone else still owns it.
  const removed = [...previous].filter((p) => !newSet.has(p));
  const ownedElsewhere = (p: string): boolean => others.some((o) => ownsWithin(o.set, p)) || ownsWithin(newSet, p);
  // Shallowest first: removing a list item takes its fields with it.
  const parsed = removed.map((p) => JSON.parse(p) as PathElement[]).sort((a, b) => a.length - b.length);
  for (const path of parsed) {
    const p = JSON.stringify(path);
    if (ownedElsewhere(p) || isItemKeyField(path)) continue;
    removePath(result, path, (up) => ownedElsewhere(JSON.stringify(up)));
  }

  const selfEntry: Owner = {
    entry: { manager, operation: 'Apply', apiVersion, time: timestamp(now), fieldsType: 'FieldsV1', fieldsV1: {} },
    set: newSet,
  };
  // The manager's entry keeps its position; a first apply appends it.
  const ordered = self ? owners.map((o) => (isSelf(o) ? selfEntry : o)) : [...owners, selfEntry];
  dropMissing(
    ordered.filter((o) => o !== selfEntry),
    result,
  );
  const metadata = isObject(result.metadata) ? result.metadata : {};
  result.metadata = { ...metadata, managedFields: writeOwners(ordered) };
  return result as unknown as KubeObject;
}

function conflictError(conflicts: Array<{ manager: string; apiVersion: string; path: PathElement[] }>): StatusError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with "${c.manager}" using ${c.apiVersion}`,
    field: formatPath(c.path),
  }));
  const message =
    conflicts.length === 1
      ? `Apply failed with 1 conflict: ${causes[0].message}: ${causes[0].field}`
      : `Apply failed with ${conflicts.length} conflicts: ${causes.map((c) => `${c.message}: ${c.field}`).join('\n')}`;
  return new StatusError(409, 'Conflict', message, { causes });
}

/**
 * Records a non-apply write (create, PUT, JSON/merge/strategic patch) in managedFields the way the API server
 * does for operation `Update`: the manager takes ownership of every field it changed (others lose those
 * fields) and fields that no longer exist are dropped from every manager. Returns a new object.
 */
export function trackUpdate(request: {
  before: KubeObject | undefined;
  after: KubeObject;
  manager: string;
  schema: SchemaNode | undefined;
  hasStatus: boolean;
  now: Date;
  subresource?: 'status';
}): KubeObject {
  const { before, after, manager, schema, now, subresource } = request;
  const result = clone(after);
  // Managed fields come from the stored object unless the client sent different ones on purpose (helm 4's
  // migration of client-side entries); a body without managedFields (e.g. a PUT of a decoded protobuf) keeps them.
  const sent = after.metadata.managedFields;
  const owners = readOwners(before && (sent === undefined || deepEqual(sent, before.metadata.managedFields ?? [])) ? before : after);
  const afterSet = fieldsOf(result as JsonObject, schema, { skipStatus: false });
  const changed: FieldSet = new Set();
  for (const p of afterSet) {
    const path = JSON.parse(p) as PathElement[];
    const inStatus = path[0] === 'f:status';
    if (subresource === 'status' ? !inStatus : inStatus && request.hasStatus) continue;
    const old = before ? resolve(before, path) : { found: false as const };
    // Inner nodes (list items, maps) that existed before are not "changed"; their changed leaves are.
    if (old.found && hasChildren(afterSet, p)) continue;
    const now2 = resolve(result, path);
    if (!old.found || !deepEqual(old.value, now2.value)) changed.add(p);
  }
  const isSelf = (o: Owner): boolean =>
    o.entry.manager === manager && o.entry.operation === 'Update' && (o.entry.subresource ?? undefined) === subresource;
  let self = owners.find(isSelf);
  for (const other of owners) if (other !== self) for (const p of changed) other.set.delete(p);
  if (changed.size > 0) {
    if (!self) {
      self = {
        entry: {
          manager,
          operation: 'Update',
          apiVersion: after.apiVersion,
          time: timestamp(now),
          fieldsType: 'FieldsV1',
          fieldsV1: {},
          ...(subresource ? { subresource } : {}),
        },
        set: new Set(),
      };
      owners.push(self);
    }
    for (const p of changed) self.set.add(p);
    self.entry.time = timestamp(now);
    self.entry.apiVersion = after.apiVersion;
  }
  dropMissing(owners, result as JsonObject);
  const entries = writeOwners(owners);
  if (entries.length > 0) result.metadata = { ...result.metadata, managedFields: entries };
  else delete result.metadata.managedFields;
  return result;
}
