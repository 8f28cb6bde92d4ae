/**
 * What the history view says about each revision beyond `helm history`: the autorollback verdict from the
 * ledger, the revision a rollback went back to, and which revisions are deployed and last known good. Pure.
 */
import type { ReleaseStatus } from '../release/release.js';
import type { LedgerEntry } from '../rollback/ledger.js';
import { manualRollbackTarget } from '../rollback/target.js';

/**
 * The revision a rollback revision went back to, read from the description helm writes ("Rollback to 4");
 * undefined for any other description. Never guessed as N-1: helm rollback can go to any revision.
 */
export function rollbackOf(description: string): number | undefined {
  const m = /^Rollback to (\d+)\b/.exec(description.trim());
  return m ? Number(m[1]) : undefined;
}

/**
 * The VERDICT cell: `healthy`, `failed <reason>`, any later verdict as its name (`verified`), `-` when the
 * ledger has nothing for the revision.
 */
export function verdictLabel(entry: Pick<LedgerEntry, 'verdict' | 'reason'> | undefined): string {
  if (!entry) return '-';
  return entry.verdict === 'failed' && entry.reason ? `failed ${entry.reason}` : entry.verdict;
}

/** The ledger as a lookup by revision. */
export function ledgerByRevision(entries: readonly LedgerEntry[]): Map<number, LedgerEntry> {
  return new Map(entries.map((e) => [e.revision, e]));
}

/** Which revision the cluster runs and which one a rollback would go to by default. */
export interface HistoryMarks {
  /** The newest revision with status deployed, if any. */
  deployed?: number;
  /** The last known good revision before the deployed one (or before the newest when none is deployed). */
  lastKnownGood?: number;
}

/**
 * Marks the deployed revision and the last known good one, chosen as `upgrade` and `rollback` choose it:
 * the newest earlier deployed/superseded revision the ledger does not record as failed. `deployedRollbackOf`
 * (the revision a deployed rollback went back to) is skipped: it holds what already runs.
 */
export function historyMarks(
  history: ReadonlyArray<{ revision: number; status: ReleaseStatus }>,
  ledger: readonly LedgerEntry[],
  deployedRollbackOf?: number,
): HistoryMarks {
  const deployed = [...history].sort((a, b) => b.revision - a.revision).find((h) => h.status === 'deployed');
  const marks: HistoryMarks = deployed ? { deployed: deployed.revision } : {};
  const target = manualRollbackTarget({ history, ledger, ...(deployedRollbackOf === undefined ? {} : { deployedRollbackOf }) });
  if ('revision' in target) marks.lastKnownGood = target.revision;
  return marks;
}
