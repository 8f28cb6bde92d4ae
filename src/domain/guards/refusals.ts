import type { RevisionInfo } from '../rollback/target.js';

/** Context of {@link refuseRollbackTarget}, for the messages. */
export interface RefusalContext {
  release: string;
  namespace: string;
}

/**
 * Why `target` cannot be rolled back to, in one line with the fix, or undefined when it can: it does not exist
 * (newer than the newest revision, or older than the oldest stored one: pruned by --history-max), it is
 * `failed`, `uninstalled`, pending or unknown (never ran healthy as far as helm knows), or it is the revision
 * deployed now.
 */
export function refuseRollbackTarget(history: readonly RevisionInfo[], target: number, ctx: RefusalContext): string | undefined {
  const see = `see: helm autorollback history ${ctx.release} -n ${ctx.namespace}`;
  if (!Number.isInteger(target) || target < 1) return `revision must be a whole number >= 1, got ${target}`;
  const sorted = [...history].sort((a, b) => a.revision - b.revision);
  const found = sorted.find((h) => h.revision === target);
  if (!found) {
    const oldest = sorted[0]?.revision;
    const newest = sorted[sorted.length - 1]?.revision;
    if (oldest !== undefined && target < oldest) {
      return `revision ${target} of release "${ctx.release}" was pruned (helm keeps revisions ${oldest}-${newest}, see --history-max); pick a stored one (${see})`;
    }
    return `release "${ctx.release}" has no revision ${target}${newest === undefined ? '' : ` (newest is ${newest})`}; pick a stored one (${see})`;
  }
  if (found.status === 'deployed') return `revision ${target} is the deployed revision of "${ctx.release}": nothing to roll back to; pick an earlier one (${see})`;
  if (found.status !== 'superseded') {
    const why = found.status === 'failed' ? 'it failed' : found.status === 'uninstalled' ? 'it was uninstalled' : `its status is ${found.status}`;
    return `revision ${target} cannot be a rollback target: ${why}; only a deployed or superseded revision can (${see})`;
  }
  return undefined;
}
