import type { HistoryReport } from '../services/history.js';

const headers = ['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'] as const;

/**
 * The plain table `history` prints, columns as in `helm history`; times in UTC. No colours, no trailing spaces,
 * so it reads the same in a terminal, a CI log or a pipe.
 */
export function renderHistoryTable(report: HistoryReport): string {
  const rows = report.rows.map((r) => [
    String(r.revision),
    r.updated ? formatTime(r.updated) : '',
    r.status,
    r.chart,
    r.appVersion,
    oneLine(r.description),
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** The line printed under the table when older revisions were left out by --max. */
export function renderHistoryFooter(report: HistoryReport): string | undefined {
  const hidden = report.totalRevisions - report.rows.length;
  return hidden > 0 ? `(${hidden} older revision${hidden === 1 ? '' : 's'} not shown; raise --max to see them)` : undefined;
}

// "2026-11-27 00:57:34 UTC": sortable, unambiguous, independent of the machine's time zone.
function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
