#!/usr/bin/env node
// Prints CI's closing line `N passed, N failed` from jest's --json result file (jest's own summary is not read by CI).
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.jest-result.json';
if (!existsSync(file)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const result = JSON.parse(readFileSync(file, 'utf8'));
// A suite that fails to load has no test results; count it as one failure so it cannot hide.
const brokenSuites = result.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
const failed = result.numFailedTests + brokenSuites;
const skipped = result.numPendingTests + result.numTodoTests;
for (const suite of result.testResults) {
  for (const t of suite.assertionResults) if (t.status === 'failed') console.log(`FAILED: ${t.fullName}`);
  if (suite.status === 'failed' && suite.assertionResults.length === 0) console.log(`FAILED SUITE: ${suite.name}`);
}
console.log(`${result.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
