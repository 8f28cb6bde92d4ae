/**
 * The post-rollout form of the verdict engine: health of a release that already rolled out, judged while a
 * watchdog bakes it. The rollout rules (evaluate.ts) ask "did the new revision come up?"; these ask "is it
 * staying up?": restarts growing since the watchdog armed, CrashLoopBackOff (also one that began before arming), OOMKilled, pods that left Ready
 * for longer than a grace, evictions, a Deployment that lost availability for longer than a grace. Nothing
 * fires on a single flap: restarts need a count, unready pods and unavailable Deployments need a grace.
 * Pure: the caller passes `now` and carries {@link BakeMemory} from one evaluation to the next.
 */
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { objectName, type WorkloadRef } from '../manifest/workload-ref.js';
import { findCondition, formatDuration, latestInstant, toDate } from './kube-util.js';
import { podEnded } from './pod-rules.js';
import { DEFAULT_HEALTH_OPTIONS, type ClusterSnapshot, type WorkloadProgress } from './types.js';
import { assessWorkload } from './workload-rules.js';

/** The bake rules' thresholds, each behind a flag of `watchdog` (and `upgrade --watchdog`). */
export interface BakeOptions {
  /** Restarts of one container since the watchdog armed at which the bake fails (`--max-restarts`, default 2). */
  maxRestarts: number;
  /** How long a pod may stay not Ready after leaving Ready (or after it was created) (`--unready-grace`, default 30 s). */
  unreadyGraceMs: number;
  /** How long a Deployment may stay below its availability (`--unavailable-grace`, default 30 s). */
  unavailableGraceMs: number;
  /** Pods of the release evicted during the bake at which it fails (`--max-evictions`, default 2). */
  maxEvictions: number;
}

/** The defaults of {@link BakeOptions}, matching the flags' documented defaults. */
export const DEFAULT_BAKE_OPTIONS: Readonly<BakeOptions> = Object.freeze({
  maxRestarts: 2,
  unreadyGraceMs: 30_000,
  unavailableGraceMs: 30_000,
  maxEvictions: 2,
});

/** Why a bake failed; the codes appear verbatim in reports and the ledger. */
export type BakeFailureReason =
  | 'CrashLoopBackOff'
  | 'OOMKilled'
  | 'RestartsGrowing'
  | 'PodNotReady'
  | 'Evicted'
  | 'DeploymentUnavailable';

/** The evidence of a failed bake. */
export interface BakeFailure {
  reason: BakeFailureReason;
  /** `Kind/name` of the object that showed it. */
  object: string;
  container?: string;
  message: string;
  /** When the evidence first appeared (for a grace rule: when the condition began). */
  firstSignalAt: Date;
}

/** What the cluster looked like when the watchdog armed: restarts already counted are not the bake's. */
export interface BakeBaseline {
  armedAt: Date;
  /** restartCount per `podUid/container` at arming. */
  restarts: Readonly<Record<string, number>>;
  /** Uids of pods already evicted at arming. */
  evicted: readonly string[];
}

/**
 * What one evaluation remembers for the next: when a condition with no timestamp of its own (a Deployment
 * below `replicas - maxUnavailable`) was first seen. Keys disappear when the condition clears.
 */
export interface BakeMemory {
  readonly firstSeen: Readonly<Record<string, number>>;
}

/** An empty memory. */
export const EMPTY_BAKE_MEMORY: BakeMemory = Object.freeze({ firstSeen: Object.freeze({}) });

/** One pod of the release as the watchdog view lists it. */
export interface BakePod {
  name: string;
  owner: string;
  ready: boolean;
  /** Sum of restartCount over its containers. */
  restarts: number;
  /** Restarts since the watchdog armed. */
  restartsSinceArmed: number;
  reason?: string;
}

/** The bake verdict at one instant. */
export interface BakeVerdict {
  /** `healthy`: no signal; `suspect`: a signal whose grace has not run out; `degraded`: a rule fired. */
  state: 'healthy' | 'suspect' | 'degraded';
  failure?: BakeFailure;
  /** The earliest moment a grace runs out without any cluster change. */
  recheckAt?: Date;
  workloads: WorkloadProgress[];
  pods: BakePod[];
  memory: BakeMemory;
}

/** Input of {@link evaluateBake}. */
export interface BakeInput {
  /** The deployed revision's workloads (hooks and Jobs are ignored). */
  workloads: readonly WorkloadRef[];
  snapshot: ClusterSnapshot;
  options: BakeOptions;
  baseline: BakeBaseline;
  memory: BakeMemory;
  now: Date;
}

const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Pod']);

/** Pods of the release's long-running workloads (current template only), by workload. */
function releasePods(workloads: readonly WorkloadRef[], snapshot: ClusterSnapshot, now: Date) {
  return workloads
    .filter((w) => !w.hook && LONG_RUNNING.has(w.kind))
    .map((ref) => assessWorkload(ref, { snapshot, options: DEFAULT_HEALTH_OPTIONS, startedAt: now, now }));
}

/** The baseline for a watchdog arming now: restart counts and evicted pods that predate it. */
export function bakeBaseline(workloads: readonly WorkloadRef[], snapshot: ClusterSnapshot, armedAt: Date): BakeBaseline {
  const restarts: Record<string, number> = {};
  const evicted: string[] = [];
  for (const a of releasePods(workloads, snapshot, armedAt)) {
    for (const p of a.pods) {
      const uid = p.metadata?.uid ?? p.metadata?.name ?? '';
      if (evictedPod(p)) evicted.push(uid);
      for (const c of p.status?.containerStatuses ?? []) restarts[`${uid}/${c.name}`] = c.restartCount ?? 0;
    }
  }
  return { armedAt, restarts, evicted };
}

/** Judges the release's health during the bake. Pure; the same input gives the same verdict. */
export function evaluateBake(input: BakeInput): BakeVerdict {
  const { snapshot, options, baseline, now } = input;
  const assessments = releasePods(input.workloads, snapshot, now);
  const failures: BakeFailure[] = [];
  const due: number[] = [];
  const firstSeen: Record<string, number> = {};
  const pods: BakePod[] = [];
  const armed = baseline.armedAt.getTime();
  let evictions: V1Pod[] = [];

  for (const a of assessments) {
    const owner = objectName(a.ref);
    for (const p of a.pods) {
      const uid = p.metadata?.uid ?? p.metadata?.name ?? '';
      const object = `Pod/${p.metadata?.name ?? ''}`;
      const statuses = p.status?.containerStatuses ?? [];
      let sinceArmed = 0;
      let reason: string | undefined;
      for (const c of statuses) {
        const base = baseline.restarts[`${uid}/${c.name}`] ?? 0;
        const grown = Math.max(0, (c.restartCount ?? 0) - base);
        sinceArmed += grown;
        const last = c.lastState?.terminated;
        const oom = c.state?.terminated?.reason === 'OOMKilled' ? c.state.terminated : last?.reason === 'OOMKilled' ? last : undefined;
        const oomAt = toDate(oom?.finishedAt);
        reason ??= c.state?.waiting?.reason ?? c.state?.terminated?.reason;
        if (oom && oomAt && latestInstant(oomAt) > armed) {
          failures.push({ reason: 'OOMKilled', object, container: c.name, message: `container ${c.name} was OOM-killed during the bake (exit code ${oom.exitCode ?? 137}, ${grown} restarts since armed)`, firstSignalAt: oomAt });
        } else if (c.state?.waiting?.reason === 'CrashLoopBackOff') {
          // Crash-looping now is degraded now, also when the loop began before arming (e.g. a watchdog armed on a
          // revision plain helm deployed): its restarts may grow too slowly, under a long back-off, to count.
          const since = grown > 0 ? `${grown} restarts since armed` : `crash-looping since before the watchdog armed, ${c.restartCount ?? 0} restarts`;
          const crashedAt = toDate(last?.finishedAt) ?? now;
          failures.push({ reason: 'CrashLoopBackOff', object, container: c.name, message: `${c.state.waiting.message ?? 'back-off restarting failed container'} (${since})`, firstSignalAt: grown > 0 ? crashedAt : new Date(Math.max(crashedAt.getTime(), armed)) });
        } else if (grown >= options.maxRestarts) {
          failures.push({ reason: 'RestartsGrowing', object, container: c.name, message: `container ${c.name} restarted ${grown} times since the watchdog armed (max ${options.maxRestarts})`, firstSignalAt: toDate(last?.finishedAt) ?? now });
        }
      }
      const ready = findCondition(p.status?.conditions, 'Ready');
      const isReady = ready?.status === 'True';
      if (evictedPod(p)) {
        reason = 'Evicted';
        if (!baseline.evicted.includes(uid)) evictions.push(p);
      } else if (!podEnded(p) && !isReady) {
        const created = toDate(p.metadata?.creationTimestamp)?.getTime() ?? armed;
        const since = Math.max(toDate(ready?.lastTransitionTime)?.getTime() ?? created, created, armed);
        const end = latestInstant(new Date(since)) + options.unreadyGraceMs;
        if (now.getTime() >= end) {
          failures.push({ reason: 'PodNotReady', object, message: `not Ready for ${formatDuration(now.getTime() - since)} (grace ${formatDuration(options.unreadyGraceMs)})${ready?.message ? `: ${ready.message}` : ''}`, firstSignalAt: new Date(since) });
        } else due.push(end);
      }
      pods.push({ name: p.metadata?.name ?? '', owner, ready: isReady, restarts: statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0), restartsSinceArmed: sinceArmed, ...(reason ? { reason } : {}) });
    }
    if (a.ref.kind === 'Deployment') {
      const live = snapshot.deployments.find((d) => d.metadata?.name === a.ref.name && (d.metadata?.namespace ?? a.ref.namespace) === a.ref.namespace);
      if (live) {
        const found = deploymentAvailability(live, input, firstSeen);
        if (found.failure) failures.push(found.failure);
        if (found.dueAt !== undefined) due.push(found.dueAt);
      }
    }
  }
  evictions = evictions.sort((x, y) => (x.metadata?.name ?? '').localeCompare(y.metadata?.name ?? ''));
  if (evictions.length >= options.maxEvictions) {
    const first = evictions[0] as V1Pod;
    failures.push({ reason: 'Evicted', object: `Pod/${first.metadata?.name ?? ''}`, message: `${evictions.length} pods evicted during the bake (max ${options.maxEvictions}): ${first.status?.message ?? 'Evicted'}`, firstSignalAt: toDate(first.status?.startTime) ?? now });
  }
  const workloads = assessments.map((a) => a.progress);
  const memory: BakeMemory = { firstSeen };
  if (failures.length > 0) {
    const failure = [...failures].sort((x, y) => x.firstSignalAt.getTime() - y.firstSignalAt.getTime() || x.object.localeCompare(y.object))[0] as BakeFailure;
    return { state: 'degraded', failure, workloads, pods, memory };
  }
  const next = due.filter((t) => t > now.getTime());
  const recheck = next.length > 0 ? { recheckAt: new Date(Math.min(...next)) } : {};
  return { state: due.length > 0 ? 'suspect' : 'healthy', ...recheck, workloads, pods, memory };
}

function evictedPod(p: V1Pod): boolean {
  return p.status?.phase === 'Failed' && p.status?.reason === 'Evicted';
}

/**
 * `maxUnavailable` as the deployment controller resolves it: an int, or a percentage of replicas rounded
 * down (default 25%); 0 for the Recreate strategy.
 */
export function maxUnavailable(d: V1Deployment): number {
  const replicas = d.spec?.replicas ?? 1;
  if (d.spec?.strategy?.type === 'Recreate' || replicas === 0) return 0;
  const raw = d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? '25%';
  const value = typeof raw === 'number' ? raw : /^\d+%$/.test(raw) ? Math.floor((replicas * parseInt(raw, 10)) / 100) : Number(raw);
  return Number.isFinite(value) ? Math.min(replicas, Math.max(0, value)) : 0;
}

/** Available=False, or ready below `replicas - maxUnavailable`, for longer than the grace. */
function deploymentAvailability(
  d: V1Deployment,
  input: BakeInput,
  firstSeen: Record<string, number>,
): { failure?: BakeFailure; dueAt?: number } {
  const { now, options, baseline, memory } = input;
  const object = `Deployment/${d.metadata?.name ?? ''}`;
  const armed = baseline.armedAt.getTime();
  const replicas = d.spec?.replicas ?? 1;
  const minAvailable = replicas - maxUnavailable(d);
  const ready = d.status?.readyReplicas ?? 0;
  const available = findCondition(d.status?.conditions, 'Available');
  let since: number | undefined;
  let what = '';
  if (available?.status === 'False') {
    since = Math.max(toDate(available.lastTransitionTime)?.getTime() ?? now.getTime(), armed);
    what = `Available=False (${available.reason ?? 'MinimumReplicasUnavailable'})`;
  } else if (ready < minAvailable) {
    const key = `${object}/below`;
    since = memory.firstSeen[key] ?? now.getTime();
    firstSeen[key] = since;
    what = `${ready}/${replicas} ready, below the ${minAvailable} it needs (replicas - maxUnavailable)`;
  }
  if (since === undefined) return {};
  const end = latestInstant(new Date(since)) + options.unavailableGraceMs;
  if (now.getTime() < end) return { dueAt: end };
  return {
    failure: { reason: 'DeploymentUnavailable', object, message: `${what} for ${formatDuration(now.getTime() - since)} (grace ${formatDuration(options.unavailableGraceMs)})`, firstSignalAt: new Date(since) },
  };
}
