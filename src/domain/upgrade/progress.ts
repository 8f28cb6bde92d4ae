import { evaluateRollout, type EvaluateInput } from '../health/evaluate.js';
import type { RolloutProgress, Verdict, WorkloadProgress } from '../health/types.js';

export type { PodProgress, RolloutProgress, WarningEvent, WorkloadProgress } from '../health/types.js';

/** The view model of a rollout for the UI: the `progress` of the verdict for the same input. */
export function rolloutProgress(input: EvaluateInput): RolloutProgress {
  return evaluateRollout(input).progress;
}

/**
 * How far one workload is, from 0 to 1, for a progress bar: the mean of its updated and ready shares (a
 * rollout is half done when every pod is replaced but none is ready yet); for a Job, its succeeded share. A
 * done workload is 1; one that is not present is 0.
 */
export function workloadFraction(w: WorkloadProgress): number {
  // Nothing to show for an object that is not there (yet, or any more: a hook Job helm deleted).
  if (!w.present) return 0;
  if (w.done) return 1;
  if (w.desired <= 0) return 0;
  const share = (n: number) => Math.min(1, Math.max(0, n / w.desired));
  // A Job is as far as its succeeded pods: a running (even ready) pod has not done its work yet.
  if (w.kind === 'Job') return share(w.available);
  return (share(w.updated) + share(w.ready)) / 2;
}

/** Milliseconds left before the timeout fires (never negative), for the countdown. */
export function timeLeftMs(progress: RolloutProgress, now: Date): number {
  return Math.max(0, progress.deadline.getTime() - now.getTime());
}

/**
 * Whether two progress snapshots would draw the same: lets the service skip `progress` events that change
 * nothing a user can see (informers fire on every status write).
 */
export function sameProgress(a: RolloutProgress, b: RolloutProgress): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Whether `next` is worth a `verdict` event after `prev`: a change of state, or another failure reason/object.
 * Progressing verdicts that only move `recheckAt` or progress are not news.
 */
export function verdictChanged(prev: Verdict | undefined, next: Verdict): boolean {
  if (!prev || prev.state !== next.state) return true;
  if (prev.state === 'failed' && next.state === 'failed') {
    return prev.reason !== next.reason || prev.object !== next.object || prev.container !== next.container;
  }
  return false;
}
