import type { Condition } from './condition.js';

/**
 * A metric check: one PromQL instant query measured every `intervalMs`, each measurement judged against the
 * failure condition. Semantics follow the analysis tools that popularised them (Argo Rollouts' AnalysisTemplate,
 * Flagger's metric checks): a check fails only after `failureLimit` failed measurements in a row.
 */
export interface AnalysisCheck {
  /** Unique name, shown in logs and notifications. */
  name: string;
  /** PromQL, with `{{release}}`, `{{namespace}}`, `{{revision}}` placeholders. */
  query: string;
  /** A measurement fails when its value satisfies this condition (e.g. `> 0.05`). */
  failIf: Condition;
  /** Time between measurements (default 30 s). */
  intervalMs: number;
  /** Failed measurements in a row that fail the check (default 3). */
  failureLimit: number;
  /** Inconclusive measurements (empty result, NaN) in a row that make the check inconclusive (default 3). */
  inconclusiveLimit: number;
  /** Verdict of a measurement whose query returned no series at all (default `inconclusive`). */
  onEmpty: EmptyVerdict;
}

/** What an empty query result counts as. NaN is always inconclusive. */
export type EmptyVerdict = 'inconclusive' | 'pass' | 'fail';

/** The defaults of every optional field of a check, and of the error retry policy. */
export const ANALYSIS_DEFAULTS = {
  intervalMs: 30_000,
  failureLimit: 3,
  inconclusiveLimit: 3,
  onEmpty: 'inconclusive' as EmptyVerdict,
  /** A measurement that errs (Prometheus unreachable, timeout, bad query) is retried after this long... */
  errorRetryMs: 10_000,
  /** ...at most this many errors in a row; then the check is inconclusive until a measurement succeeds. */
  errorLimit: 4,
  /** Shortest interval a check may use. */
  minIntervalMs: 1000,
} as const;

/** The values substituted into queries. */
export interface QueryVars {
  release: string;
  namespace: string;
  /** The revision under watch. */
  revision: number | string;
}

/** Names that may appear as `{{name}}` in a query. */
export const QUERY_PLACEHOLDERS: readonly (keyof QueryVars)[] = ['release', 'namespace', 'revision'];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Placeholders of a query that are not known names, in order of appearance (empty when all are known). */
export function unknownPlaceholders(query: string): string[] {
  const unknown: string[] = [];
  for (const m of query.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (!(QUERY_PLACEHOLDERS as readonly string[]).includes(name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

/** The query with every known placeholder replaced by its value; unknown ones are left as they are. Pure. */
export function renderQuery(query: string, vars: QueryVars): string {
  return query.replace(PLACEHOLDER, (whole, name: string) =>
    (QUERY_PLACEHOLDERS as readonly string[]).includes(name) ? String(vars[name as keyof QueryVars]) : whole,
  );
}

/** A check as written by the user, before defaults; every field but name/query/failIf optional. */
export interface CheckInput {
  name: string;
  query: string;
  failIf: Condition;
  intervalMs?: number;
  failureLimit?: number;
  inconclusiveLimit?: number;
  onEmpty?: EmptyVerdict;
}

/**
 * Fills defaults and validates a list of checks. Returns the checks or the first problem as one line
 * (where the input names it: `check "x": ...`). Pure.
 */
export function buildChecks(inputs: readonly CheckInput[]): { ok: true; checks: AnalysisCheck[] } | { ok: false; message: string } {
  const checks: AnalysisCheck[] = [];
  const names = new Set<string>();
  for (const input of inputs) {
    const where = `check "${input.name}"`;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(input.name)) {
      return { ok: false, message: `check name "${input.name}" must be letters, digits, "-", "_" or "." (starting with a letter or digit)` };
    }
    if (names.has(input.name)) return { ok: false, message: `check name "${input.name}" is used twice; give each check its own name` };
    names.add(input.name);
    if (input.query.trim() === '') return { ok: false, message: `${where}: the query is empty` };
    const unknown = unknownPlaceholders(input.query);
    if (unknown.length > 0) {
      return {
        ok: false,
        message: `${where}: unknown placeholder {{${unknown[0]}}} in the query; use {{release}}, {{namespace}} or {{revision}}`,
      };
    }
    const intervalMs = input.intervalMs ?? ANALYSIS_DEFAULTS.intervalMs;
    if (!Number.isFinite(intervalMs) || intervalMs < ANALYSIS_DEFAULTS.minIntervalMs) {
      return { ok: false, message: `${where}: interval must be at least 1s` };
    }
    for (const key of ['failureLimit', 'inconclusiveLimit'] as const) {
      const v = input[key];
      if (v !== undefined && (!Number.isInteger(v) || v < 1)) return { ok: false, message: `${where}: ${key} must be a whole number >= 1, got ${v}` };
    }
    checks.push({
      name: input.name,
      query: input.query,
      failIf: input.failIf,
      intervalMs,
      failureLimit: input.failureLimit ?? ANALYSIS_DEFAULTS.failureLimit,
      inconclusiveLimit: input.inconclusiveLimit ?? ANALYSIS_DEFAULTS.inconclusiveLimit,
      onEmpty: input.onEmpty ?? ANALYSIS_DEFAULTS.onEmpty,
    });
  }
  return { ok: true, checks };
}
