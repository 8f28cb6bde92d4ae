import type { V1Pod } from '@kubernetes/client-node';
import {
  bakeBaseline,
  DEFAULT_BAKE_OPTIONS,
  EMPTY_BAKE_MEMORY,
  evaluateBake,
  maxUnavailable,
  type BakeMemory,
  type BakeOptions,
  type BakeVerdict,
} from '../../../src/domain/health/post-rollout.js';
import type { ClusterSnapshot } from '../../../src/domain/health/types.js';
import { at, jobRef, newWebPod, running, snapshot, terminated, waiting, webDeploymentHealthy, webNewRs, webOldRs, webRef, type DeploymentOpts } from '../fixtures.js';

/** The watchdog arms at 60 s, after a healthy rollout of the web Deployment (3 pods of the new ReplicaSet). */
const ARMED = at(60);
const readyPod = (name: string, restarts = 0) => newWebPod(name, { containers: [running('app', at(3), { restartCount: restarts })] });
const healthyPods = () => [readyPod('a'), readyPod('b', 1), readyPod('c')];
const cluster = (pods: V1Pod[], d: DeploymentOpts = {}): ClusterSnapshot =>
  snapshot({ deployments: [webDeploymentHealthy(d)], replicaSets: [webOldRs(0), webNewRs(3, 3)], pods });
const baseline = bakeBaseline([webRef], cluster(healthyPods()), ARMED);

function bake(snap: ClusterSnapshot, now: Date, o: Partial<BakeOptions> = {}, memory: BakeMemory = EMPTY_BAKE_MEMORY): BakeVerdict {
  return evaluateBake({ workloads: [webRef, jobRef('migrate', ['pre-upgrade'])], snapshot: snap, options: { ...DEFAULT_BAKE_OPTIONS, ...o }, baseline, memory, now });
}

/** A pod whose Ready condition went False at `since` (its container running, readiness failing). */
const notReadyFrom = (p: V1Pod, since: Date, message = 'containers with unready status: [app]') => {
  p.status!.conditions = p.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: since, message } : c));
  return p;
};
const unreadySince = (name: string, since: Date) => notReadyFrom(newWebPod(name, { containers: [running('app', at(3), { ready: false })] }), since);
const evicted = (name: string) => {
  const p = newWebPod(name, { phase: 'Failed', containers: [] });
  p.status = { ...p.status, phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.', startTime: at(70) };
  return p;
};

describe('evaluateBake: a pod already crash-looping when the watchdog arms', () => {
  const looping = (restarts: number) =>
    newWebPod('a', { containers: [waiting('app', 'CrashLoopBackOff', 'back-off 2m40s restarting failed container=app', { restartCount: restarts, lastTerminated: { exitCode: 1, reason: 'Error', finishedAt: at(50) } })] });
  const armedOnLoop = bakeBaseline([webRef], cluster([looping(6), readyPod('b', 1), readyPod('c')]), ARMED);
  const judge = (restarts: number, now: Date) =>
    evaluateBake({ workloads: [webRef], snapshot: cluster([looping(restarts), readyPod('b', 1), readyPod('c')]), options: DEFAULT_BAKE_OPTIONS, baseline: armedOnLoop, memory: EMPTY_BAKE_MEMORY, now });

  it('is degraded at once, though its restarts have not grown (a long back-off)', () => {
    const v = judge(6, at(61));
    expect(v.state).toBe('degraded');
    if (v.state !== 'degraded') return;
    expect(v.failure).toMatchObject({ reason: 'CrashLoopBackOff', object: 'Pod/web-5f6c7d8e9b-a', container: 'app', firstSignalAt: ARMED });
    expect(v.failure?.message).toMatch(/back-off 2m40s .*\(crash-looping since before the watchdog armed, 6 restarts\)/);
  });

  it('a pod that restarted before arming but runs now stays healthy', () => {
    const runningAgain = bakeBaseline([webRef], cluster([readyPod('a', 6), readyPod('b', 1), readyPod('c')]), ARMED);
    const v = evaluateBake({ workloads: [webRef], snapshot: cluster([readyPod('a', 6), readyPod('b', 1), readyPod('c')]), options: DEFAULT_BAKE_OPTIONS, baseline: runningAgain, memory: EMPTY_BAKE_MEMORY, now: at(100) });
    expect(v.state).toBe('healthy');
  });
});

describe('evaluateBake: rules and graces', () => {
  type Case = { name: string; snap: ClusterSnapshot; now: Date; options?: Partial<BakeOptions>; state: BakeVerdict['state']; reason?: string; object?: string; firstSignalAt?: Date; message?: RegExp; recheckAt?: Date };
  const cases: Case[] = [
    { name: 'the rolled-out release: healthy', snap: cluster(healthyPods()), now: at(100), state: 'healthy' },
    { name: 'restarts from before arming do not count', snap: cluster([readyPod('a', 1), readyPod('b', 1), readyPod('c')]), now: at(100), state: 'healthy' },
    { name: 'a single restart during the bake is a flap: healthy', snap: cluster([readyPod('a', 1), readyPod('b', 1), readyPod('c')]), now: at(100), state: 'healthy' },
    {
      name: 'restarts growing to --max-restarts since arming',
      snap: cluster([newWebPod('a', { containers: [running('app', at(95), { restartCount: 2, lastTerminated: { exitCode: 1, reason: 'Error', finishedAt: at(94) } })] }), readyPod('b', 1), readyPod('c')]),
      now: at(100), state: 'degraded', reason: 'RestartsGrowing', object: 'Pod/web-5f6c7d8e9b-a', firstSignalAt: at(94), message: /restarted 2 times since the watchdog armed \(max 2\)/,
    },
    {
      name: '--max-restarts 3 tolerates two',
      snap: cluster([newWebPod('a', { containers: [running('app', at(95), { restartCount: 2, lastTerminated: { exitCode: 1, reason: 'Error', finishedAt: at(94) } })] }), readyPod('b', 1), readyPod('c')]),
      now: at(100), options: { maxRestarts: 3 }, state: 'healthy',
    },
    {
      name: 'CrashLoopBackOff after a crash in the bake',
      snap: cluster([notReadyFrom(newWebPod('a', { containers: [waiting('app', 'CrashLoopBackOff', 'back-off 10s restarting failed container=app', { restartCount: 1, lastTerminated: { exitCode: 1, reason: 'Error', finishedAt: at(90) } })] }), at(90)), readyPod('b', 1), readyPod('c')]),
      now: at(91), state: 'degraded', reason: 'CrashLoopBackOff', object: 'Pod/web-5f6c7d8e9b-a', firstSignalAt: at(90), message: /back-off 10s .*\(1 restarts since armed\)/,
    },
    {
      name: 'OOMKilled during the bake, once is enough',
      snap: cluster([newWebPod('a', { containers: [running('app', at(81), { restartCount: 1, lastTerminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: at(80) } })] }), readyPod('b', 1), readyPod('c')]),
      now: at(85), state: 'degraded', reason: 'OOMKilled', firstSignalAt: at(80), message: /OOM-killed during the bake \(exit code 137, 1 restarts since armed\)/,
    },
    {
      name: 'an OOM kill from before arming does not count',
      snap: cluster([newWebPod('a', { containers: [running('app', at(41), { restartCount: 0, lastTerminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: at(40) } })] }), readyPod('b', 1), readyPod('c')]),
      now: at(85), state: 'healthy',
    },
    { name: 'a pod that left Ready, inside the grace: suspect', snap: cluster([unreadySince('a', at(90)), readyPod('b', 1), readyPod('c')]), now: at(100), state: 'suspect', recheckAt: at(121) },
    {
      name: 'a pod not Ready longer than --unready-grace',
      snap: cluster([unreadySince('a', at(90)), readyPod('b', 1), readyPod('c')]), now: at(121),
      state: 'degraded', reason: 'PodNotReady', firstSignalAt: at(90), message: /not Ready for 31s \(grace 30s\): containers with unready status/,
    },
    { name: 'unready since before arming: the grace counts from arming', snap: cluster([unreadySince('a', at(10)), readyPod('b', 1), readyPod('c')]), now: at(80), state: 'suspect', recheckAt: at(91) },
    { name: 'a new replacement pod gets the grace from its creation', snap: cluster([newWebPod('d', { created: at(200), containers: [running('app', at(201), { ready: false })] }), readyPod('b', 1), readyPod('c')]), now: at(215), state: 'suspect', recheckAt: at(231) },
    { name: 'one eviction is tolerated', snap: cluster([evicted('e1'), ...healthyPods()]), now: at(100), state: 'healthy' },
    { name: 'two evictions during the bake', snap: cluster([evicted('e1'), evicted('e2'), ...healthyPods()]), now: at(100), state: 'degraded', reason: 'Evicted', object: 'Pod/web-5f6c7d8e9b-e1', message: /2 pods evicted during the bake \(max 2\): The node was low on resource: memory\./ },
    {
      name: 'Deployment Available=False inside the grace: suspect',
      snap: cluster(healthyPods(), { ready: 1, available: 1, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', lastTransitionTime: at(95) }] }),
      now: at(100), state: 'suspect', recheckAt: at(126),
    },
    {
      name: 'Deployment Available=False longer than --unavailable-grace',
      snap: cluster(healthyPods(), { ready: 1, available: 1, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', lastTransitionTime: at(95) }] }),
      now: at(130), state: 'degraded', reason: 'DeploymentUnavailable', object: 'Deployment/web', firstSignalAt: at(95), message: /Available=False \(MinimumReplicasUnavailable\) for 35s \(grace 30s\)/,
    },
    { name: 'Deployment ready at replicas - maxUnavailable (3 - 0 by 25%): ready 3 needed, 3 ready', snap: cluster(healthyPods()), now: at(100), state: 'healthy' },
  ];
  it.each(cases)('$name', (c) => {
    const v = bake(c.snap, c.now, c.options);
    expect(v.state).toBe(c.state);
    if (c.reason) expect(v.failure?.reason).toBe(c.reason);
    if (c.object) expect(v.failure?.object).toBe(c.object);
    if (c.firstSignalAt) expect(v.failure?.firstSignalAt).toEqual(c.firstSignalAt);
    if (c.message) expect(v.failure?.message).toMatch(c.message);
    if (c.state !== 'degraded') expect(v.failure).toBeUndefined();
    if (c.recheckAt) expect(v.recheckAt).toEqual(c.recheckAt);
  });

  it('ready below replicas - maxUnavailable has no timestamp: first seen is remembered, then the grace runs out', () => {
    const snap = cluster(healthyPods(), { ready: 2, available: 2 }); // Available stays True, but 2 < 3 - 0
    const first = bake(snap, at(100));
    expect(first.state).toBe('suspect');
    expect(first.memory.firstSeen).toEqual({ 'Deployment/web/below': at(100).getTime() });
    expect(bake(snap, at(120), {}, first.memory).state).toBe('suspect');
    const late = bake(snap, at(131.5), {}, first.memory);
    expect(late.failure).toMatchObject({ reason: 'DeploymentUnavailable', firstSignalAt: at(100), message: expect.stringMatching(/2\/3 ready, below the 3 it needs/) });
    // Back to full: the memory forgets, so a later dip starts a fresh grace.
    expect(bake(cluster(healthyPods()), at(140), {}, first.memory).memory.firstSeen).toEqual({});
  });

  it('lists the pods with restarts since arming for the view', () => {
    const v = bake(cluster([readyPod('a', 2), readyPod('b', 1), readyPod('c')]), at(100), { maxRestarts: 5 });
    expect(v.pods.map((p) => [p.name, p.restarts, p.restartsSinceArmed, p.ready])).toEqual([
      ['web-5f6c7d8e9b-a', 2, 2, true],
      ['web-5f6c7d8e9b-b', 1, 0, true],
      ['web-5f6c7d8e9b-c', 0, 0, true],
    ]);
    expect(v.workloads).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'web', ready: 3, desired: 3 })]);
  });

  it('a just-terminated container (not yet restarted) alone is no verdict', () => {
    const p = notReadyFrom(newWebPod('a', { containers: [terminated('app', { exitCode: 1, reason: 'Error', startedAt: at(3), finishedAt: at(99) })] }), at(99));
    expect(bake(cluster([p, readyPod('b', 1), readyPod('c')]), at(100)).state).toBe('suspect');
  });
});

describe('maxUnavailable, as the deployment controller resolves it', () => {
  const d = (replicas: number, strategy: object) => ({ spec: { replicas, selector: {}, template: {}, strategy } });
  it.each([
    [4, {}, 1],
    [3, {}, 0],
    [10, { rollingUpdate: { maxUnavailable: '50%' } }, 5],
    [10, { rollingUpdate: { maxUnavailable: 2 } }, 2],
    [10, { type: 'Recreate' }, 0],
    [0, {}, 0],
  ])('%i replicas, %j -> %i', (replicas, strategy, expected) => {
    expect(maxUnavailable(d(replicas, strategy) as never)).toBe(expected);
  });
});
