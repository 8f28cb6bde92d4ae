/**
 * The watchdog end to end: the CLI from the built bundle with the REAL helm 3 and 4 against one kube-sim (time
 * scale 2: the kubelet's durations run twice as fast, the watchdog's graces and bake stay real), one namespace
 * per case. `crash-after-20s` is healthy for 20 simulated seconds, then exits 1 on every run: it passes helm's
 * --wait and `upgrade`'s own verdict, and only a watchdog catches it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { UpgradeReport } from '../../src/domain/upgrade/report.js';
import type { WatchdogReport } from '../../src/domain/watchdog/report.js';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';
import { helm, helmEnv, withSim, type TestSim } from '../sim/helpers.js';

const repo = process.cwd();
const cli = join(repo, 'bin', 'run.js');
const probe = join(repo, 'test', 'charts', 'probe');
type Run = { code: number | null; stdout: string; stderr: string; json?: WatchdogReport & { watchdog?: WatchdogReport } & Partial<UpgradeReport> };

let sim: TestSim;
beforeAll(async () => {
  sim = await withSim({ timeScale: 2 });
});
afterAll(async () => {
  await sim?.stop();
});

/** Starts the CLI; `onLine` sees each stderr line as it comes. */
function start(major: HelmMajor, args: string[], onLine: (line: string) => void = () => undefined): Promise<Run> {
  const env = helmEnv(sim, major, { HELM_BIN: helmBinary(major), CI: '1', NO_COLOR: '1' });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const lines = (partial + c.toString()).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      let json: Run['json'];
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        return reject(new Error(`stdout is not JSON:\n${stdout}\n--- stderr:\n${stderr}`));
      }
      resolve({ code, stdout, stderr, ...(json ? { json } : {}) });
    });
  });
}

async function helmOk(major: HelmMajor, args: string[]): Promise<string> {
  const r = await helm(sim, major, args);
  if (r.code !== 0) throw new Error(`helm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const history = async (major: HelmMajor, release: string, ns: string) =>
  JSON.parse(await helmOk(major, ['history', release, '-n', ns, '-o', 'json'])) as Array<{ revision: number; status: string; description: string }>;
const ledger = (ns: string, release: string) => (sim.store.get('configmaps', ns, `autorollback-${release}`) as { data?: Record<string, string> } | undefined)?.data ?? {};
const install = (major: HelmMajor, release: string, ns: string, image = 'nginx:1.27') =>
  helmOk(major, ['upgrade', '--install', release, probe, '-n', ns, '--create-namespace', '--set', `image=${image}`, '--wait', '--timeout', '60s']);

describe.each([3, 4] as const)('watchdog with the real helm %i', (major) => {
  it('an image that degrades after ~20 s passes helm --wait and upgrade; upgrade --watchdog catches it and rolls back to the last known good', async () => {
    const ns = `wd-degrade-h${major}`;
    await install(major, 'app', ns);
    const r = await start(major, ['upgrade', 'app', probe, '-n', ns, '--set', 'image=nginx:crash-after-20s', '--watchdog', '2m']);
    expect(r.code).toBe(3);
    expect(r.json).toMatchObject({ outcome: 'healthy', attemptedRevision: 2, watchdog: { outcome: 'rolled-back', revision: 2, rollback: { toRevision: 1, newRevision: 3 } } });
    expect(['CrashLoopBackOff', 'RestartsGrowing']).toContain(r.json?.watchdog?.failure?.reason);
    expect(r.stderr).toMatch(/revision 2 is healthy/);
    expect(r.stderr).toMatch(/DEGRADED: (CrashLoopBackOff|RestartsGrowing) in Pod\/app-/);
    const h = await history(major, 'app', ns);
    expect(h.map((x) => [x.revision, x.status])).toEqual([[1, 'superseded'], [2, 'failed'], [3, 'deployed']]);
    expect(h[2]?.description).toBe('Rollback to 1');
    expect(JSON.parse(ledger(ns, 'app')['revision.2'] ?? '{}')).toMatchObject({ verdict: 'failed' });
    expect(sim.store.get('leases.coordination.k8s.io', ns, 'autorollback-app')).toBeUndefined();
  }, 150_000);

  if (major === 3) {
    it('a healthy release bakes clean and is recorded verified (exit 0)', async () => {
      const ns = 'wd-clean';
      await install(major, 'ok', ns);
      const r = await start(major, ['watchdog', 'ok', '-n', ns, '--for', '6s']);
      expect(r.code).toBe(0);
      expect(r.json).toMatchObject({ outcome: 'verified', revision: 1 });
      expect(JSON.parse(ledger(ns, 'ok')['revision.1'] ?? '{}')).toMatchObject({ verdict: 'verified', bakedMs: expect.any(Number) });
      expect(r.stderr).toMatch(/VERIFIED: ok revision 1 stayed healthy for the whole bake/);
    }, 60_000);

    it('a newer deploy during the bake: stands down with exit 6, no rollback', async () => {
      const ns = 'wd-newer';
      await install(major, 'nw', ns);
      let deployed: Promise<string> | undefined;
      const r = await start(major, ['watchdog', 'nw', '-n', ns, '--for', '2m'], (line) => {
        if (!deployed && /watchdog armed/.test(line)) deployed = install(major, 'nw', ns, 'nginx:1.28');
      });
      await deployed;
      expect(r.code).toBe(6);
      expect(r.json).toMatchObject({ outcome: 'stood-down', standDown: { reason: 'newer-revision', detail: 'revision 2 was deployed during the bake' } });
      expect((await history(major, 'nw', ns)).map((x) => x.description)).not.toContain('Rollback to 1');
    }, 60_000);
  } else {
    it('two watchdogs at once: exactly one rollback', async () => {
      const ns = 'wd-two';
      await install(major, 'two', ns);
      await install(major, 'two', ns, 'nginx:crash-after-20s');
      const [a, b] = await Promise.all([start(major, ['watchdog', 'two', '-n', ns, '--for', '2m']), start(major, ['watchdog', 'two', '-n', ns, '--for', '2m'])]);
      expect([a.code, b.code].sort()).toEqual([3, 6]);
      const stood = a.code === 6 ? a : b;
      expect(stood.json).toMatchObject({ outcome: 'stood-down', standDown: { reason: 'lease-held' } });
      expect((await history(major, 'two', ns)).filter((x) => x.description.startsWith('Rollback to'))).toHaveLength(1);
    }, 150_000);

    it('disarm from a second process: the watchdog stops, changes nothing, releases the lease', async () => {
      const ns = 'wd-disarm';
      await install(major, 'dis', ns);
      let disarm: Promise<Run> | undefined;
      const r = await start(major, ['watchdog', 'dis', '-n', ns, '--for', '2m'], (line) => {
        if (!disarm && /watchdog armed/.test(line)) disarm = start(major, ['watchdog', 'disarm', 'dis', '-n', ns]);
      });
      const d = await disarm;
      expect(r.code).toBe(0);
      expect(r.json).toMatchObject({ outcome: 'disarmed', disarmedBy: expect.stringMatching(/^disarmed by .+@/) });
      expect(d?.code).toBe(0);
      expect(d?.json).toMatchObject({ result: 'disarmed', revision: 1 });
      expect(sim.store.get('leases.coordination.k8s.io', ns, 'autorollback-dis')).toBeUndefined();
      expect((await start(major, ['watchdog', 'disarm', 'dis', '-n', ns])).json).toMatchObject({ result: 'none' });
    }, 60_000);
  }
});
