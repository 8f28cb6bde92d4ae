import type { UpgradeOutcome } from '../upgrade/report.js';
import type { LedgerEntry } from './ledger.js';
import { chooseRollbackTarget, type RevisionInfo } from './target.js';

/** Input of {@link afterFailurePlan}. */
export interface AfterFailureInput {
  /** The release history, including the attempted revision. */
  history: readonly RevisionInfo[];
  attemptedRevision: number;
  ledger: readonly LedgerEntry[];
  /** `--to-revision`. */
  override?: number;
  /** `--no-rollback`: detect and report only. */
  noRollback: boolean;
  /** `--keep-failed-install`: leave a failed first install in place. */
  keepFailedInstall: boolean;
}

/** What to do once the attempted revision is judged failed. */
export type AfterFailurePlan =
  | { action: 'rollback'; toRevision: number; warning?: string }
  | { action: 'uninstall'; message: string }
  | {
      action: 'report-only';
      why: 'no-rollback' | 'keep-failed-install' | 'no-target';
      message: string;
      /** The outcome to report: nothing was attempted on purpose, or recovery is impossible. */
      outcome: Extract<UpgradeOutcome, 'failed-no-rollback' | 'rollback-failed'>;
    };

/**
 * Decides the recovery after a failed rollout: roll back to the last known good revision (or `--to-revision`);
 * uninstall a release that never had a good revision (a failed first install, like helm's --atomic) unless
 * `--keep-failed-install`; only report with `--no-rollback`, or when no target exists.
 */
export function afterFailurePlan(input: AfterFailureInput): AfterFailurePlan {
  if (input.noRollback) {
    return { action: 'report-only', why: 'no-rollback', outcome: 'failed-no-rollback', message: 'rollback disabled by --no-rollback' };
  }
  const earlier = input.history.filter((h) => h.revision < input.attemptedRevision);
  const everGood = earlier.some((h) => h.status === 'deployed' || h.status === 'superseded');
  if (!everGood && input.override === undefined) {
    const what = earlier.length === 0 ? 'the first install' : `revision ${input.attemptedRevision} (no earlier revision ever deployed)`;
    if (input.keepFailedInstall) {
      return { action: 'report-only', why: 'keep-failed-install', outcome: 'failed-no-rollback', message: `${what} failed; kept because of --keep-failed-install` };
    }
    return { action: 'uninstall', message: `${what} failed; uninstalling the release` };
  }
  const target = chooseRollbackTarget(input);
  if ('none' in target) {
    return { action: 'report-only', why: 'no-target', outcome: 'rollback-failed', message: `cannot roll back: ${target.none}` };
  }
  return { action: 'rollback', toRevision: target.revision, ...(target.warning ? { warning: target.warning } : {}) };
}
