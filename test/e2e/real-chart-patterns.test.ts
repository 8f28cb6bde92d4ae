/**
 * Patterns of public charts through `helm autorollback upgrade` with the real helm 3 and 4 on kube-sim (one
 * simulator for the file, time scale 5, one namespace per case and major), charts from test/charts:
 * - stateful-db: an OrderedReady StatefulSet with volume claims whose new image crash-loops. The rollback
 *   deletes the not-ready pod of the failed revision and converges (exit 3, every pod ready on the old
 *   revision); with --no-force-statefulset-rollback it does not, as before (exit 4: helm 3's rollback times out on
 *   our verdict at --timeout, helm 4's rollback --wait fails at once with "1 pods have failed"); and the same
 *   stuck StatefulSet (after a plain `helm upgrade`) through the `rollback` command converges too.
 * - self-deleting-hook: a pre-upgrade hook Job that crash-loops, fails and deletes itself is HookFailed.
 */
import { join } from 'node:path';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';
import { upgradeJson } from './upgrade-json.js';
import { helm, helmEnv, run, withSim, type TestSim } from '../sim/helpers.js';

const repo = process.cwd();
const cli = join(repo, 'bin', 'run.js');
const charts = join(repo, 'test', 'charts');

let sim: TestSim;
beforeAll(async () => {
  sim = await withSim({ timeScale: 5 });
});
afterAll(async () => {
  await sim?.stop();
});

const autorollback = (major: HelmMajor, args: string[]) => upgradeJson(sim, major, args);

async function release(major: HelmMajor, name: string, ns: string): Promise<{ status: string; version: number }> {
  const r = await helm(sim, major, ['status', name, '-n', ns, '-o', 'json']);
  const j = JSON.parse(r.stdout) as { info: { status: string }; version: number };
  return { status: j.info.status, version: j.version };
}

/** The StatefulSet's pods: name, controller-revision-hash, Ready. */
function statefulPods(ns: string, app: string): Array<{ name: string; revision: string; ready: boolean }> {
  return sim.store
    .list('pods', { namespace: ns, labelSelector: `app=${app}` })
    .items.map((p) => ({
      name: p.metadata.name,
      revision: p.metadata.labels?.['controller-revision-hash'] ?? '',
      ready: ((p.status as any)?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

describe.each([3, 4] as HelmMajor[])('helm %i', (major) => {
  it('stateful-db: a crash-looping StatefulSet upgrade is rolled back by deleting the stuck pod; exit 3, every pod ready on the old revision', async () => {
    const ns = `sts-force-h${major}`;
    const install = await helm(sim, major, ['install', 'db', join(charts, 'stateful-db'), '-n', ns, '--create-namespace', '--set', 'replicas=2', '--wait', '--timeout', '60s']);
    expect(install.code).toBe(0);
    const good = (sim.store.get('statefulsets.apps', ns, 'db')?.status as any).currentRevision as string;

    const r = await autorollback(major, ['db', join(charts, 'stateful-db'), '-n', ns, '--set', 'replicas=2', '--set', 'image=crashloop:1', '--timeout', '60s']);
    expect(r.report.outcome).toBe('rolled-back');
    expect(r.code).toBe(3);
    expect(['CrashLoopBackOff', 'TooManyRestarts']).toContain(r.report.failure?.reason);
    // The pod of the failed revision (the highest ordinal, updated first) was deleted, and said so.
    expect(r.stderr).toMatch(/StatefulSet\/db \(OrderedReady\) has not-ready pods of the failed revision db-\w+ \(db-1\)/);
    expect(r.stderr).toMatch(/forced StatefulSet rollback: deleting pod db-1 of StatefulSet\/db \(failed revision db-\w+, not ready\)/);
    expect(await release(major, 'db', ns)).toEqual({ status: 'deployed', version: 3 });
    expect(statefulPods(ns, 'db')).toEqual([
      { name: 'db-0', revision: good, ready: true },
      { name: 'db-1', revision: good, ready: true },
    ]);
    // Converged by itself, not by the timeout: the rollback was judged healthy well inside --timeout.
    const rb = r.report.rollback;
    expect(rb?.completedAt).toBeDefined();
    const detected = new Date(r.report.failure!.detectedAt).getTime();
    console.log(`helm ${major}: forced StatefulSet rollback healthy ${new Date(rb!.completedAt!).getTime() - detected} ms after detection`);
    expect(new Date(rb!.completedAt!).getTime() - detected).toBeLessThan(60_000);
  });

  it('stateful-db with --no-force-statefulset-rollback: the rollback does not converge (exit 4), as before', async () => {
    const ns = `sts-noforce-h${major}`;
    expect((await helm(sim, major, ['install', 'db', join(charts, 'stateful-db'), '-n', ns, '--create-namespace', '--set', 'replicas=2', '--wait', '--timeout', '60s'])).code).toBe(0);
    const r = await autorollback(major, ['db', join(charts, 'stateful-db'), '-n', ns, '--set', 'replicas=2', '--set', 'image=crashloop:1', '--timeout', '12s', '--no-force-statefulset-rollback']);
    expect(r.report.outcome).toBe('rollback-failed');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/the forced StatefulSet rollback is off, so this rollback may not converge/);
    expect(r.stderr).not.toMatch(/deleting pod/);
    // db-1 is still the crash-looping pod of the failed revision.
    expect(statefulPods(ns, 'db').find((p) => p.name === 'db-1')).toMatchObject({ ready: false });
    // As before this change: helm 3's rollback --wait would wait as long as it is allowed, so our verdict ends it
    // at --timeout; helm 4's rollback --wait fails at once on the crash-looping pod.
    if (major === 3) expect(r.stderr).toMatch(/ROLLBACK FAILED: Timeout in StatefulSet\/db: timed out after 12s waiting for StatefulSet\/db: 1\/2 updated/);
    else expect(r.stderr).toMatch(/ROLLBACK FAILED: HelmFailed in Release\/db\.v3: helm rollback failed: .*StatefulSet\/sts-noforce-h4\/db not ready\. status: Failed, message: 1 pods have failed/);
  });

  it('self-deleting-hook: a pre-upgrade hook Job that crash-loops and deletes itself (ttlSecondsAfterFinished 0) is HookFailed with its own message; exit 3', async () => {
    const ns = `hook-h${major}`;
    expect((await helm(sim, major, ['install', 'mig', join(charts, 'self-deleting-hook'), '-n', ns, '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0);
    const r = await autorollback(major, ['mig', join(charts, 'self-deleting-hook'), '-n', ns, '--set', 'hook.image=crashloop:1', '--set', 'image=nginx:1.28', '--timeout', '90s']);
    expect(r.report.failure?.reason).toBe('HookFailed');
    expect(r.report.failure?.object).toBe('Job/mig-migrate');
    // The hook's own words: its crash loop and exit code, or the Job controller's BackoffLimitExceeded.
    expect(r.report.failure?.message).toMatch(/^pre-upgrade hook Job mig-migrate (failed|.*BackoffLimitExceeded|.*CrashLoopBackOff)/);
    expect(r.report.failure?.message).toMatch(/CrashLoopBackOff|exit code 1|BackoffLimitExceeded/);
    expect(r.stderr).not.toMatch(/healthy: every workload/);
    expect(r.report.outcome).toBe('rolled-back');
    expect(r.code).toBe(3);
    expect(await release(major, 'mig', ns)).toMatchObject({ status: 'deployed', version: 3 });
  });

  it('stateful-db through the rollback command: a StatefulSet stuck on a crash-looping pod after a plain helm upgrade is rolled back and converges', async () => {
    const ns = `sts-cmd-h${major}`;
    expect((await helm(sim, major, ['install', 'db', join(charts, 'stateful-db'), '-n', ns, '--create-namespace', '--set', 'replicas=2', '--wait', '--timeout', '60s'])).code).toBe(0);
    const good = (sim.store.get('statefulsets.apps', ns, 'db')?.status as any).currentRevision as string;
    // Plain helm, no wait: the highest ordinal is replaced by a crash-looping pod and the StatefulSet is stuck.
    expect((await helm(sim, major, ['upgrade', 'db', join(charts, 'stateful-db'), '-n', ns, '--set', 'replicas=2', '--set', 'image=crashloop:1'])).code).toBe(0);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('db-1 never crash-looped')), 30_000);
      const off = sim.store.subscribe(() => {
        const p = sim.store.get('pods', ns, 'db-1');
        const waiting = ((p?.status as any)?.containerStatuses ?? [])[0]?.state?.waiting?.reason;
        if (p?.metadata.labels?.['controller-revision-hash'] !== good && waiting === 'CrashLoopBackOff') {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    });
    const env = helmEnv(sim, major, { HELM_BIN: helmBinary(major), CI: '1', NO_COLOR: '1' });
    const r = await run(process.execPath, [cli, 'rollback', 'db', '1', '-n', ns, '--yes', '--timeout', '60s'], env, 150_000);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/forced StatefulSet rollback: deleting pod db-1 of StatefulSet\/db/);
    expect(await release(major, 'db', ns)).toEqual({ status: 'deployed', version: 3 });
    expect(statefulPods(ns, 'db')).toEqual([
      { name: 'db-0', revision: good, ready: true },
      { name: 'db-1', revision: good, ready: true },
    ]);
  });
});
