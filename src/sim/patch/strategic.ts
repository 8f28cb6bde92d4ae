/**
 * Strategic merge patch (`application/strategic-merge-patch+json`) as k8s.io/apimachinery's strategicpatch
 * applies it on the server, including everything kubectl's and helm 3's three-way patches contain:
 * merge-keyed lists, `$patch: replace|delete|merge`, `$setElementOrder/<list>`, `$retainKeys`,
 * `$deleteFromPrimitiveList/<list>` and `null` deleting a field. Lists without a merge strategy are replaced.
 */
import { StatusError, badRequest } from '../store/errors.js';
import { clone, deepEqual, isObject, type JsonObject } from './json-util.js';
import { child, type SchemaNode } from './schema.js';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

/** 422 as the API server answers patches whose `$retainKeys` disagree with their content. */
function unprocessable(message: string): StatusError {
  return new StatusError(422, 'Invalid', message);
}

/** Errors strategicpatch raises that the API server passes through as 500 (e.g. a missing merge key). */
function internal(message: string): StatusError {
  return new StatusError(500, 'InternalError', message);
}

/**
 * Applies a strategic merge patch to `original` using `schema` for list strategies. Returns a new object;
 * inputs are not mutated. Throws StatusError 400 for malformed directives (as the API server does).
 */
export function applyStrategicMergePatch(original: JsonObject, patch: unknown, schema: SchemaNode | undefined): JsonObject {
  if (!isObject(patch)) throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
  const result = mergeMap(clone(original), patch, schema);
  // `$patch: delete` at the top level empties the object; the caller's metadata checks then reject it.
  return result ?? {};
}

/** A map after merging; `undefined` means the patch deleted the whole map (`$patch: delete`). */
function mergeMap(original: JsonObject, patch: JsonObject, schema: SchemaNode | undefined): JsonObject | undefined {
  const directive = patch[PATCH];
  if (directive !== undefined) {
    if (directive === 'replace') return stripDirectives(withoutKey(patch, PATCH), schema) as JsonObject;
    if (directive === 'delete') return undefined;
    if (directive !== 'merge') throw badRequest(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  }

  // Server positions of list elements, for `$setElementOrder` (taken before the patch changes the lists).
  const before: JsonObject = { ...original };
  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined) {
    if (!Array.isArray(retain) || retain.some((k) => typeof k !== 'string')) {
      throw badRequest('doesn\'t support retainKeys other than a list of strings');
    }
    const allowed = new Set(retain as string[]);
    for (const key of Object.keys(patch)) {
      if (key.startsWith('$') || patch[key] === null) continue;
      if (!allowed.has(key)) {
        throw unprocessable(`The patch content doesn't match retainKeys list: ${key} is not in ${JSON.stringify(retain)}`);
      }
    }
    for (const key of Object.keys(original)) if (!allowed.has(key)) delete original[key];
  }

  for (const [key, value] of Object.entries(patch)) {
    if (key === PATCH || key === RETAIN_KEYS || key.startsWith(SET_ORDER)) continue;
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      if (!Array.isArray(value)) throw badRequest(`Invalid value for ${key}: must be a list of primitives`);
      const list = original[field];
      if (Array.isArray(list)) {
        original[field] = list.filter((item) => !value.some((v) => deepEqual(v, item)));
      }
      continue;
    }
    const fieldSchema = child(schema, key);
    if (value === null) {
      delete original[key];
      continue;
    }
    const current = original[key];
    if (isObject(value)) {
      const merged = mergeMap(isObject(current) ? current : {}, value, fieldSchema);
      if (merged === undefined) delete original[key];
      else original[key] = merged;
    } else if (Array.isArray(value)) {
      original[key] = mergeList(Array.isArray(current) ? current : [], value, fieldSchema);
    } else {
      original[key] = value;
    }
  }

  // Apply element orders last, once every list has its final members.
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const field = key.slice(SET_ORDER.length);
    if (!Array.isArray(order)) throw badRequest(`Invalid value for ${key}: must be a list`);
    const list = original[field];
    if (Array.isArray(list)) {
      const fieldSchema = child(schema, field);
      const serverList = Array.isArray(before[field]) ? (before[field] as unknown[]) : [];
      original[field] = applyElementOrder(list, order, fieldSchema?.mergeKey, serverList);
    }
  }
  return original;
}

function withoutKey(map: JsonObject, key: string): JsonObject {
  const copy = { ...map };
  delete copy[key];
  return copy;
}

/** Removes `$` directives from a value that replaces rather than merges (as a patch merged into nothing). */
function stripDirectives(value: unknown, schema: SchemaNode | undefined): unknown {
  if (isObject(value)) return mergeMap({}, value, schema) ?? {};
  if (Array.isArray(value)) return mergeList([], value, schema);
  return value;
}

function mergeList(original: unknown[], patch: unknown[], schema: SchemaNode | undefined): unknown[] {
  if (schema?.patchStrategy !== 'merge') {
    // Atomic list: the patch's list replaces the original. Element maps may still carry directives.
    return patch.map((item) => (isObject(item) ? stripDirectives(item, schema?.items) : item));
  }

  const replace = patch.find((item) => isObject(item) && item[PATCH] === 'replace');
  if (replace) {
    return patch
      .filter((item) => item !== replace)
      .map((item) => (isObject(item) ? stripDirectives(item, schema.items) : item));
  }

  const mergeKey = schema.mergeKey;
  const scalars = patch.every((item) => !isObject(item)) && original.every((item) => !isObject(item));
  if (scalars || !mergeKey) {
    // A set of scalars (e.g. finalizers): union, keeping the original order.
    const result = [...original];
    for (const item of patch) if (!result.some((existing) => deepEqual(existing, item))) result.push(item);
    return result;
  }

  const result = [...original];
  for (const item of patch) {
    if (!isObject(item)) throw badRequest(`unable to find api field in struct for the primitive list element ${JSON.stringify(item)}`);
    const directive = item[PATCH];
    if (!(mergeKey in item)) {
      if (directive === 'delete' && Object.keys(item).length === 1) {
        // `{$patch: delete}` alone deletes the whole list's contents (rare, but supported).
        return [];
      }
      throw internal(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    }
    const key = item[mergeKey];
    const index = result.findIndex((existing) => isObject(existing) && deepEqual(existing[mergeKey], key));
    if (directive === 'delete') {
      if (index >= 0) {
        // Every element with that key goes (duplicates included), as strategicpatch does.
        for (let i = result.length - 1; i >= 0; i--) {
          const existing = result[i];
          if (isObject(existing) && deepEqual(existing[mergeKey], key)) result.splice(i, 1);
        }
      }
      continue;
    }
    if (index >= 0) {
      const merged = mergeMap(result[index] as JsonObject, item, schema.items);
      if (merged === undefined) result.splice(index, 1);
      else result[index] = merged;
    } else {
      const created = mergeMap({}, item, schema.items);
      if (created !== undefined) result.push(created);
    }
  }
  return result;
}

function identity(item: unknown, mergeKey: string | undefined): unknown {
  return mergeKey && isObject(item) ? item[mergeKey] : item;
}

function indexIn(list: unknown[], item: unknown, mergeKey: string | undefined): number {
  const id = identity(item, mergeKey);
  return list.findIndex((candidate) => deepEqual(identity(candidate, mergeKey), id));
}

/**
 * Orders a merged list per `$setElementOrder`: elements named in the order come in that order; elements only
 * the server knows keep their relative server positions, interleaved where the server had them.
 */
function applyElementOrder(merged: unknown[], order: unknown[], mergeKey: string | undefined, serverOrder: unknown[]): unknown[] {
  const named = order
    .map((entry) => merged.find((item) => deepEqual(identity(item, mergeKey), identity(entry, mergeKey))))
    .filter((item): item is NonNullable<typeof item> => item !== undefined);
  const serverOnly = merged.filter((item) => indexIn(order, item, mergeKey) < 0);
  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < named.length || j < serverOnly.length) {
    if (i >= named.length) result.push(serverOnly[j++]);
    else if (j >= serverOnly.length) result.push(named[i++]);
    else {
      const li = indexIn(serverOrder, named[i], mergeKey);
      const ri = indexIn(serverOrder, serverOnly[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) result.push(named[i++]);
      else result.push(serverOnly[j++]);
    }
  }
  return result;
}
