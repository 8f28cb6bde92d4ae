import { dump as dumpYaml } from 'js-yaml';
import { rowVerdict, type HistoryReport } from '../services/history.js';

const headers = ['REVISION', 'UPDATED', 'STATUS', 'VERDICT', 'CHART', 'APP VERSION', 'DESCRIPTION'] as const;

/**
 * The plain table `history` prints: `helm history`'s columns plus VERDICT (the autorollback ledger's: healthy,
 * failed <reason>, verified, or `-`); times in UTC. A rollback revision's description keeps helm's
 * "Rollback to N". No colours, no trailing spaces, so it reads the same in a terminal, a CI log or a pipe.
 */
export function renderHistoryTable(report: HistoryReport): string {
  const rows = report.rows.map((r) => [
    String(r.revision),
    r.updated ? formatTime(r.updated) : '',
    r.status,
    rowVerdict(r),
    r.chart,
    r.appVersion,
    oneLine(r.description),
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `-o yaml`: the same document as `-o json`. */
export function renderHistoryYaml(report: HistoryReport): string {
  return dumpYaml(JSON.parse(JSON.stringify(report)), { lineWidth: -1, noRefs: true }).trimEnd();
}

/** The lines printed on stderr under the table: left-out revisions, unreadable ledger. */
export function renderHistoryFooter(report: HistoryReport): string | undefined {
  const hidden = report.totalRevisions - report.rows.length;
  const lines = [
    ...(hidden > 0 ? [`(${hidden} older revision${hidden === 1 ? '' : 's'} not shown; raise --max to see them)`] : []),
    ...report.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.length ? lines.join('\n') : undefined;
}

// "2026-11-27 00:57:34 UTC": sortable, unambiguous, independent of the machine's time zone.
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
