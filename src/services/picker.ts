import { diffReleases, renderDiffLines, type DiffLine } from '../domain/diff/index.js';
import { evaluateGuards, rollbackHooks, type GuardFinding } from '../domain/guards/index.js';
import { historyMarks, ledgerByRevision, rollbackOf } from '../domain/history/index.js';
import type { Release } from '../domain/release/release.js';
import { validateReleaseName } from '../domain/release-name.js';
import type { LedgerEntry } from '../domain/rollback/ledger.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import type { ReleaseStore } from '../ports/release-store.js';
import { createRevisionCache } from './revision-cache.js';

/** A revision of the picker's list: labels and ledger first, body fields once it has been on screen. */
export interface PickerRevision {
  revision: number;
  status: Release['status'];
  updated?: string;
  verdict?: string;
  reason?: string;
  chart?: string;
  appVersion?: string;
  description?: string;
  rollbackTo?: number;
}

/** What the detail panel shows for one revision, against the deployed one. */
export interface PickerDetails {
  revision: number;
  /** The revision compared against (the deployed one, else the newest). */
  against: number;
  values: DiffLine[];
  manifest: DiffLine[];
  /** One line: how many values and objects change. */
  summary: string;
  /** `pre-rollback Job/db-check (weight 0)`: the hooks helm runs on a rollback to this revision. */
  hooks: string[];
}

/** Where the picker gets its data; every method reads only what it needs, and remembers it. */
export interface PickerSource {
  /** All revisions (labels only), verdicts, deployed and last known good. */
  index(): Promise<{ revisions: PickerRevision[]; deployed?: number; lastKnownGood?: number; warnings: string[] }>;
  /** Body fields for the given revisions (those on screen). */
  bodies(revisions: readonly number[]): Promise<PickerRevision[]>;
  /** The diffs and hooks of one revision. */
  details(revision: number): Promise<PickerDetails>;
  /** The guards' findings for a rollback to the revision (decodes the revisions it crosses). */
  findings(revision: number): Promise<GuardFinding[]>;
}

/** Where the release is and how to show secrets. */
export interface PickerRequest {
  release: string;
  namespace: string;
  showSecrets?: boolean;
}

/** The picker's data over the release store and the ledger, with decoded bodies and diffs cached. */
export function createPickerSource(deps: { releases: ReleaseStore; ledger?: Pick<LedgerStore, 'read'> }, req: PickerRequest): PickerSource {
  validateReleaseName(req.release);
  const cache = createRevisionCache(deps.releases, req.release, req.namespace);
  const details = new Map<number, Promise<PickerDetails>>();
  let ledger: LedgerEntry[] = [];
  let history: Array<{ revision: number; status: Release['status'] }> = [];
  let against: number | undefined;
  const body = (revision: number) => cache.get(revision);

  let indexed: ReturnType<PickerSource['index']> | undefined;
  return {
    index() {
      // Memoised: a caller may start it early (while the UI modules load) and the picker asks again.
      indexed ??= readIndex();
      return indexed;
    },
    bodies: readBodies,
    details(revision) {
      let found = details.get(revision);
      if (!found) {
        found = computeDetails(revision);
        found.catch(() => details.delete(revision));
        details.set(revision, found);
      }
      return found;
    },
    findings: readFindings,
  };

  async function readIndex(): ReturnType<PickerSource['index']> {
    const [summaries, read] = await Promise.all([
      deps.releases.listHistory(req.release, req.namespace),
      deps.ledger ? deps.ledger.read(req.release, req.namespace).catch((err: Error) => ({ entries: [], warnings: [`verdicts unknown: ${err.message}`] })) : { entries: [], warnings: [] },
    ]);
    ledger = read.entries;
    history = summaries;
    const verdicts = ledgerByRevision(ledger);
    const deployed = [...summaries].reverse().find((s) => s.status === 'deployed');
    against = (deployed ?? summaries[summaries.length - 1]).revision;
    const back = deployed ? rollbackOf((await body(deployed.revision)).description) : undefined;
    const marks = historyMarks(summaries, ledger, back);
    const revisions = summaries.map((s): PickerRevision => {
      const v = verdicts.get(s.revision);
      const at = s.modifiedAt ?? s.createdAt;
      return {
        revision: s.revision, status: s.status,
        ...(at ? { updated: at.toISOString() } : {}),
        ...(v ? { verdict: v.verdict, ...(v.reason ? { reason: v.reason } : {}) } : {}),
      };
    });
    return { revisions, ...marks, warnings: read.warnings };
  }

  async function readBodies(revisions: readonly number[]): Promise<PickerRevision[]> {
    const out = await Promise.all(
      revisions.map(async (revision): Promise<PickerRevision | undefined> => {
        try {
          const rel = await body(revision);
          const back = rollbackOf(rel.description);
          return {
            revision, status: rel.status,
            chart: rel.chart.name ? `${rel.chart.name}-${rel.chart.version}` : '', appVersion: rel.chart.appVersion, description: rel.description,
            ...(rel.lastDeployed ? { updated: rel.lastDeployed.toISOString() } : {}),
            ...(back === undefined ? {} : { rollbackTo: back }),
          };
        } catch (err) {
          return { revision, status: 'unknown', description: `(cannot read: ${(err as Error).message})` };
        }
      }),
    );
    // The list's status comes from the labels, which helm rewrites; the body's may be older.
    return out.filter((r): r is PickerRevision => r !== undefined).map(({ status: _ignored, ...rest }) => rest as PickerRevision);
  }

  async function readFindings(revision: number): Promise<GuardFinding[]> {
    const target = await body(revision);
    const newer = history.filter((h) => h.revision > revision).map((h) => h.revision);
    const older = history.filter((h) => h.revision < revision).slice(-10).map((h) => h.revision);
    const read = (revs: number[]) => Promise.all(revs.map((r) => deps.releases.getRevision(req.release, req.namespace, r).catch(() => undefined)));
    const [crossed, before] = await Promise.all([read(newer), read(older)]);
    const known = (list: Array<Release | undefined>) => list.filter((r): r is Release => r !== undefined);
    return evaluateGuards({ target, crossed: known(crossed), older: known(before), ledger });
  }

  async function computeDetails(revision: number): Promise<PickerDetails> {
    const base = against ?? revision;
    const [from, to] = await Promise.all([body(base), body(revision)]);
    const diff = diffReleases(from, to, { showSecrets: req.showSecrets ?? false });
    const none = (what: string): DiffLine[] => [{ kind: 'note', text: `no ${what} differences between revision ${base} and ${revision}` }];
    const values = renderDiffLines(diff, { manifest: false });
    const manifest = renderDiffLines(diff, { values: false });
    const changed = diff.objects.length;
    return {
      revision,
      against: base,
      values: values.length ? values : none('values'),
      manifest: manifest.length ? manifest : none('manifest'),
      summary: `${diff.values.length} value${diff.values.length === 1 ? '' : 's'} and ${changed} object${changed === 1 ? '' : 's'} change (${diff.unchangedObjects} unchanged)`,
      hooks: rollbackHooks(to).map((h) => `${h.events.filter((e) => e.endsWith('-rollback')).join(',')} ${h.kind}/${h.name} (weight ${h.weight})`),
    };
  }
}
