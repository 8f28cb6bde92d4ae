import type { ReleaseStatus, RevisionSummary } from '../domain/release/release.js';
import { validateReleaseName } from '../domain/release-name.js';
import { RevisionNotFoundError, UndecodableRecordError, type ReleaseStore } from '../ports/release-store.js';

/** What to show. */
export interface HistoryRequest {
  release: string;
  namespace: string;
  /** How many of the newest revisions to show (and decode); default 10. */
  max?: number;
}

/** One line of history, as `helm history` shows it. */
export interface HistoryRow {
  revision: number;
  /** When the revision was last deployed (ISO 8601), else the record's modifiedAt/createdAt label. */
  updated?: string;
  status: ReleaseStatus;
  /** `<chart name>-<chart version>`, empty when the body could not be read. */
  chart: string;
  appVersion: string;
  description: string;
}

/** The history of one release. */
export interface HistoryReport {
  release: string;
  namespace: string;
  /** Storage driver the records were read from. */
  driver: string;
  /** Every stored revision (the rows are the newest `max` of them). */
  totalRevisions: number;
  /** Oldest first. */
  rows: HistoryRow[];
}

/** Default for `--max`. */
export const defaultHistoryMax = 10;

/**
 * Lists a release's revisions: labels for all of them (cheap), bodies only for the newest `max` (for chart,
 * app version and description). A body that cannot be decoded still gets a row, from its labels.
 */
export async function history(store: ReleaseStore, request: HistoryRequest): Promise<HistoryReport> {
  validateReleaseName(request.release);
  const max = request.max ?? defaultHistoryMax;
  const summaries = await store.listHistory(request.release, request.namespace);
  const shown = max > 0 ? summaries.slice(-max) : summaries;
  // A revision pruned (helm --history-max) between the list and the get simply drops out.
  const rows = (await Promise.all(shown.map((s) => row(store, request, s)))).filter((r): r is HistoryRow => r !== undefined);
  return {
    release: request.release,
    namespace: request.namespace,
    driver: store.driver,
    totalRevisions: summaries.length,
    rows,
  };
}

async function row(store: ReleaseStore, request: HistoryRequest, summary: RevisionSummary): Promise<HistoryRow | undefined> {
  const fromLabels = summary.modifiedAt ?? summary.createdAt;
  try {
    const rel = await store.getRevision(request.release, request.namespace, summary.revision);
    const updated = rel.lastDeployed ?? fromLabels;
    return {
      revision: summary.revision,
      ...(updated ? { updated: updated.toISOString() } : {}),
      // Labels are rewritten on every status change; prefer them over a body that may predate the change.
      status: summary.status !== 'unknown' ? summary.status : rel.status,
      chart: rel.chart.name ? `${rel.chart.name}-${rel.chart.version}` : '',
      appVersion: rel.chart.appVersion,
      description: rel.description,
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
    };
  }
}
