import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { ClusterSnapshot } from '../health/types.js';

/**
 * The forced StatefulSet rollback, as pure decisions over cluster snapshots. With `podManagementPolicy:
 * OrderedReady` (the default) and a RollingUpdate strategy, a pod of a new revision that never turns ready
 * blocks the controller: after the template is reverted it waits for that pod to become ready before replacing
 * it, forever. Kubernetes documents the way out: once the template is reverted, delete the pods the bad revision
 * created. These functions say which StatefulSets are stuck that way and which pod to delete next, one ordinal
 * at a time (highest first, each replacement ready before the next deletion).
 */

/** A StatefulSet found stuck on a revision before the rollback, and that revision. */
export interface StuckStatefulSet {
  namespace: string;
  name: string;
  uid: string;
  /** `status.updateRevision` when the rollback started: the ControllerRevision of the failed template. */
  badRevision: string;
  /** Pods of that revision that were not ready then (names, for the message). */
  notReady: string[];
}

/** A pod to delete now. */
export interface ForcedDeletion {
  namespace: string;
  name: string;
  uid: string;
  statefulSet: string;
  /** The pod's `controller-revision-hash` (the failed revision). */
  revision: string;
}

/** What to do next for one StatefulSet. */
export type ForceStep =
  | { action: 'delete'; pod: ForcedDeletion }
  /** The template is not reverted yet, or the last replacement is not ready yet. */
  | { action: 'wait'; why: string }
  /** No pod of the failed revision is left not ready (or the StatefulSet is gone). */
  | { action: 'done' };

const REVISION_LABEL = 'controller-revision-hash';

/** True when the pod's Ready condition is True. */
export function podReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The pod's ordinal (label `apps.kubernetes.io/pod-index`, else the name's numeric suffix); -1 when unknown. */
export function podOrdinal(pod: V1Pod): number {
  const label = pod.metadata?.labels?.['apps.kubernetes.io/pod-index'];
  const text = label ?? /-(\d+)$/.exec(pod.metadata?.name ?? '')?.[1];
  return text === undefined ? -1 : Number(text);
}

function controlledBy(pod: V1Pod, uid: string): boolean {
  return (pod.metadata?.ownerReferences ?? []).some((o) => o.controller && o.uid === uid);
}

function forcesApply(sts: V1StatefulSet): boolean {
  return (sts.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady' && (sts.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

function belongsTo(sts: V1StatefulSet, release: string, namespace: string): boolean {
  const a = sts.metadata?.annotations ?? {};
  return a['meta.helm.sh/release-name'] === release && (a['meta.helm.sh/release-namespace'] ?? sts.metadata?.namespace) === namespace;
}

/**
 * The release's StatefulSets (by helm's `meta.helm.sh/release-*` annotations) that are OrderedReady with a
 * RollingUpdate strategy, in the middle of an update (`updateRevision != currentRevision`) and with at least
 * one not-ready pod of the update revision: the ones a plain rollback leaves stuck.
 */
export function findStuckStatefulSets(snapshot: ClusterSnapshot, release: string, namespace: string): StuckStatefulSet[] {
  const stuck: StuckStatefulSet[] = [];
  for (const sts of snapshot.statefulSets) {
    const uid = sts.metadata?.uid;
    const bad = sts.status?.updateRevision;
    if (!uid || !bad || bad === sts.status?.currentRevision || !forcesApply(sts) || !belongsTo(sts, release, namespace)) continue;
    const notReady = snapshot.pods
      .filter((p) => controlledBy(p, uid) && p.metadata?.labels?.[REVISION_LABEL] === bad && !podReady(p))
      .map((p) => p.metadata?.name ?? '');
    if (notReady.length === 0) continue;
    stuck.push({ namespace: sts.metadata?.namespace ?? namespace, name: sts.metadata?.name ?? '', uid, badRevision: bad, notReady: notReady.sort() });
  }
  return stuck;
}

/**
 * The next step for one stuck StatefulSet. `last` is the pod deleted before (undefined at first): until a
 * replacement of it under the same name is ready, nothing else is deleted.
 */
export function nextForcedStep(snapshot: ClusterSnapshot, stuck: StuckStatefulSet, last?: ForcedDeletion): ForceStep {
  const sts = snapshot.statefulSets.find((s) => s.metadata?.uid === stuck.uid);
  if (!sts || sts.metadata?.deletionTimestamp) return { action: 'done' };
  const generation = sts.metadata?.generation ?? 0;
  const observed = sts.status?.observedGeneration ?? 0;
  if (observed < generation || sts.status?.updateRevision === stuck.badRevision) {
    return { action: 'wait', why: `StatefulSet/${stuck.name} still has the failed template (revision ${stuck.badRevision})` };
  }
  const pods = snapshot.pods.filter((p) => controlledBy(p, stuck.uid));
  if (last) {
    const now = pods.find((p) => p.metadata?.name === last.name);
    if (!now || now.metadata?.uid === last.uid) return { action: 'wait', why: `pod ${last.name} is being replaced` };
    if (!podReady(now) && now.metadata?.labels?.[REVISION_LABEL] !== stuck.badRevision) return { action: 'wait', why: `replacement pod ${last.name} is not ready yet` };
  }
  const candidates = pods
    .filter((p) => p.metadata?.labels?.[REVISION_LABEL] === stuck.badRevision && !podReady(p) && !p.metadata?.deletionTimestamp && p.metadata?.uid)
    .sort((a, b) => podOrdinal(b) - podOrdinal(a));
  const pod = candidates[0];
  if (!pod) return { action: 'done' };
  return {
    action: 'delete',
    pod: { namespace: stuck.namespace, name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '', statefulSet: stuck.name, revision: stuck.badRevision },
  };
}
