import type { LedgerEntry } from './ledger.js';
import { chooseRollbackTarget, type RevisionInfo } from './target.js';

/** Statuses helm leaves behind when an operation is running or was interrupted. */
const PENDING = ['pending-install', 'pending-upgrade', 'pending-rollback'] as const;

/** A pending status. */
export type PendingStatus = (typeof PENDING)[number];

/** Result of {@link checkPendingState}. */
export type PendingCheck =
  | { ok: true }
  | {
      ok: false;
      revision: number;
      status: PendingStatus;
      /** One line: what is wrong and what to do. */
      message: string;
      /** The exact helm command that clears it. */
      recoveryCommand: string;
      /** What `--recover-pending` would do: roll back to this revision, or uninstall when undefined. */
      recoverTo?: number;
    };

/** Context of {@link checkPendingState}. */
export interface PendingContext {
  release: string;
  namespace: string;
  /** The ledger, so that the suggested target is the same last known good `upgrade` would pick. */
  ledger?: readonly LedgerEntry[];
  /** Flags to repeat in the recovery command, e.g. `['--kube-context', 'prod']`. */
  extraArgs?: readonly string[];
}

/**
 * Refuses to start on a release whose latest revision is stuck in pending-install/-upgrade/-rollback (helm
 * would fail with "another operation is in progress"), giving the command that recovers it: a rollback to
 * the last known good revision, or, for a first install that never worked, an uninstall.
 */
export function checkPendingState(history: readonly RevisionInfo[], ctx: PendingContext): PendingCheck {
  if (history.length === 0) return { ok: true };
  const latest = [...history].sort((a, b) => b.revision - a.revision)[0] as RevisionInfo;
  const status = PENDING.find((s) => s === latest.status);
  if (!status) return { ok: true };

  const target = chooseRollbackTarget({ history, attemptedRevision: latest.revision, ledger: ctx.ledger ?? [] });
  const tail = [`-n`, ctx.namespace, ...(ctx.extraArgs ?? [])].map(shellWord).join(' ');
  const stuck = `release "${ctx.release}" is stuck in ${status} (revision ${latest.revision}): a helm operation is still running or was interrupted`;
  if ('revision' in target) {
    const recoveryCommand = `helm rollback ${shellWord(ctx.release)} ${target.revision} ${tail}`;
    return {
      ok: false,
      revision: latest.revision,
      status,
      recoverTo: target.revision,
      recoveryCommand,
      message: `${stuck}; if no other helm command is running, recover with \`${recoveryCommand}\` or rerun with --recover-pending`,
    };
  }
  const recoveryCommand = `helm uninstall ${shellWord(ctx.release)} ${tail}`;
  return {
    ok: false,
    revision: latest.revision,
    status,
    recoveryCommand,
    message: `${stuck}, and no earlier revision is known good; if no other helm command is running, recover with \`${recoveryCommand}\` or rerun with --recover-pending`,
  };
}

/** Quotes a word for a POSIX shell only when it needs it (release names and namespaces never do). */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
