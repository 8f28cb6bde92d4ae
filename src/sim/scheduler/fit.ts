import type { KubeObject } from '../store/types.js';
import { parseQuantity, podRequests, type ResourceAmounts } from './resources.js';

/**
 * The scheduler's decision, pure: filter nodes as kube-scheduler's default plugins do (NodeUnschedulable,
 * TaintToleration, NodeAffinity incl. nodeSelector, NodeResourcesFit), score the survivors by least allocated
 * resources, and word a failure exactly like kube-scheduler's FitError plus the preemption post-filter.
 */

/** A node and what the pods already bound to it request. */
export interface NodeInfo {
  node: KubeObject;
  requested: ResourceAmounts;
}

/** The outcome for one pod. */
export type Placement = { nodeName: string } | { unschedulable: string };

interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
}

interface Taint {
  key: string;
  value?: string;
  effect: string;
}

interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

interface PodSpecLike {
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } };
  containers?: unknown[];
  initContainers?: unknown[];
}

/** Filter failures; `unresolvable` ones make preemption "not helpful". */
interface Failure {
  reason: string;
  unresolvable: boolean;
}

/** Whether a toleration tolerates a taint (core/v1 Toleration.ToleratesTaint). */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(r.values?.[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(r.values?.[0]);
    default:
      return false;
  }
}

/** nodeSelector and required node affinity (terms ORed, requirements ANDed; matchFields on metadata.name). */
export function matchesNodeSelection(spec: PodSpecLike, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some((term) => {
    const exprs = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) return false;
    return (
      exprs.every((r) => requirementMatches(r, labels[r.key])) &&
      fields.every((r) => requirementMatches(r, r.key === 'metadata.name' ? node.metadata.name : undefined))
    );
  });
}

function allocatable(node: KubeObject): ResourceAmounts {
  const a = ((node.status as { allocatable?: Record<string, unknown> } | undefined)?.allocatable ?? {}) as Record<string, unknown>;
  return { cpu: parseQuantity(a.cpu) ?? 0, memory: parseQuantity(a.memory) ?? 0, pods: parseQuantity(a.pods) ?? 0 };
}

/** Why a node cannot take the pod (empty when it fits), in kube-scheduler's words. */
export function filterNode(spec: PodSpecLike, info: NodeInfo): Failure[] {
  const node = info.node;
  const nodeSpec = (node.spec ?? {}) as { unschedulable?: boolean; taints?: Taint[] };
  if (nodeSpec.unschedulable && !(spec.tolerations ?? []).some((t) => tolerates(t, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }))) {
    return [{ reason: 'node(s) were unschedulable', unresolvable: true }];
  }
  const untolerated = (nodeSpec.taints ?? []).find(
    (taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !(spec.tolerations ?? []).some((t) => tolerates(t, taint)),
  );
  if (untolerated) return [{ reason: `node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ''}}`, unresolvable: true }];
  if (!matchesNodeSelection(spec, node)) return [{ reason: "node(s) didn't match Pod's node affinity/selector", unresolvable: true }];
  const want = podRequests(spec as Parameters<typeof podRequests>[0]);
  const have = allocatable(node);
  const failures: Failure[] = [];
  if (info.requested.pods + 1 > have.pods) failures.push({ reason: 'Too many pods', unresolvable: false });
  // Compare in milli-cores and whole bytes to dodge floating-point noise.
  if (want.cpu > 0 && Math.round((info.requested.cpu + want.cpu) * 1000) > Math.round(have.cpu * 1000)) {
    failures.push({ reason: 'Insufficient cpu', unresolvable: false });
  }
  if (want.memory > 0 && Math.round(info.requested.memory + want.memory) > Math.round(have.memory)) {
    failures.push({ reason: 'Insufficient memory', unresolvable: false });
  }
  return failures;
}

function summarize(counts: Map<string, number>): string {
  return [...counts.entries()]
    .map(([reason, n]) => `${n} ${reason}`)
    .sort()
    .join(', ');
}

/** Chooses a node for the pod, or explains why none fits. Nodes are considered in the order given for ties. */
export function placePod(pod: KubeObject, nodes: NodeInfo[]): Placement {
  const spec = (pod.spec ?? {}) as PodSpecLike;
  const want = podRequests(spec as Parameters<typeof podRequests>[0]);
  const reasons = new Map<string, number>();
  const preemption = new Map<string, number>();
  let best: { name: string; score: number } | undefined;
  for (const info of nodes) {
    const failures = filterNode(spec, info);
    if (failures.length === 0) {
      const have = allocatable(info.node);
      const share = (used: number, total: number) => (total > 0 ? used / total : 1);
      // LeastAllocated: prefer the node with the most room left after placing the pod; pods count as a tie-breaker.
      const score =
        (share(info.requested.cpu + want.cpu, have.cpu) + share(info.requested.memory + want.memory, have.memory)) / 2 +
        share(info.requested.pods + 1, have.pods) / 1000;
      if (!best || score < best.score) best = { name: info.node.metadata.name, score };
      continue;
    }
    for (const f of failures) reasons.set(f.reason, (reasons.get(f.reason) ?? 0) + 1);
    const why = failures.some((f) => f.unresolvable) ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod';
    preemption.set(why, (preemption.get(why) ?? 0) + 1);
  }
  if (best) return { nodeName: best.name };
  const n = nodes.length;
  if (n === 0) return { unschedulable: 'no nodes available to schedule pods' };
  return {
    unschedulable: `0/${n} nodes are available: ${summarize(reasons)}. preemption: 0/${n} nodes are available: ${summarize(preemption)}.`,
  };
}

/** Sums what the non-terminal pods bound to each node request. */
export function nodeInfos(nodes: KubeObject[], pods: KubeObject[]): NodeInfo[] {
  const byNode = new Map<string, ResourceAmounts>(nodes.map((n) => [n.metadata.name, { cpu: 0, memory: 0, pods: 0 }]));
  for (const p of pods) {
    const nodeName = (p.spec as { nodeName?: string } | undefined)?.nodeName;
    const phase = (p.status as { phase?: string } | undefined)?.phase;
    const used = nodeName ? byNode.get(nodeName) : undefined;
    if (!used || phase === 'Succeeded' || phase === 'Failed') continue;
    const r = podRequests(p.spec as Parameters<typeof podRequests>[0]);
    used.cpu += r.cpu;
    used.memory += r.memory;
    used.pods += 1;
  }
  return nodes.map((node) => ({ node, requested: byNode.get(node.metadata.name)! }));
}
