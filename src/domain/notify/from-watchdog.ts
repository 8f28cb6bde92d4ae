import type { WatchdogReport } from '../watchdog/report.js';
import type { WatchdogNoticeKind } from '../watchdog/types.js';
import type { NotificationEvent } from './payloads.js';

/**
 * The notification for a watchdog's `notify` effect, from its report: the baked revision, the rollback target
 * and evidence for a rollback, the reason for a stand-down. Pure; `at` is the report's end (or `now`).
 */
export function watchdogNotification(kind: WatchdogNoticeKind, report: WatchdogReport, now: Date): NotificationEvent {
  const reason = report.failure?.reason ?? report.standDown?.reason;
  const message = report.failure ? `${report.failure.object}: ${report.failure.message}` : report.standDown?.detail;
  return {
    kind,
    source: 'watchdog',
    release: report.release,
    namespace: report.namespace,
    revision: report.revision,
    ...(report.rollback && (kind === 'rolled-back' || kind === 'rollback-failed')
      ? { toRevision: report.rollback.toRevision, newRevision: report.rollback.newRevision }
      : {}),
    ...(reason === undefined || kind === 'verified' ? {} : { reason }),
    ...(message === undefined || kind === 'verified' ? {} : { message }),
    at: report.endedAt ? new Date(report.endedAt) : now,
  };
}
