import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const runJs = join(process.cwd(), 'bin', 'run.js');
// A kubeconfig that does not exist: these cases must fail before anything reads it.
const env = { ...process.env, KUBECONFIG: '/nonexistent/kubeconfig', CI: '1' };
const run = (...args: string[]) => spawnSync(process.execPath, [runJs, 'rollback', ...args], { encoding: 'utf8', env, input: '' });

describe('rollback: bad input is one line, exit 2, before the cluster is touched', () => {
  it.each([
    [['web'], /^Error: rollback needs --yes when not run from a terminal \(nothing was changed\) \(add --yes, or --dry-run to see the plan\)$/],
    [['web', 'two', '--yes'], /^Error: REVISION must be a whole number >= 1, got "two" \(see the revisions with: helm autorollback history web\)$/],
    [['Bad_Name', '--yes'], /^Error: .*release name/i],
    [['web', '--yes', '--migration-policy', 'never'], /^Error: Expected --migration-policy=never to be one of: warn, block/],
    [['web', '--yes', '--timeout', '10ms'], /^Error: --timeout 10ms is too short/],
  ])('%j', (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
