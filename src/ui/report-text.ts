import { describeFailure } from '../domain/upgrade/events.js';
import type { UpgradeReport } from '../domain/upgrade/report.js';
import { formatSpan } from './time-format.js';

/** One line of the human summary with how it should stand out. */
export interface ReportLine {
  level: 'info' | 'success' | 'warn' | 'error';
  text: string;
  /** For detail rows: the label and the value that make up `text`, so a view can indent wrapped values. */
  label?: string;
  value?: string;
}

/**
 * The human final summary of an upgrade, line by line: a headline saying what happened to the release, then
 * labelled details (failure, rollback, timings) and, when a human must act, what to look at. No colour: the
 * renderers colour by `level`.
 */
export function reportLines(report: UpgradeReport): ReportLine[] {
  const lines: ReportLine[] = [{ level: headlineLevel(report), text: headline(report) }];
  const row = (label: string, value: string, level: ReportLine['level'] = 'info') =>
    lines.push({ level, text: `  ${label.padEnd(13)} ${value}`, label, value });

  row('release', `${report.release} (namespace ${report.namespace})`);
  row('revisions', revisionsLine(report));
  const f = report.failure;
  if (f) {
    row('reason', describeFailure(f), 'error');
    if (f.message) row('message', f.message.replace(/\s*\n\s*/g, ' ').trim());
    row('first signal', f.firstSignalAt);
    const ttd = report.timings.ttdMs === null ? '' : ` (TTD ${formatSpan(report.timings.ttdMs)})`;
    row('detected', `${f.detectedAt}${ttd}`);
  }
  const rb = report.rollback;
  if (rb) {
    const action = rb.toRevision === null ? 'uninstall' : 'rollback';
    row(action, `started ${rb.startedAt}, ${rb.completedAt ? `completed ${rb.completedAt}` : 'never completed'}`);
  }
  if (report.timings.ttrMs !== null) {
    const label = report.outcome === 'healthy' ? 'time to ready' : 'recovered in';
    row(label, `${formatSpan(report.timings.ttrMs)} (TTR, from the start of the upgrade)`);
  }
  for (const g of report.guards ?? []) {
    if (g.severity !== 'info') row(`guard`, `${g.guard}: ${g.message}`, g.severity === 'block' ? 'error' : 'warn');
  }
  if (report.blocked) row('roll back', report.blocked.command, 'warn');
  if (report.outcome === 'rollback-failed' || report.outcome === 'failed-no-rollback') {
    const ns = `-n ${report.namespace}`;
    row('look at', `helm history ${report.release} ${ns}; kubectl get pods,events ${ns}`, 'warn');
  }
  return lines;
}

/** The human final summary of an upgrade as text (no colour, no trailing newline). */
export function formatReportText(report: UpgradeReport): string {
  return reportLines(report)
    .map((l) => l.text)
    .join('\n');
}

// Headlines stay under 80 columns for usual release names: the namespace and revisions have their own rows.
function headline(r: UpgradeReport): string {
  const attempted = r.attemptedRevision === null ? 'upgrade' : `revision ${r.attemptedRevision}`;
  switch (r.outcome) {
    case 'healthy':
      return `SUCCESS: ${r.release} ${attempted} is healthy`;
    case 'rolled-back': {
      const rb = r.rollback;
      if (rb && rb.toRevision === null) return `ROLLED BACK: ${r.release} first install failed; release uninstalled`;
      const target = rb?.toRevision === undefined ? 'the last known good revision' : `revision ${rb.toRevision}`;
      return `ROLLED BACK: ${r.release} ${attempted} failed; back on ${target}, healthy`;
    }
    case 'rollback-failed':
      return `ROLLBACK FAILED: ${r.release} ${attempted} failed and was not recovered; act now`;
    case 'failed-no-rollback':
      if (r.blocked) return `FAILED: ${r.release} ${attempted} failed; not rolled back (${r.blocked.guard} guard)`;
      if (r.notRolledBack === 'nothing-stored' || r.attemptedRevision === null) return `FAILED: ${r.release} upgrade failed before helm stored a revision; nothing was changed`;
      if (r.notRolledBack === 'kept') return `FAILED: ${r.release} ${attempted} failed; left as it is (--keep-failed-install)`;
      if (r.noRollbackReason) return `FAILED: ${r.release} ${attempted} failed; left as it is (${r.noRollbackReason})`;
      return `FAILED: ${r.release} ${attempted} failed; left as it is (rollback disabled by --no-rollback)`;
  }
}

function headlineLevel(r: UpgradeReport): ReportLine['level'] {
  switch (r.outcome) {
    case 'healthy':
      return 'success';
    case 'rolled-back':
      return 'warn';
    default:
      return 'error';
  }
}

function revisionsLine(r: UpgradeReport): string {
  const from = r.fromRevision === null ? 'none (first install)' : String(r.fromRevision);
  const to = r.attemptedRevision === null ? 'not stored' : String(r.attemptedRevision);
  let text = `${from} -> ${to}`;
  if (r.failure) text += ' (failed)';
  const rb = r.rollback;
  if (rb && rb.toRevision !== null) {
    text += ` -> rollback to ${rb.toRevision}`;
    if (rb.newRevision !== null) text += ` as revision ${rb.newRevision}`;
  } else if (rb) {
    text += ' -> uninstalled';
  }
  return text;
}
