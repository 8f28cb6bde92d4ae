import type { AnalysisCheck } from './check.js';
import { conditionHolds, type Condition } from './condition.js';

/** One series of an instant vector: its labels and its sample value (NaN and ±Infinity kept as numbers). */
export interface Sample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** The result of a Prometheus instant query, as the adapter decodes it. */
export type QueryResult =
  | { resultType: 'vector'; samples: readonly Sample[] }
  | { resultType: 'scalar'; value: number }
  | { resultType: 'matrix' | 'string' };

/** How one measurement went. `error`: the query could not be run or its result cannot be judged. */
export type MeasurementOutcome = 'pass' | 'fail' | 'inconclusive' | 'error';

/** One judged measurement. */
export interface Measurement {
  outcome: MeasurementOutcome;
  /** The deciding value (the failing series, else the one closest to failing); null when there is none. */
  value: number | null;
  /** Labels of the deciding series, e.g. `{pod="web-1"}`; absent for scalars and empty results. */
  series?: string;
  /** One line saying why, e.g. `0.12 > 0.05 (1 of 3 series)`. */
  message: string;
}

/**
 * Judges one query result against a check's failure condition. Pure.
 * - empty vector: the check's `onEmpty` verdict (inconclusive by default);
 * - several series: every series must pass; one failing series fails the measurement; otherwise a NaN series
 *   makes it inconclusive;
 * - NaN (scalar or the only series): inconclusive, never pass or fail;
 * - a range vector or a string: error (the query must be an instant vector or a scalar).
 */
export function judgeResult(result: QueryResult, check: Pick<AnalysisCheck, 'failIf' | 'onEmpty'>): Measurement {
  const cond = check.failIf;
  if (result.resultType !== 'vector' && result.resultType !== 'scalar') {
    return {
      outcome: 'error',
      value: null,
      message: `the query returned a ${result.resultType === 'matrix' ? 'range vector' : 'string'}; it must return an instant vector or a scalar (wrap a range selector in rate(), avg_over_time(), ...)`,
    };
  }
  const samples: readonly Sample[] = result.resultType === 'scalar' ? [{ labels: {}, value: result.value }] : result.samples;
  if (samples.length === 0) {
    const verdict = check.onEmpty;
    return { outcome: verdict, value: null, message: `no data (empty result counts as ${verdict === 'inconclusive' ? 'inconclusive' : verdict === 'pass' ? 'a pass' : 'a failure'})` };
  }
  const of = samples.length > 1 ? ` (${samples.length} series)` : '';
  const failing = samples.filter((s) => !Number.isNaN(s.value) && conditionHolds(cond, s.value));
  if (failing.length > 0) {
    const worst = mostExtreme(failing, cond);
    const count = samples.length > 1 ? ` (${failing.length} of ${samples.length} series)` : '';
    return withSeries({ outcome: 'fail', value: worst.value, message: `${formatValue(worst.value)} ${cond.text}${count}` }, worst, result);
  }
  const nan = samples.find((s) => Number.isNaN(s.value));
  if (nan) {
    return withSeries({ outcome: 'inconclusive', value: Number.NaN, message: `NaN${of} counts as inconclusive` }, nan, result);
  }
  const closest = mostExtreme(samples, cond);
  return withSeries({ outcome: 'pass', value: closest.value, message: `${formatValue(closest.value)} not ${cond.text}${of}` }, closest, result);
}

/** The sample nearest to (or furthest past) the threshold in the condition's direction. */
function mostExtreme(samples: readonly Sample[], cond: Condition): Sample {
  const sign = cond.op === '>' || cond.op === '>=' ? 1 : cond.op === '<' || cond.op === '<=' ? -1 : 0;
  if (sign === 0) return samples[0]!;
  return samples.reduce((best, s) => (sign * s.value > sign * best.value ? s : best));
}

function withSeries(m: Measurement, sample: Sample, result: QueryResult): Measurement {
  if (result.resultType !== 'vector') return m;
  const labels = formatLabels(sample.labels);
  return labels === '' ? m : { ...m, series: labels };
}

/** `{a="1", b="2"}` with `__name__` first as the metric name, like Prometheus prints series. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return rest.length === 0 ? name : `${name}{${rest.join(', ')}}`;
}

/** A sample value for humans: NaN, +Inf, -Inf, or at most 4 significant digits. */
export function formatValue(value: number | null): string {
  if (value === null) return '-';
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** Prometheus' text for a sample value (`"0.5"`, `"NaN"`, `"+Inf"`, `"-Inf"`) as a number; undefined when not one. */
export function parseSampleValue(text: string): number | undefined {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  const n = Number(text);
  return text.trim() === '' || Number.isNaN(n) ? undefined : n;
}
