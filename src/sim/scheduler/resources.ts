/**
 * Resource quantities and pod requests, as the scheduler and the kubelet account for them.
 * Quantities follow Kubernetes' syntax: `500m`, `2`, `1.5`, `512Mi`, `8Gi`, `1G`, `1e9`.
 */

const binarySuffixes: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimalSuffixes: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Parses a Kubernetes quantity into a number (cores for cpu, bytes for memory); undefined if malformed. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*([+]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)\s*$/.exec(value);
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  return base * (binarySuffixes[suffix] ?? decimalSuffixes[suffix]);
}

/** What a pod asks of a node: cpu in cores, memory in bytes, and one pod slot. */
export interface ResourceAmounts {
  cpu: number;
  memory: number;
  pods: number;
}

interface ContainerLike {
  name?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

interface PodSpecLike {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  overhead?: Record<string, unknown>;
}

/** A container's effective request for one resource: its request, else its limit (the API server defaults it so). */
function containerRequest(c: ContainerLike, resource: 'cpu' | 'memory'): number {
  return parseQuantity(c.resources?.requests?.[resource]) ?? parseQuantity(c.resources?.limits?.[resource]) ?? 0;
}

/**
 * The scheduler's view of a pod's requests: the sum over app containers, or the largest init container's request
 * if that is higher (init containers run one at a time), plus overhead.
 */
export function podRequests(spec: PodSpecLike | undefined): ResourceAmounts {
  const sum = (resource: 'cpu' | 'memory') => {
    const apps = (spec?.containers ?? []).reduce((total, c) => total + containerRequest(c, resource), 0);
    const init = Math.max(0, ...(spec?.initContainers ?? []).map((c) => containerRequest(c, resource)));
    return Math.max(apps, init) + (parseQuantity(spec?.overhead?.[resource]) ?? 0);
  };
  return { cpu: sum('cpu'), memory: sum('memory'), pods: 1 };
}

/** The QoS class the API server and kubelet assign: Guaranteed, Burstable or BestEffort. */
export function qosClass(spec: PodSpecLike | undefined): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      const req = parseQuantity(requests[r]);
      const lim = parseQuantity(limits[r]);
      if (req !== undefined || lim !== undefined) any = true;
      // A missing request defaults to the limit; Guaranteed needs a limit equal to the request for both.
      if (lim === undefined || (req !== undefined && req !== lim)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
