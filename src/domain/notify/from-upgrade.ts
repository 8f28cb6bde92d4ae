import type { UpgradeReport } from '../upgrade/report.js';
import type { NotificationEvent } from './payloads.js';

/**
 * The notification `upgrade --notify` sends for its final report: one for a rollback (or uninstall of a failed
 * first install) and one for a rollback that failed; none for a healthy upgrade or `--no-rollback`. Pure.
 */
export function upgradeNotification(report: UpgradeReport, at: Date): NotificationEvent | undefined {
  if (report.outcome !== 'rolled-back' && report.outcome !== 'rollback-failed') return undefined;
  return {
    kind: report.outcome,
    source: 'upgrade',
    release: report.release,
    namespace: report.namespace,
    revision: report.attemptedRevision,
    ...(report.rollback ? { toRevision: report.rollback.toRevision, newRevision: report.rollback.newRevision } : {}),
    ...(report.failure ? { reason: report.failure.reason, message: report.failure.message } : {}),
    at,
  };
}
