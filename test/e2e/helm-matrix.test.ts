// The helm version matrix: the core flows, run THROUGH each real helm the README claims (3.14.0, 3.15.1, 3.16.4,
// 3.17.3, 4.1.4) against one kube-sim. The older three are not devDependencies: `node scripts/fetch-toolchain.js`
// (run by .ci/run before the tests) puts them in the binary cache; this file never touches the network.
//
// Per version, in its own helm home and namespace: the plugin is installed from the checkout with that helm
// (`helm plugin install`), then `helm autorollback upgrade` makes a healthy revision, plain helm leaves a failed
// one, a crash-looping upgrade is rolled back PAST that failed revision to the last known good one,
// `helm autorollback history` reads it all back, and `helm autorollback rollback` goes back to revision 1. Needs `npm run build` (bin/run.js -> dist/bundle).
import { join } from 'node:path';
import { helmBinaryOf, helmMatrix } from '../../src/toolchain/fetched.js';
import { helmEnv, run, withSim, type RunResult, type TestSim } from '../sim/helpers.js';

const repo = process.cwd();
const probe = join(repo, 'test', 'charts', 'probe');

let sim: TestSim;

beforeAll(async () => {
  sim = await withSim({ timeScale: 5 });
});

afterAll(async () => {
  await sim?.stop();
});

describe.each(helmMatrix.map((e) => e.helm))('helm %s', (version) => {
  const ns = `v${version.replace(/\./g, '-')}`;
  const major = Number(version.split('.')[0]) as 3 | 4;
  /** This version's helm with its own home (plugins, config, cache) against the simulator. */
  const helm = (args: string[]): Promise<RunResult> =>
    run(helmBinaryOf(version), args, helmEnv({ kubeconfigPath: sim.kubeconfigPath, dir: join(sim.dir, ns) }, major, { NO_COLOR: '1' }), 120_000);
  const statuses = async (): Promise<Record<number, string>> => {
    const r = await helm(['history', 'app', '-n', ns, '-o', 'json']);
    return Object.fromEntries((JSON.parse(r.stdout) as Array<{ revision: number; status: string }>).map((x) => [x.revision, x.status]));
  };

  it('is the helm it claims to be, and installs the plugin from the checkout', async () => {
    const v = await helm(['version', '--template', '{{.Version}}']);
    expect(v.stdout).toBe(`v${version}`);
    const installed = await helm(['plugin', 'install', repo]);
    expect({ code: installed.code, stderr: installed.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await helm(['plugin', 'list'])).stdout).toMatch(/^autorollback\s+\d+\.\d+\.\d+/m);
    const own = await helm(['autorollback', 'version', '--json']);
    expect(JSON.parse(own.stdout)).toMatchObject({ platform: 'linux/x64' });
  });

  it('healthy upgrade through helm: exit 0, revision 2 deployed', async () => {
    expect((await helm(['upgrade', '--install', 'app', probe, '-n', ns, '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0);
    const r = await helm(['-n', ns, 'autorollback', 'upgrade', 'app', probe, '--set', 'image=nginx:1.28', '--json']);
    expect({ code: r.code, outcome: JSON.parse(r.stdout || '{}').outcome }).toEqual({ code: 0, outcome: 'healthy' });
    expect(r.stderr).toContain(`helm ${major})`);
  });

  it('crash-loop rollback past a failed revision: exit 3, back on revision 2 (not the failed 3)', async () => {
    // Revision 3 fails in helm's own eyes: its --wait runs out on a never-ready image.
    expect((await helm(['upgrade', 'app', probe, '-n', ns, '--set', 'image=unready:3', '--wait', '--timeout', '3s'])).code).not.toBe(0);
    const r = await helm(['-n', ns, 'autorollback', 'upgrade', 'app', probe, '--set', 'image=crashloop:4', '--json']);
    const report = JSON.parse(r.stdout || '{}') as { outcome?: string; failure?: { reason: string }; rollback?: { toRevision: number; newRevision: number } };
    expect({ code: r.code, outcome: report.outcome, rollback: report.rollback }).toEqual({
      code: 3,
      outcome: 'rolled-back',
      rollback: expect.objectContaining({ toRevision: 2, newRevision: 5 }),
    });
    expect(['CrashLoopBackOff', 'TooManyRestarts']).toContain(report.failure?.reason);
    expect(await statuses()).toEqual({ 1: 'superseded', 2: 'superseded', 3: 'failed', 4: 'failed', 5: 'deployed' });
  });

  it('history through helm reads the same revisions helm recorded', async () => {
    const r = await helm(['-n', ns, 'autorollback', 'history', 'app', '--json']);
    const rows = (JSON.parse(r.stdout) as { rows: Array<{ revision: number; status: string; description: string }> }).rows;
    expect(Object.fromEntries(rows.map((x) => [x.revision, x.status]))).toEqual(await statuses());
    expect(rows.find((x) => x.revision === 5)?.description).toBe('Rollback to 2');
  });

  it('rollback through helm to an explicit revision: judged healthy, exit 0, revision 6 is "Rollback to 1"', async () => {
    const r = await helm(['-n', ns, 'autorollback', 'rollback', 'app', '1', '--yes', '--no-tui']);
    expect({ code: r.code, tail: r.code === 0 ? '' : r.stderr.slice(-400) }).toEqual({ code: 0, tail: '' });
    const status = await helm(['status', 'app', '-n', ns, '-o', 'json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ version: 6, info: { status: 'deployed', description: 'Rollback to 1' } });
  });
});
