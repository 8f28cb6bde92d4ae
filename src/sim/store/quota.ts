/**
 * ResourceQuota admission for pod creation, as the API server's ResourceQuota plugin does it: every quota of
 * the namespace (without scopes) that constrains a resource the pod uses must leave room for the pod, counting
 * the pods already there that have not ended; otherwise the create is refused with 403 Forbidden and the
 * plugin's wording:
 *   pods "web-5f6c7d8e9b-k2x9p" is forbidden: exceeded quota: compute, requested: requests.cpu=500m,
 *   used: requests.cpu=2, limited: requests.cpu=2
 * A quota constraining a resource the pod does not declare (e.g. `limits.memory` without a memory limit):
 *   pods "x" is forbidden: failed quota: compute: must specify limits.memory for: app
 * Usage is counted from the live pods (the quota controller's `status.used`, always up to date).
 */
import { parseQuantity } from '../scheduler/resources.js';
import { StatusError } from './errors.js';
import type { KubeObject } from './types.js';

interface Container {
  name?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}
interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
}

/** The pod resources a quota can constrain, with their aliases (`cpu` is `requests.cpu`). */
const TRACKED: Record<string, { kind: 'requests' | 'limits' | 'count'; resource: 'cpu' | 'memory' | 'pods' }> = {
  pods: { kind: 'count', resource: 'pods' },
  'count/pods': { kind: 'count', resource: 'pods' },
  cpu: { kind: 'requests', resource: 'cpu' },
  'requests.cpu': { kind: 'requests', resource: 'cpu' },
  memory: { kind: 'requests', resource: 'memory' },
  'requests.memory': { kind: 'requests', resource: 'memory' },
  'limits.cpu': { kind: 'limits', resource: 'cpu' },
  'limits.memory': { kind: 'limits', resource: 'memory' },
};

/** One container's amount of a resource: its request (else its limit, as defaulting does) or its limit. */
function containerAmount(c: Container, kind: 'requests' | 'limits', resource: 'cpu' | 'memory'): number | undefined {
  if (kind === 'limits') return parseQuantity(c.resources?.limits?.[resource]);
  return parseQuantity(c.resources?.requests?.[resource]) ?? parseQuantity(c.resources?.limits?.[resource]);
}

/** A pod's usage of one tracked resource: the sum over app containers, or the largest init container's. */
function podUsage(spec: PodSpec | undefined, name: string): number {
  const t = TRACKED[name];
  if (!t) return 0;
  if (t.kind === 'count') return 1;
  const { kind, resource } = t as { kind: 'requests' | 'limits'; resource: 'cpu' | 'memory' };
  const apps = (spec?.containers ?? []).reduce((n, c) => n + (containerAmount(c, kind, resource) ?? 0), 0);
  const init = Math.max(0, ...(spec?.initContainers ?? []).map((c) => containerAmount(c, kind, resource) ?? 0));
  return Math.max(apps, init);
}

/** Containers that do not declare a resource the quota constrains (so their usage cannot be counted). */
function missing(spec: PodSpec | undefined, name: string): string[] {
  const t = TRACKED[name];
  if (!t || t.kind === 'count') return [];
  const { kind, resource } = t as { kind: 'requests' | 'limits'; resource: 'cpu' | 'memory' };
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]
    .filter((c) => containerAmount(c, kind, resource) === undefined)
    .map((c) => c.name ?? '');
}

/** A quantity the way the API server prints it: `500m`, `2`, `512Mi`, `1Gi`. */
export function formatQuantity(value: number, resource: string): string {
  if (resource.endsWith('memory')) {
    for (const [suffix, size] of [['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
      if (value >= size && Number.isInteger(value / size)) return `${value / size}${suffix}`;
    }
    return String(Math.round(value));
  }
  if (resource.endsWith('cpu')) {
    return Number.isInteger(value) ? String(value) : `${Math.round(value * 1000)}m`;
  }
  return String(value);
}

/** The pods that count toward a quota: not ended (Succeeded/Failed) and not being deleted. */
function counted(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/**
 * Checks a pod being created against the namespace's quotas; throws the API server's 403 when one refuses it.
 * `quotas` and `pods` are the namespace's ResourceQuotas and existing Pods.
 */
export function admitPodQuota(pod: KubeObject, quotas: readonly KubeObject[], pods: readonly KubeObject[]): void {
  const spec = pod.spec as PodSpec | undefined;
  const forbidden = (message: string) =>
    new StatusError(403, 'Forbidden', `pods "${pod.metadata.name}" is forbidden: ${message}`, { name: pod.metadata.name, kind: 'pods' });
  for (const quota of [...quotas].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const qspec = (quota.spec ?? {}) as { hard?: Record<string, unknown>; scopes?: unknown[]; scopeSelector?: unknown };
    // Scoped quotas (Terminating, BestEffort, PriorityClass...) are not simulated.
    if ((qspec.scopes?.length ?? 0) > 0 || qspec.scopeSelector) continue;
    const hard = Object.entries(qspec.hard ?? {}).filter(([name]) => TRACKED[name] !== undefined);
    if (hard.length === 0) continue;
    const unspecified = hard
      .map(([name]) => [name, missing(spec, name)] as const)
      .filter(([, containers]) => containers.length > 0);
    if (unspecified.length > 0) {
      const detail = unspecified.map(([name, containers]) => `${name} for: ${containers.join(',')}`).join('; ');
      throw forbidden(`failed quota: ${quota.metadata.name}: must specify ${detail}`);
    }
    const others = pods.filter((p) => counted(p) && p.metadata.name !== pod.metadata.name);
    const exceeded = hard
      .map(([name, limit]) => {
        const used = others.reduce((n, p) => n + podUsage(p.spec as PodSpec | undefined, name), 0);
        return { name, requested: podUsage(spec, name), used, limit: parseQuantity(limit) ?? 0, raw: String(limit) };
      })
      .filter((r) => r.used + r.requested > r.limit + 1e-9)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (exceeded.length === 0) continue;
    const list = (f: (r: (typeof exceeded)[number]) => string) => exceeded.map((r) => `${r.name}=${f(r)}`).join(',');
    throw forbidden(
      `exceeded quota: ${quota.metadata.name}, requested: ${list((r) => formatQuantity(r.requested, r.name))}, used: ${list((r) =>
        formatQuantity(r.used, r.name),
      )}, limited: ${list((r) => r.raw)}`,
    );
  }
}
