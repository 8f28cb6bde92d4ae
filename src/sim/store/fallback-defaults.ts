import type { KubeObject, ResourceKey } from './types.js';

/**
 * Minimal server-side defaults used only until src/sim/api/defaults.ts (owned by the patch helper) is wired in:
 * the fields helm and the controllers dereference. Pure; returns a new object.
 */
export function fallbackDefaults(resource: ResourceKey, object: KubeObject): KubeObject {
  const o = structuredClone(object) as KubeObject & { spec?: Record<string, unknown> };
  const spec = (o.spec ??= {}) as Record<string, unknown>;
  switch (resource) {
    case 'deployments.apps':
      spec.replicas ??= 1;
      spec.progressDeadlineSeconds ??= 600;
      spec.revisionHistoryLimit ??= 10;
      spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
      break;
    case 'statefulsets.apps':
      spec.replicas ??= 1;
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      break;
    case 'jobs.batch':
      spec.backoffLimit ??= 6;
      spec.completions ??= 1;
      spec.parallelism ??= 1;
      break;
    case 'services':
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      break;
    case 'secrets':
      (o as Record<string, unknown>).type ??= 'Opaque';
      break;
    default:
      if (Object.keys(spec).length === 0 && object.spec === undefined) delete o.spec;
  }
  if (resource === 'secrets' && Object.keys(spec).length === 0) delete o.spec;
  return o;
}
