import { ANALYSIS_DEFAULTS, renderQuery, type AnalysisCheck, type QueryVars } from '../domain/analysis/check.js';
import { judgeResult, type Measurement, type MeasurementOutcome } from '../domain/analysis/judge.js';
import { foldMeasurement, INITIAL_CHECK_STATE, nextMeasurementDelayMs, type CheckState, type CheckStatus, type ErrorPolicy } from '../domain/analysis/status.js';
import type { MetricResult as WatchdogMetricResult } from '../domain/watchdog/types.js';
import type { Clock } from '../ports/clock.js';
import type { MetricsSource } from '../ports/metrics.js';

/** What the runner needs. */
export interface MetricAnalysisDeps {
  metrics: MetricsSource;
  clock: Clock;
}

/** One measurement of one check, with the check's status after it. */
export interface MetricResult {
  check: string;
  /** The query as sent (placeholders substituted). */
  query: string;
  /** When the measurement finished. */
  at: Date;
  outcome: MeasurementOutcome;
  /** The deciding value; null when there is none (empty result, error). */
  value: number | null;
  /** Labels of the deciding series, when the result had labels. */
  series?: string;
  /** One line: the comparison made, or why there was none. */
  message: string;
  /** The failure condition, e.g. `> 0.05`. */
  failIf: string;
  status: CheckStatus;
  consecutiveFailures: number;
  failureLimit: number;
  consecutiveErrors: number;
}

/** Options of the runner; the defaults are the documented ones (retry after 10 s, 4 errors in a row). */
export type MetricAnalysisOptions = Partial<ErrorPolicy>;

/** A running analysis. */
export interface MetricAnalysis {
  /** Stops every check: no further measurement starts, an in-flight query is abandoned and not reported. */
  stop(): void;
  /** The current state of each check, by name. */
  states(): ReadonlyMap<string, CheckState>;
}

/**
 * Starts measuring every check: once at once, then every interval (errors retried sooner, see
 * nextMeasurementDelayMs), each check on its own schedule, never two queries of one check at a time.
 * `onResult` gets every measurement with the check's folded status; it is called synchronously and its
 * exceptions are swallowed so that one bad subscriber never stops the analysis.
 */
export function startMetricAnalysis(
  deps: MetricAnalysisDeps,
  checks: readonly AnalysisCheck[],
  vars: QueryVars,
  onResult: (result: MetricResult) => void,
  options: MetricAnalysisOptions = {},
): MetricAnalysis {
  const policy: ErrorPolicy = {
    errorRetryMs: options.errorRetryMs ?? ANALYSIS_DEFAULTS.errorRetryMs,
    errorLimit: options.errorLimit ?? ANALYSIS_DEFAULTS.errorLimit,
  };
  const abort = new AbortController();
  const states = new Map<string, CheckState>(checks.map((c) => [c.name, INITIAL_CHECK_STATE]));
  const wakers = new Set<() => void>();

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        cancel();
        wakers.delete(wake);
        resolve();
      };
      const cancel = deps.clock.at(new Date(deps.clock.now().getTime() + ms), wake);
      wakers.add(wake);
    });

  const measure = async (check: AnalysisCheck, query: string): Promise<Measurement> => {
    try {
      const result = await deps.metrics.instantQuery(query, undefined, abort.signal);
      return judgeResult(result, check);
    } catch (err) {
      return { outcome: 'error', value: null, message: err instanceof Error ? err.message : String(err) };
    }
  };

  const loop = async (check: AnalysisCheck) => {
    const query = renderQuery(check.query, vars);
    while (!abort.signal.aborted) {
      const m = await measure(check, query);
      if (abort.signal.aborted) return;
      const state = foldMeasurement(states.get(check.name) ?? INITIAL_CHECK_STATE, check, m, policy);
      states.set(check.name, state);
      try {
        onResult({
          check: check.name,
          query,
          at: deps.clock.now(),
          outcome: m.outcome,
          value: m.value,
          ...(m.series === undefined ? {} : { series: m.series }),
          message: m.message,
          failIf: check.failIf.text,
          status: state.status,
          consecutiveFailures: state.consecutiveFailures,
          failureLimit: check.failureLimit,
          consecutiveErrors: state.consecutiveErrors,
        });
      } catch {
        // a subscriber's bug must not stop the analysis
      }
      if (abort.signal.aborted) return;
      await wait(nextMeasurementDelayMs(state, check, policy));
    }
  };

  for (const check of checks) void loop(check);

  return {
    stop() {
      if (abort.signal.aborted) return;
      abort.abort();
      for (const wake of [...wakers]) wake();
    },
    states: () => states,
  };
}

/** A runner result in the shape the watchdog's state machine takes (`condition`, `value` absent when there is none). */
export function toWatchdogMetric(r: MetricResult): WatchdogMetricResult {
  return {
    check: r.check,
    outcome: r.outcome,
    status: r.status,
    condition: r.failIf,
    message: r.message,
    ...(r.value === null ? {} : { value: r.value }),
  };
}

/**
 * The watchdog's `startMetrics` hook over this runner: starts the checks with the release's placeholders and
 * returns the function that stops them.
 */
export function metricsStarter(
  deps: MetricAnalysisDeps,
  checks: readonly AnalysisCheck[],
  vars: QueryVars,
  options: MetricAnalysisOptions = {},
): (onResult: (result: WatchdogMetricResult) => void) => () => void {
  return (onResult) => {
    const analysis = startMetricAnalysis(deps, checks, vars, (r) => onResult(toWatchdogMetric(r)), options);
    return () => analysis.stop();
  };
}
