/**
 * The simulator's PATCH engine: one entry point for the four patch content types the API server accepts.
 * Pure: no I/O, inputs never mutated; errors are StatusErrors with the codes a real API server uses.
 *
 * Choices where the simulator is simpler or more lenient than kube-apiserver (documented, deliberate):
 * - Server-side apply keys list items by the listMapKeys of the lists helm deploys (ports by containerPort / port
 *   + protocol, defaulting TCP; containers, env, volumes by name ...), not by a full OpenAPI schema; strategic merge
 *   patch uses the single patchMergeKey, as the real one does.
 * - An `Update` managedFields entry with the same manager name as the applier (helm 3 wrote the object with
 *   fieldManager=helm, helm 4 now applies as helm) never conflicts. Helm 4 sends `force=false` unless
 *   `--force-conflicts`, and migrates such entries itself (JSON patch of metadata.managedFields) when it switches
 *   a release to server-side apply; conflicts with genuinely different managers are 409s as on a real server.
 * - Pruning also removes parents (maps, lists) that the removal left empty, unless someone still owns them.
 * - No "before-first-apply" manager for objects without managedFields; `fieldValidation` is not enforced.
 * Non-apply patches record an `Update` entry for `fieldManager` (managedFields stay consistent for later applies).
 */
import { StatusError, badRequest, notFound } from '../store/errors.js';
import type { KubeObject, ResourceType } from '../store/types.js';
import { serverSideApply, trackUpdate } from './apply.js';
import { applyJsonPatch } from './json-patch.js';
import { isObject, type JsonObject } from './json-util.js';
import { applyMergePatch } from './merge-patch.js';
import { isBuiltIn, schemaFor } from './schema.js';
import { applyStrategicMergePatch } from './strategic.js';

export { trackUpdate } from './apply.js';
export type { ManagedFieldsEntry } from './apply.js';
export { applyJsonPatch } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic.js';
export { isBuiltIn, schemaFor } from './schema.js';

/** The patch content types the API server accepts. */
export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

/** A PATCH request as the HTTP layer hands it over. */
export interface PatchRequest {
  /** The request's Content-Type (parameters such as `; charset=utf-8` are ignored). */
  contentType: string;
  /** The stored object; undefined when it does not exist (only server-side apply creates). */
  current: KubeObject | undefined;
  /** The parsed body: an object (merge, strategic, apply) or an array of operations (JSON patch). */
  patch: unknown;
  /**
   * `?fieldManager=`; when absent the HTTP layer should pass the user agent's product name (`helm`, `kubectl`)
   * as a real server does. Required for apply (400 without); default for the other types: `unknown`.
   */
  fieldManager?: string;
  /** `?force=true` for apply: take ownership of conflicting fields. Default false. */
  force?: boolean;
  resource: ResourceType;
  now: Date;
}

/**
 * Applies a PATCH to `current` and returns the object to store. The caller (the store) then re-applies
 * server-owned metadata (uid, resourceVersion, creationTimestamp, generation), defaults and validation.
 * Throws StatusError: 404 (non-apply patch of a missing object), 400 (malformed body), 415 (strategic merge
 * patch of a custom resource, or an unknown content type), 422 (JSON patch that does not apply), 409 (apply
 * conflicts without force).
 */
export function applyPatch(req: PatchRequest): KubeObject {
  const contentType = req.contentType.split(';')[0].trim().toLowerCase();
  const { resource, current } = req;
  const schema = schemaFor(resource);
  const hasStatus = resource.subresources.includes('status');

  if (contentType === 'application/apply-patch+yaml') {
    if (!req.fieldManager) {
      throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    }
    if (!isObject(req.patch)) throw badRequest('error decoding YAML: the applied configuration must be an object');
    checkApplied(req.patch, req);
    return serverSideApply({
      current,
      applied: req.patch,
      manager: req.fieldManager,
      force: req.force ?? false,
      schema,
      hasStatus,
      now: req.now,
    });
  }

  if (!PATCH_CONTENT_TYPES.includes(contentType as (typeof PATCH_CONTENT_TYPES)[number])) {
    throw unsupported(contentType, resource);
  }
  if (contentType === 'application/strategic-merge-patch+json' && !isBuiltIn(resource)) {
    throw unsupported(contentType, resource);
  }
  if (!current) {
    const name = isObject(req.patch) && isObject(req.patch.metadata) ? String(req.patch.metadata.name ?? '') : '';
    throw notFound(resource.group ? `${resource.plural}.${resource.group}` : resource.plural, name, resource.group, resource.plural);
  }

  let patched: unknown;
  if (contentType === 'application/json-patch+json') {
    patched = applyJsonPatch(current, req.patch);
  } else if (contentType === 'application/merge-patch+json') {
    if (!isObject(req.patch)) throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
    patched = applyMergePatch(current, req.patch);
  } else {
    patched = applyStrategicMergePatch(current as unknown as JsonObject, req.patch, schema);
  }
  if (!isObject(patched) || !isObject(patched.metadata)) {
    throw new StatusError(422, 'Invalid', 'Object \'metadata\' is missing or invalid after the patch');
  }
  return trackUpdate({
    before: current,
    after: patched as unknown as KubeObject,
    manager: req.fieldManager ?? 'unknown',
    schema,
    hasStatus,
    now: req.now,
  });
}

/** Apply bodies must name the same type as the URL; kind and apiVersion are required. */
function checkApplied(applied: JsonObject, req: PatchRequest): void {
  const { resource } = req;
  const expected = resource.group ? `${resource.group}/${resource.version}` : resource.version;
  if (typeof applied.apiVersion !== 'string' || typeof applied.kind !== 'string') {
    throw badRequest('error decoding YAML: Object \'Kind\' is missing in applied configuration');
  }
  if (applied.kind !== resource.kind || applied.apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${applied.apiVersion}) does not match the expected API version (${expected})`,
    );
  }
}

function unsupported(contentType: string, resource: ResourceType): StatusError {
  const accepted = isBuiltIn(resource)
    ? 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json'
    : 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted}`,
  );
}
