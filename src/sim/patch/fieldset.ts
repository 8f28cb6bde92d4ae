/**
 * Field sets as server-side apply tracks ownership: paths of `f:<field>`, `k:<json key>` (items of lists merged
 * by key), `v:<json>` (members of scalar sets), serialised in metadata.managedFields as FieldsV1 trees.
 */
import { deepEqual, isObject, type JsonObject } from './json-util.js';
import { child, keyValue, listKeys, type SchemaNode } from './schema.js';

/** One path element: `f:name`, `k:{"name":"app"}`, `v:"finalizer"`. */
export type PathElement = string;

/** A set of paths; each path is stored as JSON.stringify(PathElement[]). */
export type FieldSet = Set<string>;

/** Metadata the server owns: never part of an apply's field set, never pruned. */
const SERVER_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'generateName',
]);

/** Options for `fieldsOf`. */
export interface FieldsOfOptions {
  /** Leave `status` out (resources with a status subresource). Default true. */
  skipStatus?: boolean;
}

/** The key an item of a keyed list is addressed by (`k:{"name":"app"}`, `k:{"containerPort":80,"protocol":"TCP"}`). */
export function itemKey(item: JsonObject, keys: string[]): PathElement {
  const key: JsonObject = {};
  for (const k of keys) {
    const v = keyValue(item, k);
    if (v !== undefined) key[k] = v;
  }
  return `k:${JSON.stringify(key)}`;
}

/** The fields an object sets, as SSA computes them for a manager (top-level type and server metadata excluded). */
export function fieldsOf(object: JsonObject, schema: SchemaNode | undefined, options: FieldsOfOptions = {}): FieldSet {
  const set: FieldSet = new Set();
  for (const [key, value] of Object.entries(object)) {
    if (key === 'apiVersion' || key === 'kind' || value === null || value === undefined) continue;
    if (key === 'status' && options.skipStatus !== false) continue;
    if (key === 'metadata' && isObject(value)) {
      const meta: JsonObject = {};
      for (const [mk, mv] of Object.entries(value)) if (!SERVER_METADATA.has(mk)) meta[mk] = mv;
      walk(meta, child(schema, 'metadata'), ['f:metadata'], set);
      continue;
    }
    walkField(value, child(schema, key), [`f:${key}`], set);
  }
  return set;
}

function walk(object: JsonObject, schema: SchemaNode | undefined, prefix: PathElement[], set: FieldSet): void {
  for (const [key, value] of Object.entries(object)) {
    if (value === null || value === undefined) continue;
    walkField(value, child(schema, key), [...prefix, `f:${key}`], set);
  }
}

function walkField(value: unknown, schema: SchemaNode | undefined, path: PathElement[], set: FieldSet): void {
  if (isObject(value)) {
    if (Object.keys(value).length === 0) set.add(JSON.stringify(path));
    else walk(value, schema, path, set);
    return;
  }
  if (Array.isArray(value) && schema?.patchStrategy === 'merge') {
    const keys = listKeys(schema);
    if (keys && value.every((item) => isObject(item) && keys[0] in item)) {
      for (const item of value as JsonObject[]) {
        const itemPath = [...path, itemKey(item, keys)];
        set.add(JSON.stringify(itemPath));
        walk(item, schema.items, itemPath, set);
      }
      return;
    }
    if (value.every((item) => !isObject(item) && !Array.isArray(item))) {
      for (const item of value) set.add(JSON.stringify([...path, `v:${JSON.stringify(item)}`]));
      return;
    }
  }
  set.add(JSON.stringify(path));
}

/** Serialises a field set as a FieldsV1 tree (`{"f:spec":{"f:replicas":{}}}`, `.` marking members with children). */
export function toFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  const paths = [...set].map((p) => JSON.parse(p) as PathElement[]);
  for (const path of paths) {
    let node = root;
    for (const element of path) {
      if (!isObject(node[element])) node[element] = {};
      node = node[element] as JsonObject;
    }
  }
  // Members that also have children get a `.` entry, as FieldsV1 writes them.
  for (const path of paths) {
    let node = root;
    for (const element of path) node = node[element] as JsonObject;
    if (Object.keys(node).length > 0 && !('.' in node)) {
      const entries = Object.entries(node);
      for (const key of Object.keys(node)) delete node[key];
      node['.'] = {};
      for (const [k, v] of entries) node[k] = v;
    }
  }
  return root;
}

/** Parses a FieldsV1 tree back into a field set. Unknown shapes yield an empty set. */
export function fromFieldsV1(tree: unknown): FieldSet {
  const set: FieldSet = new Set();
  const visit = (node: unknown, path: PathElement[]): void => {
    if (!isObject(node)) return;
    const keys = Object.keys(node).filter((k) => k !== '.');
    if (path.length > 0 && (keys.length === 0 || '.' in node)) set.add(JSON.stringify(path));
    for (const key of keys) visit(node[key], [...path, key]);
  };
  visit(tree, []);
  return set;
}

/** True when `path` or one of its descendants is in `set`. */
export function ownsWithin(set: FieldSet, path: string): boolean {
  if (set.has(path)) return true;
  const prefix = path.slice(0, -1) + ',';
  for (const p of set) if (p.startsWith(prefix)) return true;
  return false;
}

/** Resolves a path in an object: `{found, value, parent, key}`; `found` false when any step is missing. */
export function resolve(
  object: unknown,
  path: PathElement[],
): { found: boolean; value?: unknown; parent?: unknown; index?: string | number } {
  let node: unknown = object;
  let parent: unknown;
  let index: string | number | undefined;
  for (const element of path) {
    parent = node;
    if (element.startsWith('f:')) {
      const name = element.slice(2);
      if (!isObject(node) || !(name in node)) return { found: false };
      index = name;
      node = node[name];
    } else if (element.startsWith('k:')) {
      const key = JSON.parse(element.slice(2)) as JsonObject;
      if (!Array.isArray(node)) return { found: false };
      const i = node.findIndex((item) => isObject(item) && Object.entries(key).every(([k, v]) => deepEqual(keyValue(item, k), v)));
      if (i < 0) return { found: false };
      index = i;
      node = node[i];
    } else if (element.startsWith('v:')) {
      const wanted = JSON.parse(element.slice(2)) as unknown;
      if (!Array.isArray(node)) return { found: false };
      const i = node.findIndex((item) => deepEqual(item, wanted));
      if (i < 0) return { found: false };
      index = i;
      node = node[i];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: node, parent, index };
}

/** Human form of a path as conflict messages print it: `.spec.template.spec.containers[name="app"].image`. */
export function formatPath(path: PathElement[]): string {
  return path
    .map((element) => {
      if (element.startsWith('f:')) return `.${element.slice(2)}`;
      if (element.startsWith('k:')) {
        const key = JSON.parse(element.slice(2)) as JsonObject;
        return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
      }
      return `[=${element.slice(2)}]`;
    })
    .join('');
}
