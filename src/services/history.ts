import { historyMarks, ledgerByRevision, rollbackOf, verdictLabel } from '../domain/history/index.js';
import type { Release, ReleaseStatus, RevisionSummary } from '../domain/release/release.js';
import { validateReleaseName } from '../domain/release-name.js';
import type { LedgerEntry } from '../domain/rollback/ledger.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { RevisionNotFoundError, UndecodableRecordError, type ReleaseStore, type RevisionListing } from '../ports/release-store.js';
import { createRevisionCache, type RevisionCache } from './revision-cache.js';

/** What to show. */
export interface HistoryRequest {
  release: string;
  namespace: string;
  /** How many of the newest revisions to show (and decode); default 10, 0 for all. */
  max?: number;
}

/** What `history` reads through. */
export interface HistoryDeps {
  releases: ReleaseStore;
  /** The autorollback ledger, for the VERDICT column; without it every verdict is unknown. */
  ledger?: Pick<LedgerStore, 'read'>;
  /** Decoded revisions, shared with the picker; default a fresh cache over `releases`. */
  cache?: RevisionCache;
}

/** One line of history, as `helm history` shows it plus the autorollback verdict. */
export interface HistoryRow {
  revision: number;
  /** When the revision was last deployed (ISO 8601), else the record's modifiedAt/createdAt label. */
  updated?: string;
  status: ReleaseStatus;
  /** `<chart name>-<chart version>`, empty when the body could not be read. */
  chart: string;
  appVersion: string;
  description: string;
  /** The ledger's verdict (`healthy`, `failed`, `verified`), absent when the ledger has none. */
  verdict?: string;
  /** Why it failed, for a failed verdict. */
  reason?: string;
  /** For a rollback revision: the revision it went back to (from helm's "Rollback to N"). */
  rollbackTo?: number;
}

/** The history of one release. */
export interface HistoryReport {
  release: string;
  namespace: string;
  /** Storage driver the records were read from. */
  driver: string;
  /** Every stored revision (the rows are the newest `max` of them). */
  totalRevisions: number;
  /** The newest revision with status deployed. */
  deployedRevision?: number;
  /** The revision `rollback` would go to by default. */
  lastKnownGood?: number;
  /** Oldest first. */
  rows: HistoryRow[];
  /** Lines about what could not be read (the ledger), for stderr. */
  warnings: string[];
}

/** Default for `--max`. */
export const defaultHistoryMax = 10;

/**
 * From this many rows on (`--max`, or 0 for all), `history` reads the bodies with one LIST, as helm does, instead
 * of a labels-only LIST and one GET per row: measured on kube-sim with 500 revisions of ~20 KB each, one LIST
 * of all bodies costs about what 20 GETs do (bench/history-picker.js has the `--max 500` row).
 */
export const bulkReadFrom = 20;

/**
 * Lists a release's revisions: labels for all of them (cheap), bodies only for the newest `max` (for chart,
 * app version and description), verdicts from the ledger. A body that cannot be decoded still gets a row.
 * For `max` 0 or >= bulkReadFrom, one LIST with the bodies (when the store offers it) replaces the GETs; only the
 * shown rows' bodies are decoded either way.
 */
export async function history(deps: HistoryDeps, request: HistoryRequest): Promise<HistoryReport> {
  validateReleaseName(request.release);
  const max = request.max ?? defaultHistoryMax;
  const bulk = (max === 0 || max >= bulkReadFrom) && deps.releases.listWithBodies !== undefined;
  const [listed, ledger] = await Promise.all([
    bulk ? deps.releases.listWithBodies!(request.release, request.namespace) : deps.releases.listHistory(request.release, request.namespace),
    readLedger(deps, request),
  ]);
  const summaries = Array.isArray(listed) ? listed : listed.summaries;
  const read = Array.isArray(listed) ? readThrough(deps.cache ?? createRevisionCache(deps.releases, request.release, request.namespace)) : decodeFrom(listed);
  const shown = max > 0 ? summaries.slice(-max) : summaries;
  const verdicts = ledgerByRevision(ledger.entries);
  // A revision pruned (helm --history-max) between the list and the get simply drops out.
  const rows = (await Promise.all(shown.map((s) => row(read, s, verdicts.get(s.revision))))).filter((r): r is HistoryRow => r !== undefined);
  const deployed = [...summaries].reverse().find((s) => s.status === 'deployed');
  const deployedRow = deployed && (rows.find((r) => r.revision === deployed.revision) ?? (await row(read, deployed, undefined)));
  const marks = historyMarks(summaries, ledger.entries, deployedRow?.rollbackTo);
  return {
    release: request.release,
    namespace: request.namespace,
    driver: deps.releases.driver,
    totalRevisions: summaries.length,
    ...(marks.deployed === undefined ? {} : { deployedRevision: marks.deployed }),
    ...(marks.lastKnownGood === undefined ? {} : { lastKnownGood: marks.lastKnownGood }),
    rows,
    warnings: ledger.warnings,
  };
}

/** The VERDICT cell of a row. */
export function rowVerdict(row: Pick<HistoryRow, 'verdict' | 'reason'>): string {
  return row.verdict === undefined ? '-' : verdictLabel({ verdict: row.verdict as LedgerEntry['verdict'], ...(row.reason ? { reason: row.reason } : {}) });
}

async function readLedger(deps: HistoryDeps, request: HistoryRequest): Promise<{ entries: LedgerEntry[]; warnings: string[] }> {
  if (!deps.ledger) return { entries: [], warnings: [] };
  try {
    return await deps.ledger.read(request.release, request.namespace);
  } catch (err) {
    return { entries: [], warnings: [`verdicts unknown: cannot read the autorollback ledger (${(err as Error).message})`] };
  }
}

/** Reads one decoded revision. */
type ReadRevision = (revision: number) => Promise<Release>;

const readThrough = (cache: RevisionCache): ReadRevision => (revision) => cache.get(revision);

/** Decodes from a listing, each revision once, only when a row asks for it. */
function decodeFrom(listing: RevisionListing): ReadRevision {
  const decoded = new Map<number, Promise<Release>>();
  return (revision) => {
    let found = decoded.get(revision);
    if (!found) {
      found = Promise.resolve().then(() => listing.decode(revision));
      decoded.set(revision, found);
    }
    return found;
  };
}

async function row(read: ReadRevision, summary: RevisionSummary, entry: LedgerEntry | undefined): Promise<HistoryRow | undefined> {
  const fromLabels = summary.modifiedAt ?? summary.createdAt;
  const verdict = entry ? { verdict: entry.verdict, ...(entry.reason ? { reason: entry.reason } : {}) } : {};
  try {
    const rel = await read(summary.revision);
    const updated = rel.lastDeployed ?? fromLabels;
    const back = rollbackOf(rel.description);
    return {
      revision: summary.revision,
      ...(updated ? { updated: updated.toISOString() } : {}),
      // Labels are rewritten on every status change; prefer them over a body that may predate the change.
      status: summary.status !== 'unknown' ? summary.status : rel.status,
      chart: rel.chart.name ? `${rel.chart.name}-${rel.chart.version}` : '',
      appVersion: rel.chart.appVersion,
      description: rel.description,
      ...verdict,
      ...(back === undefined ? {} : { rollbackTo: back }),
    };
  } catch (err) {
    if (err instanceof RevisionNotFoundError) return undefined;
    if (!(err instanceof UndecodableRecordError)) throw err;
    return {
      revision: summary.revision,
      ...(fromLabels ? { updated: fromLabels.toISOString() } : {}),
      status: summary.status,
      chart: '',
      appVersion: '',
      description: `(undecodable record: ${err.message})`,
      ...verdict,
    };
  }
}
