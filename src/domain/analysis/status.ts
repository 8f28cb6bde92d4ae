import { ANALYSIS_DEFAULTS, type AnalysisCheck } from './check.js';
import type { Measurement } from './judge.js';

/** Where a check stands: `failed` is final; `inconclusive` lasts until a measurement passes or fails. */
export type CheckStatus = 'ok' | 'failed' | 'inconclusive';

/** What `--on-inconclusive` asks for when a check is inconclusive (default `ignore`). */
export type InconclusivePolicy = 'ignore' | 'rollback';

/** The running state of one check, folded from its measurements. */
export interface CheckState {
  status: CheckStatus;
  /** Failed measurements in a row (a pass resets it; inconclusive results and errors leave it as it is). */
  consecutiveFailures: number;
  /** Inconclusive measurements in a row (a pass or a failure resets it; errors leave it). */
  consecutiveInconclusive: number;
  /** Measurement errors in a row (any judged measurement resets it). */
  consecutiveErrors: number;
  /** Measurements so far, errors included. */
  measurements: number;
  last?: Measurement;
}

/** The state of a check before its first measurement. */
export const INITIAL_CHECK_STATE: CheckState = {
  status: 'ok',
  consecutiveFailures: 0,
  consecutiveInconclusive: 0,
  consecutiveErrors: 0,
  measurements: 0,
};

/** The error policy; defaults in ANALYSIS_DEFAULTS (a retry after 10 s, 4 errors in a row). */
export interface ErrorPolicy {
  errorRetryMs: number;
  errorLimit: number;
}

const DEFAULT_ERROR_POLICY: ErrorPolicy = { errorRetryMs: ANALYSIS_DEFAULTS.errorRetryMs, errorLimit: ANALYSIS_DEFAULTS.errorLimit };

/**
 * Folds one measurement into a check's state. Pure; the input is not changed.
 * - `failureLimit` failed measurements in a row fail the check, for good;
 * - `inconclusiveLimit` inconclusive measurements in a row, or `errorLimit` errors in a row, make it
 *   inconclusive; a later pass makes it ok again.
 */
export function foldMeasurement(
  state: CheckState,
  check: Pick<AnalysisCheck, 'failureLimit' | 'inconclusiveLimit'>,
  m: Measurement,
  policy: Pick<ErrorPolicy, 'errorLimit'> = DEFAULT_ERROR_POLICY,
): CheckState {
  let { consecutiveFailures, consecutiveInconclusive, consecutiveErrors } = state;
  switch (m.outcome) {
    case 'pass':
      consecutiveFailures = 0;
      consecutiveInconclusive = 0;
      consecutiveErrors = 0;
      break;
    case 'fail':
      consecutiveFailures += 1;
      consecutiveInconclusive = 0;
      consecutiveErrors = 0;
      break;
    case 'inconclusive':
      consecutiveInconclusive += 1;
      consecutiveErrors = 0;
      break;
    case 'error':
      consecutiveErrors += 1;
      break;
  }
  const status: CheckStatus =
    state.status === 'failed' || consecutiveFailures >= check.failureLimit
      ? 'failed'
      : consecutiveInconclusive >= check.inconclusiveLimit || consecutiveErrors >= policy.errorLimit
        ? 'inconclusive'
        : 'ok';
  return { status, consecutiveFailures, consecutiveInconclusive, consecutiveErrors, measurements: state.measurements + 1, last: m };
}

/**
 * How long to wait before the next measurement: the check's interval, except after an error that has not yet
 * reached the error limit, when the measurement is retried sooner (after `errorRetryMs`, or the interval if
 * that is shorter).
 */
export function nextMeasurementDelayMs(state: CheckState, check: Pick<AnalysisCheck, 'intervalMs'>, policy: ErrorPolicy = DEFAULT_ERROR_POLICY): number {
  const retrying = state.last?.outcome === 'error' && state.consecutiveErrors < policy.errorLimit;
  return retrying ? Math.min(policy.errorRetryMs, check.intervalMs) : check.intervalMs;
}

/**
 * Whether the analysis as a whole asks for a rollback: any failed check does; an inconclusive one only under
 * `--on-inconclusive rollback`. Returns the names of the deciding checks, or undefined.
 */
export function analysisWantsRollback(
  statuses: ReadonlyArray<{ name: string; status: CheckStatus }>,
  onInconclusive: InconclusivePolicy,
): { reason: 'failed' | 'inconclusive'; checks: string[] } | undefined {
  const failed = statuses.filter((s) => s.status === 'failed').map((s) => s.name);
  if (failed.length > 0) return { reason: 'failed', checks: failed };
  if (onInconclusive !== 'rollback') return undefined;
  const inconclusive = statuses.filter((s) => s.status === 'inconclusive').map((s) => s.name);
  return inconclusive.length > 0 ? { reason: 'inconclusive', checks: inconclusive } : undefined;
}
