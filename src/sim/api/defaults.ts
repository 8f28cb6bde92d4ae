/** Server-side defaults (first version: identity; filled in below). */
import type { KubeObject, ResourceKey } from '../store/types.js';

/** Returns `object` with the defaults a real API server writes for `resource`. Never mutates its input. */
export function applyDefaults(resource: ResourceKey, object: KubeObject): KubeObject {
  void resource;
  return JSON.parse(JSON.stringify(object)) as KubeObject;
}

/** Job selector and template labels the API server derives from the Job's uid (call after assigning uid). */
export function jobSelectorDefaults(job: KubeObject, uid: string): KubeObject {
  void uid;
  return JSON.parse(JSON.stringify(job)) as KubeObject;
}
