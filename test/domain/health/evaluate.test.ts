import type { CoreV1Event, V1ContainerStatus, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { evaluateRollout, pickFailure } from '../../../src/domain/health/evaluate.js';
import { generationBaseline } from '../../../src/domain/health/workload-rules.js';
import { DEFAULT_HEALTH_OPTIONS, type ClusterSnapshot, type HealthOptions, type Verdict } from '../../../src/domain/health/types.js';
import type { WorkloadRef } from '../../../src/domain/manifest/workload-ref.js';
import {
  NS, T0, at, dbPod, dbRef, event, newWebPod, oldWebPod, running, snapshot, terminated, unschedulablePod, waiting,
  daemonSet, replicaSet, statefulSet, webDeployment, webDeploymentHealthy, webNewRs, webOldRs, webRef, WEB_NEW_RS, WEB_OLD_RS,
  type PodOpts,
} from '../fixtures.js';

const opts = (o: Partial<HealthOptions> = {}): HealthOptions => ({ ...DEFAULT_HEALTH_OPTIONS, ...o });

function evaluate(
  snap: ClusterSnapshot,
  now: Date,
  o: Partial<HealthOptions> = {},
  workloads: WorkloadRef[] = [webRef],
): Verdict {
  return evaluateRollout({ workloads, snapshot: snap, options: opts(o), now, startedAt: T0 });
}

/** Mid-rollout web Deployment: 3 old ready pods, the new ReplicaSet's first pod in the given state. */
function webMidRollout(newPod: V1Pod | V1Pod[], extra: { events?: CoreV1Event[]; deployment?: V1Deployment } = {}): ClusterSnapshot {
  const newPods = Array.isArray(newPod) ? newPod : [newPod];
  return snapshot({
    deployments: [extra.deployment ?? webDeployment()],
    replicaSets: [webOldRs(3), webNewRs(newPods.length, 0)],
    pods: [oldWebPod('a'), oldWebPod('b'), oldWebPod('c'), ...newPods],
    events: extra.events ?? [],
  });
}

const newPodWith = (containers: V1ContainerStatus[], o: Omit<PodOpts, 'name' | 'owner' | 'labels'> = {}) =>
  newWebPod('x1', { containers, ...o });
const podX = 'Pod/web-5f6c7d8e9b-x1';
const crash = (finishedAt: Date, reason = 'Error', exitCode = 1) => ({ exitCode, reason, startedAt: at(3), finishedAt });

describe('evaluateRollout: every failure reason', () => {
  type Case = {
    name: string;
    snap: ClusterSnapshot;
    now: Date;
    options?: Partial<HealthOptions>;
    workloads?: WorkloadRef[];
    expected: { reason: string; object: string; container?: string; firstSignalAt: Date; message?: RegExp };
  };
  const cases: Case[] = [
    {
      name: 'CrashLoopBackOff, dated by the first crash',
      snap: webMidRollout(
        newPodWith([waiting('app', 'CrashLoopBackOff', 'back-off 10s restarting failed container=app pod=web-5f6c7d8e9b-x1_prod(uid-x1)', { restartCount: 1, lastTerminated: crash(at(5)) })]),
        { events: [event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x1', uid: 'uid-web-5f6c7d8e9b-x1', fieldPath: 'spec.containers{app}' }, reason: 'BackOff', message: 'Back-off restarting failed container app in pod web-5f6c7d8e9b-x1_prod(uid-x1)', first: at(6) })] },
      ),
      now: at(6.2),
      expected: { reason: 'CrashLoopBackOff', object: podX, container: 'app', firstSignalAt: at(5), message: /back-off 10s restarting failed container.*last exit code 1 \(Error\)/ },
    },
    {
      name: 'TooManyRestarts at --max-restarts even while running',
      snap: webMidRollout(newPodWith([running('app', at(20), { restartCount: 2, lastTerminated: crash(at(19)) })])),
      now: at(21),
      expected: { reason: 'TooManyRestarts', object: podX, container: 'app', firstSignalAt: at(19), message: /restarted 2 times \(max 2\)/ },
    },
    {
      name: 'TooManyRestarts honours a custom --max-restarts',
      snap: webMidRollout(newPodWith([running('app', at(20), { restartCount: 1, lastTerminated: crash(at(19)) })])),
      now: at(21),
      options: { maxRestarts: 1 },
      expected: { reason: 'TooManyRestarts', object: podX, container: 'app', firstSignalAt: at(19) },
    },
    {
      name: 'ImagePullBackOff, dated by the kubelet Failed event',
      snap: webMidRollout(newPodWith([waiting('app', 'ImagePullBackOff', 'Back-off pulling image "registry.example.com/app:2"')]), {
        events: [
          event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x1', fieldPath: 'spec.containers{app}' }, reason: 'Pulling', type: 'Normal', message: 'Pulling image "registry.example.com/app:2"', first: at(2) }),
          event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x1', fieldPath: 'spec.containers{app}' }, reason: 'Failed', message: 'Failed to pull image "registry.example.com/app:2": not found', first: at(4), last: at(9), count: 2 }),
        ],
      }),
      now: at(10),
      expected: { reason: 'ImagePullBackOff', object: podX, container: 'app', firstSignalAt: at(4), message: /^ImagePullBackOff: Back-off pulling image/ },
    },
    {
      name: 'ErrImagePull without events, dated by ContainersReady=False',
      snap: webMidRollout(newPodWith([waiting('app', 'ErrImagePull', 'rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/app:2": not found')])),
      now: at(5),
      expected: { reason: 'ErrImagePull', object: podX, container: 'app', firstSignalAt: at(2) },
    },
    {
      name: 'ErrImageNeverPull counts as ErrImagePull',
      snap: webMidRollout(newPodWith([waiting('app', 'ErrImageNeverPull', 'Container image "registry.example.com/app:2" is not present with pull policy of Never')]), {
        events: [event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x1', fieldPath: 'spec.containers{app}' }, reason: 'ErrImageNeverPull', message: 'Container image is not present with pull policy of Never', first: at(2.2) })],
      }),
      now: at(3),
      expected: { reason: 'ErrImagePull', object: podX, container: 'app', firstSignalAt: at(2.2), message: /^ErrImageNeverPull: Container image/ },
    },
    {
      name: 'InvalidImageName at first sight',
      snap: webMidRollout(newPodWith([waiting('app', 'InvalidImageName', 'Failed to apply default image tag "Registry/App:2": couldn\'t parse image name "Registry/App:2": invalid reference format: repository name must be lowercase')]), {
        events: [event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x1', fieldPath: 'spec.containers{app}' }, reason: 'InspectFailed', message: 'Failed to apply default image tag', first: at(2.5) })],
      }),
      now: at(3),
      expected: { reason: 'InvalidImageName', object: podX, container: 'app', firstSignalAt: at(2.5), message: /invalid reference format/ },
    },
    {
      name: 'OOMKilled wins over the CrashLoopBackOff it causes',
      snap: webMidRollout(newPodWith([waiting('app', 'CrashLoopBackOff', 'back-off 10s restarting failed container=app', { restartCount: 1, lastTerminated: crash(at(7), 'OOMKilled', 137) })])),
      now: at(8),
      expected: { reason: 'OOMKilled', object: podX, container: 'app', firstSignalAt: at(7), message: /OOM-killed \(exit code 137/ },
    },
    {
      name: 'OOMKilled seen in the current terminated state, before any restart',
      snap: webMidRollout(newPodWith([terminated('app', { exitCode: 137, reason: 'OOMKilled', startedAt: at(3), finishedAt: at(4) })])),
      now: at(4.1),
      expected: { reason: 'OOMKilled', object: podX, container: 'app', firstSignalAt: at(4) },
    },
    {
      name: 'CreateContainerConfigError (missing ConfigMap)',
      snap: webMidRollout(newPodWith([waiting('app', 'CreateContainerConfigError', 'configmap "web-config" not found')])),
      now: at(3),
      expected: { reason: 'CreateContainerConfigError', object: podX, container: 'app', firstSignalAt: at(2), message: /configmap "web-config" not found/ },
    },
    {
      name: 'CreateContainerError',
      snap: webMidRollout(newPodWith([waiting('app', 'CreateContainerError', 'Error: failed to generate container spec: failed to apply OCI options')])),
      now: at(3),
      expected: { reason: 'CreateContainerError', object: podX, container: 'app', firstSignalAt: at(2) },
    },
    {
      name: 'CrashLoopBackOff of an init container',
      snap: webMidRollout(newPodWith([waiting('app', 'PodInitializing', undefined)], { initContainers: [waiting('migrate', 'CrashLoopBackOff', 'back-off 10s restarting failed container=migrate', { restartCount: 1, lastTerminated: crash(at(4)) })] })),
      now: at(5),
      expected: { reason: 'InitCrashLoopBackOff', object: podX, container: 'migrate', firstSignalAt: at(4) },
    },
    {
      name: 'Unschedulable once the grace has passed, dated by PodScheduled=False',
      snap: webMidRollout(unschedulablePod({ name: 'web-5f6c7d8e9b-x1', owner: WEB_NEW_RS, labels: { app: 'web', 'pod-template-hash': '5f6c7d8e9b' }, since: at(1) })),
      now: at(32),
      expected: { reason: 'Unschedulable', object: podX, firstSignalAt: at(1), message: /unschedulable for 31s: 0\/3 nodes are available: 3 Insufficient cpu/ },
    },
    {
      name: 'Unready once --unready-grace after the container started has passed',
      snap: webMidRollout(newPodWith([running('app', at(3), { ready: false })]), {
        events: [event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x1', fieldPath: 'spec.containers{app}' }, reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', first: at(8), last: at(120), count: 12 })],
      }),
      now: at(124),
      expected: { reason: 'Unready', object: podX, container: 'app', firstSignalAt: at(3), message: /not ready 2m1s after it started: Readiness probe failed: HTTP probe failed with statuscode: 503/ },
    },
    {
      name: 'ProgressDeadlineExceeded from the Deployment condition',
      snap: webMidRollout(newPodWith([waiting('app', 'ContainerCreating', undefined)]), {
        deployment: webDeployment({
          conditions: [
            { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastTransitionTime: at(-3500), lastUpdateTime: at(-3500) },
            { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-5f6c7d8e9b" has timed out progressing.', lastTransitionTime: at(600), lastUpdateTime: at(600) },
          ],
        }),
      }),
      now: at(601),
      options: { timeoutMs: 3_600_000 },
      expected: { reason: 'ProgressDeadlineExceeded', object: 'Deployment/web', firstSignalAt: at(600), message: /has timed out progressing/ },
    },
    {
      name: 'Timeout when nothing else explains the wait',
      snap: webMidRollout(newPodWith([waiting('app', 'ContainerCreating', undefined)])),
      now: at(300),
      expected: { reason: 'Timeout', object: 'Deployment/web', firstSignalAt: at(300), message: /^timed out after 5m0s waiting for Deployment\/web: 1\/3 updated/ },
    },
    {
      name: 'Timeout honours --timeout',
      snap: webMidRollout(newPodWith([waiting('app', 'ContainerCreating', undefined)])),
      now: at(60),
      options: { timeoutMs: 60_000 },
      expected: { reason: 'Timeout', object: 'Deployment/web', firstSignalAt: at(60), message: /after 1m0s/ },
    },
  ];

  it.each(cases)('$name', ({ snap, now, options, workloads, expected }) => {
    const v = evaluate(snap, now, options, workloads);
    expect(v.state).toBe('failed');
    if (v.state !== 'failed') return;
    expect({ reason: v.reason, object: v.object, container: v.container, firstSignalAt: v.firstSignalAt }).toEqual({
      reason: expected.reason,
      object: expected.object,
      container: expected.container,
      firstSignalAt: expected.firstSignalAt,
    });
    if (expected.message) expect(v.message).toMatch(expected.message);
  });
});

describe('evaluateRollout: grace and timeout boundaries', () => {
  const unschedulable = webMidRollout(unschedulablePod({ name: 'web-5f6c7d8e9b-x1', owner: WEB_NEW_RS, labels: { app: 'web', 'pod-template-hash': '5f6c7d8e9b' }, since: at(1) }));
  const unready = webMidRollout(newPodWith([running('app', at(3), { ready: false })]));
  const creating = webMidRollout(newPodWith([waiting('app', 'ContainerCreating', undefined)]));

  // Kubernetes records these times truncated to the second (PodScheduled at "…:01Z" happened somewhere in
  // [1 s, 2 s)), so every grace counts from the END of the recorded second: it may fire up to 1 s late, never
  // early. A timestamp with a sub-second part is exact and counts from itself.
  const unschedulableExact = webMidRollout(unschedulablePod({ name: 'web-5f6c7d8e9b-x1', owner: WEB_NEW_RS, labels: { app: 'web', 'pod-template-hash': '5f6c7d8e9b' }, since: at(1.25) }));
  it.each([
    ['unschedulable at the recorded time + 30s grace (the real start may be up to 1 s later)', unschedulable, at(31), {}, 'progressing', at(32)],
    ['unschedulable 1 ms before the end of the recorded second + grace', unschedulable, at(31.999), {}, 'progressing', at(32)],
    ['unschedulable once the full grace has surely passed', unschedulable, at(32), {}, 'failed', undefined],
    ['unschedulable with a longer grace', unschedulable, at(32), { unschedulableGraceMs: 60_000 }, 'progressing', at(62)],
    ['unschedulable since a sub-second timestamp: 1 ms before its grace', unschedulableExact, at(31.249), {}, 'progressing', at(31.25)],
    ['unschedulable since a sub-second timestamp: exactly at its grace', unschedulableExact, at(31.25), {}, 'failed', undefined],
    ['unready at the recorded start + 120s grace', unready, at(123), {}, 'progressing', at(124)],
    ['unready 1 ms before the end of the recorded second + grace', unready, at(123.999), {}, 'progressing', at(124)],
    ['unready once the full grace has surely passed', unready, at(124), {}, 'failed', undefined],
    ['unready with a shorter grace', unready, at(14), { unreadyGraceMs: 10_000 }, 'failed', undefined],
    ['1 ms before the timeout', creating, at(299.999), {}, 'progressing', at(300)],
    ['at the timeout', creating, at(300), {}, 'failed', undefined],
  ] as const)('%s', (_name, snap, now, o, state, recheckAt) => {
    const v = evaluate(snap, now, o);
    expect(v.state).toBe(state);
    if (v.state === 'progressing') expect(v.recheckAt).toEqual(recheckAt);
  });

  const mountFailing = (events: CoreV1Event[]) =>
    webMidRollout(newPodWith([waiting('app', 'ContainerCreating', undefined)], { phase: 'Pending' }), { events });
  const failedMount = (first: number, last: number) =>
    event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x1', uid: 'uid-web-5f6c7d8e9b-x1' }, reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "config" : configmap "web-config" not found', first: at(first), last: at(last), count: 3 });

  it.each([
    ['at the first event + 30s mount grace (counted from the end of its second)', at(32), {}, 'progressing', at(33)],
    ['1 ms before the mount grace surely passed', at(32.999), {}, 'progressing', at(33)],
    ['once the mount grace surely passed', at(33), {}, 'failed', undefined],
    ['with a shorter mount grace', at(13), { mountGraceMs: 10_000 }, 'failed', undefined],
  ] as const)('FailedMount %s', (_name, now, o, state, recheckAt) => {
    const v = evaluate(mountFailing([failedMount(2, 20)]), now, o);
    expect(v.state).toBe(state);
    if (v.state === 'progressing') expect(v.recheckAt).toEqual(recheckAt);
    if (v.state === 'failed') {
      expect(v).toMatchObject({ reason: 'FailedMount', object: podX, firstSignalAt: at(2) });
      expect(v.message).toBe('MountVolume.SetUp failed for volume "config" : configmap "web-config" not found');
      expect(v.container).toBeUndefined();
    }
  });

  it('FailedMount events stop mattering once the containers run', () => {
    const snap = webMidRollout(newPodWith([running('app', at(40))]), { events: [failedMount(2, 20)] });
    expect(evaluate(snap, at(45)).state).toBe('progressing');
  });

  it('restarts one below --max-restarts are not a failure', () => {
    const v = evaluate(webMidRollout(newPodWith([running('app', at(20), { restartCount: 1, lastTerminated: crash(at(19)) })])), at(21));
    expect(v.state).toBe('progressing');
  });

  it('recheckAt is the earliest pending grace among several pods, or the deadline', () => {
    const snap = webMidRollout([
      newWebPod('u1', { containers: [running('app', at(50), { ready: false })] }), // due at 171 (end of second 50 + 120)
      unschedulablePod({ name: 'web-5f6c7d8e9b-u2', owner: WEB_NEW_RS, labels: { app: 'web', 'pod-template-hash': '5f6c7d8e9b' }, since: at(10) }), // due at 41
    ]);
    expect(evaluate(snap, at(20))).toMatchObject({ state: 'progressing', recheckAt: at(41) });
    expect(evaluate(snap, at(20), { unschedulableGraceMs: 1_000_000 })).toMatchObject({ state: 'progressing', recheckAt: at(171) });
    expect(evaluate(snap, at(20), { unschedulableGraceMs: 1_000_000, unreadyGraceMs: 1_000_000 })).toMatchObject({ state: 'progressing', recheckAt: at(300) });
  });
});

describe('evaluateRollout: only the new revision counts', () => {
  const crashLooping = (): V1ContainerStatus[] => [
    waiting('app', 'CrashLoopBackOff', 'back-off 5m0s restarting failed container', { restartCount: 9, lastTerminated: crash(at(-100)) }),
  ];

  it('ignores a crash-looping pod of the old ReplicaSet', () => {
    const base = webMidRollout(newPodWith([running('app', at(3), { ready: false })]));
    const snap = { ...base, pods: [oldWebPod('a', { containers: crashLooping() }), ...base.pods.slice(1)] };
    expect(evaluate(snap, at(10)).state).toBe('progressing');
    // The same crash on the new ReplicaSet's pod does fail the rollout.
    expect(evaluate(webMidRollout(newPodWith(crashLooping())), at(10))).toMatchObject({ state: 'failed', reason: 'CrashLoopBackOff' });
  });

  it('ignores old pods when the new ReplicaSet is healthy but old ones are still being scaled down', () => {
    const snap = snapshot({
      deployments: [webDeploymentHealthy({ total: 4 })],
      replicaSets: [webOldRs(1), webNewRs(3, 3)],
      pods: [oldWebPod('a', { containers: crashLooping() }), newWebPod('x1'), newWebPod('x2'), newWebPod('x3')],
    });
    const v = evaluate(snap, at(30));
    expect(v.state).toBe('progressing');
  });

  it('ignores a terminating pod of the new ReplicaSet', () => {
    const snap = webMidRollout([newWebPod('x1', { containers: crashLooping(), deleting: at(5) }), newWebPod('x2')]);
    expect(evaluate(snap, at(10)).state).toBe('progressing');
  });

  it('does not judge a Deployment helm has not patched yet (still the old image)', () => {
    const old = webDeploymentHealthy({ image: 'registry.example.com/app:1' });
    const snap = snapshot({ deployments: [old], replicaSets: [webOldRs(3)], pods: [oldWebPod('a', { containers: crashLooping() }), oldWebPod('b'), oldWebPod('c')] });
    const v = evaluate(snap, at(2));
    expect(v.state).toBe('progressing');
    expect(v.progress.workloads[0]).toMatchObject({ kind: 'Deployment', name: 'web', present: true, done: false, updated: 0 });
    expect(v.progress.pods).toEqual([]);
  });

  it('does not judge before the controller observed the new generation', () => {
    const snap = webMidRollout(newPodWith(crashLooping()), { deployment: webDeploymentHealthy({ generation: 3, observedGeneration: 2 }) });
    expect(evaluate(snap, at(10)).state).toBe('progressing');
  });

  it('waits for a Deployment that does not exist yet', () => {
    const v = evaluate(snapshot({}), at(10));
    expect(v).toMatchObject({ state: 'progressing', recheckAt: at(300) });
    expect(v.progress.workloads[0]).toMatchObject({ present: false, done: false });
  });

  it('finds new pods by pod-template-hash when they carry no owner references', () => {
    const orphan = newPodWith([waiting('app', 'CreateContainerConfigError', 'secret "db" not found')]);
    delete orphan.metadata?.ownerReferences;
    expect(evaluate(webMidRollout(orphan), at(3))).toMatchObject({ state: 'failed', reason: 'CreateContainerConfigError' });
  });
});

describe('evaluateRollout: healthy', () => {
  const healthy = (): ClusterSnapshot =>
    snapshot({
      deployments: [webDeploymentHealthy()],
      replicaSets: [webOldRs(0), webNewRs(3, 3)],
      pods: [newWebPod('x1'), newWebPod('x2'), newWebPod('x3')],
    });

  it('is healthy when every replica is updated, ready and available and the old ReplicaSet is at 0', () => {
    const v = evaluate(healthy(), at(25));
    expect(v.state).toBe('healthy');
    expect(v.progress.workloads).toEqual([
      { kind: 'Deployment', name: 'web', desired: 3, updated: 3, ready: 3, available: 3, done: true, present: true },
    ]);
    expect(v.progress.pods.map((p) => [p.name, p.phase, p.ready, p.restarts])).toEqual([
      ['web-5f6c7d8e9b-x1', 'Running', true, 0],
      ['web-5f6c7d8e9b-x2', 'Running', true, 0],
      ['web-5f6c7d8e9b-x3', 'Running', true, 0],
    ]);
  });

  it.each([
    ['an old replica still counted', { total: 4 }],
    ['one replica not ready', { ready: 2 }],
    ['one replica not available yet (minReadySeconds)', { available: 2 }],
    ['one replica not updated', { updated: 2 }],
  ])('is progressing with %s', (_name, o) => {
    const snap = { ...healthy(), deployments: [webDeploymentHealthy(o)] };
    expect(evaluate(snap, at(25)).state).toBe('progressing');
  });

  // The pods turned Ready at "…:04Z" (second resolution: some moment in [4 s, 5 s)), so the 5 s window counts
  // from the end of that second and ends at 10 s: never healthy before every pod has surely been ready 5 s.
  it.each([
    ['5 s after the recorded Ready transition (the real one may be up to 1 s later)', at(9), {}, 'progressing'],
    ['1 ms before the last pod has surely been ready for --min-stable (5s)', at(9.999), {}, 'progressing'],
    ['once the last pod has surely been ready for 5s', at(10), {}, 'healthy'],
    ['with the stability window disabled', at(4), { minStableMs: 0 }, 'healthy'],
  ] as const)('stability: %s', (_name, now, o, state) => {
    const v = evaluate(healthy(), now, o);
    expect(v.state).toBe(state);
    if (v.state === 'progressing') {
      expect(v.stabilizingUntil).toEqual(at(10));
      expect(v.recheckAt).toEqual(at(10));
      expect(v.progress.workloads[0]?.done).toBe(true);
    }
  });

  it('a container crashing right after it turned ready is caught inside the stability window', () => {
    const crashed = newWebPod('x1', {
      containers: [waiting('app', 'CrashLoopBackOff', 'back-off 10s restarting failed container', { restartCount: 1, lastTerminated: crash(at(6)) })],
    });
    const base = healthy();
    expect(evaluate(base, at(7)).state).toBe('progressing');
    expect(evaluate({ ...base, pods: [crashed, ...base.pods.slice(1)] }, at(7))).toMatchObject({ state: 'failed', reason: 'CrashLoopBackOff' });
  });

  it('is healthy at once for a release without workloads', () => {
    expect(evaluate(snapshot({}), at(0), {}, [])).toMatchObject({ state: 'healthy', progress: { workloads: [], pods: [], warnings: [] } });
  });

  it('is healthy for a Deployment scaled to 0', () => {
    const snap = snapshot({ deployments: [webDeploymentHealthy({ replicas: 0 })], replicaSets: [webOldRs(0), webNewRs(0, 0)] });
    expect(evaluate(snap, at(5)).state).toBe('healthy');
  });

  it('a healthy verdict after the deadline is still healthy', () => {
    expect(evaluate(healthy(), at(301)).state).toBe('healthy');
  });

  it('is failed, not healthy, when a ready pod has already restarted --max-restarts times', () => {
    const base = healthy();
    const snap = { ...base, pods: [newWebPod('x1', { containers: [running('app', at(20), { restartCount: 2, lastTerminated: crash(at(19)) })] }), ...base.pods.slice(1)] };
    expect(evaluate(snap, at(25))).toMatchObject({ state: 'failed', reason: 'TooManyRestarts' });
  });
});

describe('evaluateRollout: healthy needs the new pods themselves ready and stable, not only the counts', () => {
  // One replica, no readiness probe: the pod turned Ready when its container started (3 s); the controllers
  // counted it ready; the container then exited. The counts lag the pod by one controller sync.
  const countsSayReady = (p: V1Pod): ClusterSnapshot =>
    snapshot({ deployments: [webDeploymentHealthy({ replicas: 1 })], replicaSets: [webOldRs(0), webNewRs(1, 1)], pods: [p] });
  const notReady = (since: Date) => [
    { type: 'PodReadyToStartContainers', status: 'True', lastTransitionTime: at(2) },
    { type: 'Initialized', status: 'True', lastTransitionTime: at(2) },
    { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]', lastTransitionTime: since },
    { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]', lastTransitionTime: since },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: at(1) },
  ];
  const readyAt = (since: Date) => [
    { type: 'PodReadyToStartContainers', status: 'True', lastTransitionTime: at(2) },
    { type: 'Initialized', status: 'True', lastTransitionTime: at(2) },
    { type: 'Ready', status: 'True', lastTransitionTime: since },
    { type: 'ContainersReady', status: 'True', lastTransitionTime: since },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: at(1) },
  ];
  const justExited = newWebPod('x1', {
    phase: 'Running',
    containers: [terminated('app', { exitCode: 1, reason: 'Error', startedAt: at(3), finishedAt: at(5) })],
    conditions: notReady(at(5)),
  });

  it('a pod without a readiness probe whose container just exited (Error, no restart yet) is not healthy, though the counts say ready', () => {
    for (const now of [at(5.2), at(9), at(20)]) {
      const v = evaluate(countsSayReady(justExited), now);
      expect(v.state).toBe('progressing');
      if (v.state !== 'progressing') continue;
      expect(v.stabilizingUntil).toBeUndefined();
      expect(v.progress.workloads[0]).toMatchObject({ done: false, ready: 1 });
      expect(v.progress.pods[0]).toMatchObject({ ready: false, reason: 'Error', restarts: 0 });
    }
  });

  it('the same pod still counted Ready by a lagging Ready condition is not healthy either (container state wins)', () => {
    const lagging = newWebPod('x1', { phase: 'Running', containers: [terminated('app', { exitCode: 1, reason: 'Error', startedAt: at(3), finishedAt: at(5) })], conditions: readyAt(at(3)) });
    expect(evaluate(countsSayReady(lagging), at(20))).toMatchObject({ state: 'progressing' });
  });

  it('a pod that stays unready while the counts say ready ends in Timeout, naming the pod', () => {
    expect(evaluate(countsSayReady(justExited), at(300))).toMatchObject({
      state: 'failed', reason: 'Timeout', object: 'Deployment/web', message: expect.stringMatching(/waiting for Deployment\/web: pod web-5f6c7d8e9b-x1 to be ready$/),
    });
  });

  it('once the kubelet backs off, the same pod fails with CrashLoopBackOff', () => {
    const backOff = newWebPod('x1', {
      phase: 'Running',
      containers: [waiting('app', 'CrashLoopBackOff', 'back-off 10s restarting failed container=app', { restartCount: 1, lastTerminated: crash(at(7)) })],
      conditions: notReady(at(5)),
    });
    expect(evaluate(countsSayReady(backOff), at(7.5))).toMatchObject({ state: 'failed', reason: 'CrashLoopBackOff', firstSignalAt: at(7) });
  });

  // Restarted at 20 s after exiting at 19.5 s; without a probe, Ready may never have been reported False in
  // between (the kubelet's status updates coalesce), so its lastTransitionTime still says 4 s.
  const restarted = newWebPod('x1', {
    containers: [running('app', at(20), { restartCount: 1, lastTerminated: crash(at(19.5)) })],
    conditions: readyAt(at(4)),
  });

  it.each([
    ['progressing right after the restart', at(20.5), 'progressing'],
    ['progressing 5 s after the recorded restart (the real one may be up to 1 s later)', at(25), 'progressing'],
    ['progressing 1 ms before 5 s after the end of the restart\'s second', at(25.999), 'progressing'],
    ['healthy once the restarted container has surely run 5 s', at(26), 'healthy'],
  ] as const)('a ready pod whose container restarted inside the window: %s', (_name, now, state) => {
    const v = evaluate(countsSayReady(restarted), now);
    expect(v.state).toBe(state);
    if (v.state === 'progressing') expect(v).toMatchObject({ stabilizingUntil: at(26), recheckAt: at(26) });
  });

  it('a stable ready pod with sub-second timestamps counts from them exactly', () => {
    const p = newWebPod('x1', { containers: [running('app', at(3.25))], conditions: readyAt(at(3.5)) });
    expect(evaluate(countsSayReady(p), at(8.499)).state).toBe('progressing');
    expect(evaluate(countsSayReady(p), at(8.5)).state).toBe('healthy');
  });

  it('a stable ready pod is healthy', () => {
    expect(evaluate(countsSayReady(newWebPod('x1')), at(30)).state).toBe('healthy');
  });

  it('an ended (evicted) pod of the new ReplicaSet does not block healthy; its replacement is judged', () => {
    const evicted = newWebPod('x0', { phase: 'Failed', containers: [terminated('app', { exitCode: 137, reason: 'Error', startedAt: at(3), finishedAt: at(6) })], conditions: notReady(at(6)) });
    expect(evaluate({ ...countsSayReady(newWebPod('x1')), pods: [evicted, newWebPod('x1')] }, at(30)).state).toBe('healthy');
    expect(evaluate({ ...countsSayReady(justExited), pods: [evicted, justExited] }, at(30)).state).toBe('progressing');
  });

  it('a StatefulSet whose counts say ready but whose updated pod just exited is not healthy', () => {
    const exited = dbPod(0, 'rev2', { phase: 'Running', containers: [terminated('db', { exitCode: 1, reason: 'Error', startedAt: at(3), finishedAt: at(5) })], conditions: notReady(at(5)) });
    const snap = snapshot({ statefulSets: [statefulSet({ replicas: 1, current: 'rev2', update: 'rev2', ready: 1 })], pods: [exited] });
    const ready = { ...snap, pods: [dbPod(0, 'rev2')] };
    const judge = (s: ClusterSnapshot) => evaluate(s, at(30), {}, [dbRef]).state;
    expect([judge(snap), judge(ready)]).toEqual(['progressing', 'healthy']);
  });
});

describe('evaluateRollout: determinism', () => {
  const imagePull = newWebPod('x1', { containers: [waiting('app', 'ImagePullBackOff', 'Back-off pulling image')], conditions: [{ type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: at(4) }] });
  const crashing = newWebPod('x2', { containers: [waiting('app', 'CrashLoopBackOff', 'back-off', { restartCount: 1, lastTerminated: crash(at(5)) })] });

  it('picks the earliest first signal regardless of input order', () => {
    const a = evaluate(webMidRollout([imagePull, crashing]), at(6));
    const b = evaluate(webMidRollout([crashing, imagePull]), at(6));
    expect(a).toMatchObject({ state: 'failed', reason: 'ImagePullBackOff', object: 'Pod/web-5f6c7d8e9b-x1', firstSignalAt: at(4) });
    expect(b).toEqual(a);
  });

  it('breaks ties by reason order, then object, then container', () => {
    const f = (reason: 'CrashLoopBackOff' | 'ImagePullBackOff' | 'Timeout', object: string, container?: string) => ({
      reason, object, message: '', firstSignalAt: at(1), ...(container ? { container } : {}),
    });
    expect(pickFailure([f('CrashLoopBackOff', 'Pod/a'), f('ImagePullBackOff', 'Pod/b')]).reason).toBe('ImagePullBackOff');
    expect(pickFailure([f('CrashLoopBackOff', 'Pod/b'), f('CrashLoopBackOff', 'Pod/a')]).object).toBe('Pod/a');
    expect(pickFailure([f('CrashLoopBackOff', 'Pod/a', 'z'), f('CrashLoopBackOff', 'Pod/a', 'b')]).container).toBe('b');
  });

  it('gives the same verdict for the JSON form of the snapshot (string timestamps) and does not mutate it', () => {
    const snap = webMidRollout([imagePull, crashing], {
      events: [event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x2' }, reason: 'BackOff', message: 'Back-off restarting failed container', first: at(5.5) })],
    });
    const before = JSON.stringify(snap);
    const v = evaluate(snap, at(6));
    expect(JSON.stringify(snap)).toBe(before);
    const fromJson = JSON.parse(before) as ClusterSnapshot;
    expect(evaluate(fromJson, at(6))).toEqual(v);
  });

  it('ignores events of an earlier pod with the same name when dating a signal', () => {
    const p = newWebPod('x1', { created: at(10), containers: [waiting('app', 'ErrImagePull', 'not found')], conditions: [{ type: 'ContainersReady', status: 'False', lastTransitionTime: at(11) }] });
    const stale = event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x1', uid: 'uid-previous' }, reason: 'Failed', message: 'Failed to pull image', first: at(-50) });
    const staleNoUid = event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x1' }, reason: 'Failed', message: 'Failed to pull image', first: at(-40) });
    const current = event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x1', uid: 'uid-web-5f6c7d8e9b-x1' }, reason: 'Failed', message: 'Failed to pull image', first: at(12) });
    expect(evaluate(webMidRollout(p, { events: [stale, staleNoUid] }), at(13))).toMatchObject({ reason: 'ErrImagePull', firstSignalAt: at(11) });
    expect(evaluate(webMidRollout(p, { events: [stale, current] }), at(13))).toMatchObject({ reason: 'ErrImagePull', firstSignalAt: at(12) });
  });
});

describe('evaluateRollout: progress view model', () => {
  it('lists new pods with reasons, recent warnings and the deadline', () => {
    const events = [
      ...Array.from({ length: 7 }, (_, i) =>
        event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x1' }, reason: 'BackOff', message: `warning ${i}`, first: at(i + 1) }),
      ),
      event({ involved: { kind: 'Pod', name: 'web-7d4b9c8f6a-a' }, reason: 'BackOff', message: 'old pod', first: at(20) }),
      event({ involved: { kind: 'Deployment', name: 'web' }, reason: 'ScalingReplicaSet', type: 'Normal', message: 'Scaled up', first: at(21) }),
      event({ involved: { kind: 'ReplicaSet', name: 'web-5f6c7d8e9b' }, reason: 'FailedCreate', message: 'quota exceeded', first: at(9), last: at(22) }),
      event({ involved: { kind: 'Deployment', name: 'web' }, reason: 'Old', message: 'before the upgrade', first: at(-10) }),
    ];
    const snap = webMidRollout(
      [
        newWebPod('x1', { containers: [running('app', at(3), { ready: false, restartCount: 1, lastTerminated: crash(at(2.5)) })] }),
        unschedulablePod({ name: 'web-5f6c7d8e9b-x0', owner: WEB_NEW_RS, labels: { app: 'web', 'pod-template-hash': '5f6c7d8e9b' }, since: at(1) }),
      ],
      { events },
    );
    const v = evaluate(snap, at(25), { maxRestarts: 5 });
    expect(v.state).toBe('progressing');
    expect(v.progress.deadline).toEqual(at(300));
    expect(v.progress.pods).toEqual([
      { name: 'web-5f6c7d8e9b-x0', owner: 'Deployment/web', phase: 'Pending', reason: 'Unschedulable', restarts: 0, ready: false },
      { name: 'web-5f6c7d8e9b-x1', owner: 'Deployment/web', phase: 'Running', reason: 'NotReady', restarts: 1, ready: false },
    ]);
    expect(v.progress.warnings.map((w) => `${w.object} ${w.reason} ${w.message}`)).toEqual([
      'Pod/web-5f6c7d8e9b-x1 BackOff warning 3',
      'Pod/web-5f6c7d8e9b-x1 BackOff warning 4',
      'Pod/web-5f6c7d8e9b-x1 BackOff warning 5',
      'Pod/web-5f6c7d8e9b-x1 BackOff warning 6',
      'ReplicaSet/web-5f6c7d8e9b FailedCreate quota exceeded',
    ]);
    // One refusal is not decisive (a retry may pass), but the live view says it at once.
    expect(v.progress.workloads).toEqual([
      { kind: 'Deployment', name: 'web', desired: 3, updated: 1, ready: 0, available: 0, done: false, present: true, note: 'cannot create pods: quota exceeded' },
    ]);
  });
});

// Namespace guard: objects of another namespace with the same name are not the release's.
describe('evaluateRollout: namespaces', () => {
  it('does not take a Deployment of another namespace for the release workload', () => {
    const other = webDeploymentHealthy();
    other.metadata = { ...other.metadata, namespace: 'staging' };
    const v = evaluate(snapshot({ deployments: [other] }), at(5));
    expect(v.progress.workloads[0]).toMatchObject({ present: false });
    expect(NS).toBe('prod');
  });
});

describe('evaluateRollout: new ReplicaSet identification', () => {
  const crashing = (): V1ContainerStatus[] => [
    waiting('app', 'CrashLoopBackOff', 'back-off 5m0s restarting failed container', { restartCount: 9, lastTerminated: crash(at(-100)) }),
  ];

  it('does not take the previous ReplicaSet for the new one before the new one exists', () => {
    // Deployment already patched and observed, but the controller has not created the new ReplicaSet yet.
    const snap = snapshot({
      deployments: [webDeployment({ updated: 0 })],
      replicaSets: [webOldRs(3)],
      pods: [oldWebPod('a', { containers: crashing() }), oldWebPod('b'), oldWebPod('c')],
    });
    const v = evaluate(snap, at(2));
    expect(v.state).toBe('progressing');
    expect(v.progress.pods).toEqual([]);
  });

  it('after a rollback to an old template, the old ReplicaSet with the bumped revision is the new one', () => {
    // Rolling back from revision 2 (hash 5f6c..., broken) to revision 1's template: the controller bumps the
    // old ReplicaSet's revision annotation to 3.
    const rollbackRef: WorkloadRef = { ...webRef, templateAnnotations: { 'checksum/config': 'v1' }, images: { app: 'registry.example.com/app:1' } };
    const dep = webDeploymentHealthy({ image: 'registry.example.com/app:1', generation: 3 });
    dep.spec!.template!.metadata!.annotations = { 'checksum/config': 'v1' };
    const bumped = replicaSet({ ...WEB_OLD_RS, revision: 3, templateRevision: 1, hash: '7d4b9c8f6a', replicas: 3 });
    const broken = webNewRs(0, 0);
    const snap = snapshot({
      deployments: [dep],
      replicaSets: [broken, bumped],
      pods: [oldWebPod('a'), oldWebPod('b'), oldWebPod('c'), newWebPod('x1', { containers: crashing(), deleting: at(5) })],
    });
    const v = evaluateRollout({ workloads: [rollbackRef], snapshot: snap, options: opts(), now: at(10), startedAt: T0 });
    expect(v.state).toBe('healthy');
    expect(v.progress.pods.map((p) => p.name)).toEqual(['web-7d4b9c8f6a-a', 'web-7d4b9c8f6a-b', 'web-7d4b9c8f6a-c']);
  });
});

describe('evaluateRollout: generation baseline (admission webhooks rewriting the template)', () => {
  const mirror = 'mirror.example.com/app:2';
  /** The web rollout as a registry-mirror webhook leaves it: every template carries the rewritten image. */
  const mutated = (newPodContainers: V1ContainerStatus[]): ClusterSnapshot => {
    const dep = webDeploymentHealthy({ image: mirror });
    const rs = webNewRs(3, 3);
    rs.spec!.template!.spec!.containers[0]!.image = mirror;
    return snapshot({
      deployments: [dep],
      replicaSets: [webOldRs(0), rs],
      pods: [newWebPod('x1', { containers: newPodContainers }), newWebPod('x2'), newWebPod('x3')],
    });
  };
  const crashLoop = [waiting('app', 'CrashLoopBackOff', 'back-off 10s', { restartCount: 1, lastTerminated: crash(at(5)) })];
  const judge = (snap: ClusterSnapshot, baseline?: Record<string, number>) =>
    evaluateRollout({ workloads: [webRef], snapshot: snap, options: opts(), now: at(30), startedAt: T0, ...(baseline ? { baseline } : {}) });

  it('without a baseline, a rewritten template never counts as applied', () => {
    expect(judge(mutated([running('app', at(3))]))).toMatchObject({ state: 'progressing', progress: { pods: [] } });
  });

  it.each([
    ['the generation moved since the start', { 'Deployment/prod/web': 1 }],
    ['the Deployment did not exist at the start', {}],
  ])('with a baseline, it is applied when %s', (_name, baseline) => {
    expect(judge(mutated([running('app', at(3))]), baseline).state).toBe('healthy');
    expect(judge(mutated(crashLoop), baseline)).toMatchObject({ state: 'failed', reason: 'CrashLoopBackOff', object: 'Pod/web-5f6c7d8e9b-x1' });
  });

  it('with a baseline, an unchanged generation and a foreign template is not applied yet', () => {
    expect(judge(mutated(crashLoop), { 'Deployment/prod/web': 2 }).state).toBe('progressing');
  });

  it('generationBaseline reads workload generations from a snapshot', () => {
    expect(generationBaseline(mutated([]))).toEqual({ 'Deployment/prod/web': 2 });
    expect(generationBaseline(snapshot({ statefulSets: [statefulSet({ current: 'a', update: 'a', ready: 2, generation: 7 })], daemonSets: [daemonSet({ desired: 1, updated: 1, ready: 1 })] }))).toEqual({
      'StatefulSet/prod/db': 7,
      'DaemonSet/prod/agent': 3,
    });
  });
});

describe('evaluateRollout: order independence', () => {
  /** Deterministic permutations: rotate by k and optionally reverse. */
  const permute = <T>(list: readonly T[], k: number): T[] => {
    const n = list.length || 1;
    const rotated = [...list.slice(k % n), ...list.slice(0, k % n)];
    return k % 2 ? rotated.reverse() : rotated;
  };

  it('gives the same verdict for any order of the snapshot lists', () => {
    const base = webMidRollout(
      [
        newWebPod('x1', { containers: [waiting('app', 'CrashLoopBackOff', 'back-off', { restartCount: 1, lastTerminated: crash(at(5)) })] }),
        newWebPod('x2', { containers: [waiting('app', 'ImagePullBackOff', 'Back-off pulling image')], conditions: [{ type: 'ContainersReady', status: 'False', lastTransitionTime: at(5) }] }),
        unschedulablePod({ name: 'web-5f6c7d8e9b-x3', owner: WEB_NEW_RS, labels: { app: 'web', 'pod-template-hash': '5f6c7d8e9b' }, since: at(5) }),
      ],
      {
        events: [
          event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x1' }, reason: 'BackOff', message: 'a', first: at(6) }),
          event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x2' }, reason: 'Failed', message: 'b', first: at(5) }),
          event({ involved: { kind: 'ReplicaSet', name: 'web-5f6c7d8e9b' }, reason: 'FailedCreate', message: 'c', first: at(6) }),
        ],
      },
    );
    const expected = evaluate(base, at(40));
    // Three failures share the 5 s signal; the reason order picks ImagePullBackOff.
    expect(expected).toMatchObject({ state: 'failed', reason: 'ImagePullBackOff', object: 'Pod/web-5f6c7d8e9b-x2', firstSignalAt: at(5) });
    for (let k = 1; k < 8; k++) {
      const shuffled: ClusterSnapshot = {
        deployments: permute(base.deployments, k),
        replicaSets: permute(base.replicaSets, k),
        statefulSets: [],
        daemonSets: [],
        jobs: [],
        pods: permute(base.pods, k),
        events: permute(base.events, k),
      };
      expect(evaluate(shuffled, at(40))).toEqual(expected);
    }
  });
});

describe('evaluateRollout: the nearest pending deadline (progress.next)', () => {
  it('names the grace, the pod and the container of the deadline that ends first, before the timeout', () => {
    const unready = newPodWith([running('app', at(3), { ready: false })]);
    const v = evaluate(webMidRollout(unready), at(10), { unreadyGraceMs: 120_000, timeoutMs: 300_000 });
    expect(v.state).toBe('progressing');
    expect(v.progress.next).toMatchObject({ what: 'unready grace', object: podX, container: 'app' });
    // Counted from the end of the recorded second of startedAt (03.0 stands for anything up to 04.0).
    expect(v.progress.next?.at).toEqual(at(124));
  });

  it('is absent when the timeout comes first', () => {
    const unready = newPodWith([running('app', at(3), { ready: false })]);
    expect(evaluate(webMidRollout(unready), at(10), { unreadyGraceMs: 120_000, timeoutMs: 60_000 }).progress.next).toBeUndefined();
  });
});
