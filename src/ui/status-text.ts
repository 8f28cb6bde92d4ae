import type { StatusReport } from '../services/status.js';
import type { ReportLine } from './report-text.js';
import { findingLines } from './rollback-text.js';

/** `status` as text: what runs, its health now, the last known good, recent verdicts, a rollback now. */
export function statusLines(r: StatusReport): ReportLine[] {
  const lines: ReportLine[] = [];
  const row = (label: string, value: string, level: ReportLine['level'] = 'info') => lines.push({ level, text: `  ${label.padEnd(12)} ${value}`, label, value });
  lines.push({ level: r.healthy ? 'success' : 'error', text: `${r.release} (namespace ${r.namespace}): ${r.healthy ? 'HEALTHY' : r.pending ? 'PENDING' : r.health.state.toUpperCase()}` });
  const running = r.deployedRevision ?? r.latestRevision;
  row('revision', `${running}${r.deployedRevision === null ? ` (${r.latestStatus}; none is deployed)` : ' deployed'}${r.latestRevision !== running ? `, newest ${r.latestRevision} ${r.latestStatus}` : ''}`);
  row('chart', `${r.chart || '?'}${r.appVersion ? ` (app ${r.appVersion})` : ''}${r.lastDeployed ? `, deployed ${r.lastDeployed}` : ''}`);
  const h = r.health;
  if (h.state === 'degraded') row('health', `degraded: ${h.reason} in ${h.object}${h.container ? ` (container ${h.container})` : ''}: ${(h.message ?? '').replace(/\s*\n\s*/g, ' ')}`, 'error');
  else row('health', h.state === 'healthy' ? 'healthy: every workload rolled out and ready' : 'progressing: still rolling out', h.state === 'healthy' ? 'success' : 'warn');
  for (const w of h.workloads.filter((x) => !x.hook)) row('', `${w.kind}/${w.name} ${w.ready}/${w.desired} ready${w.note ? `, ${w.note}` : ''}`);
  if (r.pending) row('pending', r.pending, 'error');
  row('last good', r.lastKnownGood === null ? 'none known' : `revision ${r.lastKnownGood}`);
  row('verdicts', r.verdicts.length === 0 ? 'none recorded' : r.verdicts.map((v) => `${v.revision} ${v.verdict}${v.reason ? ` (${v.reason})` : ''}`).join(', '));
  const w = r.watchdog;
  if (w) {
    const what = `revision ${w.revision}, held by ${w.holder}, bake ends ${w.deadline}${w.target === null ? '' : `, target revision ${w.target}`}${w.disarmRequested ? ', disarm requested' : ''}`;
    row('watchdog', w.live ? `armed on ${what}` : `lease expired (its holder stopped renewing at ${w.renewedAt}): ${what}`, w.live ? 'info' : 'warn');
  } else if (r.watchdogUnreadable) row('watchdog', `unknown: its Lease could not be read (${r.watchdogUnreadable})`, 'warn');
  else row('watchdog', 'none armed');
  if (r.rollback.toRevision === null) row('rollback', `not possible now: ${r.rollback.refusal ?? 'no target'}`);
  else {
    row('rollback', `to revision ${r.rollback.toRevision}; guards:`);
    lines.push(...findingLines(r.rollback.findings, '    '));
  }
  return lines;
}
