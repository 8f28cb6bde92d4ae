import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import yaml from 'js-yaml';
import { ANALYSIS_DEFAULTS, buildChecks, type AnalysisCheck, type CheckInput, type EmptyVerdict } from '../domain/analysis/check.js';
import { parseCondition } from '../domain/analysis/condition.js';
import type { InconclusivePolicy } from '../domain/analysis/status.js';
import { parseNotifyTarget, type NotifyTarget } from '../domain/notify/targets.js';
import { UsageError } from '../errors/errors.js';
import { parseDuration } from '../helm/upgrade-args.js';
import { parsePrometheusUrl } from '../metrics/prometheus.js';

/** The metric-analysis flags (`watchdog`), defined once. */
export const analysisFlags = {
  prometheus: Flags.string({ description: 'Prometheus base URL for metric checks, e.g. http://prometheus.monitoring:9090 (credentials as https://user:pass@host; never printed)' }),
  query: Flags.string({ description: 'a PromQL instant query to check; repeatable, each paired with a --fail-if ({{release}}, {{namespace}}, {{revision}} are substituted)', multiple: true }),
  'fail-if': Flags.string({ description: "a measurement of the matching --query fails when its value satisfies this, e.g. '> 0.05', '>= 1', '< 0.99', '== 0', '!= 0' (one --fail-if for all queries, or one per --query in order)", multiple: true }),
  analysis: Flags.string({ description: 'YAML file of metric checks: a list of {name, query, failIf, interval, failureLimit, inconclusiveLimit, onEmpty}' }),
  'query-interval': Flags.string({ description: 'time between measurements of each --query check', default: '30s' }),
  'failure-limit': Flags.string({ description: 'failed measurements in a row that fail a --query check', default: '3' }),
  'on-empty': Flags.string({ description: 'what an empty query result counts as for --query checks (NaN is always inconclusive)', options: ['inconclusive', 'pass', 'fail'], default: 'inconclusive' }),
  'on-inconclusive': Flags.string({ description: 'what an inconclusive check (no data, NaN, Prometheus unreachable) does: nothing, or roll back', options: ['ignore', 'rollback'], default: 'ignore' }),
};

/** The notification flag (`upgrade`, `watchdog`). */
export const notifyFlags = {
  notify: Flags.string({ description: 'POST an event here on rollback, rollback failure, stand-down and verified: URL (generic JSON; Slack format for hooks.slack.com), slack=URL, cdevents=URL or json=URL; repeatable; never printed', multiple: true }),
};

/** The semantics, for each command's --help. */
export const ANALYSIS_HELP = [
  'Metric checks (--prometheus with --query/--fail-if or --analysis FILE) run PromQL instant queries every interval (default 30s). A measurement fails when its value satisfies the --fail-if condition; with several series, every series must pass (one failing series fails the measurement). A check fails after 3 failed measurements in a row (--failure-limit, failureLimit); a passing one resets the count.',
  'An empty result or NaN is inconclusive, never a silent pass or failure (--on-empty / onEmpty changes the empty case); 3 inconclusive measurements in a row make the check inconclusive. A query error (Prometheus unreachable, timeout, bad query) is retried every 10s; after 4 in a row the check is inconclusive. An inconclusive check never rolls back by itself unless --on-inconclusive rollback.',
  'Firing alerts are one query away: --query \'ALERTS{alertstate="firing",namespace="{{namespace}}"}\' --fail-if \'> 0\' --on-empty pass.',
].join('\n\n');

/** What the analysis flags ask for; undefined when no check was asked. */
export interface AnalysisConfig {
  prometheus: URL;
  checks: AnalysisCheck[];
  onInconclusive: InconclusivePolicy;
}

/** The raw values of {@link analysisFlags} as oclif parses them. */
export interface AnalysisFlagValues {
  prometheus?: string;
  query?: string[];
  'fail-if'?: string[];
  analysis?: string;
  'query-interval'?: string;
  'failure-limit'?: string;
  'on-empty'?: string;
  'on-inconclusive'?: string;
}

/**
 * Validates the analysis flags and reads --analysis FILE; every problem is a UsageError of one line naming the
 * flag and the fix (exit 2), raised before anything runs.
 */
export function parseAnalysisFlags(flags: AnalysisFlagValues, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): AnalysisConfig | undefined {
  const queries = flags.query ?? [];
  const conditions = flags['fail-if'] ?? [];
  if (flags.prometheus === undefined && queries.length === 0 && flags.analysis === undefined) {
    if (conditions.length > 0) throw new UsageError('--fail-if needs a --query to apply to', { hint: "e.g. --query 'rate(errors_total[1m])' --fail-if '> 0.05'" });
    return undefined;
  }
  if (flags.prometheus === undefined) {
    throw new UsageError('metric checks need --prometheus URL', { hint: 'e.g. --prometheus http://prometheus.monitoring:9090' });
  }
  const prometheus = parsePrometheusUrl(flags.prometheus);
  const inputs: CheckInput[] = [];
  if (queries.length > 0) {
    if (conditions.length === 0) throw new UsageError('every --query needs a --fail-if condition', { hint: "e.g. --fail-if '> 0.05'" });
    if (conditions.length !== 1 && conditions.length !== queries.length) {
      throw new UsageError(`${queries.length} --query but ${conditions.length} --fail-if`, { hint: 'give one --fail-if for all queries, or one per --query in the same order' });
    }
    const intervalMs = parseDuration(flags['query-interval'] ?? '30s', 'query-interval');
    const failureLimit = wholeNumber(flags['failure-limit'] ?? String(ANALYSIS_DEFAULTS.failureLimit), '--failure-limit');
    queries.forEach((query, i) => {
      const text = conditions[conditions.length === 1 ? 0 : i]!;
      const cond = parseCondition(text);
      if (!cond.ok) throw new UsageError(`--fail-if: ${cond.message}`);
      inputs.push({ name: `query-${i + 1}`, query, failIf: cond.condition, intervalMs, failureLimit, onEmpty: (flags['on-empty'] ?? 'inconclusive') as EmptyVerdict });
    });
  } else if (conditions.length > 0) {
    throw new UsageError('--fail-if needs a --query to apply to', { hint: 'write conditions of --analysis checks in the file (failIf)' });
  }
  const fromFlags = buildChecks(inputs);
  if (!fromFlags.ok) throw new UsageError(fromFlags.message);
  const checks = fromFlags.checks;
  if (flags.analysis !== undefined) {
    const fromFile = buildChecks(readAnalysisFile(flags.analysis, readFile));
    if (!fromFile.ok) throw new UsageError(`--analysis ${flags.analysis}: ${fromFile.message}`);
    const clash = fromFile.checks.find((c) => checks.some((q) => q.name === c.name));
    if (clash) throw new UsageError(`--analysis ${flags.analysis}: check name "${clash.name}" is also the name of a --query check; rename it`);
    checks.push(...fromFile.checks);
  }
  if (checks.length === 0) throw new UsageError('--prometheus needs at least one check', { hint: "add --query Q --fail-if '> 0.05' or --analysis FILE" });
  return { prometheus, checks, onInconclusive: (flags['on-inconclusive'] ?? 'ignore') as InconclusivePolicy };
}

const CHECK_KEYS = ['name', 'query', 'failIf', 'condition', 'interval', 'failureLimit', 'inconclusiveLimit', 'onEmpty'];

/** Reads the checks of an --analysis file: a YAML list of checks, or a map with a `checks` list. */
export function readAnalysisFile(path: string, readFile: (path: string) => string): CheckInput[] {
  const where = `--analysis ${path}`;
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(`${where} cannot be read (${code === 'ENOENT' ? 'no such file' : code ?? 'read error'})`, { hint: 'give the path of a YAML file of checks' });
  }
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (err) {
    const mark = (err as { mark?: { line?: number } }).mark;
    const reason = (err as { reason?: string }).reason ?? 'syntax error';
    throw new UsageError(`${where} is not valid YAML (${mark?.line === undefined ? '' : `line ${mark.line + 1}: `}${reason})`, { hint: 'fix the file; see --help for its format' });
  }
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && Array.isArray((doc as { checks?: unknown }).checks) ? (doc as { checks: unknown[] }).checks : undefined;
  if (!list || list.length === 0) {
    throw new UsageError(`${where} has no checks`, { hint: 'write a YAML list of checks, each with name, query and failIf' });
  }
  return list.map((item, i) => {
    const at = `${where}: check ${i + 1}`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw new UsageError(`${at} is not a map`, { hint: 'each check is a map with name, query and failIf' });
    const o = item as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => !CHECK_KEYS.includes(k));
    if (unknown.length > 0) throw new UsageError(`${at} has an unknown field "${unknown[0]}"`, { hint: `fields are ${CHECK_KEYS.join(', ')}` });
    for (const key of ['name', 'query'] as const) {
      if (typeof o[key] !== 'string' || (o[key] as string).trim() === '') throw new UsageError(`${at} needs a ${key} (a string)`);
    }
    const condText = o.failIf ?? o.condition;
    if (typeof condText !== 'string') throw new UsageError(`${at} ("${String(o.name)}") needs failIf, a condition such as "> 0.05" (quoted)`);
    const cond = parseCondition(condText);
    if (!cond.ok) throw new UsageError(`${at} ("${String(o.name)}"): ${cond.message}`);
    const input: CheckInput = { name: (o.name as string).trim(), query: o.query as string, failIf: cond.condition };
    if (o.interval !== undefined) input.intervalMs = typeof o.interval === 'number' ? o.interval * 1000 : parseDuration(String(o.interval), `analysis ${path}: check ${i + 1} interval`);
    for (const key of ['failureLimit', 'inconclusiveLimit'] as const) {
      if (o[key] !== undefined) {
        if (typeof o[key] !== 'number' || !Number.isInteger(o[key]) || (o[key] as number) < 1) throw new UsageError(`${at} ("${input.name}"): ${key} must be a whole number >= 1`);
        input[key] = o[key] as number;
      }
    }
    if (o.onEmpty !== undefined) {
      if (o.onEmpty !== 'inconclusive' && o.onEmpty !== 'pass' && o.onEmpty !== 'fail') throw new UsageError(`${at} ("${input.name}"): onEmpty must be inconclusive, pass or fail`);
      input.onEmpty = o.onEmpty;
    }
    return input;
  });
}

/** Parses every `--notify` value; a bad one is a UsageError that never prints the URL. */
export function parseNotifyFlags(values: readonly string[] | undefined): NotifyTarget[] {
  return (values ?? []).map((value, i) => {
    const r = parseNotifyTarget(value);
    if (!r.ok) throw new UsageError(`--notify #${i + 1}: ${r.message}`);
    return r.target;
  });
}

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new UsageError(`${flag} must be a whole number >= 1, got "${text}"`);
  return Number(text);
}
