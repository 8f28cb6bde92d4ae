import type { WorkloadRef } from './workload-ref.js';

/** Kinds whose pods the rules read (a bare Pod counts with its own labels). */
const POD_OWNERS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Pod']);

/**
 * Per namespace, a label selector (`k=v,...`) that every pod of the release's workloads there carries: the
 * labels all their pod templates share (a pod always carries its template's labels). A namespace is left out
 * when some workload there has no labels to go by or the templates share none: its pods are then watched whole.
 */
export function sharedPodSelectors(workloads: readonly WorkloadRef[]): Map<string, string> {
  const byNamespace = new Map<string, Array<Record<string, string> | undefined>>();
  for (const w of workloads) {
    if (w.generic || !POD_OWNERS.has(w.kind)) continue;
    const list = byNamespace.get(w.namespace) ?? [];
    list.push(w.templateLabels);
    byNamespace.set(w.namespace, list);
  }
  const out = new Map<string, string>();
  for (const [namespace, templates] of byNamespace) {
    if (templates.some((t) => t === undefined || Object.keys(t).length === 0)) continue;
    const [first, ...rest] = templates as Array<Record<string, string>>;
    const shared = Object.entries(first!).filter(([k, v]) => rest.every((t) => t[k] === v));
    if (shared.length === 0) continue;
    out.set(namespace, shared.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join(','));
  }
  return out;
}
