import type { V1Pod } from '@kubernetes/client-node';
import { DEFAULT_BAKE_OPTIONS } from '../../src/domain/health/post-rollout.js';
import type { HealthOptions } from '../../src/domain/health/types.js';
import type { WatchdogRunEvent } from '../../src/domain/watchdog/events.js';
import type { MetricResult, WatchdogNoticeKind } from '../../src/domain/watchdog/types.js';
import { UsageError } from '../../src/errors/errors.js';
import { createWatchdogLeases } from '../../src/kube/watchdog-lease.js';
import { runWatchdog, type WatchdogDeps, type WatchdogRequest } from '../../src/services/watchdog.js';
import { at, NS, pod, running } from '../domain/fixtures.js';
import { FakeClock, FakeHelm, FakeLedger, FakeReleases, FakeWatch, settle } from './upgrade-fakes.js';
import { MemoryLeaseApi } from './watchdog-fakes.js';

const health: HealthOptions = { maxRestarts: 2, unschedulableGraceMs: 30_000, unreadyGraceMs: 120_000, timeoutMs: 300_000, waitForJobs: false, minStableMs: 0 };
const BAKE_MS = 600_000;

/** A bare Pod `web` running `registry.example.com/app:<tag>`. */
const manifest = (tag: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: ${NS}\nspec:\n  containers:\n    - name: app\n      image: registry.example.com/app:${tag}\n`;
const webPod = (tag: string, restarts = 0): V1Pod => {
  const p = pod({ name: 'web', containers: [{ ...running('app', at(3), { restartCount: restarts, ...(restarts ? { lastTerminated: { exitCode: 1, reason: 'Error', finishedAt: at(20) } } : {}) }), image: `registry.example.com/app:${tag}` }] });
  return { ...p, spec: { ...p.spec!, containers: [{ name: 'app', image: `registry.example.com/app:${tag}` }] } };
};

function setup(statuses: Array<'deployed' | 'superseded' | 'failed'> = ['superseded', 'deployed'], leaseApi = new MemoryLeaseApi(), clock = new FakeClock(at(10).getTime())) {
  const watch = new FakeWatch();
  const releases = new FakeReleases('web', NS, () => watch.changed());
  statuses.forEach((s, i) => releases.put(i + 1, s, manifest(String(i + 1))));
  watch.releases = releases;
  watch.current = { ...watch.current, pods: [webPod(String(statuses.length))] };
  const helm = new FakeHelm();
  const ledger = new FakeLedger();
  const leases = createWatchdogLeases(leaseApi);
  const events: WatchdogRunEvent[] = [];
  const notified: WatchdogNoticeKind[] = [];
  const deps: WatchdogDeps = { helm, watch, releases, ledger, leases, clock, marker: releases, emit: (e) => events.push(e), notify: (kind) => notified.push(kind) };
  const request: WatchdogRequest = {
    release: 'web', namespace: NS, durationMs: BAKE_MS, bake: DEFAULT_BAKE_OPTIONS, health,
    helmGlobalArgs: ['--kube-context', 'prod'], helmEnv: { HELM_DRIVER: 'secret' }, holder: 'me', leaseDurationMs: 15_000, renewEveryMs: 2_000,
  };
  /** Plays helm rolling back to `target` as revision `next`, with the old pod ready again. */
  const rollBackAs = async (target: number, next: number) => {
    const p = await helm.next('rollback');
    expect(p.args.slice(0, 3)).toEqual(['rollback', 'web', String(target)]);
    releases.put(next, 'pending-rollback', manifest(String(target)));
    await settle();
    watch.set({ pods: [webPod(String(target))] });
    await settle();
    releases.setStatus(next, 'deployed');
    releases.setStatus(next - 1, 'superseded');
    p.exit(0);
  };
  return { clock, watch, releases, helm, ledger, leases, leaseApi, events, notified, deps, request, rollBackAs };
}

const armed = async (s: ReturnType<typeof setup>) => {
  for (let i = 0; i < 20 && !s.events.some((e) => e.type === 'armed' || e.type === 'finished'); i++) await settle();
};

describe('watchdog service', () => {
  it('a clean bake: holds the lease, renews it, then records verified, notifies, releases the lease, exit 0', async () => {
    const s = setup();
    const done = runWatchdog(s.deps, s.request);
    await armed(s);
    expect(s.events.find((e) => e.type === 'armed')).toMatchObject({ revision: 2, target: 1, holder: 'me', deadline: new Date(at(10).getTime() + BAKE_MS) });
    expect((await s.leases.read('web', NS))?.holder).toBe('me');
    for (let t = 0; t < BAKE_MS; t += 60_000) {
      s.clock.advance(60_000);
      await settle();
      if (t === 0) expect((await s.leases.read('web', NS))?.renewedAt.getTime()).toBeGreaterThan(at(10).getTime());
    }
    const report = await done;
    expect(report).toMatchObject({ outcome: 'verified', revision: 2, endedAt: new Date(at(10).getTime() + BAKE_MS).toISOString() });
    expect(s.ledger.entries).toEqual([expect.objectContaining({ revision: 2, verdict: 'verified', bakedMs: BAKE_MS })]);
    expect(s.notified).toEqual(['verified']);
    expect(await s.leases.read('web', NS)).toBeUndefined();
    expect(s.helm.runs).toHaveLength(0);
    expect(s.watch.stopped).toBe(true);
  });

  it('degradation: rolls back to the last known good through rollbackAndJudge, records failed + evidence, exit 3', async () => {
    const s = setup(['superseded', 'superseded', 'deployed']);
    s.ledger.entries = [{ revision: 2, verdict: 'failed', reason: 'OOMKilled', decidedAt: at(0) }];
    const done = runWatchdog(s.deps, s.request);
    await armed(s);
    s.clock.advance(5_000);
    s.watch.set({ pods: [webPod('3', 2)] });
    await s.rollBackAs(1, 4);
    const report = await done;
    expect(report).toMatchObject({ outcome: 'rolled-back', revision: 3, failure: { reason: 'RestartsGrowing', object: 'Pod/web' }, rollback: { toRevision: 1, newRevision: 4 } });
    expect(s.ledger.entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ revision: 3, verdict: 'failed', reason: 'RestartsGrowing' }),
      expect.objectContaining({ revision: 4, verdict: 'healthy' }),
    ]));
    expect(s.releases.marked).toEqual([{ revision: 3, description: expect.stringMatching(/^Upgrade "web" failed: autorollback watchdog: RestartsGrowing in Pod\/web \(container app\): /) }]);
    expect(s.events.find((e) => e.type === 'degraded')).toMatchObject({ toRevision: 1, failure: { reason: 'RestartsGrowing' } });
    expect(s.events.some((e) => e.type === 'rollback' && e.event.type === 'rollback-finished')).toBe(true);
    expect(s.notified).toEqual(['rolled-back']);
    expect(await s.leases.read('web', NS)).toBeUndefined();
  });

  it('--to-revision: rolls back to the armed target, validated before arming', async () => {
    const s = setup(['superseded', 'superseded', 'deployed']);
    await expect(runWatchdog(s.deps, { ...s.request, toRevision: 3 })).rejects.toThrow(UsageError);
    expect(await s.leases.read('web', NS)).toBeUndefined();
    const done = runWatchdog(s.deps, { ...s.request, toRevision: 1 });
    await armed(s);
    s.watch.set({ pods: [webPod('3', 3)] });
    await s.rollBackAs(1, 4);
    expect(await done).toMatchObject({ outcome: 'rolled-back', rollback: { toRevision: 1 } });
  });

  it('a newer revision during the bake: stands down, no rollback, lease released, notified', async () => {
    const s = setup();
    const done = runWatchdog(s.deps, s.request);
    await armed(s);
    s.releases.put(3, 'pending-upgrade', manifest('3'));
    const report = await done;
    expect(report).toMatchObject({ outcome: 'stood-down', standDown: { reason: 'newer-revision', detail: 'revision 3 was deployed during the bake' } });
    expect(s.helm.runs).toHaveLength(0);
    expect(s.ledger.entries).toEqual([]);
    expect(s.notified).toEqual(['stood-down']);
    expect(await s.leases.read('web', NS)).toBeUndefined();
  });

  it('two watchdogs at once on one release: one holds the lease, the other stands down; exactly one rollback', async () => {
    const api = new MemoryLeaseApi();
    const clock = new FakeClock(at(10).getTime());
    const a = setup(['superseded', 'deployed'], api, clock);
    const b = setup(['superseded', 'deployed'], api, clock);
    const doneA = runWatchdog(a.deps, { ...a.request, holder: 'alice' });
    const doneB = runWatchdog(b.deps, { ...b.request, holder: 'bob' });
    await armed(a);
    await armed(b);
    const [first, second] = (await api.get(NS, 'autorollback-web'))?.spec?.holderIdentity === 'alice' ? [a, b] : [b, a];
    // The second waits out the lease once (its holder might be gone); the first renews it meanwhile.
    expect(second.events.some((e) => e.type === 'notice' && /holds the lease until .*; waiting for it to expire or be renewed/.test(e.message))).toBe(true);
    for (let i = 0; i < 9; i++) {
      clock.advance(2_000);
      await settle();
    }
    const lost = await (second === a ? doneA : doneB);
    expect(lost).toMatchObject({ outcome: 'stood-down', standDown: { reason: 'lease-held' } });
    first.watch.set({ pods: [webPod('2', 2)] });
    second.watch.set({ pods: [webPod('2', 2)] });
    await first.rollBackAs(1, 3);
    expect(await (first === a ? doneA : doneB)).toMatchObject({ outcome: 'rolled-back' });
    expect(a.helm.runs.length + b.helm.runs.length).toBe(1);
  });

  it('a lease left by a killed watchdog of the same revision: waits for it to expire, then takes it and bakes', async () => {
    const s = setup();
    await s.leases.acquire('web', NS, { holder: 'killed', revision: 2, deadline: at(600), durationMs: 15_000 }, s.clock.now());
    const done = runWatchdog(s.deps, s.request);
    for (let i = 0; i < 10; i++) await settle();
    expect(s.events.some((e) => e.type === 'armed')).toBe(false);
    s.clock.advance(16_000);
    await armed(s);
    expect(s.events.some((e) => e.type === 'armed')).toBe(true);
    expect((await s.leases.read('web', NS))?.holder).toBe('me');
    s.watch.set({ pods: [webPod('2', 2)] });
    await s.rollBackAs(1, 3);
    expect(await done).toMatchObject({ outcome: 'rolled-back' });
  });

  it('a live lease of an older revision (its bake ended by this deploy) is taken over at once', async () => {
    const s = setup(['superseded', 'superseded', 'deployed']);
    await s.leases.acquire('web', NS, { holder: 'older', revision: 2, deadline: at(600), durationMs: 15_000 }, s.clock.now());
    const done = runWatchdog(s.deps, s.request);
    await armed(s);
    expect(s.events.find((e) => e.type === 'armed')).toMatchObject({ revision: 3 });
    expect(await s.leases.read('web', NS)).toMatchObject({ holder: 'me', revision: 3 });
    s.clock.advance(BAKE_MS);
    expect(await done).toMatchObject({ outcome: 'verified' });
  });

  it('disarm from another process: seen at the next renewal, disarmed, lease deleted, nothing rolled back', async () => {
    const s = setup();
    const done = runWatchdog(s.deps, s.request);
    await armed(s);
    await s.leases.requestDisarm('web', NS, 'ci-job-7', s.clock.now());
    s.clock.advance(2_000);
    const report = await done;
    expect(report).toMatchObject({ outcome: 'disarmed', disarmedBy: 'disarmed by ci-job-7' });
    expect(await s.leases.read('web', NS)).toBeUndefined();
    expect(s.helm.runs).toHaveLength(0);
    expect(s.notified).toEqual([]);
  });

  it('Ctrl-C disarms and releases the lease; keys d and r through the controls', async () => {
    const s = setup();
    const ac = new AbortController();
    const done = runWatchdog(s.deps, { ...s.request, interrupt: ac.signal });
    await armed(s);
    ac.abort('SIGINT');
    expect(await done).toMatchObject({ outcome: 'disarmed', disarmedBy: 'interrupted (SIGINT)' });
    expect(await s.leases.read('web', NS)).toBeUndefined();

    let press: (a: 'disarm' | 'rollback-now') => void = () => undefined;
    const controls = { subscribe: (l: typeof press) => ((press = l), () => undefined) };
    const r = setup();
    const rolled = runWatchdog(r.deps, { ...r.request, controls });
    await armed(r);
    press('rollback-now');
    await r.rollBackAs(1, 3);
    expect(await rolled).toMatchObject({ outcome: 'rolled-back', failure: { reason: 'ManualRollback' } });
  });

  it('a lost lease stops it at once: a later degradation is not acted on', async () => {
    const s = setup();
    const done = runWatchdog(s.deps, s.request);
    await armed(s);
    // Another watchdog took the lease over (e.g. this one was paused past the expiry).
    const raw = await s.leaseApi.get(NS, 'autorollback-web');
    const taken = JSON.parse(JSON.stringify(raw)) as { spec: { holderIdentity: string } };
    taken.spec.holderIdentity = 'other';
    await s.leaseApi.replace(NS, 'autorollback-web', taken as never);
    s.clock.advance(2_000);
    expect(await done).toMatchObject({ outcome: 'stood-down', standDown: { reason: 'lease-lost', detail: 'other holds the lease now' } });
    s.watch.set({ pods: [webPod('2', 5)] });
    await settle();
    expect(s.helm.runs).toHaveLength(0);
    expect((await s.leases.read('web', NS))?.holder).toBe('other');
  });

  it('renewals failing for a whole lease duration count as a lost lease', async () => {
    const s = setup();
    const done = runWatchdog(s.deps, s.request);
    await armed(s);
    s.leaseApi.failNext = 100;
    for (let i = 0; i < 8; i++) {
      s.clock.advance(2_000);
      await settle();
    }
    expect(await done).toMatchObject({ outcome: 'stood-down', standDown: { reason: 'lease-lost', detail: expect.stringMatching(/^could not renew the lease for 15s: connect ECONNREFUSED/) } });
  });

  it('a failing metric check rolls back; an inconclusive one does not unless --on-inconclusive rollback', async () => {
    let feed: (r: MetricResult) => void = () => undefined;
    const s = setup();
    const done = runWatchdog({ ...s.deps, startMetrics: (on) => ((feed = on), () => undefined) }, s.request);
    await armed(s);
    feed({ check: 'errors', value: undefined, outcome: 'inconclusive', status: 'inconclusive', message: 'empty result' });
    feed({ check: 'errors', value: 0.2, outcome: 'fail', status: 'ok', condition: '> 0.05' });
    await settle();
    expect(s.helm.runs).toHaveLength(0);
    feed({ check: 'errors', value: 0.3, outcome: 'fail', status: 'failed', condition: '> 0.05' });
    await s.rollBackAs(1, 3);
    const report = await done;
    expect(report.failure).toMatchObject({ reason: 'MetricFailed', object: 'metric/errors', message: 'errors = 0.3 (fails if > 0.05): failure limit reached' });
    expect(s.events.filter((e) => e.type === 'metric')).toHaveLength(3);
  });

  it('armed on a rollback revision: the revision it went back to (same content) is no target', async () => {
    const s = setup(['superseded', 'superseded', 'failed', 'deployed']);
    (s.releases.revisions[3] as { description: string }).description = 'Rollback to 2';
    s.watch.current = { ...s.watch.current, pods: [webPod('4')] };
    const done = runWatchdog(s.deps, s.request);
    await armed(s);
    expect(s.events.find((e) => e.type === 'armed')).toMatchObject({ revision: 4, target: 1 });
    s.watch.set({ pods: [webPod('4', 2)] });
    await s.rollBackAs(1, 5);
    expect(await done).toMatchObject({ outcome: 'rolled-back', rollback: { toRevision: 1 } });
  });

  it('bad input changes nothing: no deployed revision', async () => {
    const s = setup(['superseded', 'failed']);
    await expect(runWatchdog(s.deps, s.request)).rejects.toThrow('release "web" has no deployed revision to watch');
    expect(s.leaseApi.leases.size).toBe(0);
  });
});
