import { ExitCode, type ExitCodeValue } from '../../errors/exit-codes.js';
import type { GuardFinding } from '../guards/types.js';
import type { Failure, FailureReason, FirstSignalBasis } from '../health/types.js';

/**
 * How an upgrade ended:
 * - `healthy`: the new revision rolled out and is ready;
 * - `rolled-back`: it failed and the release is healthy again on the rollback target (or uninstalled, for a
 *   failed first install);
 * - `rollback-failed`: it failed and the rollback failed or was impossible;
 * - `failed-no-rollback`: it failed and `--no-rollback` (or `--keep-failed-install`) asked us not to act, or a
 *   rollback could not help (`noRollbackReason` says why: healthy workloads and helm gave up, a LoadBalancer
 *   address no rollback would bring).
 */
export type UpgradeOutcome = 'healthy' | 'rolled-back' | 'rollback-failed' | 'failed-no-rollback';

/** Why a failed upgrade was not rolled back; see UpgradeReport.notRolledBack. */
export type NotRolledBack = 'disabled' | 'kept' | 'nothing-stored' | 'blocked' | 'would-not-help';

/** The final report `--json` prints on stdout. Times are RFC 3339 strings (UTC, milliseconds). */
export interface UpgradeReport {
  release: string;
  namespace: string;
  /** Revision deployed before the upgrade; null for a first install. */
  fromRevision: number | null;
  /** Revision helm created for this upgrade; null when helm failed before storing one. */
  attemptedRevision: number | null;
  outcome: UpgradeOutcome;
  /**
   * Why nothing was rolled back (outcome `failed-no-rollback`): `disabled` (--no-rollback), `kept`
   * (--keep-failed-install), `nothing-stored` (it failed before helm stored a revision: nothing changed),
   * `blocked` (a guard under --migration-policy block; see `blocked`), `would-not-help` (a rollback could not
   * fix it; `noRollbackReason` says why).
   */
  notRolledBack?: NotRolledBack;
  /** Present when the attempted revision failed. */
  failure?: {
    reason: FailureReason;
    object: string;
    container?: string;
    message: string;
    /** When the evidence first appeared in the cluster. */
    firstSignalAt: string;
    /**
     * How firstSignalAt was derived: `kubernetes-timestamp` (an object's status or Event time, 1 s resolution),
     * `first-observed` (that time was earlier than the moment the watch first saw the object: clamped to it),
     * `plugin-clock` (no cluster evidence: timeout, helm's failure, an interrupt).
     */
    firstSignalBasis?: FirstSignalBasis;
    /** When this tool decided the rollout had failed. */
    detectedAt: string;
  };
  /** Why nothing was rolled back although the revision failed (outcome `failed-no-rollback`), when not a flag. */
  noRollbackReason?: string;
  /** Present when a rollback (or an uninstall of a failed first install) was attempted. */
  rollback?: {
    /** Target revision; null when the action was an uninstall. */
    toRevision: number | null;
    /** Revision helm created for the rollback; null when unknown or not created. */
    newRevision: number | null;
    startedAt: string;
    /** When the rollback's own rollout was healthy (or failed); null when it never finished. */
    completedAt: string | null;
  };
  /** What the guards found about the automatic rollback (present when one was planned). */
  guards?: GuardFinding[];
  /** Set when a guard stopped the automatic rollback (`--migration-policy block`): why, and the manual command. */
  blocked?: { guard: string; message: string; command: string };
  timings: {
    /** Time to detect: first failure signal -> decision; null when nothing failed. */
    ttdMs: number | null;
    /** Time to recover: upgrade start -> healthy again (new revision healthy, or rollback healthy); null otherwise. */
    ttrMs: number | null;
  };
}

/** Inputs of {@link buildReport}, with real Dates; the function turns them into the JSON shape. */
export interface ReportInput {
  release: string;
  namespace: string;
  fromRevision?: number;
  attemptedRevision?: number;
  outcome: UpgradeOutcome;
  notRolledBack?: NotRolledBack;
  /** When the upgrade started (helm was launched). */
  startedAt: Date;
  /** When the new revision was judged healthy (outcome `healthy`). */
  healthyAt?: Date;
  failure?: Failure & { detectedAt: Date };
  rollback?: { toRevision?: number; newRevision?: number; startedAt: Date; completedAt?: Date };
  noRollbackReason?: string;
  guards?: GuardFinding[];
  blocked?: { guard: string; message: string; command: string };
}

/** Builds the `--json` report, computing ttd/ttr from the times given. Pure. */
export function buildReport(input: ReportInput): UpgradeReport {
  const report: UpgradeReport = {
    release: input.release,
    namespace: input.namespace,
    fromRevision: input.fromRevision ?? null,
    attemptedRevision: input.attemptedRevision ?? null,
    outcome: input.outcome,
    ...(input.notRolledBack ? { notRolledBack: input.notRolledBack } : {}),
    timings: { ttdMs: null, ttrMs: null },
  };
  if (input.failure) {
    const f = input.failure;
    report.failure = failureJson(f);
    // A signal stamped in the future (clock skew between nodes and us) must not give a negative TTD.
    report.timings.ttdMs = Math.max(0, f.detectedAt.getTime() - f.firstSignalAt.getTime());
  }
  if (input.noRollbackReason) report.noRollbackReason = input.noRollbackReason;
  if (input.rollback) {
    const r = input.rollback;
    report.rollback = {
      toRevision: r.toRevision ?? null,
      newRevision: r.newRevision ?? null,
      startedAt: r.startedAt.toISOString(),
      completedAt: r.completedAt ? r.completedAt.toISOString() : null,
    };
  }
  if (input.guards) report.guards = input.guards;
  if (input.blocked) report.blocked = input.blocked;
  if (input.outcome === 'healthy' && input.healthyAt) {
    report.timings.ttrMs = Math.max(0, input.healthyAt.getTime() - input.startedAt.getTime());
  } else if (input.outcome === 'rolled-back' && input.rollback?.completedAt) {
    report.timings.ttrMs = Math.max(0, input.rollback.completedAt.getTime() - input.startedAt.getTime());
  }
  return report;
}

/** A failure with its reason code, as reports print it (times as RFC 3339 strings). Shared with the watchdog's report. */
export function failureJson<R extends string>(f: { reason: R; object: string; container?: string; message: string; firstSignalAt: Date; firstSignalBasis?: FirstSignalBasis; detectedAt: Date }) {
  return {
    reason: f.reason,
    object: f.object,
    ...(f.container === undefined ? {} : { container: f.container }),
    message: f.message,
    firstSignalAt: f.firstSignalAt.toISOString(),
    ...(f.firstSignalBasis === undefined ? {} : { firstSignalBasis: f.firstSignalBasis }),
    detectedAt: f.detectedAt.toISOString(),
  };
}

/** The process exit code for an outcome (see the README's exit-code table). */
export function exitCodeForOutcome(outcome: UpgradeOutcome): ExitCodeValue {
  switch (outcome) {
    case 'healthy':
      return ExitCode.Ok;
    case 'rolled-back':
      return ExitCode.RolledBack;
    case 'rollback-failed':
    case 'failed-no-rollback':
      // The release is left unhealthy either way: a human must look.
      return ExitCode.RollbackFailed;
  }
}
