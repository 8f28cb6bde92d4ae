import { evaluateRollout } from '../../../src/domain/health/evaluate.js';
import { DEFAULT_HEALTH_OPTIONS, type ClusterSnapshot, type HealthOptions, type Verdict } from '../../../src/domain/health/types.js';
import type { WorkloadRef } from '../../../src/domain/manifest/workload-ref.js';
import {
  NS, T0, agentPod, agentRef, at, daemonSet, dbPod, dbRef, job, jobCompleteConditions, jobFailedConditions, jobPod,
  jobRef, pod, running, snapshot, statefulSet, waiting,
} from '../fixtures.js';

function evaluate(workloads: WorkloadRef[], snap: ClusterSnapshot, now: Date, o: Partial<HealthOptions> = {}): Verdict {
  return evaluateRollout({ workloads, snapshot: snap, options: { ...DEFAULT_HEALTH_OPTIONS, ...o }, now, startedAt: T0 });
}

const crashLoop = (name: string) =>
  waiting(name, 'CrashLoopBackOff', 'back-off 20s restarting failed container', {
    restartCount: 2,
    lastTerminated: { exitCode: 1, reason: 'Error', startedAt: at(4), finishedAt: at(5) },
  });

describe('StatefulSet', () => {
  it.each([
    ['rolling: db-1 updated, db-0 still old', statefulSet({ current: 'db-6f7c', update: 'db-8d9e', ready: 2, updated: 1 }), 'progressing'],
    ['rolled out: revisions equal and all ready', statefulSet({ current: 'db-8d9e', update: 'db-8d9e', ready: 2 }), 'healthy'],
    ['revisions equal but one not ready', statefulSet({ current: 'db-8d9e', update: 'db-8d9e', ready: 1 }), 'progressing'],
    ['generation not observed yet', statefulSet({ current: 'db-8d9e', update: 'db-8d9e', ready: 2, generation: 3, observedGeneration: 2 }), 'progressing'],
    ['partition 1: one updated pod is enough', statefulSet({ current: 'db-6f7c', update: 'db-8d9e', ready: 2, updated: 1, partition: 1 }), 'healthy'],
    ['OnDelete: ready is enough', statefulSet({ current: 'db-6f7c', update: 'db-8d9e', ready: 2, updated: 0, onDelete: true }), 'healthy'],
  ] as const)('%s -> %s', (_name, sts, state) => {
    const snap = snapshot({ statefulSets: [sts], pods: [dbPod(0, sts.status?.currentRevision ?? ''), dbPod(1, sts.status?.updateRevision ?? '')] });
    expect(evaluate([dbRef], snap, at(20)).state).toBe(state);
  });

  it('ignores a crash-looping pod of the current (old) revision but fails on one of the update revision', () => {
    const sts = statefulSet({ current: 'db-6f7c', update: 'db-8d9e', ready: 1, updated: 1 });
    const oldCrashing = snapshot({ statefulSets: [sts], pods: [dbPod(0, 'db-6f7c', { containers: [crashLoop('db')] }), dbPod(1, 'db-8d9e')] });
    expect(evaluate([dbRef], oldCrashing, at(10)).state).toBe('progressing');
    const newCrashing = snapshot({ statefulSets: [sts], pods: [dbPod(0, 'db-6f7c'), dbPod(1, 'db-8d9e', { containers: [crashLoop('db')] })] });
    expect(evaluate([dbRef], newCrashing, at(10))).toMatchObject({ state: 'failed', reason: 'CrashLoopBackOff', object: 'Pod/db-1', container: 'db', firstSignalAt: at(5) });
  });

  it('reports progress from the StatefulSet status', () => {
    const sts = statefulSet({ current: 'db-6f7c', update: 'db-8d9e', ready: 1, updated: 1 });
    const v = evaluate([dbRef], snapshot({ statefulSets: [sts], pods: [dbPod(1, 'db-8d9e')] }), at(10));
    expect(v.progress.workloads).toEqual([{ kind: 'StatefulSet', name: 'db', desired: 2, updated: 1, ready: 1, available: 1, done: false, present: true }]);
    expect(v.progress.pods.map((p) => p.name)).toEqual(['db-1']);
  });
});

describe('DaemonSet', () => {
  it.each([
    ['rolling', daemonSet({ desired: 3, updated: 1, ready: 3 }), 'progressing'],
    ['rolled out', daemonSet({ desired: 3, updated: 3, ready: 3 }), 'healthy'],
    ['updated but not ready', daemonSet({ desired: 3, updated: 3, ready: 2 }), 'progressing'],
    ['generation not observed', daemonSet({ desired: 3, updated: 3, ready: 3, generation: 4, observedGeneration: 3 }), 'progressing'],
    ['no eligible nodes', daemonSet({ desired: 0, updated: 0, ready: 0 }), 'healthy'],
    // kubectl rollout status and kstatus wait for numberAvailable == desiredNumberScheduled.
    ['minReadySeconds 60: 2/2 ready, 0/2 available', daemonSet({ desired: 2, updated: 2, ready: 2, available: 0, minReadySeconds: 60 }), 'progressing'],
    ['minReadySeconds 60: 2/2 ready, 1/2 available', daemonSet({ desired: 2, updated: 2, ready: 2, available: 1, minReadySeconds: 60 }), 'progressing'],
    ['minReadySeconds 60: 2/2 available', daemonSet({ desired: 2, updated: 2, ready: 2, available: 2, minReadySeconds: 60 }), 'healthy'],
  ] as const)('%s -> %s', (_name, ds, state) => {
    expect(evaluate([agentRef], snapshot({ daemonSets: [ds] }), at(20)).state).toBe(state);
  });

  it('judges only pods of the current pod-template-generation', () => {
    const ds = daemonSet({ desired: 2, updated: 1, ready: 1 });
    const pull = waiting('agent', 'ErrImagePull', 'manifest unknown');
    const oldBad = snapshot({ daemonSets: [ds], pods: [agentPod('n1', 2, { containers: [pull] }), agentPod('n2', 3)] });
    expect(evaluate([agentRef], oldBad, at(10)).state).toBe('progressing');
    const newBad = snapshot({ daemonSets: [ds], pods: [agentPod('n1', 2), agentPod('n2', 3, { containers: [pull] })] });
    expect(evaluate([agentRef], newBad, at(10))).toMatchObject({ state: 'failed', reason: 'ErrImagePull', object: 'Pod/agent-n2' });
  });
});

describe('Jobs and hooks', () => {
  const migrate = jobRef('migrate', ['pre-upgrade']);
  const seed = jobRef('seed');

  it.each([
    ['release Job running, --wait-for-jobs off', [seed], { jobs: [job('seed', { active: 1 })] }, false, 'healthy'],
    ['release Job running, --wait-for-jobs on', [seed], { jobs: [job('seed', { active: 1 })] }, true, 'progressing'],
    ['release Job not created yet, --wait-for-jobs on', [seed], {}, true, 'progressing'],
    ['release Job complete, --wait-for-jobs on', [seed], { jobs: [job('seed', { succeeded: 1, conditions: jobCompleteConditions(at(8)) })] }, true, 'healthy'],
    ['release Job failed, --wait-for-jobs off', [seed], { jobs: [job('seed', { failed: 7, conditions: jobFailedConditions(at(8)) })] }, false, 'healthy'],
    ['hook Job running', [migrate], { jobs: [job('migrate', { active: 1 })] }, false, 'progressing'],
    ['hook Job complete', [migrate], { jobs: [job('migrate', { succeeded: 1, conditions: jobCompleteConditions(at(8)) })] }, false, 'healthy'],
    ['hook Job deleted after success (or not created yet)', [migrate], {}, false, 'healthy'],
    ['failed hook Job left from an earlier upgrade', [migrate], { jobs: [job('migrate', { created: at(-600), conditions: jobFailedConditions(at(-500)) })] }, false, 'healthy'],
  ] as const)('%s -> %s', (_name, workloads, parts, waitForJobs, state) => {
    expect(evaluate([...workloads], snapshot(parts), at(10), { waitForJobs }).state).toBe(state);
  });

  it('fails with HookFailed for a failed hook Job', () => {
    const v = evaluate([migrate], snapshot({ jobs: [job('migrate', { failed: 7, conditions: jobFailedConditions(at(9)) })] }), at(9.5));
    expect(v).toMatchObject({
      state: 'failed',
      reason: 'HookFailed',
      object: 'Job/migrate',
      firstSignalAt: at(9),
      message: 'pre-upgrade hook Job migrate failed: BackoffLimitExceeded: Job has reached the specified backoff limit',
    });
  });

  it('a hook Job stamped in the same second the upgrade started is this run\'s (timestamps have 1 s precision)', () => {
    const snap = snapshot({ jobs: [job('migrate', { created: at(0), failed: 1, conditions: jobFailedConditions(at(3)) })] });
    const startedAt = new Date(T0.getTime() + 700);
    const v = evaluateRollout({ workloads: [migrate], snapshot: snap, options: DEFAULT_HEALTH_OPTIONS, now: at(4), startedAt });
    expect(v).toMatchObject({ state: 'failed', reason: 'HookFailed' });
    const nextSecond = new Date(T0.getTime() + 1000);
    expect(evaluateRollout({ workloads: [migrate], snapshot: snap, options: DEFAULT_HEALTH_OPTIONS, now: at(4), startedAt: nextSecond }).state).toBe('healthy');
  });

  it('fails with JobFailed for a failed release Job when waiting for jobs', () => {
    const v = evaluate([seed], snapshot({ jobs: [job('seed', { failed: 7, conditions: jobFailedConditions(at(9)) })] }), at(10), { waitForJobs: true });
    expect(v).toMatchObject({ state: 'failed', reason: 'JobFailed', object: 'Job/seed', firstSignalAt: at(9) });
  });

  it('fails a hook Job whose pod can never start, but leaves crashing Job pods to the Job controller', () => {
    const running1 = job('migrate', { active: 1 });
    const pullFails = snapshot({ jobs: [running1], pods: [jobPod('migrate', 'q2x7z', { containers: [waiting('migrate', 'ImagePullBackOff', 'Back-off pulling image "migrate:1"')] })] });
    expect(evaluate([migrate], pullFails, at(5))).toMatchObject({ state: 'failed', reason: 'ImagePullBackOff', object: 'Pod/migrate-q2x7z' });
    const crashes = snapshot({ jobs: [running1], pods: [jobPod('migrate', 'q2x7z', { containers: [crashLoop('migrate')] })] });
    expect(evaluate([migrate], crashes, at(10)).state).toBe('progressing');
  });

  it('ignores pods of release Jobs nobody waits for', () => {
    const snap = snapshot({ jobs: [job('seed', { active: 1 })], pods: [jobPod('seed', 'a1', { containers: [waiting('seed', 'ImagePullBackOff', 'x')] })] });
    expect(evaluate([seed], snap, at(5)).state).toBe('healthy');
  });
});

describe('bare Pods', () => {
  const debugRef: WorkloadRef = { apiVersion: 'v1', kind: 'Pod', namespace: NS, name: 'debug', templateLabels: { app: 'debug' }, images: { app: 'registry.example.com/app:2' } };
  const testHook: WorkloadRef = { apiVersion: 'v1', kind: 'Pod', namespace: NS, name: 'smoke', hook: { events: ['post-upgrade'], deletePolicies: [] } };

  it.each([
    ['ready', pod({ name: 'debug', labels: { app: 'debug' } }), 'healthy'],
    ['not ready yet', pod({ name: 'debug', labels: { app: 'debug' }, containers: [running('app', at(3), { ready: false })] }), 'progressing'],
    ['crash-looping', pod({ name: 'debug', labels: { app: 'debug' }, containers: [crashLoop('app')] }), 'failed'],
    ['old labels (not applied yet)', pod({ name: 'debug', labels: { app: 'old' } }), 'progressing'],
  ] as const)('release Pod %s -> %s', (_name, p, state) => {
    expect(evaluate([debugRef], snapshot({ pods: [p] }), at(10)).state).toBe(state);
  });

  it('fails with HookFailed when a hook Pod ends Failed', () => {
    const p = pod({
      name: 'smoke',
      created: at(30),
      phase: 'Failed',
      ready: false,
      containers: [{ name: 'app', image: 'smoke:1', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 2, reason: 'Error', startedAt: at(31), finishedAt: at(33) } } }],
    });
    expect(evaluate([testHook], snapshot({ pods: [p] }), at(34))).toMatchObject({
      state: 'failed',
      reason: 'HookFailed',
      object: 'Pod/smoke',
      firstSignalAt: at(33),
      message: 'post-upgrade hook Pod smoke failed: exit code 2 (Error)',
    });
  });

  it('a hook Pod that succeeded or is absent does not block', () => {
    const done = pod({ name: 'smoke', created: at(30), phase: 'Succeeded', ready: false, containers: [] });
    expect(evaluate([testHook], snapshot({ pods: [done] }), at(34)).state).toBe('healthy');
    expect(evaluate([testHook], snapshot({}), at(34)).state).toBe('healthy');
  });
});

describe('several workloads', () => {
  it('is healthy only when all are, and the timeout names the first one still pending', () => {
    const sts = statefulSet({ current: 'db-8d9e', update: 'db-8d9e', ready: 2 });
    const ds = daemonSet({ desired: 2, updated: 1, ready: 2 });
    const snap = snapshot({ statefulSets: [sts], daemonSets: [ds] });
    expect(evaluate([dbRef, agentRef], snap, at(10))).toMatchObject({ state: 'progressing', recheckAt: at(300) });
    expect(evaluate([dbRef, agentRef], snap, at(300))).toMatchObject({
      state: 'failed',
      reason: 'Timeout',
      object: 'DaemonSet/agent',
      message: 'timed out after 5m0s waiting for DaemonSet/agent: 1/2 updated, 2/2 ready, 2/2 available',
    });
    const allDone = snapshot({ statefulSets: [sts], daemonSets: [daemonSet({ desired: 2, updated: 2, ready: 2 })] });
    expect(evaluate([dbRef, agentRef], allDone, at(10)).state).toBe('healthy');
  });
});
