import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ciOutputOptions } from '../../src/cli/ci-flags.js';

describe('ciOutputOptions', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ci-flags-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const noWarn = (line: string) => {
    throw new Error(`unexpected warning: ${line}`);
  };

  it.each([
    ['true', true],
    ['false', false],
    ['1', false],
    [undefined, false],
  ])('GITHUB_ACTIONS=%s -> github %s', (value, github) => {
    const env = value === undefined ? {} : { GITHUB_ACTIONS: value };
    expect(ciOutputOptions({}, env, noWarn).github).toBe(github);
  });

  it('appends to $GITHUB_STEP_SUMMARY under Actions and writes --summary-file', () => {
    const step = join(dir, 'step.md');
    const file = join(dir, 'out.md');
    writeFileSync(step, 'before\n');
    writeFileSync(file, 'stale\n');
    const o = ciOutputOptions({ 'summary-file': file }, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: step }, noWarn);
    o.onSummary?.('# s\n');
    expect(readFileSync(step, 'utf8')).toBe('before\n# s\n');
    expect(readFileSync(file, 'utf8')).toBe('# s\n');
  });

  it('GITHUB_STEP_SUMMARY without GITHUB_ACTIONS=true is not written; nothing asked, no writer', () => {
    expect(ciOutputOptions({}, { GITHUB_STEP_SUMMARY: join(dir, 'x.md') }, noWarn).onSummary).toBeUndefined();
  });

  it('a summary that cannot be written is one warning line, not an error', () => {
    const warnings: string[] = [];
    const o = ciOutputOptions({ 'summary-file': join(dir, 'missing', 'x.md') }, {}, (l) => warnings.push(l));
    expect(() => o.onSummary?.('# s\n')).not.toThrow();
    expect(warnings).toEqual([expect.stringMatching(/^warning: could not write the summary to .*missing\/x\.md: ENOENT/)]);
  });
});
