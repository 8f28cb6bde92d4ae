import type { BakeFailureReason } from '../health/post-rollout.js';

/** Why a watchdog decided to roll back: a bake rule, a metric check, or a person (key r). */
export type WatchdogFailureReason = BakeFailureReason | 'MetricFailed' | 'MetricInconclusive' | 'ManualRollback';

/** The evidence behind a watchdog's rollback. */
export interface WatchdogFailure {
  reason: WatchdogFailureReason;
  /** `Kind/name` of the object (or `metric/<name>` for a check). */
  object: string;
  container?: string;
  message: string;
  /** When the evidence first appeared. */
  firstSignalAt: Date;
  /** When the watchdog decided. */
  detectedAt: Date;
}

/** One metric measurement, as h9analysis's runner reports it. */
export interface MetricResult {
  /** The check's name. */
  check: string;
  /** The measured value; undefined when the query returned nothing or failed. */
  value?: number;
  /** This measurement's outcome. */
  outcome: 'pass' | 'fail' | 'inconclusive' | 'error';
  /** The check's state after it: `failed` once its failure limit of consecutive failures is reached. */
  status: 'ok' | 'failed' | 'inconclusive';
  /** The condition, e.g. `> 0.05`, for messages and the view. */
  condition?: string;
  /** A line of detail (the error, or why it is inconclusive). */
  message?: string;
}

/**
 * How a watchdog ended:
 * - `verified`: the bake ended clean; the revision is recorded verified (exit 0);
 * - `rolled-back`: it degraded and was rolled back (exit 3); `rollback-failed`: the rollback failed (exit 4);
 * - `disarmed`: `watchdog disarm`, keys d/q or Ctrl-C ended it; nothing was changed (exit 0);
 * - `stood-down`: a newer revision appeared, the lease was lost, or another watchdog holds it (exit 6).
 */
export type WatchdogOutcome = 'verified' | 'rolled-back' | 'rollback-failed' | 'disarmed' | 'stood-down';

/** Why a watchdog stood down. */
export type StandDownReason = 'newer-revision' | 'lease-lost' | 'lease-held';

/** What a notification says happened (h9analysis's notifier turns it into payloads). */
export type WatchdogNoticeKind = 'rolled-back' | 'rollback-failed' | 'stood-down' | 'verified';
