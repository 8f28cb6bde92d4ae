/**
 * The autorollback ledger: this tool's own memory of which revisions it judged healthy or failed, kept in a
 * ConfigMap `autorollback-<release>` next to the release. Helm's history says what helm did; the ledger says
 * what actually happened to the pods, so a revision helm calls `superseded` but which crash-looped is never
 * chosen as a rollback target.
 */

/**
 * A revision's verdict: `healthy` (its rollout came up), `verified` (it also stayed healthy through a
 * watchdog's whole bake), `failed` (its rollout or its bake failed).
 */
export type LedgerVerdict = 'healthy' | 'verified' | 'failed';

/** The verdict recorded for one revision. */
export interface LedgerEntry {
  revision: number;
  verdict: LedgerVerdict;
  /** The failure reason code (e.g. `CrashLoopBackOff`), for failed verdicts. */
  reason?: string;
  /** For `verified`: how long the watchdog baked it, in ms. */
  bakedMs?: number;
  /** When the verdict was reached. */
  decidedAt: Date;
  /** Time to detect, for failed verdicts. */
  ttdMs?: number;
  /**
   * For healthy revisions: how long each workload's new pods took from creation to Ready, in ms, keyed
   * `Kind/namespace/name` (at most {@link LEDGER_MAX_STARTUP_WORKLOADS} workloads of
   * {@link LEDGER_MAX_STARTUP_SAMPLES} samples each). The learned unready grace is made from these.
   */
  startup?: Record<string, number[]>;
}

/** Bounds of {@link LedgerEntry.startup}, so a ConfigMap stays small whatever the chart. */
export const LEDGER_MAX_STARTUP_WORKLOADS = 20;
export const LEDGER_MAX_STARTUP_SAMPLES = 10;
/** How many of the newest revisions with start-up times {@link learnedStartupMs} learns from. */
export const LEARNED_FROM_REVISIONS = 5;

/** At most this many entries are kept (the newest revisions); a ConfigMap must stay small. */
export const LEDGER_MAX_ENTRIES = 50;

/** The `format` key's value for the current encoding. */
export const LEDGER_FORMAT = 'autorollback.ledger/v1';

const FORMAT_KEY = 'format';
const ENTRY_PREFIX = 'revision.';

/** The ConfigMap holding the ledger of `release` (release names are at most 53 characters, so this fits). */
export function ledgerConfigMapName(release: string): string {
  return `autorollback-${release}`;
}

/** Labels for the ledger ConfigMap, so it can be found and told apart from helm's own records. */
export function ledgerLabels(release: string): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'helm-autorollback', 'autorollback.helm.sh/release': release };
}

/**
 * The ConfigMap `data` for a ledger: one key per revision (`revision.<N>`, a small JSON object) plus a
 * `format` key. Keeps the newest {@link LEDGER_MAX_ENTRIES} revisions; a later entry for the same revision
 * replaces an earlier one.
 */
export function encodeLedger(entries: readonly LedgerEntry[]): Record<string, string> {
  const data: Record<string, string> = { [FORMAT_KEY]: LEDGER_FORMAT };
  for (const e of normalize(entries)) {
    const value: Record<string, unknown> = { verdict: e.verdict, decidedAt: e.decidedAt.toISOString() };
    if (e.reason !== undefined) value.reason = e.reason;
    if (e.ttdMs !== undefined) value.ttdMs = e.ttdMs;
    if (e.bakedMs !== undefined) value.bakedMs = e.bakedMs;
    const startup = boundStartup(e.startup);
    if (startup) value.startup = startup;
    data[`${ENTRY_PREFIX}${e.revision}`] = JSON.stringify(value);
  }
  return data;
}

/** A decoded ledger and a line for each thing that was ignored. */
export interface DecodedLedger {
  entries: LedgerEntry[];
  warnings: string[];
}

/**
 * Reads a ledger ConfigMap's `data`. Never throws: a missing map is an empty ledger; an unknown format, an
 * unreadable entry or an unknown key is skipped with a warning (a damaged ledger must not block a rollback).
 */
export function decodeLedger(data: Readonly<Record<string, string>> | undefined | null): DecodedLedger {
  const result: DecodedLedger = { entries: [], warnings: [] };
  if (!data) return result;
  const format = data[FORMAT_KEY];
  if (format !== undefined && format !== LEDGER_FORMAT) {
    result.warnings.push(`ledger format "${format}" is not understood by this version; ignoring the ledger`);
    return result;
  }
  for (const key of Object.keys(data).sort()) {
    if (key === FORMAT_KEY) continue;
    const m = /^revision\.([1-9]\d*)$/.exec(key);
    if (!m) {
      result.warnings.push(`ledger key "${key}" ignored: not a revision entry`);
      continue;
    }
    const entry = decodeEntry(Number(m[1]), data[key]);
    if (typeof entry === 'string') result.warnings.push(`ledger entry for revision ${m[1]} ignored: ${entry}`);
    else result.entries.push(entry);
  }
  result.entries = normalize(result.entries);
  return result;
}

/**
 * The ledger with `entry` recorded (replacing any entry of the same revision), capped. Input untouched. A
 * healthy revision's start-up times stay when a later verdict (e.g. `verified`) replaces its entry.
 */
export function recordVerdict(entries: readonly LedgerEntry[], entry: LedgerEntry): LedgerEntry[] {
  const replaced = entries.find((e) => e.revision === entry.revision);
  const kept = entry.startup === undefined && entry.verdict !== 'failed' && replaced?.startup ? { ...entry, startup: replaced.startup } : entry;
  return normalize([...entries.filter((e) => e.revision !== entry.revision), kept]);
}

/**
 * What the ledger learned of each workload's start-up: the longest creation-to-Ready time of its pods over the
 * newest {@link LEARNED_FROM_REVISIONS} healthy or verified revisions that recorded any, keyed
 * `Kind/namespace/name`. Empty without history.
 */
export function learnedStartupMs(entries: readonly LedgerEntry[]): Record<string, number> {
  const learned: Record<string, number> = {};
  const recent = entries
    .filter((e) => e.verdict !== 'failed' && e.startup && Object.keys(e.startup).length > 0)
    .sort((a, b) => b.revision - a.revision)
    .slice(0, LEARNED_FROM_REVISIONS);
  for (const e of recent) {
    for (const [key, samples] of Object.entries(e.startup ?? {})) {
      for (const ms of samples) learned[key] = Math.max(learned[key] ?? 0, ms);
    }
  }
  return learned;
}

/** Start-up times within the bounds: the slowest samples of the first workloads, whole milliseconds. */
function boundStartup(startup: Record<string, number[]> | undefined): Record<string, number[]> | undefined {
  if (!startup) return undefined;
  const out: Record<string, number[]> = {};
  for (const key of Object.keys(startup).sort().slice(0, LEDGER_MAX_STARTUP_WORKLOADS)) {
    const samples = (startup[key] ?? []).filter((n) => Number.isFinite(n) && n >= 0).map((n) => Math.round(n));
    if (samples.length > 0) out[key] = samples.sort((a, b) => b - a).slice(0, LEDGER_MAX_STARTUP_SAMPLES);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Revisions the ledger records as verified by a watchdog's clean bake. */
export function verifiedRevisions(entries: readonly LedgerEntry[]): Set<number> {
  return new Set(entries.filter((e) => e.verdict === 'verified').map((e) => e.revision));
}

/** Revisions the ledger records as failed. */
export function unhealthyRevisions(entries: readonly LedgerEntry[]): Set<number> {
  return new Set(entries.filter((e) => e.verdict === 'failed').map((e) => e.revision));
}

function decodeEntry(revision: number, raw: string | undefined): LedgerEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(raw ?? '');
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const v = value as Record<string, unknown>;
  if (v.verdict !== 'healthy' && v.verdict !== 'verified' && v.verdict !== 'failed') return `unknown verdict ${JSON.stringify(v.verdict)}`;
  const decidedAt = typeof v.decidedAt === 'string' ? new Date(v.decidedAt) : undefined;
  if (!decidedAt || Number.isNaN(decidedAt.getTime())) return 'no valid decidedAt';
  const entry: LedgerEntry = { revision, verdict: v.verdict, decidedAt };
  if (typeof v.reason === 'string') entry.reason = v.reason;
  if (typeof v.ttdMs === 'number' && Number.isFinite(v.ttdMs) && v.ttdMs >= 0) entry.ttdMs = v.ttdMs;
  if (typeof v.bakedMs === 'number' && Number.isFinite(v.bakedMs) && v.bakedMs >= 0) entry.bakedMs = v.bakedMs;
  // Start-up times are an optimisation: anything unreadable is dropped, never the entry.
  if (typeof v.startup === 'object' && v.startup !== null && !Array.isArray(v.startup)) {
    const startup: Record<string, number[]> = {};
    for (const [key, samples] of Object.entries(v.startup as Record<string, unknown>)) {
      if (Array.isArray(samples)) startup[key] = samples.filter((n): n is number => typeof n === 'number');
    }
    const bounded = boundStartup(startup);
    if (bounded) entry.startup = bounded;
  }
  return entry;
}

/** One entry per revision (the last given wins), sorted by revision, newest {@link LEDGER_MAX_ENTRIES}. */
function normalize(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const byRevision = new Map<number, LedgerEntry>();
  for (const e of entries) byRevision.set(e.revision, e);
  return [...byRevision.values()].sort((a, b) => a.revision - b.revision).slice(-LEDGER_MAX_ENTRIES);
}
