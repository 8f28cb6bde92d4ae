import { renderDiffLines, renderFieldLines } from '../domain/diff/index.js';
import type { GuardFinding } from '../domain/guards/types.js';
import type { HookSummary, RollbackPlan, RollbackReport } from '../domain/rollback/manual-report.js';
import { describeFailure } from '../domain/upgrade/events.js';
import type { ReportLine } from './report-text.js';
import { formatSpan } from './time-format.js';

/** The guards' findings as lines: severity, guard, message, then the fix. Shared by rollback, status and upgrade. */
export function findingLines(findings: readonly GuardFinding[], indent = '  '): ReportLine[] {
  if (findings.length === 0) return [{ level: 'info', text: `${indent}none` }];
  return findings.flatMap((f) => {
    const level = f.severity === 'block' ? 'error' : f.severity === 'warn' ? 'warn' : 'info';
    const lines: ReportLine[] = [{ level, text: `${indent}${f.severity.toUpperCase()} ${f.guard}: ${f.message}` }];
    if (f.fix) lines.push({ level: 'info', text: `${indent}  fix: ${f.fix}` });
    return lines;
  });
}

function hookText(hooks: readonly HookSummary[]): string {
  if (hooks.length === 0) return 'none (helm runs only the target\'s pre-rollback/post-rollback hooks)';
  return hooks.map((h) => `${h.events.filter((e) => e.endsWith('-rollback')).join(',')} ${h.kind}/${h.name}${h.weight ? ` (weight ${h.weight})` : ''}`).join('; ');
}

/**
 * The plan of a rollback by hand: target, hooks, guard findings and what changes. With `diff: 'full'` (dry run)
 * the unified values and manifest diff follows; with `summary` (the confirmation) one line per changed object.
 */
export function planLines(plan: RollbackPlan, options: { diff: 'full' | 'summary' }): ReportLine[] {
  const from = plan.fromRevision === null ? `revision ${plan.latestRevision}` : `revision ${plan.fromRevision}`;
  const why = plan.pending ? ` (recovering from ${plan.pending.status} revision ${plan.pending.revision})` : plan.defaultTarget ? ' (the last known good)' : '';
  const lines: ReportLine[] = [
    { level: 'info', text: `Roll back ${plan.release} (namespace ${plan.namespace}) from ${from} to revision ${plan.toRevision}${why}` },
    ...(plan.fromRevision !== null && plan.latestRevision !== plan.fromRevision
      ? [{ level: 'info' as const, text: `  newest: revision ${plan.latestRevision}, what the cluster holds now: the changes below are against it` }]
      : []),
    { level: 'info', text: `  hooks: ${hookText(plan.hooks)}` },
    { level: 'info', text: '  guards:' },
    ...findingLines(plan.findings, '    '),
  ];
  const d = plan.diff;
  if (!d.changed) {
    lines.push({ level: 'info', text: `  changes: none (revision ${plan.toRevision} renders the same values and manifest)` });
    return lines;
  }
  lines.push({ level: 'info', text: `  changes: ${d.values.length} value(s), ${d.objects.length} object(s) (${d.unchangedObjects} unchanged)` });
  if (options.diff === 'summary') {
    for (const v of renderFieldLines(d.values)) lines.push({ level: 'info', text: `    values ${v}` });
    for (const o of d.objects) lines.push({ level: 'info', text: `    ${o.change.padEnd(7)} ${o.kind}/${o.name}${o.namespace === plan.namespace ? '' : ` (namespace ${o.namespace})`}` });
    return lines;
  }
  for (const l of renderDiffLines(d)) {
    const level = l.kind === 'add' ? 'success' : l.kind === 'remove' ? 'error' : 'info';
    lines.push({ level, text: l.kind === 'object' ? `  --- ${l.text}` : `  ${l.text}` });
  }
  return lines;
}

/** The final summary of a rollback by hand. */
export function rollbackReportLines(report: RollbackReport): ReportLine[] {
  const created = report.newRevision === null ? '' : ` (revision ${report.newRevision})`;
  if (report.outcome === 'planned') return [{ level: 'info', text: `dry run: nothing was changed; run without --dry-run to roll back to revision ${report.toRevision}` }];
  const lines: ReportLine[] = [];
  if (report.outcome === 'healthy') {
    const ttr = report.timings.ttrMs === null ? '' : ` in ${formatSpan(report.timings.ttrMs)}`;
    lines.push({ level: 'success', text: `✔ ${report.release} rolled back to revision ${report.toRevision}${created}: healthy${ttr}` });
  } else {
    lines.push({ level: 'error', text: `✖ ROLLBACK FAILED: ${report.release} rolling back to revision ${report.toRevision}${created}` });
    const f = report.failure;
    if (f) {
      lines.push({ level: 'error', text: `  reason        ${describeFailure(f)}` });
      if (f.message) lines.push({ level: 'info', text: `  message       ${f.message.replace(/\s*\n\s*/g, ' ').trim()}` });
    }
    lines.push({ level: 'warn', text: `  look at       helm history ${report.release} -n ${report.namespace}; kubectl get pods -n ${report.namespace}` });
  }
  const warned = report.findings.filter((x) => x.severity !== 'info').length;
  if (warned > 0) lines.push({ level: 'warn', text: `  guards        ${warned} warning(s), listed above (and in --json)` });
  return lines;
}
