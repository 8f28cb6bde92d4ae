import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const runJs = join(process.cwd(), 'bin', 'run.js');
const run = (...args: string[]) => spawnSync(process.execPath, [runJs, ...args], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/nonexistent' } });

describe('upgrade --notify (built CLI)', () => {
  it.each([
    ['ftp://hooks.example/secret-token', /^Error: --notify #1: a --notify URL must be http:\/\/ or https:\/\/, got ftp: \(ftp:\/\/hooks\.example\/…\)$/],
    ['secret-token', /^Error: --notify #1: a --notify value is not a URL; give http\(s\):\/\/\.\.\. \(optionally as slack=URL, cdevents=URL or json=URL\)$/],
  ])('a bad --notify %s exits 2 with one line, before touching the cluster, without printing the URL', (value, message) => {
    const r = run('upgrade', 'web', './chart', '--notify', value);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr).not.toContain('secret-token');
  });

  it('--help states the notification semantics', () => {
    const r = run('upgrade', '--help');
    expect(r.stdout).toMatch(/--notify=<value>\.\.\./);
    expect(r.stdout).toContain('CDEvents service.rolledback CloudEvent (cdevents=URL)');
  });
});
