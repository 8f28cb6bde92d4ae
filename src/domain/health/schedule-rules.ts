import type { V1Node, V1Pod, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { parseQuantity } from './kube-util.js';

/**
 * Whether a pod could never be scheduled on any node of the cluster as it is, whatever else runs there: its
 * requests exceed every node's allocatable, or its node selector / required node affinity matches no node, or
 * every node carries a NoSchedule/NoExecute taint it does not tolerate. Returns why (one line), or undefined
 * when some node could take it once there is room. Cordoned nodes count as possible (they may be uncordoned).
 * With a cluster autoscaler a new node may appear, so callers use this only when none is present.
 */
export function neverSchedulable(pod: V1Pod, nodes: readonly V1Node[]): string | undefined {
  if (nodes.length === 0) return undefined;
  const need = podRequests(pod);
  const reasons = new Map<string, number>();
  const count = (why: string) => reasons.set(why, (reasons.get(why) ?? 0) + 1);
  for (const node of nodes) {
    const why = whyNot(pod, node, need);
    if (!why) return undefined;
    count(why);
  }
  const summary = [...reasons.entries()].map(([why, n]) => `${n} ${why}`).join(', ');
  return `no node can ever fit it (${nodes.length} nodes: ${summary})`;
}

function whyNot(pod: V1Pod, node: V1Node, need: { cpu: number; memory: number }): string | undefined {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) {
    if (labels[k] !== v) return "don't match the node selector";
  }
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && terms.length > 0 && !terms.some((t) => (t.matchExpressions ?? []).every((e) => matchesExpression(labels, e)))) {
    return "don't match the required node affinity";
  }
  const untolerated = (node.spec?.taints ?? []).find(
    (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !(pod.spec?.tolerations ?? []).some((tol) => tolerates(tol, t)),
  );
  if (untolerated) return `have a taint it does not tolerate (${untolerated.key}${untolerated.value ? `=${untolerated.value}` : ''}:${untolerated.effect})`;
  const allocatable = node.status?.allocatable ?? node.status?.capacity ?? {};
  const cpu = parseQuantity(allocatable.cpu);
  const memory = parseQuantity(allocatable.memory);
  if (cpu !== undefined && need.cpu > cpu) return 'have less allocatable cpu than it requests';
  if (memory !== undefined && need.memory > memory) return 'have less allocatable memory than it requests';
  return undefined;
}

function matchesExpression(labels: Record<string, string>, e: { key: string; operator: string; values?: string[] }): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, e.key);
  const v = labels[e.key];
  switch (e.operator) {
    case 'In':
      return has && (e.values ?? []).includes(v as string);
    case 'NotIn':
      return !has || !(e.values ?? []).includes(v as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      const n = Number(v);
      const bound = Number(e.values?.[0]);
      return has && Number.isFinite(n) && (e.operator === 'Gt' ? n > bound : n < bound);
    }
    default:
      return false;
  }
}

function tolerates(tol: V1Toleration, taint: V1Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (!tol.key) return tol.operator === 'Exists';
  if (tol.key !== taint.key) return false;
  return tol.operator === 'Exists' || (tol.value ?? '') === (taint.value ?? '');
}

/** The scheduler's view of a pod's requests: app containers summed, or the largest init container, plus overhead. */
function podRequests(pod: V1Pod): { cpu: number; memory: number } {
  const amount = (c: { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }, r: 'cpu' | 'memory') =>
    parseQuantity(c.resources?.requests?.[r]) ?? parseQuantity(c.resources?.limits?.[r]) ?? 0;
  const sum = (r: 'cpu' | 'memory') =>
    Math.max(
      (pod.spec?.containers ?? []).reduce((n, c) => n + amount(c, r), 0),
      ...(pod.spec?.initContainers ?? []).map((c) => amount(c, r)),
    ) + (parseQuantity(pod.spec?.overhead?.[r]) ?? 0);
  return { cpu: sum('cpu'), memory: sum('memory') };
}
