import type { V1Pod } from '@kubernetes/client-node';
import type { ClusterSnapshot, HealthOptions, Verdict } from '../../src/domain/health/types.js';
import type { UpgradeEvent } from '../../src/domain/upgrade/events.js';
import { RolloutMonitor } from '../../src/services/upgrade-rollout.js';
import { at, NS, pod, running, waiting } from '../domain/fixtures.js';
import { FakeClock, FakeWatch, settle } from './upgrade-fakes.js';

const health: HealthOptions = { maxRestarts: 2, unschedulableGraceMs: 30_000, unreadyGraceMs: 10_000, timeoutMs: 300_000, waitForJobs: false, minStableMs: 0 };
const webRef = { apiVersion: 'v1', kind: 'Pod', namespace: NS, name: 'web' };
const unready = pod({ name: 'web', containers: [running('app', at(3), { ready: false })] });
const ready = pod({ name: 'web', containers: [running('app', at(3))] });
const crashing = pod({ name: 'web', containers: [waiting('app', 'CrashLoopBackOff', 'back-off 10s restarting failed container=app', { restartCount: 3, lastTerminated: { exitCode: 1, reason: 'Error', finishedAt: at(4) } })] });

/** A monitor over a bare Pod `web` whose informer shows `informed`; `fresh` answers the fresh read (or rejects). */
function monitor(informed: V1Pod, fresh?: () => Promise<ClusterSnapshot>) {
  const clock = new FakeClock(at(5).getTime());
  const watch = new FakeWatch();
  watch.set({ pods: [informed] });
  let freshReads = 0;
  if (fresh) {
    watch.freshSnapshot = async () => {
      freshReads++;
      return fresh();
    };
  }
  const events: UpgradeEvent[] = [];
  const m = new RolloutMonitor({ watch, clock, options: health, startedAt: at(0), phase: 'upgrade', emit: (e) => events.push(e) });
  m.setWorkloads([webRef]);
  const failures = () => events.filter((e): e is Extract<UpgradeEvent, { type: 'verdict' }> => e.type === 'verdict' && e.verdict.state === 'failed').map((e) => e.verdict as Extract<Verdict, { state: 'failed' }>);
  return { clock, watch, m, failures, freshReads: () => freshReads };
}

describe('RolloutMonitor: a failure that rests on a change not arriving is confirmed on a fresh read first', () => {
  it('an unready grace ending while the informers show stale pods: the fresh read shows the pod ready, so no failure', async () => {
    const s = monitor(unready, async () => ({ ...s.watch.current, pods: [ready] }));
    s.clock.advance(10_000);
    await settle();
    expect(s.freshReads()).toBe(1);
    expect(s.failures()).toEqual([]);
    expect(s.m.verdict?.state).toBe('healthy');
  });

  it('the fresh read still shows the pod unready: the Unready failure stands', async () => {
    const s = monitor(unready, async () => s.watch.current);
    s.clock.advance(10_000);
    expect(s.failures()).toEqual([]); // not before the read answers
    await settle();
    expect(s.failures()).toMatchObject([{ reason: 'Unready', object: 'Pod/web' }]);
  });

  it('a fresh read that cannot be made (the API server stays down) lets the failure stand', async () => {
    const s = monitor(unready, async () => {
      throw new Error('cannot reach the Kubernetes API');
    });
    s.clock.advance(10_000);
    await settle();
    expect(s.failures()).toMatchObject([{ reason: 'Unready' }]);
  });

  it('a failure seen happening (CrashLoopBackOff) is acted on at once, without a fresh read', () => {
    const s = monitor(crashing, async () => s.watch.current);
    expect(s.failures()).toMatchObject([{ reason: 'CrashLoopBackOff' }]);
    expect(s.freshReads()).toBe(0);
  });

  it('without a fresh read on the watch, the informers\' view decides as before', () => {
    const s = monitor(unready);
    s.clock.advance(10_000);
    expect(s.failures()).toMatchObject([{ reason: 'Unready' }]);
  });
});
