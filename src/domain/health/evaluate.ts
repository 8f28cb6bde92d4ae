import { objectName, type WorkloadRef } from '../manifest/workload-ref.js';
import { findCondition, formatDuration, toDate } from './kube-util.js';
import { assessEvictions, assessPod, podEnded, readySince } from './pod-rules.js';
import { podProgress, recentWarnings } from './progress.js';
import {
  FAILURE_REASONS,
  type ClusterSnapshot,
  type Failure,
  type HealthOptions,
  type PendingDeadline,
  type RolloutProgress,
  type Verdict,
} from './types.js';
import { assessWorkload, baselineKey, type GenerationBaseline, type WorkloadAssessment } from './workload-rules.js';

/** Input of {@link evaluateRollout}. */
export interface EvaluateInput {
  /** The workloads of the revision being rolled out (manifest plus relevant hooks). */
  workloads: readonly WorkloadRef[];
  /** What the informers hold right now. */
  snapshot: ClusterSnapshot;
  options: HealthOptions;
  /** The evaluation instant. */
  now: Date;
  /** When the upgrade (or rollback) started; the timeout and stale-hook checks count from here. */
  startedAt: Date;
  /**
   * Workload generations from a snapshot taken just before helm started ({@link generationBaseline}).
   * Optional; with it, a workload whose pod template an admission webhook rewrote still counts as applied
   * once its generation moved.
   */
  baseline?: GenerationBaseline;
}

/**
 * Judges a rollout at one instant: failed (the earliest failure signal wins), healthy (every workload fully
 * rolled out and ready), or progressing with the time of the next possible change without cluster activity.
 * Pure and deterministic: the same input gives the same verdict.
 */
export function evaluateRollout(input: EvaluateInput): Verdict {
  const { workloads, snapshot, options, now, startedAt, baseline } = input;
  const assessments = workloads.map((ref) =>
    assessWorkload(ref, { snapshot, options, startedAt, now, ...(baseline ? { baseline } : {}) }),
  );
  const progress = buildProgress(assessments, input);

  const failures: Failure[] = [];
  const dueAt: number[] = [];
  const deadlines: PendingDeadline[] = [];
  for (const a of assessments) {
    if (a.failure) failures.push(a.failure);
    for (const d of a.dueAt ?? []) {
      dueAt.push(d.getTime());
      deadlines.push({ at: d, object: objectName(a.ref), what: a.waitingFor });
    }
    if (a.podRules === 'all') {
      const evicted = assessEvictions(a.pods, { options, now, events: snapshot.events });
      if (evicted) failures.push(evicted);
    }
    const learnedMs = options.learnedStartupMs?.[baselineKey(a.ref.kind, a.ref.namespace, a.ref.name)];
    const podCtx = {
      options,
      now,
      events: snapshot.events,
      ...(learnedMs === undefined ? {} : { learnedMs }),
      ...(snapshot.nodes ? { nodes: snapshot.nodes } : {}),
      ...(snapshot.autoscaler === undefined ? {} : { autoscaler: snapshot.autoscaler }),
    };
    for (const pod of a.pods) {
      const found = assessPod(pod, a.podRules, podCtx);
      failures.push(...found.failures);
      dueAt.push(...found.dueAt.map((d) => d.getTime()));
      deadlines.push(...found.deadlines);
    }
  }
  const upcoming = deadlines
    .filter((d) => d.at.getTime() > now.getTime() && d.at.getTime() < progress.deadline.getTime())
    .sort((x, y) => x.at.getTime() - y.at.getTime())[0];
  if (upcoming) progress.next = upcoming;

  const pending = assessments.filter((a) => !a.done);
  const deadline = progress.deadline.getTime();
  if (pending.length > 0 && now.getTime() >= deadline) {
    const first = pending[0] as WorkloadAssessment;
    failures.push({
      reason: 'Timeout',
      object: objectName(first.ref),
      message: `timed out after ${formatDuration(options.timeoutMs)} waiting for ${objectName(first.ref)}: ${first.waitingFor}`,
      firstSignalAt: new Date(deadline),
    });
  }

  if (failures.length > 0) {
    const failure = pickFailure(failures);
    return { state: 'failed', progress, ...failure };
  }
  if (pending.length === 0) {
    // With the window disabled there is nothing to be early for: ready pods are enough.
    const stableAt = options.minStableMs > 0 ? lastBecameReady(assessments) : undefined;
    const until = stableAt === undefined ? undefined : stableAt + options.minStableMs;
    const settled = until === undefined ? progress : { ...progress, stableAt: new Date(until) };
    if (until === undefined || until <= now.getTime()) return { state: 'healthy', progress: settled, startup: startupTimes(assessments) };
    return { state: 'progressing', progress: settled, recheckAt: new Date(until), stabilizingUntil: new Date(until) };
  }
  const next = Math.min(deadline, ...dueAt.filter((t) => t > now.getTime()));
  return { state: 'progressing', progress, recheckAt: new Date(next) };
}

/**
 * When the last long-running pod of the new revision last changed (turned ready, or a container started or
 * exited), in ms, as late as second-truncated timestamps allow. Only called once every workload is done,
 * which (see finish in workload-rules) means each of these pods is ready by its own status.
 */
function lastBecameReady(assessments: readonly WorkloadAssessment[]): number | undefined {
  let latest: number | undefined;
  for (const a of assessments) {
    if (a.podRules !== 'all') continue;
    for (const pod of a.pods) {
      if (podEnded(pod)) continue;
      const since = readySince(pod);
      if (since !== undefined && (latest === undefined || since > latest)) latest = since;
    }
  }
  return latest;
}

/**
 * How long each long-running workload's new pods took from creation to Ready, in ms, keyed
 * `Kind/namespace/name`: what a healthy revision teaches the learned unready grace.
 */
function startupTimes(assessments: readonly WorkloadAssessment[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const a of assessments) {
    if (a.podRules !== 'all') continue;
    const samples = a.pods.flatMap((p) => {
      const created = toDate(p.metadata?.creationTimestamp);
      const ready = findCondition(p.status?.conditions, 'Ready');
      const at = ready?.status === 'True' ? toDate(ready.lastTransitionTime) : undefined;
      return created && at && !podEnded(p) ? [Math.max(0, at.getTime() - created.getTime())] : [];
    });
    if (samples.length > 0) out[baselineKey(a.ref.kind, a.ref.namespace, a.ref.name)] = samples;
  }
  return out;
}

/** The earliest failure; ties broken by reason order, then object, then container. */
export function pickFailure(failures: readonly Failure[]): Failure {
  const rank = (f: Failure) => FAILURE_REASONS.indexOf(f.reason);
  const sorted = [...failures].sort(
    (a, b) =>
      a.firstSignalAt.getTime() - b.firstSignalAt.getTime() ||
      rank(a) - rank(b) ||
      a.object.localeCompare(b.object) ||
      (a.container ?? '').localeCompare(b.container ?? ''),
  );
  return sorted[0] as Failure;
}

function buildProgress(assessments: readonly WorkloadAssessment[], input: EvaluateInput): RolloutProgress {
  const pods = assessments.flatMap((a) =>
    [...a.pods]
      .sort((x, y) => (x.metadata?.name ?? '').localeCompare(y.metadata?.name ?? ''))
      .map((p) => podProgress(p, objectName(a.ref))),
  );
  const objects = assessments.flatMap((a) => [
    { kind: a.ref.kind, name: a.ref.name },
    ...a.related,
    ...a.pods.map((p) => ({ kind: 'Pod', name: p.metadata?.name ?? '' })),
  ]);
  return {
    workloads: assessments.map((a) => a.progress),
    pods,
    warnings: recentWarnings(input.snapshot.events, objects, input.startedAt),
    deadline: new Date(input.startedAt.getTime() + input.options.timeoutMs),
  };
}
