import type { HealthOptions } from '../../src/domain/health/types.js';
import type { UpgradeEvent } from '../../src/domain/upgrade/events.js';
import { UsageError } from '../../src/errors/errors.js';
import { upgrade, type UpgradeRequest } from '../../src/services/upgrade.js';
import { at, job, NS, pod, running, waiting } from '../domain/fixtures.js';
import { FakeClock, FakeHelm, FakeLedger, FakeReleases, FakeWatch, settle } from './upgrade-fakes.js';

const health: HealthOptions = { maxRestarts: 2, unschedulableGraceMs: 30_000, unreadyGraceMs: 120_000, timeoutMs: 300_000, waitForJobs: false, minStableMs: 0 };

/** A bare Pod `web` running `registry.example.com/app:<tag>` (the fixtures' image naming). */
const manifest = (tag: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: ${NS}\nspec:\n  containers:\n    - name: app\n      image: registry.example.com/app:${tag}\n`;

const readyPod = (tag: string) => {
  const p = pod({ name: 'web', containers: [{ ...running('app', at(3)), image: `registry.example.com/app:${tag}` }] });
  return { ...p, spec: { ...p.spec, containers: [{ name: 'app', image: `registry.example.com/app:${tag}` }] } };
};
/** Ready since `since` (the stability window counts from the Ready condition's transition). */
const readySince = (tag: string, since: Date) => {
  const p = readyPod(tag);
  const conditions = (p.status?.conditions ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, lastTransitionTime: since } : c));
  return { ...p, status: { ...p.status, conditions } };
};
const pullingPod = (tag: string) => {
  const p = pod({ name: 'web', containers: [waiting('app', 'ImagePullBackOff', 'Back-off pulling image')] });
  return { ...p, spec: { ...p.spec, containers: [{ name: 'app', image: `registry.example.com/app:${tag}` }] } };
};

function setup(statuses: Array<'deployed' | 'superseded' | 'failed' | 'pending-upgrade'> = ['deployed'], helmMajor = 3) {
  const clock = new FakeClock(at(10).getTime());
  const watch = new FakeWatch();
  const releases = new FakeReleases('web', NS, () => watch.changed());
  statuses.forEach((s, i) => releases.put(i + 1, s, manifest(String(i + 1))));
  watch.releases = releases;
  const helm = new FakeHelm(helmMajor);
  const ledger = new FakeLedger();
  const events: UpgradeEvent[] = [];
  const deps = { helm, watch, releases, ledger, clock, marker: releases, emit: (e: UpgradeEvent) => events.push(e) };
  const request: UpgradeRequest = {
    release: 'web',
    chart: './chart',
    namespace: NS,
    helmArgs: ['-f', 'values.yaml', '--set', 'image.tag=2'],
    helmGlobalArgs: ['--kube-context', 'prod'],
    helmEnv: { HELM_DRIVER: 'secret' },
    health,
    noRollback: false,
    keepFailedInstall: false,
    recoverPending: false,
  };
  // What helm does when stopped with SIGTERM while waiting: the revision it was waiting for becomes failed.
  const markFailedOnTerm = (revision: number) => async () => {
    const p = await helm.next('upgrade');
    p.onTerminate = () => releases.setStatus(revision, 'failed');
  };
  return { clock, watch, releases, helm, ledger, events, deps, request, markFailedOnTerm };
}

/** helm stores revision 2 (pending-upgrade), then the watch shows `pod`. */
async function storesRevision2(s: ReturnType<typeof setup>, pod: ReturnType<typeof readyPod>): Promise<void> {
  s.releases.put(2, 'pending-upgrade', manifest('2'));
  await settle();
  s.watch.set({ pods: [pod] });
  await settle();
}

/** helm stores `revision` of image 2 (pending-upgrade), its pod comes up ready, helm records it deployed and exits 0. */
async function rollsOutHealthy(s: ReturnType<typeof setup>, proc: Awaited<ReturnType<FakeHelm['next']>>, revision: number): Promise<void> {
  s.releases.put(revision, 'pending-upgrade', manifest('2'));
  await settle();
  s.watch.set({ pods: [readyPod('2')] });
  await settle();
  s.releases.setStatus(revision, 'deployed');
  proc.exit(0);
}

describe('upgrade service', () => {
  it('healthy: runs helm upgrade --install --wait with the passthrough flags, exits healthy, records the ledger', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const proc = await s.helm.next('upgrade');
    expect(proc.args.slice(0, 4)).toEqual(['upgrade', '--install', 'web', './chart']);
    expect(proc.args).toEqual(expect.arrayContaining(['-f', 'values.yaml', '--set', 'image.tag=2', '--namespace', NS, '--kube-context', 'prod', '--wait']));
    // helm gets more time than we do, so it never gives up before our verdict.
    expect(proc.args[proc.args.indexOf('--timeout') + 1]).toBe('360s');
    expect(proc.options?.env).toEqual({ HELM_DRIVER: 'secret' });
    await storesRevision2(s, readyPod('2'));
    // Our rules are satisfied, but helm (and its hooks) has not finished: nothing is reported healthy yet.
    const healthyVerdicts = () => s.events.filter((e) => e.type === 'verdict' && e.verdict.state === 'healthy').length;
    expect(healthyVerdicts()).toBe(0);
    s.releases.setStatus(2, 'deployed');
    proc.exit(0);
    const report = await done;
    expect(healthyVerdicts()).toBe(1);
    expect(report).toMatchObject({ outcome: 'healthy', fromRevision: 1, attemptedRevision: 2 });
    expect(s.helm.verbs()).toEqual(['upgrade']);
    expect(s.ledger.entries).toEqual([expect.objectContaining({ revision: 2, verdict: 'healthy' })]);
    expect(s.watch.started && s.watch.stopped).toBe(true);
    expect(s.events[s.events.length - 1]?.type).toBe('finished');
  });

  /** Revision 2 stored and its pod ready while helm still runs. */
  async function readyWhileHelmWorks() {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const proc = await s.helm.next('upgrade');
    s.releases.put(2, 'pending-upgrade', manifest('2'));
    s.watch.set({ pods: [readyPod('2')] });
    await settle();
    return { s, done, proc };
  }

  it('does not call it healthy while helm is still working, nor when helm then fails', async () => {
    const { s, done, proc } = await readyWhileHelmWorks();
    let finished = false;
    void done.then(() => (finished = true));
    await settle();
    expect(finished).toBe(false);
    s.releases.setStatus(2, 'failed');
    proc.exit(1, 'Error: UPGRADE FAILED: post-upgrade hooks failed: job failed: BackoffLimitExceeded');
    const p = await s.helm.next('rollback');
    s.releases.put(3, 'pending-rollback', manifest('1'));
    s.watch.set({ pods: [readyPod('1')] });
    await settle();
    p.exit(0);
    const report = await done;
    expect(report.outcome).toBe('rolled-back');
    expect(report.failure).toMatchObject({ reason: 'HelmFailed', message: expect.stringContaining('post-upgrade hooks failed') });
    // The upgrade was never reported healthy (only the rollback was), and helm's error line was not echoed.
    expect(s.events.filter((e) => e.type === 'verdict' && e.verdict.state === 'healthy').map((e) => e.type === 'verdict' && e.phase)).toEqual(['rollback']);
    expect(s.events.some((e) => e.type === 'helm-output' && e.line.startsWith('Error:'))).toBe(false);
  });

  it('a healthy rollout that turns unhealthy and healthy again while helm works is reported healthy once, after helm', async () => {
    const { s, done, proc } = await readyWhileHelmWorks();
    s.watch.set({ pods: [pod({ name: 'web', containers: [waiting('app', 'ContainerCreating', '')] })] });
    await settle();
    s.watch.set({ pods: [readyPod('2')] });
    await settle();
    s.releases.setStatus(2, 'deployed');
    proc.exit(0);
    expect((await done).outcome).toBe('healthy');
    expect(s.events.filter((e) => e.type === 'verdict').map((e) => e.type === 'verdict' && e.verdict.state)).toEqual(['healthy']);
  });

  it('--timeout bounds the run: helm still waiting after a healthy verdict is stopped; a healthy revision is not rolled back', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const proc = await s.helm.next('upgrade');
    proc.onTerminate = () => s.releases.setStatus(2, 'failed');
    await storesRevision2(s, readyPod('2'));
    // helm keeps waiting (for something the verdict does not cover): nothing happens before the timeout + 5 s.
    s.clock.advance(health.timeoutMs + 4_000);
    await settle();
    expect(proc.terminated).toBe(false);
    s.clock.advance(1_000);
    await settle();
    expect(proc.terminated).toBe(true);
    const report = await done;
    expect(report.outcome).toBe('failed-no-rollback');
    expect(report.noRollbackReason).toBe('its workloads are healthy; helm failed for another reason');
    expect(report.failure).toMatchObject({ reason: 'HelmFailed', message: 'helm upgrade was still running 305s after it started (--timeout 300s); stopped it' });
    expect(s.helm.verbs()).toEqual(['upgrade']);
    const notices = s.events.filter((e) => e.type === 'notice').map((e) => (e as { message: string }).message);
    expect(notices.some((m) => /are healthy .*Not rolling back: a healthy revision is not undone because helm gave up/.test(m))).toBe(true);
  });

  it('failure: stops helm (SIGTERM), sees the revision failed, rolls back to the last known good and verifies it', async () => {
    const s = setup(['superseded', 'deployed']);
    s.ledger.entries = [{ revision: 2, verdict: 'failed', reason: 'OOMKilled', decidedAt: at(0) }];
    const done = upgrade(s.deps, s.request);
    await s.markFailedOnTerm(3)();
    s.releases.put(3, 'pending-upgrade', manifest('3'));
    await settle();
    s.watch.set({ pods: [pullingPod('3')] });
    const rb = await s.helm.next('rollback');
    expect(s.helm.runs[0]?.terminated).toBe(true);
    // Revision 2 is deployed in helm's eyes but the ledger says it failed: the target is 1.
    expect(rb.args.slice(0, 3)).toEqual(['rollback', 'web', '1']);
    expect(rb.args).toEqual(expect.arrayContaining(['--namespace', NS, '--kube-context', 'prod', '--wait']));
    // The upgrade's own flags (values, --set) never reach helm rollback.
    expect(rb.args).not.toContain('values.yaml');
    expect(rb.args).not.toContain('--set');
    expect(s.events.map((e) => e.type)).toEqual(expect.arrayContaining(['revision-marked-failed', 'rollback-started']));
    s.releases.put(4, 'pending-rollback', manifest('1'));
    await settle();
    s.watch.set({ pods: [readyPod('1')] });
    await settle();
    s.releases.setStatus(4, 'deployed');
    rb.exit(0);
    const report = await done;
    expect(report).toMatchObject({
      outcome: 'rolled-back',
      fromRevision: 2,
      attemptedRevision: 3,
      failure: { reason: 'ImagePullBackOff', object: 'Pod/web', container: 'app' },
      rollback: { toRevision: 1, newRevision: 4 },
    });
    expect(report.timings.ttrMs).not.toBeNull();
    expect(s.ledger.entries.map((e) => [e.revision, e.verdict])).toEqual([[2, 'failed'], [3, 'failed'], [4, 'healthy']]);
  });

  it('helm done before our verdict (revision deployed): rolls back, then records the revision failed in helm\'s history', async () => {
    const s = setup();
    // Ready pods must stay ready for 5 s (the stability window) before the verdict is healthy.
    const done = upgrade(s.deps, { ...s.request, health: { ...health, minStableMs: 5_000 } });
    const proc = await s.helm.next('upgrade');
    await storesRevision2(s, readySince('2', s.clock.now()));
    s.releases.setStatus(1, 'superseded');
    s.releases.setStatus(2, 'deployed');
    proc.exit(0);
    await settle();
    s.watch.set({ pods: [pullingPod('2')] }); // e.g. a crash seconds after turning ready
    const rb = await s.helm.next('rollback');
    expect(proc.terminated).toBe(false);
    expect(s.releases.marked).toEqual([]); // not before the rollback: helm rollback rewrites statuses
    s.releases.setStatus(2, 'superseded');
    s.releases.put(3, 'pending-rollback', manifest('1'));
    await settle();
    s.watch.set({ pods: [readyPod('1')] });
    await settle();
    rb.exit(0);
    const report = await done;
    expect(report.outcome).toBe('rolled-back');
    expect(s.releases.marked).toEqual([{ revision: 2, description: expect.stringMatching(/^Upgrade "web" failed: autorollback: ImagePullBackOff in Pod\/web/) }]);
    expect(s.releases.status(2)).toBe('failed');
  });

  it('a failed first install is uninstalled, unless --keep-failed-install', async () => {
    for (const keep of [false, true]) {
      const s = setup([]);
      const done = upgrade(s.deps, { ...s.request, keepFailedInstall: keep });
      await s.markFailedOnTerm(1)();
      s.releases.put(1, 'pending-install', manifest('1'));
      await settle();
      s.watch.set({ pods: [pullingPod('1')] });
      if (!keep) {
        const u = await s.helm.next('uninstall');
        expect(u.args.slice(0, 2)).toEqual(['uninstall', 'web']);
        s.releases.remove();
        u.exit(0);
      }
      const report = await done;
      expect(report.outcome).toBe(keep ? 'failed-no-rollback' : 'rolled-back');
      expect(report.fromRevision).toBeNull();
      expect(s.helm.verbs()).toEqual(keep ? ['upgrade'] : ['upgrade', 'uninstall']);
      if (!keep) expect(report.rollback?.toRevision).toBeNull();
    }
  });

  it('--no-rollback only detects and reports', async () => {
    const s = setup();
    const done = upgrade(s.deps, { ...s.request, noRollback: true });
    await s.markFailedOnTerm(2)();
    s.releases.put(2, 'pending-upgrade', manifest('2'));
    await settle();
    s.watch.set({ pods: [pullingPod('2')] });
    const report = await done;
    expect(report.outcome).toBe('failed-no-rollback');
    expect(s.helm.verbs()).toEqual(['upgrade']);
    expect(s.releases.status(2)).toBe('failed');
  });

  it('never dates the first signal before the watch first held the object, and says how the time was derived', async () => {
    const s = setup();
    const done = upgrade(s.deps, { ...s.request, noRollback: true });
    await s.markFailedOnTerm(2)();
    s.releases.put(2, 'pending-upgrade', manifest('2'));
    await settle();
    // The pod's own timestamps (1 s resolution) say 00:00-00:03, but the watch first saw it 4 s later.
    s.clock.advance(4000);
    const seenAt = s.clock.now();
    s.watch.set({ pods: [pullingPod('2')] });
    const report = await done;
    expect(report.failure).toMatchObject({ reason: 'ImagePullBackOff', firstSignalAt: seenAt.toISOString(), firstSignalBasis: 'first-observed' });
    expect(report.timings.ttdMs).toBeLessThan(1000);
  });

  it('a rollback whose own rollout fails is stopped and reported as rollback-failed', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    await s.markFailedOnTerm(2)();
    s.releases.put(2, 'pending-upgrade', manifest('2'));
    await settle();
    s.watch.set({ pods: [pullingPod('2')] });
    const rb = await s.helm.next('rollback');
    s.releases.put(3, 'pending-rollback', manifest('1'));
    await settle();
    s.watch.set({ pods: [pullingPod('1')] });
    const report = await done;
    expect(rb.terminated).toBe(true);
    expect(report.outcome).toBe('rollback-failed');
    expect(report.rollback).toMatchObject({ toRevision: 1, newRevision: 3, completedAt: null });
    const finished = s.events.find((e) => e.type === 'rollback-finished');
    expect(finished).toMatchObject({ ok: false, message: expect.stringContaining('ImagePullBackOff') });
  });

  it('times out through the clock (one timer, no polling) when the rollout never finishes', async () => {
    const s = setup();
    const done = upgrade(s.deps, { ...s.request, health: { ...health, timeoutMs: 60_000 } });
    await s.markFailedOnTerm(2)();
    s.releases.put(2, 'pending-upgrade', manifest('2'));
    await settle();
    s.watch.set({ pods: [] }); // the pod never appears
    await settle();
    s.clock.advance(59_000);
    await settle();
    expect(s.helm.runs[0]?.terminated).toBe(false);
    s.clock.advance(2_000);
    const rb = await s.helm.next('rollback');
    s.releases.put(3, 'pending-rollback', manifest('1'));
    await settle();
    s.watch.set({ pods: [readyPod('1')] });
    await settle();
    rb.exit(0);
    const report = await done;
    expect(report.failure?.reason).toBe('Timeout');
    expect(report.outcome).toBe('rolled-back');
  });

  it('a watch that breaks for good leaves the verdict to helm\'s own --wait (healthy when helm succeeds)', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const proc = await s.helm.next('upgrade');
    s.releases.put(2, 'pending-upgrade', manifest('2'));
    await settle();
    s.watch.fail(new Error('watch of pods failed: 403'));
    s.watch.set({ pods: [pullingPod('2')] }); // no longer trusted
    await settle();
    expect(proc.terminated).toBe(false);
    proc.exit(0);
    const report = await done;
    expect(report.outcome).toBe('healthy');
    expect(s.events).toContainEqual(expect.objectContaining({ type: 'notice', level: 'warn', message: expect.stringContaining('lost the cluster watch') }));
  });

  it('refuses a release stuck in pending-upgrade with the recovery command, before running helm', async () => {
    const s = setup(['deployed', 'pending-upgrade']);
    await expect(upgrade(s.deps, s.request)).rejects.toThrow(UsageError);
    await expect(upgrade(s.deps, s.request)).rejects.toThrow(/helm rollback web 1 -n prod --kube-context prod/);
    expect(s.helm.runs).toHaveLength(0);
  });

  it('--recover-pending rolls a stuck release back first, then upgrades', async () => {
    const s = setup(['deployed', 'pending-upgrade']);
    const done = upgrade(s.deps, { ...s.request, recoverPending: true });
    const rb = await s.helm.next('rollback');
    expect(rb.args.slice(0, 3)).toEqual(['rollback', 'web', '1']);
    s.releases.setStatus(2, 'failed');
    s.releases.put(3, 'pending-rollback', manifest('1'));
    await settle();
    s.watch.set({ pods: [readyPod('1')] });
    await settle();
    s.releases.setStatus(3, 'deployed');
    rb.exit(0);
    const up = await s.helm.next('upgrade');
    s.releases.put(4, 'pending-upgrade', manifest('4'));
    await settle();
    s.watch.set({ pods: [readyPod('4')] });
    await settle();
    up.exit(0);
    expect(await done).toMatchObject({ outcome: 'healthy', fromRevision: 3, attemptedRevision: 4 });
  });

  it('rejects an invalid --to-revision before running helm', async () => {
    const s = setup(['superseded', 'failed', 'deployed']);
    await expect(upgrade(s.deps, { ...s.request, toRevision: 2 })).rejects.toThrow(/--to-revision 2 has status failed/);
    await expect(upgrade(s.deps, { ...s.request, toRevision: 9 })).rejects.toThrow(UsageError);
    expect(s.helm.runs).toHaveLength(0);
  });

  it('watches every namespace the manifest names, and judges the workloads there', async () => {
    const s = setup();
    const twoNamespaces = (tag: string) => `${manifest(tag)}---\n${manifest(tag).replace(`namespace: ${NS}`, 'namespace: batch-ns').replace('name: web', 'name: worker')}`;
    const done = upgrade(s.deps, s.request);
    await s.markFailedOnTerm(2)();
    s.releases.put(2, 'pending-upgrade', twoNamespaces('2'));
    await settle();
    expect(s.watch.namespacesWatched).toEqual([['batch-ns']]);
    expect(s.events).toContainEqual(expect.objectContaining({ type: 'revision-detected', revision: 2, workloads: 2 }));
    const worker = pullingPod('2');
    s.watch.set({ pods: [readyPod('2'), { ...worker, metadata: { ...worker.metadata, name: 'worker', namespace: 'batch-ns' } }] });
    const rb = await s.helm.next('rollback');
    s.releases.put(3, 'pending-rollback', manifest('1'));
    await settle();
    s.watch.set({ pods: [readyPod('1')] });
    await settle();
    rb.exit(0);
    const report = await done;
    expect(report).toMatchObject({ outcome: 'rolled-back', failure: { reason: 'ImagePullBackOff', object: 'Pod/worker' } });
  });

  it('helm failing before it stores a revision is a usage error: nothing changed', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    (await s.helm.next('upgrade')).exit(1, 'Error: path "./chart" not found');
    await expect(done).rejects.toThrow(/path "\.\/chart" not found.*nothing was changed/);
    expect(s.helm.verbs()).toEqual(['upgrade']);
    // One line in the end (the error); no FAILED verdict and no echo of helm's own error before it.
    expect(s.events.filter((e) => e.type === 'verdict' || (e.type === 'helm-output' && e.line.includes('not found')))).toEqual([]);
  });

  it('helm failing on an API server that is briefly unavailable, before storing anything, is started again', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    (await s.helm.next('upgrade', 0)).exit(1, 'Error: UPGRADE FAILED: kubernetes cluster unreachable: Get "https://k8s:6443/version": dial tcp: connect: connection refused');
    await settle(20);
    // Not yet: helm is started again after a pause, on the clock.
    expect(s.helm.verbs()).toEqual(['upgrade']);
    expect(s.events).toContainEqual(expect.objectContaining({ type: 'notice', level: 'warn', message: expect.stringMatching(/cluster unreachable.*starting helm again in 1s/) }));
    s.clock.advance(1000);
    const second = await s.helm.next('upgrade', 1);
    expect(second.args).toEqual(s.helm.runs[0]?.args);
    await rollsOutHealthy(s, second, 2);
    expect(await done).toMatchObject({ outcome: 'healthy', attemptedRevision: 2 });
    expect(s.helm.verbs()).toEqual(['upgrade', 'upgrade']);
  });

  it('helm giving up on a briefly unavailable API server after storing its revision: the upgrade runs again, no rollback', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const first = await s.helm.next('upgrade', 0);
    await storesRevision2(s, pullingPod('1'));
    // helm's own requests fail while the API server restarts: it records revision 2 failed and exits.
    s.releases.setStatus(2, 'failed');
    first.exit(1, 'Error: UPGRADE FAILED: Get "https://k8s:6443/apis/apps/v1/namespaces/x/deployments/web": dial tcp: connect: connection refused');
    const second = await s.helm.next('upgrade', 1);
    expect(s.events).toContainEqual(expect.objectContaining({ type: 'notice', message: expect.stringMatching(/after storing revision 2 .*running the upgrade again/) }));
    await rollsOutHealthy(s, second, 3);
    expect(await done).toMatchObject({ outcome: 'healthy', attemptedRevision: 3 });
    expect(s.helm.verbs()).toEqual(['upgrade', 'upgrade']);
  });

  it.each([
    ['its last write answered 503', 'Error: UPGRADE FAILED: update: failed to update: the server is currently unable to handle the request'],
    // helm 4's status watcher stops when a status read fails (a 500 on the ReplicaSets' list), then its write fails too.
    ['helm 4\'s watcher could not read a status', 'Error: UPGRADE FAILED: resource Deployment/x/web not ready. status: Unknown, message: '],
  ])('helm losing the API server before it could even record its revision failed (left pending-upgrade; %s): recorded failed, then the upgrade runs again', async (_, helmError) => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const first = await s.helm.next('upgrade', 0);
    await storesRevision2(s, pullingPod('1'));
    first.exit(1, helmError);
    const second = await s.helm.next('upgrade', 1);
    expect(s.releases.status(2)).toBe('failed');
    expect(s.events).toContainEqual(expect.objectContaining({ type: 'notice', message: expect.stringMatching(/after storing revision 2 \(left pending-upgrade, now recorded failed.*running the upgrade again/) }));
    await rollsOutHealthy(s, second, 3);
    expect(await done).toMatchObject({ outcome: 'healthy', attemptedRevision: 3 });
    expect(s.helm.verbs()).toEqual(['upgrade', 'upgrade']);
  });

  it('helm 4\'s status watcher still waiting 20 s after every workload was healthy: stopped (recorded failed) and the upgrade runs again', async () => {
    const s = setup(['deployed'], 4);
    const done = upgrade(s.deps, s.request);
    const first = await s.helm.next('upgrade', 0);
    first.onTerminate = () => s.releases.setStatus(2, 'failed');
    await storesRevision2(s, readyPod('2'));
    // Healthy from here (no stable window in these options), and helm 4 keeps waiting.
    s.clock.advance(19_000);
    await settle();
    expect(first.terminated).toBe(false);
    s.clock.advance(1_000);
    const second = await s.helm.next('upgrade', 1);
    expect(first.terminated).toBe(true);
    expect(s.events).toContainEqual(expect.objectContaining({ type: 'notice', message: expect.stringMatching(/still waiting 20s after every workload was healthy.*helm kept waiting on a healthy rollout after storing revision 2 \(recorded failed.*running the upgrade again/) }));
    await rollsOutHealthy(s, second, 3);
    expect(await done).toMatchObject({ outcome: 'healthy', attemptedRevision: 3 });
    expect(s.helm.verbs()).toEqual(['upgrade', 'upgrade']);
  });

  it('helm 4 waiting while a Job of the release still runs is not taken as stuck (its watcher waits for Jobs, --wait-for-jobs or not)', async () => {
    const s = setup(['deployed'], 4);
    const withJob = `${manifest('2')}---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  namespace: ${NS}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: m\n          image: registry.example.com/migrate:2\n`;
    const done = upgrade(s.deps, s.request);
    const proc = await s.helm.next('upgrade', 0);
    s.releases.put(2, 'pending-upgrade', withJob);
    await settle();
    s.watch.set({ pods: [readyPod('2')], jobs: [job('migrate', { active: 1 })] });
    await settle();
    s.clock.advance(60_000);
    await settle();
    expect(proc.terminated).toBe(false);
    s.watch.set({ jobs: [job('migrate', { succeeded: 1 })] });
    s.releases.setStatus(2, 'deployed');
    proc.exit(0);
    expect(await done).toMatchObject({ outcome: 'healthy', attemptedRevision: 2 });
  });

  it('helm 3 (and helm 4 with --wait=legacy) is never taken as stuck: its own wait polls', async () => {
    for (const [major, extra] of [[3, []], [4, ['--wait=legacy']]] as const) {
      const s = setup(['deployed'], major);
      const done = upgrade(s.deps, { ...s.request, helmArgs: [...s.request.helmArgs, ...extra] });
      const proc = await s.helm.next('upgrade', 0);
      await storesRevision2(s, readyPod('2'));
      s.clock.advance(60_000);
      await settle();
      expect(proc.terminated).toBe(false);
      s.releases.setStatus(2, 'deployed');
      proc.exit(0);
      expect(await done).toMatchObject({ outcome: 'healthy', attemptedRevision: 2 });
    }
  });

  it('helm killed from outside after it recorded its revision deployed: the rollout is judged on, no rollback', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const proc = await s.helm.next('upgrade', 0);
    await storesRevision2(s, readyPod('2'));
    s.releases.setStatus(2, 'deployed');
    proc.killedBy('SIGKILL');
    await settle(20);
    expect(s.events).toContainEqual(expect.objectContaining({ type: 'notice', message: 'helm upgrade was killed by SIGKILL after it recorded its revision deployed; judging the rollout as if it had exited' }));
    expect(await done).toMatchObject({ outcome: 'healthy', attemptedRevision: 2 });
    expect(s.helm.verbs()).toEqual(['upgrade']);
  });

  it('helm failing after storing its revision for a reason that is not the API server: no second upgrade', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const first = await s.helm.next('upgrade', 0);
    s.releases.put(2, 'pending-upgrade', manifest('2'));
    await settle();
    s.releases.setStatus(2, 'failed');
    first.exit(1, 'Error: UPGRADE FAILED: cannot patch "web" with kind Deployment: Deployment.apps "web" is invalid');
    const rb = await s.helm.next('rollback');
    s.releases.put(3, 'pending-rollback', manifest('1'));
    await settle();
    s.watch.set({ pods: [readyPod('1')] });
    await settle();
    s.releases.setStatus(3, 'deployed');
    rb.exit(0);
    expect(await done).toMatchObject({ outcome: 'rolled-back' });
    expect(s.helm.verbs()).toEqual(['upgrade', 'rollback']);
  });

  it('gives up on an API server that stays unavailable after the retry budget (30 s): nothing changed', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    let ended = false;
    done.catch(() => undefined).finally(() => (ended = true));
    let failing = 0;
    while (!ended && failing < 20) {
      (await s.helm.next('upgrade', failing)).exit(1, 'Error: UPGRADE FAILED: the server is currently unable to handle the request');
      failing++;
      await settle(20);
      // Time moves in small steps, so each restart happens exactly when its pause is over.
      while (!ended && s.helm.runs.length === failing) {
        s.clock.advance(500);
        await settle(5);
      }
    }
    await expect(done).rejects.toThrow(/currently unable to handle the request.*nothing was changed/);
    // Pauses of 1 + 2 + 4 + 5 + 5 + 5 + 5 = 27 s fit in 30 s (helm fails at once here); the next 5 s would not.
    expect(failing).toBe(8);
  });

  it('the retry budget counts from helm\'s first failure: a helm slowed by the outage for 29.5 s before failing is still started again', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const first = await s.helm.next('upgrade', 0);
    s.clock.advance(29_500);
    first.exit(1, 'Error: UPGRADE FAILED: query: failed to query with labels: the server is currently unable to handle the request');
    await settle(20);
    expect(s.events).toContainEqual(expect.objectContaining({ type: 'notice', level: 'warn', message: expect.stringMatching(/starting helm again in 1s/) }));
    s.clock.advance(1000);
    const second = await s.helm.next('upgrade', 1);
    await rollsOutHealthy(s, second, 2);
    expect(await done).toMatchObject({ outcome: 'healthy', attemptedRevision: 2 });
  });

  it('a missing namespace: the error hints at --create-namespace (unless it was given)', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    (await s.helm.next('upgrade')).exit(1, 'Error: create: failed to create: namespaces "nope" not found');
    await expect(done).rejects.toMatchObject({ hint: 'create namespace "nope" first, or pass --create-namespace' });
  });

  it('helm that exits 0 without storing a revision ends the run at once with an error (never waits out the timeout)', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    (await s.helm.next('upgrade')).exit(0);
    await expect(done).rejects.toThrow(/helm upgrade exited with code 0 without storing a new revision/);
    expect(s.clock.now()).toEqual(new Date(at(10).getTime()));
  });
});

