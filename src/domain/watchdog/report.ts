import { ExitCode, type ExitCodeValue } from '../../errors/exit-codes.js';
import { failureJson } from '../upgrade/report.js';
import type { WatchdogState } from './machine.js';
import type { StandDownReason, WatchdogFailureReason, WatchdogOutcome } from './types.js';

/** The final report of a watchdog, what `--json` prints on stdout. Times are RFC 3339 strings. */
export interface WatchdogReport {
  release: string;
  namespace: string;
  /** The revision that was baked. */
  revision: number;
  outcome: WatchdogOutcome;
  armedAt: string;
  deadline: string;
  endedAt: string | null;
  /** This watchdog's lease holder identity. */
  holder: string;
  failure?: {
    reason: WatchdogFailureReason;
    object: string;
    container?: string;
    message: string;
    firstSignalAt: string;
    detectedAt: string;
  };
  rollback?: { toRevision: number | null; newRevision: number | null; startedAt: string; completedAt: string | null; message?: string };
  standDown?: { reason: StandDownReason; detail: string };
  disarmedBy?: string;
  /** The last result of each metric check. */
  metrics: Array<{ check: string; value: number | null; outcome: string; status: string }>;
}

/** Builds the report from the machine's final state. Pure. */
export function buildWatchdogReport(state: WatchdogState, ctx: { release: string; namespace: string; holder: string }): WatchdogReport {
  const report: WatchdogReport = {
    release: ctx.release,
    namespace: ctx.namespace,
    revision: state.revision,
    outcome: state.outcome ?? 'disarmed',
    armedAt: state.armedAt.toISOString(),
    deadline: state.deadline.toISOString(),
    endedAt: state.endedAt ? state.endedAt.toISOString() : null,
    holder: ctx.holder,
    metrics: Object.values(state.metrics).map((m) => ({ check: m.check, value: m.value ?? null, outcome: m.outcome, status: m.status })),
  };
  if (state.failure) report.failure = failureJson(state.failure);
  if (state.rollback) {
    const r = state.rollback;
    report.rollback = {
      toRevision: r.toRevision ?? null,
      newRevision: r.newRevision ?? null,
      startedAt: r.startedAt.toISOString(),
      completedAt: r.completedAt ? r.completedAt.toISOString() : null,
      ...(r.message === undefined ? {} : { message: r.message }),
    };
  }
  if (state.standDown) report.standDown = state.standDown;
  if (state.disarmedBy) report.disarmedBy = state.disarmedBy;
  return report;
}

/** The process exit code of a watchdog outcome (see the README's exit-code table). */
export function watchdogExitCode(outcome: WatchdogOutcome): ExitCodeValue {
  switch (outcome) {
    case 'verified':
    case 'disarmed':
      return ExitCode.Ok;
    case 'rolled-back':
      return ExitCode.RolledBack;
    case 'rollback-failed':
      return ExitCode.RollbackFailed;
    case 'stood-down':
      return ExitCode.StoodDown;
  }
}
