import { readFileSync } from 'node:fs';
import { exitCodeTable } from '../../src/errors/exit-codes.js';

describe('exit codes', () => {
  it('the README table matches the one in src/errors/exit-codes.ts', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.split('## Exit codes')[1].split('\n## ')[0];
    const rows = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => ({ code: Number(m[1]), meaning: m[2] }));
    expect(rows).toEqual(exitCodeTable.map((r) => ({ code: r.code, meaning: r.meaning })));
  });

  it('codes are distinct', () => {
    const codes = exitCodeTable.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
