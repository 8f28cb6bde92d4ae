/**
 * Table tests for the rules added for issue 10 (FailedCreate, Jobs by count and condition, paused Deployments,
 * failed release Pods, init containers, liveness/startup probes, evictions, claims, custom resources), with the
 * peers' cases for each kind transcribed as facts (inputs and what the peer answers), not as their code:
 * - kstatus (sigs.k8s.io/cli-utils pkg/kstatus/status): Current / InProgress / Failed per kind;
 * - helm 3's ready checker (pkg/kube/ready.go) and helm 4's status readers (kstatus-based, `--wait=watcher`);
 * - `kubectl rollout status` (DaemonSet / Deployment / StatefulSet status viewers).
 */
import type { CoreV1Event, V1Pod, V1PodSpec } from '@kubernetes/client-node';
import { evaluateRollout } from '../../../src/domain/health/evaluate.js';
import { assessResource, type ResourceObject } from '../../../src/domain/health/resource-rules.js';
import { DEFAULT_HEALTH_OPTIONS, type ClusterSnapshot, type HealthOptions, type Verdict } from '../../../src/domain/health/types.js';
import type { WorkloadRef } from '../../../src/domain/manifest/workload-ref.js';
import { workloadsFromManifest } from '../../../src/domain/manifest/workloads.js';
import {
  NS, T0, agentRef, at, daemonSet, dbRef, event, job, jobPod, jobRef, newWebPod, oldWebPod, pod, running, snapshot,
  statefulSet, terminated, waiting, webDeployment, webNewRs, webOldRs, webRef,
} from '../fixtures.js';

function evaluate(workloads: WorkloadRef[], snap: ClusterSnapshot, now: Date, o: Partial<HealthOptions> = {}): Verdict {
  return evaluateRollout({ workloads, snapshot: snap, options: { ...DEFAULT_HEALTH_OPTIONS, ...o }, now, startedAt: T0 });
}

const QUOTA =
  'Error creating: pods "web-5f6c7d8e9b-k2x9p" is forbidden: exceeded quota: compute, requested: cpu=500m, used: cpu=2, limited: cpu=2';
const CONFLICT =
  'Error creating: Operation cannot be fulfilled on resourcequotas "compute": the object has been modified; please apply your changes to the latest version and try again';
const failedCreate = (kind: string, name: string, message: string, first: Date, count = 1, last?: Date): CoreV1Event => ({
  ...event({ involved: { kind, name }, reason: 'FailedCreate', message, first, ...(last ? { last } : {}) }),
  count,
  source: { component: `${kind.toLowerCase()}-controller` },
});

/** Mid-rollout web Deployment whose new ReplicaSet has no pods, with the given RS conditions and events. */
function webRefused(o: { rsConditions?: readonly object[]; deploymentConditions?: readonly object[]; events?: readonly CoreV1Event[]; paused?: boolean }): ClusterSnapshot {
  const d = webDeployment();
  if (o.paused) d.spec = { ...d.spec!, paused: true };
  if (o.deploymentConditions) d.status = { ...d.status, conditions: [...(d.status?.conditions ?? []), ...(o.deploymentConditions as never[])] };
  const rs = webNewRs(1, 0);
  rs.status = { ...rs.status!, replicas: 0, readyReplicas: 0, availableReplicas: 0, ...(o.rsConditions ? { conditions: o.rsConditions as never[] } : {}) };
  return snapshot({
    deployments: [d],
    replicaSets: [webOldRs(3), rs],
    pods: [oldWebPod('a'), oldWebPod('b'), oldWebPod('c')],
    events: [...(o.events ?? [])],
  });
}
const replicaFailure = (message: string, when: Date) => ({
  type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message, lastTransitionTime: when,
});

describe('FailedCreate: pods the API server refuses (quota, LimitRange, admission, ServiceAccount)', () => {
  it.each([
    ['ReplicaFailure on the new ReplicaSet, just set', { rsConditions: [replicaFailure(QUOTA, at(2))] }, at(3), 'progressing'],
    ['ReplicaFailure standing 3 s past its recorded second', { rsConditions: [replicaFailure(QUOTA, at(2))] }, at(6), 'failed'],
    ['ReplicaFailure copied onto the Deployment', { deploymentConditions: [replicaFailure(QUOTA, at(2))] }, at(6), 'failed'],
    ['ReplicaFailure left from before this upgrade', { rsConditions: [replicaFailure(QUOTA, at(-30))] }, at(6), 'progressing'],
    ['one refusal event (a retry may pass)', { events: [failedCreate('ReplicaSet', 'web-5f6c7d8e9b', QUOTA, at(2))] }, at(3), 'progressing'],
    ['the refusal repeated (count 2)', { events: [failedCreate('ReplicaSet', 'web-5f6c7d8e9b', QUOTA, at(2), 2, at(2))] }, at(2.1), 'failed'],
    ['a quota conflict, retried many times', { events: [failedCreate('ReplicaSet', 'web-5f6c7d8e9b', CONFLICT, at(2), 5, at(4))] }, at(5), 'progressing'],
    ['a conflict as the ReplicaFailure message', { rsConditions: [replicaFailure(CONFLICT, at(2))] }, at(30), 'progressing'],
    ['refusals of another ReplicaSet', { events: [failedCreate('ReplicaSet', 'web-7d4b9c8f6a', QUOTA, at(2), 3)] }, at(5), 'progressing'],
  ] as const)('%s', (_name, parts, now, state) => {
    expect(evaluate([webRef], webRefused(parts), now).state).toBe(state);
  });

  it('names the Deployment, dates the first refusal, carries the API server wording, and rechecks when the condition turns decisive', () => {
    const snap = webRefused({ rsConditions: [replicaFailure(QUOTA, at(2))], events: [failedCreate('ReplicaSet', 'web-5f6c7d8e9b', QUOTA, at(2))] });
    const early = evaluate([webRef], snap, at(3));
    expect(early).toMatchObject({ state: 'progressing', recheckAt: at(6) });
    expect(early.progress.workloads[0]?.note).toBe(`cannot create pods: ${QUOTA}`);
    expect(evaluate([webRef], snap, at(6))).toMatchObject({
      state: 'failed',
      reason: 'FailedCreate',
      object: 'Deployment/web',
      firstSignalAt: at(2),
      message: expect.stringContaining('is forbidden: exceeded quota: compute'),
    });
  });

  it.each([
    [
      'StatefulSet, missing ServiceAccount',
      dbRef,
      { statefulSets: [statefulSet({ current: 'db-6f7c', update: 'db-8d9e', ready: 1, updated: 0 })] },
      failedCreate('StatefulSet', 'db', 'create Pod db-1 in StatefulSet db failed error: pods "db-1" is forbidden: error looking up service account prod/db: serviceaccount "db" not found', at(2), 2),
      'StatefulSet/db',
    ],
    [
      'DaemonSet, admission webhook denial',
      agentRef,
      { daemonSets: [daemonSet({ desired: 2, updated: 0, ready: 2 })] },
      failedCreate('DaemonSet', 'agent', 'Error creating: admission webhook "validate.kyverno.svc" denied the request: image tag "latest" is not allowed', at(2), 2),
      'DaemonSet/agent',
    ],
    [
      'hook Job, LimitRange',
      jobRef('migrate', ['pre-upgrade']),
      { jobs: [job('migrate', {})] },
      failedCreate('Job', 'migrate', 'Error creating: pods "migrate-8kq2d" is forbidden: maximum cpu usage per Container is 1, but limit is 2', at(2), 2),
      'Job/migrate',
    ],
  ] as const)('%s', (_name, ref, parts, refusal, object) => {
    expect(evaluate([ref], snapshot({ ...parts, events: [refusal] }), at(3))).toMatchObject({
      state: 'failed',
      reason: 'FailedCreate',
      object,
      firstSignalAt: at(2),
      message: expect.stringContaining(refusal.message ?? ''),
    });
  });
});

describe('Jobs by count and by condition (waited for: hook or --wait-for-jobs)', () => {
  const seed = jobRef('seed');
  const cond = (type: string, reason: string) => [{ type, status: 'True', reason, message: `${type} ${reason}`, lastProbeTime: at(7), lastTransitionTime: at(7) }];
  // helm 3 ready checker: a Job is failed when failed > backoffLimit, not ready while succeeded < completions.
  // kstatus: Complete=True -> Current, Failed=True -> Failed, else InProgress.
  it.each([
    ['failed == backoffLimit (6): one retry left', job('seed', { failed: 6, active: 1 }), 'progressing', undefined],
    ['failed > backoffLimit before any condition (helm 3)', job('seed', { failed: 7 }), 'failed', 'JobFailed'],
    ['FailureTarget before Failed (Kubernetes >= 1.31)', job('seed', { failed: 7, conditions: cond('FailureTarget', 'BackoffLimitExceeded') as never }), 'failed', 'JobFailed'],
    ['DeadlineExceeded as FailureTarget', job('seed', { active: 1, conditions: cond('FailureTarget', 'DeadlineExceeded') as never }), 'failed', 'JobFailed'],
    ['SuccessCriteriaMet before Complete', job('seed', { succeeded: 1, conditions: cond('SuccessCriteriaMet', 'CompletionsReached') as never }), 'healthy', undefined],
    ['succeeded >= completions before any condition (helm 3)', job('seed', { succeeded: 1 }), 'healthy', undefined],
    ['running, 0/1 succeeded (kstatus InProgress)', job('seed', { active: 1 }), 'progressing', undefined],
  ] as const)('%s', (_name, live, state, reason) => {
    const v = evaluate([seed], snapshot({ jobs: [live] }), at(10), { waitForJobs: true });
    expect(v.state).toBe(state);
    if (reason) expect(v).toMatchObject({ reason, object: 'Job/seed' });
  });

  it('a Job with a per-index backoff limit is judged by its conditions, not the Job-wide count', () => {
    const live = job('seed', { failed: 9, active: 2 });
    live.spec = { ...live.spec!, backoffLimitPerIndex: 2, completionMode: 'Indexed', completions: 5 };
    expect(evaluate([seed], snapshot({ jobs: [live] }), at(10), { waitForJobs: true }).state).toBe('progressing');
  });

  it('a failed hook Job by count is HookFailed, dated by its last pod failure', () => {
    const migrate = jobRef('migrate', ['pre-upgrade']);
    const failedPod = jobPod('migrate', 'z1', { phase: 'Failed', containers: [terminated('migrate', { exitCode: 1, reason: 'Error', startedAt: at(4), finishedAt: at(6) })] });
    const v = evaluate([migrate], snapshot({ jobs: [job('migrate', { failed: 7 })], pods: [failedPod] }), at(7));
    expect(v).toMatchObject({ state: 'failed', reason: 'HookFailed', firstSignalAt: at(6), message: 'pre-upgrade hook Job migrate failed: 7 pods failed, more than its backoffLimit of 6' });
  });

  it('a suspended Job says so at once, and fails with JobSuspended when not resumed within the grace', () => {
    const live = job('seed', { conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended', lastTransitionTime: at(1) }] });
    live.spec = { ...live.spec!, suspend: true };
    const snap = snapshot({ jobs: [live] });
    const early = evaluate([seed], snap, at(5), { waitForJobs: true });
    expect(early).toMatchObject({ state: 'progressing', recheckAt: at(32) });
    expect(early.progress.workloads[0]?.note).toBe('suspended');
    expect(evaluate([seed], snap, at(32), { waitForJobs: true })).toMatchObject({ state: 'failed', reason: 'JobSuspended', object: 'Job/seed', firstSignalAt: at(1) });
    // Not waited for: nothing to say.
    expect(evaluate([seed], snap, at(32)).state).toBe('healthy');
  });
});

describe('a paused Deployment', () => {
  // helm 3's ready checker passes a paused Deployment as ready; kstatus and kubectl wait on its counts.
  it('fails at once with DeploymentPaused (its new template will not roll out), and the live view says paused', () => {
    const v = evaluate([webRef], webRefused({ paused: true, deploymentConditions: [] }), at(2));
    expect(v).toMatchObject({ state: 'failed', reason: 'DeploymentPaused', object: 'Deployment/web', message: expect.stringContaining('kubectl rollout resume deployment/web -n prod') });
    expect(v.progress.workloads[0]?.note).toBe('paused');
  });
});

describe('pods: release Pod failed, init containers, probes, evictions', () => {
  const debugRef: WorkloadRef = { apiVersion: 'v1', kind: 'Pod', namespace: NS, name: 'debug', templateLabels: {}, images: { app: 'registry.example.com/app:2' } };
  it('a release Pod that ended in phase Failed is PodFailed (helm 3: not ready; kstatus: Failed)', () => {
    const ended = pod({ name: 'debug', phase: 'Failed', containers: [terminated('app', { exitCode: 2, reason: 'Error', startedAt: at(2), finishedAt: at(4) })] });
    expect(evaluate([debugRef], snapshot({ pods: [ended] }), at(5))).toMatchObject({ state: 'failed', reason: 'PodFailed', object: 'Pod/debug', firstSignalAt: at(4), message: 'Pod debug ended in phase Failed: exit code 2 (Error)' });
  });

  const initPending = [waiting('app', 'PodInitializing', undefined)];
  const initError = (restartCount: number) =>
    ({ ...terminated('migrate', { exitCode: 3, reason: 'Error', startedAt: at(2), finishedAt: at(3) }, restartCount) });
  const withSpec = (p: V1Pod, spec: Partial<V1PodSpec>): V1Pod => ({ ...p, spec: { ...p.spec!, ...spec } });
  const webPods = (p: V1Pod) => snapshot({ deployments: [webDeployment()], replicaSets: [webOldRs(3), webNewRs(1, 0)], pods: [oldWebPod('a'), p] });

  it.each([
    ['Init:Error the first time, restartPolicy Always (the kubelet retries)', newWebPod('x1', { containers: initPending, initContainers: [initError(0)] }), undefined],
    ['Init:Error again after a restart', newWebPod('x1', { containers: initPending, initContainers: [initError(1)] }), 'InitContainerFailed'],
    ['Init:CrashLoopBackOff', newWebPod('x1', { containers: initPending, initContainers: [waiting('migrate', 'CrashLoopBackOff', 'back-off 10s restarting failed container=migrate', { restartCount: 1, lastTerminated: { exitCode: 3, reason: 'Error', finishedAt: at(3) } })] }), 'InitCrashLoopBackOff'],
    ['init container ran and exited 0', newWebPod('x1', { initContainers: [terminated('migrate', { exitCode: 0, reason: 'Completed', startedAt: at(2), finishedAt: at(3) })] }), undefined],
  ] as const)('%s', (_name, p, reason) => {
    const v = evaluate([webRef], webPods(p), at(20));
    expect(v.state === 'failed' ? v.reason : undefined).toBe(reason);
    if (reason) expect(v).toMatchObject({ object: 'Pod/web-5f6c7d8e9b-x1', container: 'migrate', firstSignalAt: at(3) });
  });

  it('Init:Error once is decisive when the pod never restarts (restartPolicy Never)', () => {
    const p = withSpec(pod({ name: 'debug', phase: 'Failed', containers: initPending, initContainers: [initError(0)] }), { restartPolicy: 'Never' });
    const v = evaluate([debugRef], snapshot({ pods: [p] }), at(5));
    expect(v).toMatchObject({ state: 'failed', reason: 'InitContainerFailed', container: 'migrate', firstSignalAt: at(3) });
  });

  const probed = (kind: 'liveness' | 'startup', failureThreshold = 3) =>
    withSpec(newWebPod('x1', { containers: [running('app', at(2), { ready: false })] }), {
      containers: [{ name: 'app', image: 'registry.example.com/app:2', [`${kind}Probe`]: { httpGet: { path: '/healthz', port: 8080 }, failureThreshold, periodSeconds: 1 } }],
    });
  const unhealthy = (kind: string, count: number, first: Date, message = 'HTTP probe failed with statuscode: 500') =>
    ({ ...event({ involved: { kind: 'Pod', name: 'web-5f6c7d8e9b-x1', uid: 'uid-web-5f6c7d8e9b-x1', fieldPath: 'spec.containers{app}' }, reason: 'Unhealthy', message: `${kind} probe failed: ${message}`, first, last: at(first.getTime() / 1000 - T0.getTime() / 1000 + count) }), count });

  it.each([
    ['liveness failed 5 times, threshold 3 x max-restarts 2', probed('liveness'), [unhealthy('Liveness', 5, at(3))], 'progressing', undefined],
    ['liveness failed 6 times: the kubelet restarts it a second time', probed('liveness'), [unhealthy('Liveness', 6, at(3))], 'failed', 'LivenessProbeFailed'],
    ['startup failed 6 times', probed('startup'), [unhealthy('Startup', 6, at(3))], 'failed', 'StartupProbeFailed'],
    ['readiness failures are the Unready grace\'s business', probed('liveness'), [unhealthy('Readiness', 50, at(3))], 'progressing', undefined],
    ['no liveness probe in the spec: events of another pod generation do not count', newWebPod('x1', { containers: [running('app', at(2), { ready: false })] }), [unhealthy('Liveness', 9, at(3))], 'progressing', undefined],
  ] as const)('%s', (_name, p, events, state, reason) => {
    const v = evaluate([webRef], { ...webPods(p), events: [...events] }, at(12));
    expect(v.state).toBe(state);
    if (reason) expect(v).toMatchObject({ reason, container: 'app', firstSignalAt: at(3), message: expect.stringContaining('statuscode: 500') });
  });

  const evicted = (name: string) =>
    newWebPod(name, { phase: 'Failed', containers: [terminated('app', { exitCode: 137, reason: 'Error', startedAt: at(3), finishedAt: at(6) })] });
  const withReason = (p: V1Pod, message: string): V1Pod => ({ ...p, status: { ...p.status, reason: 'Evicted', message } });
  const OTHERS = 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi.';
  const OWN = 'Pod ephemeral local storage usage exceeds the total limit of containers 1Gi.';
  it.each([
    ['one pod evicted for node pressure: replaced and judged', [withReason(evicted('x0'), OTHERS)], 'progressing', undefined],
    ['one pod evicted for its own use', [withReason(evicted('x0'), OWN)], 'failed', 'Evicted'],
    ['max-restarts (2) new pods evicted', [withReason(evicted('x0'), OTHERS), withReason(evicted('x2'), OTHERS)], 'failed', 'Evicted'],
  ] as const)('%s', (_name, gone, state, reason) => {
    const snap = snapshot({ deployments: [webDeployment()], replicaSets: [webOldRs(3), webNewRs(1, 0)], pods: [oldWebPod('a'), ...gone, newWebPod('x1', { containers: [running('app', at(8), { ready: false })] })] });
    const v = evaluate([webRef], snap, at(10));
    expect(v.state).toBe(state);
    if (reason) expect(v).toMatchObject({ reason });
  });
});

describe('PersistentVolumeClaims of the release (helm 3 --wait: Bound; kstatus: Bound -> Current)', () => {
  const claimRef: WorkloadRef = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: NS, name: 'data' };
  const claim = (phase: string, storageClassName?: string): ResourceObject => ({
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: NS, uid: 'uid-pvc-data', creationTimestamp: at(1) },
    spec: { ...(storageClassName ? { storageClassName } : {}), resources: { requests: { storage: '1Gi' } } },
    status: { phase },
  });
  const pvcEvent = (reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal') =>
    event({ involved: { kind: 'PersistentVolumeClaim', name: 'data', uid: 'uid-pvc-data' }, reason, message, type, first: at(1) });
  it.each([
    ['Bound', claim('Bound'), [], at(5), 'healthy', undefined],
    ['Pending, nothing said yet', claim('Pending'), [], at(60), 'progressing', undefined],
    ['Pending for a first consumer (WaitForFirstConsumer): its pod is judged', claim('Pending', 'local'), [pvcEvent('WaitForFirstConsumer', 'waiting for first consumer to be created before binding')], at(60), 'healthy', undefined],
    ['no class and no volume, within the grace', claim('Pending'), [pvcEvent('FailedBinding', 'no persistent volumes available for this claim and no storage class is set')], at(20), 'progressing', undefined],
    ['no class and no volume, past the grace', claim('Pending'), [pvcEvent('FailedBinding', 'no persistent volumes available for this claim and no storage class is set')], at(32), 'failed', 'PVCPending'],
    ['a class that does not exist', claim('Pending', 'fast'), [pvcEvent('ProvisioningFailed', 'storageclass.storage.k8s.io "fast" not found', 'Warning')], at(32), 'failed', 'PVCPending'],
  ] as const)('%s', (_name, live, events, now, state, reason) => {
    const v = evaluate([claimRef], snapshot({ resources: [live], events: [...events] }), now);
    expect(v.state).toBe(state);
    if (reason) expect(v).toMatchObject({ reason, object: 'PersistentVolumeClaim/data', firstSignalAt: at(1) });
  });

  it('a watch that does not list claims, or could not watch them, does not block (and says why)', () => {
    expect(evaluate([claimRef], snapshot({}), at(2)).state).toBe('healthy');
    const v = evaluate([claimRef], snapshot({ resources: [], unwatched: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', message: 'forbidden' }] }), at(2));
    expect(v.state).toBe('healthy');
    expect(v.progress.workloads[0]?.note).toBe('not watched: forbidden');
  });
});

describe('custom resources and other kinds, by the kstatus conventions', () => {
  const ctx = { now: at(200), unreadyGraceMs: 120_000, settleMs: 5_000 };
  const cr = (status: ResourceObject['status'], meta: Partial<NonNullable<ResourceObject['metadata']>> = {}): ResourceObject => ({
    apiVersion: 'db.example.com/v1', kind: 'Database',
    metadata: { name: 'orders', namespace: NS, generation: 3, creationTimestamp: at(-600), ...meta },
    ...(status ? { status } : {}),
  });
  const c = (type: string, status: string, reason = '', extra: object = {}) => ({ type, status, reason, message: `${type} ${reason}`, lastTransitionTime: at(10), ...extra });
  // Cases from kstatus' generic reader: Stalled -> Failed; Reconciling -> InProgress; Ready False -> InProgress;
  // observedGeneration behind -> InProgress; no conditions -> Current.
  it.each([
    ['Ready=True, generation observed', cr({ observedGeneration: 3, conditions: [c('Ready', 'True', 'Succeeded')] }), true, undefined],
    ['observedGeneration behind generation', cr({ observedGeneration: 2, conditions: [c('Ready', 'True')] }), false, undefined],
    ['Ready condition of an older generation', cr({ conditions: [c('Ready', 'True', '', { observedGeneration: 2 })] }), false, undefined],
    ['Reconciling=True', cr({ observedGeneration: 3, conditions: [c('Reconciling', 'True', 'Progressing'), c('Ready', 'False')] }), false, undefined],
    ['Stalled=True', cr({ observedGeneration: 3, conditions: [c('Stalled', 'True', 'InvalidSpec')] }), false, 'ResourceFailed'],
    ['Ready=False past the unready grace', cr({ observedGeneration: 3, conditions: [c('Ready', 'False', 'ConnectionRefused')] }), false, 'ResourceNotReady'],
    ['Ready=Unknown', cr({ observedGeneration: 3, conditions: [c('Ready', 'Unknown')] }), false, undefined],
    ['Available=True (no Ready)', cr({ conditions: [c('Available', 'True')] }), true, undefined],
    ['no conditions at all (kstatus: Current)', cr({ phase: 'Running' }), true, undefined],
    ['no status, created long ago', cr(undefined), true, undefined],
    ['terminating', cr({ conditions: [c('Ready', 'True')] }, { deletionTimestamp: at(100) }), false, undefined],
  ] as const)('%s', (_name, obj, done, reason) => {
    const j = assessResource(obj, ctx);
    expect(j.done).toBe(done);
    expect(j.failure?.reason).toBe(reason);
  });

  it('Ready=False within the grace rechecks when it ends; a fresh object without status waits the settle window', () => {
    const notReady = cr({ observedGeneration: 3, conditions: [c('Ready', 'False', 'Pending')] });
    expect(assessResource(notReady, { ...ctx, now: at(20) })).toMatchObject({ done: false, dueAt: at(131), note: 'Ready=False: Pending' });
    expect(assessResource(cr(undefined, { creationTimestamp: at(2) }), { ...ctx, now: at(4) })).toMatchObject({ done: false, dueAt: at(8) });
  });

  it('a manifest custom resource is judged end to end, with the failure in the report shape', () => {
    const refs = workloadsFromManifest('apiVersion: db.example.com/v1\nkind: Database\nmetadata:\n  name: orders\n', NS);
    expect(refs).toEqual([{ apiVersion: 'db.example.com/v1', kind: 'Database', namespace: NS, name: 'orders', generic: true }]);
    const live = cr({ observedGeneration: 3, conditions: [c('Stalled', 'True', 'InvalidSpec')] });
    expect(evaluate(refs, snapshot({ resources: [live] }), at(11))).toMatchObject({
      state: 'failed', reason: 'ResourceFailed', object: 'Database/orders', firstSignalAt: at(10),
      message: 'Database orders reports Stalled=True: InvalidSpec (Stalled InvalidSpec)',
    });
    expect(evaluate(refs, snapshot({ resources: [] }), at(11)).progress.workloads[0]).toMatchObject({ present: false, done: false });
  });

  it('a custom resource named like a built-in kind is not judged as one', () => {
    const refs = workloadsFromManifest('apiVersion: example.com/v1\nkind: Job\nmetadata:\n  name: j\n', NS);
    expect(refs).toEqual([{ apiVersion: 'example.com/v1', kind: 'Job', namespace: NS, name: 'j', generic: true }]);
    const live: ResourceObject = { apiVersion: 'example.com/v1', kind: 'Job', metadata: { name: 'j', namespace: NS, creationTimestamp: at(-60) }, status: { conditions: [c('Ready', 'True')] } };
    expect(evaluate(refs, snapshot({ resources: [live], jobs: [job('j', { failed: 9 })] }), at(11), { waitForJobs: true }).state).toBe('healthy');
  });
});

describe('learned graces: unready judged against the release\'s own start-up time', () => {
  const key = 'Deployment/prod/web';
  const unreadyPod = (probe?: object) => {
    const p = newWebPod('x1', { created: at(1), containers: [running('app', at(2), { ready: false })] });
    if (probe) p.spec = { ...p.spec!, containers: [{ name: 'app', image: 'registry.example.com/app:2', readinessProbe: probe }] };
    return snapshot({ deployments: [webDeployment()], replicaSets: [webOldRs(3), webNewRs(1, 0)], pods: [oldWebPod('a'), p] });
  };
  // Pod created at 1 s (recorded second: ends at 2 s), container started at 2 s (ends at 3 s).
  it.each([
    ['no history: the fixed 120 s grace', {}, at(123), 'Unready at 123 s'],
    ['history 3 s: max(5 s floor, 2 x 3 s) = 6 s after creation', { learnedStartupMs: { [key]: 3_000 } }, at(8), 'Unready at 8 s'],
    ['history 1 s: the 5 s floor', { learnedStartupMs: { [key]: 1_000 } }, at(7), 'Unready at 7 s'],
    ['history 60 s (a slow starter): 120 s after creation', { learnedStartupMs: { [key]: 60_000 } }, at(122), 'Unready at 122 s'],
    ['history of another workload: the fixed grace', { learnedStartupMs: { 'Deployment/prod/api': 1_000 } }, at(123), 'Unready at 123 s'],
    ['--unready-grace given: the flag wins', { learnedStartupMs: { [key]: 1_000 }, unreadyGraceMs: 40_000, unreadyGraceExplicit: true }, at(43), 'Unready at 43 s'],
  ] as const)('%s', (_name, o, due, _label) => {
    const snap = unreadyPod();
    const before = evaluate([webRef], snap, new Date(due.getTime() - 1), o);
    expect(before).toMatchObject({ state: 'progressing', recheckAt: due });
    expect(evaluate([webRef], snap, due, o)).toMatchObject({ state: 'failed', reason: 'Unready', object: 'Pod/web-5f6c7d8e9b-x1', container: 'app' });
  });

  it('never before the probes could pass: initialDelaySeconds + failureThreshold x periodSeconds after start', () => {
    const snap = unreadyPod({ httpGet: { path: '/', port: 80 }, initialDelaySeconds: 10, periodSeconds: 5, failureThreshold: 3 });
    const o = { learnedStartupMs: { [key]: 2_000 } };
    expect(evaluate([webRef], snap, at(20), o)).toMatchObject({ state: 'progressing', recheckAt: at(28) });
    expect(evaluate([webRef], snap, at(28), o)).toMatchObject({ state: 'failed', reason: 'Unready', message: expect.stringContaining('learned grace 5s, probe budget 25s') });
  });

  it('a slow start within its learned time is not failed, and a healthy verdict reports the start-up times it saw', () => {
    const p = newWebPod('x1', { created: at(1), containers: [running('app', at(2), { ready: false })] });
    const snap = snapshot({ deployments: [webDeployment()], replicaSets: [webOldRs(3), webNewRs(1, 0)], pods: [oldWebPod('a'), p] });
    expect(evaluate([webRef], snap, at(100), { learnedStartupMs: { [key]: 60_000 } }).state).toBe('progressing');
    const done = snapshot({
      deployments: [webDeployment({ replicas: 1, updated: 1, ready: 1, available: 1, total: 1 })],
      replicaSets: [webNewRs(1, 1)],
      pods: [newWebPod('x1', { created: at(1), containers: [running('app', at(2))], conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at(62) }] })],
    });
    expect(evaluate([webRef], done, at(80))).toMatchObject({ state: 'healthy', startup: { [key]: [61_000] } });
  });
});

describe('unschedulable at once when no node could ever fit and no autoscaler can add one', () => {
  const node = (name: string, cpu: string, o: { labels?: Record<string, string>; taints?: object[] } = {}) => ({
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { ...(o.taints ? { taints: o.taints } : {}) },
    status: { allocatable: { cpu, memory: '8Gi', pods: '110' } },
  });
  const pending = (spec: Partial<V1PodSpec>) => {
    const p = newWebPod('x1', { containers: [] });
    p.spec = { ...p.spec!, nodeName: undefined, ...spec } as V1PodSpec;
    p.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient cpu.', lastTransitionTime: at(2) }] };
    return p;
  };
  const cpu = (n: string) => ({ containers: [{ name: 'app', image: 'registry.example.com/app:2', resources: { requests: { cpu: n } } }] });
  const snap = (p: V1Pod, nodes: object[], autoscaler?: boolean) =>
    snapshot({ deployments: [webDeployment()], replicaSets: [webOldRs(3), webNewRs(1, 0)], pods: [oldWebPod('a'), p], nodes: nodes as never, ...(autoscaler === undefined ? {} : { autoscaler }) });
  const nodes = [node('n1', '4'), node('n2', '4')];
  it.each([
    ['requests exceed every node, no autoscaler', pending(cpu('16')), nodes, false, {}, 'failed'],
    ['requests fit a node once others leave: the grace', pending(cpu('3')), nodes, false, {}, 'progressing'],
    ['requests exceed every node, but an autoscaler may add one', pending(cpu('16')), nodes, true, {}, 'progressing'],
    ['autoscaler unknown (no read access)', pending(cpu('16')), nodes, undefined, {}, 'progressing'],
    ['nodes unknown (no read access)', pending(cpu('16')), [], false, {}, 'progressing'],
    ['a node selector no node has', pending({ ...cpu('1'), nodeSelector: { disktype: 'ssd' } }), nodes, false, {}, 'failed'],
    ['a taint no toleration covers', pending(cpu('1')), [node('n1', '4', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] })], false, {}, 'failed'],
    ['the taint tolerated', pending({ ...cpu('1'), tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }), [node('n1', '4', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] })], false, {}, 'progressing'],
    ['--unschedulable-grace given: the grace stands', pending(cpu('16')), nodes, false, { unschedulableGraceExplicit: true }, 'progressing'],
  ] as const)('%s', (_name, p, ns, autoscaler, o, state) => {
    const v = evaluate([webRef], snap(p, [...ns], autoscaler), at(3), o);
    expect(v.state).toBe(state);
    if (state === 'failed') expect(v).toMatchObject({ reason: 'Unschedulable', firstSignalAt: at(2), message: expect.stringMatching(/no node can ever fit it .*no cluster autoscaler/) });
  });
});

describe('custom resources: conditions left from before the rollout (a rollback starts on the failed spec)', () => {
  const ctx = { now: at(2), unreadyGraceMs: 3_000, settleMs: 5_000, startedAt: T0 };
  const before = (type: string, status: string): ResourceObject => ({
    apiVersion: 'sim.autorollback.dev/v1', kind: 'Widget',
    metadata: { name: 'w', namespace: NS, generation: 2, creationTimestamp: at(-600) },
    status: { observedGeneration: 2, conditions: [{ type, status, reason: 'BackendUnavailable', lastTransitionTime: at(-30) }] },
  });
  it.each([
    ['Ready=False from before: the grace counts from the start', before('Ready', 'False'), at(4), 'ResourceNotReady'],
    ['Stalled=True from before: decisive only once helm had time to apply', before('Stalled', 'True'), at(6), 'ResourceFailed'],
  ] as const)('%s', (_name, obj, due, reason) => {
    expect(assessResource(obj, ctx)).toMatchObject({ done: false, dueAt: due });
    expect(assessResource(obj, { ...ctx, now: due }).failure?.reason).toBe(reason);
  });
});
