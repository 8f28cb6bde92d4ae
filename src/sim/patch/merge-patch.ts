/** JSON merge patch (RFC 7386), as `application/merge-patch+json` bodies are applied by the API server. */
import { clone, isObject } from './json-util.js';

/**
 * Applies an RFC 7386 merge patch: objects merge recursively, `null` removes a member, anything else
 * (arrays included) replaces. Returns a new value; neither input is mutated.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
