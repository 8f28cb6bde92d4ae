import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const runJs = join(process.cwd(), 'bin', 'run.js');
const run = (...args: string[]) => spawnSync(process.execPath, [runJs, ...args], { encoding: 'utf8' });

describe('the built CLI (bin/run.js)', () => {
  it('prints help listing the version command', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/version\s+Print the plugin version/);
  });

  it('reports its version as text and as JSON', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(run('version').stdout).toContain(`helm-autorollback ${pkg.version}`);
    const json = JSON.parse(run('version', '--json').stdout);
    expect(json).toMatchObject({ version: pkg.version, node: process.version });
  });

  it('turns an unknown flag into a one-line usage error with exit code 2', () => {
    const r = run('version', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: Nonexistent flag: --bogus/);
  });
});

describe('errors under --json', () => {
  it('are still printed as one line on stderr', () => {
    const r = run('version', '--json', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^Error: Nonexistent flag: --bogus/);
  });
});
