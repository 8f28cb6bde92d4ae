import type { HealthOptions } from '../../src/domain/health/types.js';
import type { UpgradeEvent } from '../../src/domain/upgrade/events.js';
import { rollbackAndJudge, type RollbackAndJudgeRequest } from '../../src/services/rollback-and-judge.js';
import { at, NS } from '../domain/fixtures.js';
import { podManifest as manifest, pullingPod, readyPod } from './pods.js';
import { FakeClock, FakeHelm, FakeLedger, FakeReleases, FakeWatch, settle } from './upgrade-fakes.js';

const health: HealthOptions = { maxRestarts: 2, unschedulableGraceMs: 30_000, unreadyGraceMs: 120_000, timeoutMs: 300_000, waitForJobs: false, minStableMs: 0 };


function setup() {
  const clock = new FakeClock(at(10).getTime());
  const watch = new FakeWatch();
  const releases = new FakeReleases('web', NS, () => watch.changed());
  releases.put(1, 'superseded', manifest('1'));
  releases.put(2, 'failed', manifest('2'));
  watch.releases = releases;
  const helm = new FakeHelm();
  const ledger = new FakeLedger();
  const events: UpgradeEvent[] = [];
  const deps = { helm, watch, releases, ledger, clock, emit: (e: UpgradeEvent) => events.push(e) };
  const req: RollbackAndJudgeRequest = {
    release: 'web',
    namespace: NS,
    toRevision: 1,
    afterRevision: 2,
    helmGlobalArgs: ['--kube-context', 'prod'],
    helmEnv: { HELM_DRIVER: 'secret' },
    health,
    helmArgs: ['--cleanup-on-fail', '--history-max', '5', '--no-hooks'],
  };
  return { clock, watch, releases, helm, ledger, events, deps, req };
}

/** Plays helm's rollback to revision 1 storing `revision`, the old pod ready again, and helm exiting 0. */
async function rollsBackHealthy(s: ReturnType<typeof setup>, proc: Awaited<ReturnType<FakeHelm['next']>>, revision: number): Promise<void> {
  s.releases.put(revision, 'pending-rollback', manifest('1'));
  await settle();
  s.watch.set({ pods: [readyPod('1')] });
  await settle();
  s.releases.setStatus(revision, 'deployed');
  proc.exit(0);
}

/** Starts the rollback and plays helm storing revision 3 pending-rollback: the run, its scene and helm's process. */
async function rollbackStoring3() {
  const s = setup();
  const done = rollbackAndJudge(s.deps, s.req);
  const first = await s.helm.next('rollback', 0);
  s.releases.put(3, 'pending-rollback', manifest('1'));
  await settle();
  return { s, done, first };
}

describe('rollbackAndJudge', () => {
  it('runs helm rollback N --wait with the pass-through flags, judges the rollout healthy and records it', async () => {
    const s = setup();
    const done = rollbackAndJudge(s.deps, s.req);
    const proc = await s.helm.next('rollback');
    expect(proc.args.slice(0, 3)).toEqual(['rollback', 'web', '1']);
    expect(proc.args).toEqual(expect.arrayContaining(['--namespace', NS, '--kube-context', 'prod', '--cleanup-on-fail', '--no-hooks', '--wait']));
    expect(proc.args[proc.args.indexOf('--history-max') + 1]).toBe('5');
    expect(proc.args[proc.args.indexOf('--timeout') + 1]).toBe('360s');
    expect(proc.options?.env).toEqual({ HELM_DRIVER: 'secret' });
    await rollsBackHealthy(s, proc, 3);
    const result = await done;
    expect(result).toMatchObject({ ok: true, newRevision: 3 });
    expect(result.completedAt).toBeInstanceOf(Date);
    expect(s.ledger.entries).toEqual([expect.objectContaining({ revision: 3, verdict: 'healthy' })]);
    const types = s.events.map((e) => e.type);
    expect(types[0]).toBe('rollback-started');
    expect(types).toContain('revision-detected');
    expect(types[types.length - 1]).toBe('rollback-finished');
    expect(s.events.find((e) => e.type === 'verdict')).toMatchObject({ phase: 'rollback', verdict: { state: 'healthy' } });
  });

  it('a rollback whose own rollout fails stops helm, reports the evidence and records the new revision failed', async () => {
    const { s, done, first: proc } = await rollbackStoring3();
    s.watch.set({ pods: [pullingPod('1')] });
    const result = await done;
    expect(proc.terminated).toBe(true);
    expect(result.ok).toBe(false);
    expect(result.failure).toMatchObject({ reason: 'ImagePullBackOff', object: 'Pod/web' });
    expect(result.message).toMatch(/^rollback to revision 1 failed: ImagePullBackOff in Pod\/web/);
    expect(s.ledger.entries).toEqual([expect.objectContaining({ revision: 3, verdict: 'failed', reason: 'ImagePullBackOff' })]);
    expect(s.events[s.events.length - 1]).toMatchObject({ type: 'rollback-finished', ok: false, newRevision: 3 });
  });

  it.each([
    ['connection refused', 'Error: Get "https://k8s:6443/apis/apps/v1/namespaces/x/deployments/web": dial tcp: connect: connection refused'],
    ['helm 4\'s watcher could not read a status', 'Error: release web failed: resource Deployment/x/web not ready. status: Unknown, message: '],
  ])('helm losing a briefly unavailable API server after storing its rollback revision (left pending-rollback; %s): the rollback runs again', async (_, helmError) => {
    const { s, done, first } = await rollbackStoring3();
    s.watch.set({ pods: [pullingPod('2')] }); // the old pod still there: nothing judged yet
    await settle();
    first.exit(1, helmError);
    const second = await s.helm.next('rollback', 1);
    expect(second.args.slice(0, 3)).toEqual(['rollback', 'web', '1']);
    expect(s.events).toContainEqual(expect.objectContaining({ type: 'notice', message: expect.stringMatching(/after storing revision 3 \(left pending-rollback.*running the rollback to 1 again/) }));
    s.releases.setStatus(3, 'superseded');
    await rollsBackHealthy(s, second, 4);
    const result = await done;
    expect(result).toMatchObject({ ok: true, newRevision: 4 });
    expect(s.helm.verbs()).toEqual(['rollback', 'rollback']);
    expect(s.ledger.entries).toEqual([expect.objectContaining({ revision: 4, verdict: 'healthy' })]);
  });

  it('healthy workloads, but helm gave up before recording its rollback (left pending-rollback): the rollback runs once more so helm records it', async () => {
    const { s, done, first } = await rollbackStoring3();
    s.watch.set({ pods: [readyPod('1')] });
    await settle();
    first.exit(1, 'Error: release web failed: context deadline exceeded');
    const second = await s.helm.next('rollback', 1);
    expect(second.args.slice(0, 3)).toEqual(['rollback', 'web', '1']);
    expect(s.events).toContainEqual(expect.objectContaining({ type: 'notice', message: expect.stringMatching(/workloads are healthy, but helm left revision 3 pending-rollback; running the rollback to 1 again/) }));
    s.releases.setStatus(3, 'superseded');
    s.releases.put(4, 'deployed', manifest('1'));
    await settle();
    second.exit(0);
    expect(await done).toMatchObject({ ok: true, newRevision: 4 });
    expect(s.helm.verbs()).toEqual(['rollback', 'rollback']);
  });

  it('helm killed from outside before it stored anything (SIGKILL): the rollback is started again', async () => {
    const s = setup();
    const done = rollbackAndJudge(s.deps, s.req);
    (await s.helm.next('rollback', 0)).killedBy('SIGKILL');
    await settle(20);
    expect(s.events).toContainEqual(expect.objectContaining({ type: 'notice', message: expect.stringMatching(/killed by SIGKILL \(helm was killed before it stored anything\); starting helm again in 1s/) }));
    s.clock.advance(1000);
    const second = await s.helm.next('rollback', 1);
    expect(second.args.slice(0, 3)).toEqual(['rollback', 'web', '1']);
    await rollsBackHealthy(s, second, 3);
    expect(await done).toMatchObject({ ok: true, newRevision: 3 });
  });

  it('helm failing after storing its rollback revision for a reason that is not the API server: no second rollback', async () => {
    const { s, done, first } = await rollbackStoring3();
    s.releases.setStatus(3, 'failed');
    first.exit(1, 'Error: cannot patch "web" with kind Deployment: Deployment.apps "web" is invalid');
    const result = await done;
    expect(result.ok).toBe(false);
    expect(s.helm.verbs()).toEqual(['rollback']);
  });

  it('a ledger that cannot be written is a warning, never a failed rollback', async () => {
    const s = setup();
    s.ledger.record = async () => {
      throw new Error('configmaps is forbidden');
    };
    const done = rollbackAndJudge(s.deps, s.req);
    const proc = await s.helm.next('rollback');
    s.releases.put(3, 'deployed', manifest('1'));
    await settle();
    s.watch.set({ pods: [readyPod('1')] });
    await settle();
    proc.exit(0);
    expect((await done).ok).toBe(true);
    expect(s.events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'notice', level: 'warn', message: expect.stringContaining('configmaps is forbidden') })]));
  });
});
