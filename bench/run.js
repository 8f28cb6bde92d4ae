#!/usr/bin/env node
// `npm run bench`: runs the benchmarks listed in bench/index.js and prints one table each.
// Benchmarks measure, they do not pass or fail the build; a report may still carry verdicts against a target.
//
// Usage: node bench/run.js [NAME...] [--runs N] [--json]
//   NAME     only these benchmarks (default: all in bench/index.js)
//   --runs   samples per measured command (default 15; each benchmark may use it as it sees fit)
//   --json   print the reports as one JSON document instead of tables
//
// A report is { title, columns: string[], rows: (string|number)[][], notes?: string[],
//               verdicts?: { label, ok: boolean }[] }.
import { pathToFileURL } from 'node:url';
import { benchmarks } from './index.js';

/**
 * Formats a report as a fixed-width text table with its notes and verdicts.
 * @param {{ title: string, columns: string[], rows: Array<Array<string|number>>, notes?: string[], verdicts?: Array<{label: string, ok: boolean}> }} report
 */
export function formatReport(report) {
  const cells = [report.columns, ...report.rows.map((r) => r.map(String))];
  const widths = report.columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  // First column left-aligned (labels), the rest right-aligned (numbers).
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [report.title, line(report.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
  for (const note of report.notes ?? []) out.push(`  ${note}`);
  for (const v of report.verdicts ?? []) out.push(`  ${v.ok ? 'MET' : 'MISSED'}: ${v.label}`);
  return out.join('\n');
}

async function main(argv) {
  const json = argv.includes('--json');
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 15;
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`Error: --runs must be a positive integer, not ${argv[runsAt + 1]}`);
    process.exit(2);
  }
  const names = argv.filter((a, i) => !a.startsWith('--') && !(runsAt >= 0 && i === runsAt + 1));
  const unknown = names.filter((n) => !(n in benchmarks));
  if (unknown.length > 0) {
    console.error(`Error: unknown benchmark ${unknown.join(', ')} (known: ${Object.keys(benchmarks).join(', ')})`);
    process.exit(2);
  }
  const selected = names.length > 0 ? names : Object.keys(benchmarks);
  const reports = {};
  for (const name of selected) {
    const { benchmark } = await benchmarks[name]();
    if (!json) console.error(`running ${name}: ${benchmark.description}`);
    reports[name] = await benchmark.run({ runs, log: (m) => json || console.error(`  ${m}`) });
    if (!json) console.log(`${formatReport(reports[name])}\n`);
  }
  if (json) console.log(JSON.stringify(reports, null, 2));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
