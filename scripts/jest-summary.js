#!/usr/bin/env node
// Prints CI's closing line `N passed, N failed` from jest's --json result files (jest's own summary is not read by
// CI). Several files (e.g. the Node 20 run and the Node 24 run) are summed into the one closing line; a file may be
// given as LABEL=FILE to name its run in the FAILED lines and the per-run lines.
//
// Usage: node scripts/jest-summary.js [LABEL=]FILE...      (default: .jest-result.json)
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const runs = (args.length ? args : ['.jest-result.json']).map((a) => {
  const m = /^([^=/]+)=(.+)$/.exec(a);
  return m ? { label: m[1], file: m[2] } : { label: '', file: a };
});

let passed = 0;
let failed = 0;
let skipped = 0;
for (const { label, file } of runs) {
  const tag = label ? ` (${label})` : '';
  if (!existsSync(file)) {
    console.log(`FAILED${tag}: no jest result ${file}`);
    failed += 1;
    continue;
  }
  const result = JSON.parse(readFileSync(file, 'utf8'));
  // A suite that fails to load has no test results; count it as one failure so it cannot hide.
  const brokenSuites = result.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
  const runFailed = result.numFailedTests + brokenSuites;
  const runSkipped = result.numPendingTests + result.numTodoTests;
  for (const suite of result.testResults) {
    for (const t of suite.assertionResults) if (t.status === 'failed') console.log(`FAILED${tag}: ${t.fullName}`);
    if (suite.status === 'failed' && suite.assertionResults.length === 0) console.log(`FAILED SUITE${tag}: ${suite.name}`);
  }
  if (runs.length > 1) console.log(`${label || file}: ${result.numPassedTests} passed, ${runFailed} failed${runSkipped ? `, ${runSkipped} skipped` : ''}`);
  passed += result.numPassedTests;
  failed += runFailed;
  skipped += runSkipped;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
