import type { DoctorReport } from '../domain/doctor/index.js';

const MARK: Record<DoctorReport['checks'][number]['status'], string> = { pass: 'ok   ', skipped: 'skip ', info: 'info ', warn: 'WARN ', error: 'ERROR' };

/**
 * `doctor`'s checklist as text: a line per check (status, title), then each finding with its evidence and fix,
 * then a summary line. No colour. Pure.
 */
export function renderDoctorText(report: DoctorReport): string {
  const lines = [`doctor: ${report.release} (namespace ${report.namespace})`];
  for (const check of report.checks) {
    lines.push(`  ${MARK[check.status]} ${check.title}${check.note ? ` (${check.note})` : ''}`);
    for (const f of report.findings.filter((x) => x.check === check.id)) {
      lines.push(`        ${f.message}`);
      lines.push(`          evidence: ${f.evidence}`);
      if (f.fix) lines.push(`          fix: ${f.fix}`);
    }
  }
  const { error, warn } = report.counts;
  lines.push(
    report.status === 'pass'
      ? '  => ready for automatic rollback: no errors, no warnings'
      : `  => ${error} error${error === 1 ? '' : 's'}, ${warn} warning${warn === 1 ? '' : 's'}${error > 0 ? ' (exit 8)' : ''}`,
  );
  return lines.join('\n');
}
