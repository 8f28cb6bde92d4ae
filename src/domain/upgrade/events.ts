import type { GuardFinding } from '../guards/types.js';
import type { FailureReason, RolloutProgress, Verdict } from '../health/types.js';
import type { UpgradeReport } from './report.js';

/** Which rollout is being watched: the upgrade itself or the rollback that undoes it. */
export type WatchPhase = 'upgrade' | 'rollback';

/**
 * Everything `helm autorollback upgrade` reports while it runs, in order. The service emits these; the Ink
 * view and the plain CI logger subscribe. Every event carries `at`, the service clock's time of emission.
 */
export type UpgradeEvent =
  | {
      type: 'started';
      release: string;
      namespace: string;
      /** The chart reference as the user gave it. */
      chart: string;
      /** Revision deployed before this run; undefined for a first install. */
      fromRevision?: number;
      /** The helm binary's major version (3 or 4). */
      helmMajor?: number;
      at: Date;
    }
  | {
      /** One line helm printed (without its newline). */
      type: 'helm-output';
      stream: 'stdout' | 'stderr';
      line: string;
      at: Date;
    }
  | {
      /** helm stored the new revision: from now on we know which manifest to watch. */
      type: 'revision-detected';
      revision: number;
      /** Number of workloads found in the revision's manifest and hooks. */
      workloads: number;
      at: Date;
    }
  | {
      /** A fresh view of the rollout; emitted on every relevant cluster change (the UI throttles). */
      type: 'progress';
      phase: WatchPhase;
      snapshot: RolloutProgress;
      at: Date;
    }
  | {
      /** A verdict that changed state (progressing -> healthy/failed); progressing verdicts are not repeated. */
      type: 'verdict';
      phase: WatchPhase;
      verdict: Verdict;
      at: Date;
    }
  | {
      /** helm has been stopped (or finished) and the attempted revision is recorded as failed. */
      type: 'revision-marked-failed';
      revision: number;
      at: Date;
    }
  | {
      type: 'rollback-started';
      toRevision: number;
      /** Set for a rollback asked for by hand (`rollback`, the picker): there is no upgrade around it. */
      manual?: { release: string; namespace: string; fromRevision?: number; helmMajor?: number };
      at: Date;
    }
  | {
      /** What the guards found about the rollback about to run (migration trap, config drift, GitOps...). */
      type: 'guard-findings';
      toRevision: number;
      findings: GuardFinding[];
      at: Date;
    }
  | {
      /** A failed first install is being uninstalled (like `--atomic`). */
      type: 'uninstall-started';
      at: Date;
    }
  | {
      /** The rollback (or uninstall) command returned; its rollout may still be watched afterwards. */
      type: 'rollback-finished';
      ok: boolean;
      /** Revision helm created for the rollback, when known. */
      newRevision?: number;
      /** Why it failed, when ok is false. */
      message?: string;
      at: Date;
    }
  | {
      /** Something worth one log line that fits no other event (e.g. a ledger that could not be read). */
      type: 'notice';
      level: 'info' | 'warn';
      message: string;
      at: Date;
    }
  | {
      /** Last event: the final report (the same object `--json` prints). */
      type: 'finished';
      report: UpgradeReport;
      at: Date;
    };

/** The `type` of every event, for exhaustive switches in views. */
export type UpgradeEventType = UpgradeEvent['type'];

/** A short summary of a failure, e.g. for a status line: `CrashLoopBackOff in Pod/web-1 (app)`. */
export function describeFailure(failure: { reason: FailureReason | (string & {}); object: string; container?: string }): string {
  return failure.container
    ? `${failure.reason} in ${failure.object} (container ${failure.container})`
    : `${failure.reason} in ${failure.object}`;
}
