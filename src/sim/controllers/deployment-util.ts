/**
 * Pure Deployment rollout arithmetic and status computation, following the upstream deployment controller's
 * util package: surge/unavailable fenceposts, new ReplicaSet sizing, proportional scaling, status and the
 * Available/Progressing condition transitions. No store access here; time comes in as `now`.
 */
import type { KubeObject } from '../store/types.js';
import { type Condition, type Json, type LabelSelectorSpec, byCreation, clone, findCondition, num, semanticEqual, simElapsedMs } from './util.js';

/** The label naming a ReplicaSet's pod template hash. */
export const podTemplateHashLabel = 'pod-template-hash';
/** Annotation with the rollout revision, on Deployments and ReplicaSets. */
export const revisionAnnotation = 'deployment.kubernetes.io/revision';
/** Annotation with earlier revisions of a ReplicaSet that was rolled back to. */
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
/** Annotation with the Deployment's replicas when the ReplicaSet was last scaled. */
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
/** Annotation with replicas + maxSurge when the ReplicaSet was last scaled. */
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';

/** Annotations never copied from a Deployment to its ReplicaSets. */
const annotationsToSkip = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  'deprecated.deployment.rollback.to',
]);

/** progressDeadlineSeconds meaning "no deadline" (math.MaxInt32). */
const noDeadline = 2147483647;

/** An int-or-percent field such as maxSurge. */
export type IntOrString = number | string;

/** The fields of apps/v1 DeploymentSpec the controller reads (JSON form). */
export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelectorSpec;
  template?: Json & { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } };
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
}

/** apps/v1 DeploymentStatus (JSON form). */
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
  collisionCount?: number;
}

/** The spec of a Deployment (empty when absent). */
export function deploymentSpec(d: KubeObject): DeploymentSpec {
  return (d.spec ?? {}) as DeploymentSpec;
}

/** The status of a Deployment (empty when absent). */
export function deploymentStatus(d: KubeObject): DeploymentStatus {
  return (d.status ?? {}) as DeploymentStatus;
}

/** Desired replicas (server default 1). */
export function desiredReplicas(d: KubeObject): number {
  return num(deploymentSpec(d).replicas, 1);
}

/** Whether the Deployment rolls (RollingUpdate, the default) rather than recreates. */
export function isRollingUpdate(d: KubeObject): boolean {
  return (deploymentSpec(d).strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/**
 * Resolves an int-or-percent against `total` (intstr.GetScaledValueFromIntOrPercent): percentages round up when
 * `roundUp` (maxSurge) and down otherwise (maxUnavailable). Throws on a string that is not a percentage.
 */
export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  const m = /^(-?\d+)%$/.exec(value.trim());
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage: "${value}"`);
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * maxSurge and maxUnavailable as absolute numbers for `desired` replicas (deploymentutil.ResolveFenceposts):
 * defaults 25% each; when both come out 0, one pod may be unavailable so the rollout can proceed.
 */
export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** maxSurge of a Deployment in pods (0 for Recreate). */
export function maxSurge(d: KubeObject): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = deploymentSpec(d).strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desiredReplicas(d)).surge;
}

/** maxUnavailable of a Deployment in pods, never above replicas (0 for Recreate or 0 replicas). */
export function maxUnavailable(d: KubeObject): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  const ru = deploymentSpec(d).strategy?.rollingUpdate;
  return Math.min(desired, resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desired).unavailable);
}

// ---------------------------------------------------------------------------------------------------------------
// ReplicaSet accessors

/** spec.replicas of a ReplicaSet (0 when absent: the controller always sets it). */
export function rsReplicas(rs: KubeObject | undefined): number {
  return rs ? num((rs.spec as Json | undefined)?.replicas, 0) : 0;
}

/** A status counter of a ReplicaSet. */
export function rsStatus(rs: KubeObject | undefined, field: 'replicas' | 'readyReplicas' | 'availableReplicas' | 'fullyLabeledReplicas'): number {
  return rs ? num((rs.status as Json | undefined)?.[field], 0) : 0;
}

/** The revision annotation of an object as a number (0 when absent or malformed). */
export function revisionOf(obj: KubeObject | undefined): number {
  const v = Number(obj?.metadata.annotations?.[revisionAnnotation]);
  return Number.isInteger(v) && v > 0 ? v : 0;
}

/** The template of an object without the pod-template-hash label (to compare Deployment and ReplicaSet templates). */
export function templateWithoutHash(template: unknown): unknown {
  const t = clone((template ?? {}) as Json & { metadata?: { labels?: Record<string, string> } });
  if (t.metadata?.labels) delete t.metadata.labels[podTemplateHashLabel];
  return t;
}

/** deploymentutil.EqualIgnoreHash: templates equal apart from the pod-template-hash label. */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  return semanticEqual(templateWithoutHash(a), templateWithoutHash(b));
}

/** The oldest ReplicaSet whose template matches the Deployment's (deploymentutil.FindNewReplicaSet). */
export function findNewReplicaSet(d: KubeObject, rsList: KubeObject[]): KubeObject | undefined {
  const template = deploymentSpec(d).template;
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash((rs.spec as Json | undefined)?.template, template));
}

/** ReplicaSets with spec.replicas > 0. */
export function activeReplicaSets(rsList: Array<KubeObject | undefined>): KubeObject[] {
  return rsList.filter((rs): rs is KubeObject => rs !== undefined && rsReplicas(rs) > 0);
}

/** Sum of spec.replicas. */
export function replicaCount(rsList: Array<KubeObject | undefined>): number {
  return rsList.reduce((n, rs) => n + rsReplicas(rs), 0);
}

/**
 * The size a new ReplicaSet should have now (deploymentutil.NewRSNewReplicas): for a rolling update, up to
 * replicas + maxSurge pods in total, never more than replicas in the new set; Recreate jumps straight to replicas.
 */
export function newRSNewReplicas(d: KubeObject, allRSs: Array<KubeObject | undefined>, newRS: KubeObject | undefined): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d)) return desired;
  const current = replicaCount(allRSs);
  const maxTotal = desired + maxSurge(d);
  if (current >= maxTotal) return rsReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, desired - rsReplicas(newRS));
  return rsReplicas(newRS) + scaleUp;
}

/**
 * How many old pods may go now without dropping below replicas - maxUnavailable, counting the new set's
 * unavailable pods as already missing (the first bound in reconcileOldReplicaSets).
 */
export function maxScaledDown(d: KubeObject, allRSs: Array<KubeObject | undefined>, newRS: KubeObject | undefined): number {
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = rsReplicas(newRS) - rsStatus(newRS, 'availableReplicas');
  return replicaCount(allRSs) - minAvailable - newUnavailable;
}

/** The one ReplicaSet with replicas, or the newest when none has any; undefined when several are active. */
export function findActiveOrLatest(newRS: KubeObject | undefined, oldRSs: KubeObject[]): KubeObject | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort(byCreation).reverse();
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** The desired-replicas annotation of a ReplicaSet, if present and numeric. */
export function desiredAnnotation(rs: KubeObject): number | undefined {
  const v = rs.metadata.annotations?.[desiredReplicasAnnotation];
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) ? n : undefined;
}

/** The new set runs all replicas, available, at the current desired count (deploymentutil.IsSaturated). */
export function isSaturated(d: KubeObject, newRS: KubeObject | undefined): boolean {
  if (!newRS) return false;
  const desired = desiredReplicas(d);
  return rsReplicas(newRS) === desired && desiredAnnotation(newRS) === desired && rsStatus(newRS, 'availableReplicas') === desired;
}

/**
 * New sizes for proportional scaling when replicas change in the middle of a rollout (the RollingUpdate branch
 * of DeploymentController.scale): extra (or fewer) pods are spread over the active sets in proportion to their
 * size at the last scaling, leftovers going to the largest (newest on ties when growing, oldest when shrinking).
 */
export function proportionalSizes(d: KubeObject, active: KubeObject[]): Map<string, number> {
  const desired = desiredReplicas(d);
  const surge = maxSurge(d);
  const allowed = desired > 0 ? desired + surge : 0;
  const toAdd = allowed - replicaCount(active);
  const sorted = [...active].sort((a, b) => {
    const bySize = rsReplicas(b) - rsReplicas(a);
    if (bySize !== 0) return bySize;
    return toAdd > 0 ? byCreation(b, a) : byCreation(a, b);
  });
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of sorted) {
    let proportion = 0;
    if (toAdd !== 0 && rsReplicas(rs) > 0 && toAdd !== added) {
      let fraction: number;
      if (desired === 0) fraction = -rsReplicas(rs);
      else {
        const annotated = Number(rs.metadata.annotations?.[maxReplicasAnnotation]);
        const base = Number.isInteger(annotated) && annotated > 0 ? annotated : num(deploymentStatus(d).replicas, 0);
        fraction = base > 0 ? Math.round((rsReplicas(rs) * (desired + surge)) / base) - rsReplicas(rs) : 0;
      }
      const allowedLeft = toAdd - added;
      proportion = toAdd > 0 ? Math.min(fraction, allowedLeft) : Math.max(fraction, allowedLeft);
    }
    sizes.set(rs.metadata.name, rsReplicas(rs) + proportion);
    added += proportion;
  }
  if (sorted.length > 0 && toAdd !== 0) {
    const first = sorted[0].metadata.name;
    sizes.set(first, Math.max(0, sizes.get(first)! + toAdd - added));
  }
  return sizes;
}

/**
 * ReplicaSet annotations as the Deployment wants them (SetNewReplicaSetAnnotations): the Deployment's own
 * annotations copied over, the revision raised to `newRevision` when lower (keeping the old one in
 * revision-history, which is what a rollback to an old template looks like), and on creation the replica
 * annotations. Returns the new map and whether anything changed.
 */
export function newReplicaSetAnnotations(
  d: KubeObject,
  current: Record<string, string> | undefined,
  newRevision: number,
  creating: boolean,
): { annotations: Record<string, string>; changed: boolean } {
  const out = { ...(current ?? {}) };
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (annotationsToSkip.has(k) || out[k] === v) continue;
    out[k] = v;
    changed = true;
  }
  const oldText = out[revisionAnnotation];
  const old = oldText === undefined ? 0 : Number(oldText);
  if (oldText !== undefined && !Number.isInteger(old)) return { annotations: out, changed };
  if (old < newRevision) {
    out[revisionAnnotation] = String(newRevision);
    changed = true;
    if (oldText !== undefined) {
      const history = out[revisionHistoryAnnotation];
      out[revisionHistoryAnnotation] = history ? `${history},${oldText}` : oldText;
    }
  }
  if (creating) {
    out[desiredReplicasAnnotation] = String(desiredReplicas(d));
    out[maxReplicasAnnotation] = String(desiredReplicas(d) + maxSurge(d));
    changed = true;
  }
  return { annotations: out, changed };
}

/** Replica annotations after scaling (SetReplicasAnnotations); undefined when they are already right. */
export function replicasAnnotations(d: KubeObject, rs: KubeObject): Record<string, string> | undefined {
  const desired = String(desiredReplicas(d));
  const max = String(desiredReplicas(d) + maxSurge(d));
  const a = rs.metadata.annotations ?? {};
  if (a[desiredReplicasAnnotation] === desired && a[maxReplicasAnnotation] === max) return undefined;
  return { ...a, [desiredReplicasAnnotation]: desired, [maxReplicasAnnotation]: max };
}

// ---------------------------------------------------------------------------------------------------------------
// Conditions and status

/** Condition reasons the deployment controller writes. */
export const reasons = {
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  newReplicaSetCreated: 'NewReplicaSetCreated',
  foundNewReplicaSet: 'FoundNewReplicaSet',
  replicaSetUpdated: 'ReplicaSetUpdated',
  newReplicaSetAvailable: 'NewReplicaSetAvailable',
  progressDeadlineExceeded: 'ProgressDeadlineExceeded',
  deploymentPaused: 'DeploymentPaused',
  deploymentResumed: 'DeploymentResumed',
} as const;

/** Kubernetes timestamps have second precision (metav1.Time). */
export function timestamp(now: Date): string {
  return new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A new Deployment condition stamped `now`. */
export function newDeploymentCondition(type: string, status: Condition['status'], reason: string, message: string, now: Date): Condition {
  const t = timestamp(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/**
 * Sets a condition (deploymentutil.SetDeploymentCondition): no change when status and reason are unchanged;
 * lastTransitionTime kept when only the reason changes. Returns a new list.
 */
export function setDeploymentCondition(conditions: Condition[] | undefined, cond: Condition): Condition[] {
  const list = conditions ?? [];
  const current = findCondition(list, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return list;
  const next = current && current.status === cond.status ? { ...cond, lastTransitionTime: current.lastTransitionTime } : cond;
  return [...list.filter((c) => c.type !== cond.type), next];
}

/** Removes a condition type. */
export function removeCondition(conditions: Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/** Whether the Deployment has a progress deadline. */
export function hasProgressDeadline(d: KubeObject): boolean {
  const s = deploymentSpec(d).progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== noDeadline;
}

/** progressDeadlineSeconds with the server default (600). */
export function progressDeadlineSeconds(d: KubeObject): number {
  return num(deploymentSpec(d).progressDeadlineSeconds, 600);
}

/**
 * The Deployment's status computed from its ReplicaSets (calculateStatus): counters summed over all sets,
 * updatedReplicas from the new one, and the Available condition from replicas - maxUnavailable.
 */
export function calculateStatus(d: KubeObject, allRSs: KubeObject[], newRS: KubeObject | undefined, now: Date): DeploymentStatus {
  const available = allRSs.reduce((n, rs) => n + rsStatus(rs, 'availableReplicas'), 0);
  const total = replicaCount(allRSs);
  const prev = deploymentStatus(d);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: allRSs.reduce((n, rs) => n + rsStatus(rs, 'replicas'), 0),
    updatedReplicas: rsStatus(newRS, 'replicas'),
    readyReplicas: allRSs.reduce((n, rs) => n + rsStatus(rs, 'readyReplicas'), 0),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    conditions: clone(prev.conditions ?? []),
    ...(prev.collisionCount !== undefined ? { collisionCount: prev.collisionCount } : {}),
  };
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  status.conditions =
    available >= minAvailable
      ? setDeploymentCondition(status.conditions, newDeploymentCondition('Available', 'True', reasons.minimumReplicasAvailable, 'Deployment has minimum availability.', now))
      : setDeploymentCondition(status.conditions, newDeploymentCondition('Available', 'False', reasons.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  // getReplicaFailures: the new ReplicaSet's ReplicaFailure condition (else an old one's) is copied over.
  const failure = [newRS, ...allRSs]
    .map((rs) => findCondition((rs?.status as { conditions?: Condition[] } | undefined)?.conditions, 'ReplicaFailure'))
    .find((c) => c !== undefined);
  status.conditions = failure
    ? setDeploymentCondition(status.conditions, { ...failure, lastUpdateTime: failure.lastTransitionTime })
    : removeCondition(status.conditions, 'ReplicaFailure');
  return status;
}

/** All replicas updated, available and observed (deploymentutil.DeploymentComplete). */
export function deploymentComplete(d: KubeObject, s: DeploymentStatus): boolean {
  const desired = desiredReplicas(d);
  return (
    num(s.updatedReplicas, 0) === desired &&
    num(s.replicas, 0) === desired &&
    num(s.availableReplicas, 0) === desired &&
    num(s.observedGeneration, 0) >= num(d.metadata.generation, 0)
  );
}

/** The new status shows progress against the old one (deploymentutil.DeploymentProgressing). */
export function deploymentProgressing(d: KubeObject, s: DeploymentStatus): boolean {
  const old = deploymentStatus(d);
  const oldOld = num(old.replicas, 0) - num(old.updatedReplicas, 0);
  const newOld = num(s.replicas, 0) - num(s.updatedReplicas, 0);
  return (
    num(s.updatedReplicas, 0) > num(old.updatedReplicas, 0) ||
    newOld < oldOld ||
    num(s.readyReplicas, 0) > num(old.readyReplicas, 0) ||
    num(s.availableReplicas, 0) > num(old.availableReplicas, 0)
  );
}

/**
 * Simulated ms since the Progressing condition's lastUpdateTime. `sinceMs`, when given, is the exact wall-clock
 * instant behind that second-precision timestamp (the controller remembers it; it matters at high time scales).
 */
function progressElapsed(cond: Condition, now: Date, timeScale: number, sinceMs?: number): number {
  return sinceMs !== undefined ? (now.getTime() - sinceMs) * timeScale : simElapsedMs(cond.lastUpdateTime, now, timeScale);
}

/** No progress for progressDeadlineSeconds since the Progressing condition was last updated (DeploymentTimedOut). */
export function deploymentTimedOut(d: KubeObject, s: DeploymentStatus, now: Date, timeScale: number, sinceMs?: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = findCondition(s.conditions, 'Progressing');
  if (!cond) return false;
  if (cond.reason === reasons.newReplicaSetAvailable) return false;
  if (cond.reason === reasons.progressDeadlineExceeded) return true;
  return progressElapsed(cond, now, timeScale, sinceMs) > progressDeadlineSeconds(d) * 1000;
}

/**
 * The status after a rollout step (syncRolloutStatus): calculateStatus plus the Progressing condition —
 * NewReplicaSetAvailable when complete, ReplicaSetUpdated while progressing, ProgressDeadlineExceeded once
 * stuck past the deadline.
 */
export function rolloutStatus(
  d: KubeObject,
  allRSs: KubeObject[],
  newRS: KubeObject | undefined,
  now: Date,
  timeScale: number,
  sinceMs?: number,
): DeploymentStatus {
  const s = calculateStatus(d, allRSs, newRS, now);
  if (!hasProgressDeadline(d)) s.conditions = removeCondition(s.conditions, 'Progressing');
  const current = findCondition(s.conditions, 'Progressing');
  const isComplete = num(s.replicas, 0) === num(s.updatedReplicas, 0) && current?.reason === reasons.newReplicaSetAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    if (deploymentComplete(d, s)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : 'Deployment has successfully progressed.';
      s.conditions = setDeploymentCondition(s.conditions, newDeploymentCondition('Progressing', 'True', reasons.newReplicaSetAvailable, msg, now));
    } else if (deploymentProgressing(d, s)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : 'Deployment is progressing.';
      const cond = newDeploymentCondition('Progressing', 'True', reasons.replicaSetUpdated, msg, now);
      // Progress refreshes lastUpdateTime even when the reason stays: that is what pushes the deadline out.
      if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
      s.conditions = [...removeCondition(s.conditions, 'Progressing'), cond];
    } else if (deploymentTimedOut(d, s, now, timeScale, sinceMs)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      s.conditions = setDeploymentCondition(s.conditions, newDeploymentCondition('Progressing', 'False', reasons.progressDeadlineExceeded, msg, now));
    }
  }
  return s;
}

/**
 * Simulated milliseconds until the progress deadline of a Deployment still progressing, or undefined when no
 * check is due (requeueStuckDeployment).
 */
export function msUntilProgressDeadline(d: KubeObject, s: DeploymentStatus, now: Date, timeScale: number, sinceMs?: number): number | undefined {
  const cond = findCondition(s.conditions, 'Progressing');
  if (!hasProgressDeadline(d) || !cond || cond.status !== 'True' || cond.reason === reasons.newReplicaSetAvailable) return undefined;
  if (deploymentComplete(d, s)) return undefined;
  return Math.max(0, progressDeadlineSeconds(d) * 1000 - progressElapsed(cond, now, timeScale, sinceMs));
}

/** Status as the API server serialises it: zero counters are omitted (omitempty), conditions kept. */
export function compactStatus(s: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
    if (s[k]) out[k] = s[k];
  }
  if (s.conditions && s.conditions.length > 0) out.conditions = s.conditions;
  if (s.collisionCount) out.collisionCount = s.collisionCount;
  return out;
}
