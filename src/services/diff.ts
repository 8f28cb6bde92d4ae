import { diffReleases, type ReleaseDiff } from '../domain/diff/index.js';
import { rollbackOf } from '../domain/history/index.js';
import { validateReleaseName } from '../domain/release-name.js';
import { manualRollbackTarget } from '../domain/rollback/target.js';
import { UsageError } from '../errors/errors.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import type { ReleaseStore } from '../ports/release-store.js';
import { createRevisionCache, type RevisionCache } from './revision-cache.js';

/** What `diff` reads through. */
export interface DiffDeps {
  releases: ReleaseStore;
  /** For the default pair: the last known good skips revisions the ledger records as failed. */
  ledger?: LedgerStore;
  cache?: RevisionCache;
}

/** Which two revisions to compare. */
export interface DiffRequest {
  release: string;
  namespace: string;
  /**
   * None: the deployed revision against the last known good (what `rollback` would change). One: the deployed
   * revision against it. Two: the first against the second.
   */
  revisions: readonly number[];
  /** Show secret values instead of their size. */
  showSecrets?: boolean;
}

/** Compares two revisions of a release; reads only their two bodies (and the deployed one's, for the default). */
export async function diffRevisions(deps: DiffDeps, req: DiffRequest): Promise<ReleaseDiff> {
  validateReleaseName(req.release);
  const cache = deps.cache ?? createRevisionCache(deps.releases, req.release, req.namespace);
  const [from, to] = req.revisions.length === 2 ? [req.revisions[0], req.revisions[1]] : await defaultPair(deps, cache, req);
  const [a, b] = await Promise.all([cache.get(from), cache.get(to)]);
  return diffReleases(a, b, { showSecrets: req.showSecrets ?? false });
}

async function defaultPair(deps: DiffDeps, cache: RevisionCache, req: DiffRequest): Promise<[number, number]> {
  const history = await deps.releases.listHistory(req.release, req.namespace);
  const deployed = [...history].reverse().find((h) => h.status === 'deployed');
  if (!deployed) {
    const newest = history[history.length - 1];
    throw new UsageError(`release "${req.release}" has no deployed revision (newest: ${newest.revision} ${newest.status})`, {
      hint: `name the two revisions to compare: diff ${req.release} A B`,
    });
  }
  if (req.revisions.length === 1) return [deployed.revision, req.revisions[0]];
  const [body, ledger] = await Promise.all([cache.get(deployed.revision), deps.ledger?.read(req.release, req.namespace).catch(() => undefined)]);
  const back = rollbackOf(body.description);
  const target = manualRollbackTarget({ history, ledger: ledger?.entries ?? [], ...(back === undefined ? {} : { deployedRollbackOf: back }) });
  if ('none' in target) {
    throw new UsageError(`no last known good revision to compare with: ${target.none}`, { hint: `name the revision: diff ${req.release} REVISION` });
  }
  return [deployed.revision, target.revision];
}
