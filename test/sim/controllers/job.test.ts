import { formatIndexes, jobBackoffMs, parseIndexes } from '../../../src/sim/controllers/job.js';
import type { KubeObject } from '../../../src/sim/store/types.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, any>;
const status = (o: KubeObject): Json => (o.status ?? {}) as Json;
const live = (p: KubeObject): boolean => !['Succeeded', 'Failed'].includes(status(p).phase);
const condTypes = (o: KubeObject): string[] => (status(o).conditions ?? []).map((c: Json) => `${c.type}=${c.status}/${c.reason}`);

function job(name: string, spec: Json = {}, restartPolicy = 'Never'): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: { template: { spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox' }] } }, ...spec },
  };
}

describe('job backoff', () => {
  it.each([
    [0, 0],
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [7, 600_000],
    [20, 600_000],
  ])('%i failures -> %i ms', (failures, ms) => expect(jobBackoffMs(failures)).toBe(ms));
});

describe('completedIndexes', () => {
  it('formats runs and parses them back', () => {
    expect(formatIndexes([5, 0, 1, 2, 7, 8])).toBe('0-2,5,7-8');
    expect([...parseIndexes('0-2,5,7-8')].sort((a, b) => a - b)).toEqual([0, 1, 2, 5, 7, 8]);
    expect(formatIndexes([])).toBe('');
  });
});

describe('Job controller', () => {
  let h: Harness;
  beforeEach(() => {
    h = startHarness();
  });
  afterEach(() => {
    h.stop();
    expect(h.errors).toEqual([]);
  });

  it('runs a pod to completion: SuccessCriteriaMet then Complete, completionTime, events', async () => {
    const j = h.store.create('jobs.batch', job('migrate'));
    await h.settle();
    const [pod] = h.pods();
    expect(pod.metadata.name).toMatch(/^migrate-[a-z0-9]{5}$/);
    expect(pod.metadata.labels).toMatchObject({
      'batch.kubernetes.io/controller-uid': j.metadata.uid,
      'batch.kubernetes.io/job-name': 'migrate',
      'controller-uid': j.metadata.uid,
      'job-name': 'migrate',
    });
    expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', name: 'migrate', controller: true, blockOwnerDeletion: true });
    expect((pod.spec as Json).restartPolicy).toBe('Never');
    let s = status(h.get('jobs.batch', 'migrate'));
    expect(s).toMatchObject({ active: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(s.startTime).toBeDefined();

    await h.runPods([pod]);
    expect(status(h.get('jobs.batch', 'migrate'))).toMatchObject({ active: 1, ready: 1 });
    await h.finishPods([pod], 'Succeeded');
    const done = h.get('jobs.batch', 'migrate');
    s = status(done);
    expect(s).toMatchObject({ succeeded: 1, ready: 0, terminating: 0 });
    expect(s.active).toBeUndefined();
    expect(s.completionTime).toBeDefined();
    expect(s.conditions).toEqual([
      expect.objectContaining({ type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }),
      expect.objectContaining({ type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }),
    ]);
    expect(h.events('Completed').map((e) => e.message)).toEqual(['Job completed']);
    expect(h.pods()).toHaveLength(1);
  });

  it('honours parallelism and completions', async () => {
    h.store.create('jobs.batch', job('batch', { parallelism: 2, completions: 3 }));
    await h.settle();
    expect(h.pods()).toHaveLength(2);
    await h.finishPods(h.pods(), 'Succeeded');
    // Two done, one to go: only one more pod.
    const running = h.pods().filter(live);
    expect(running).toHaveLength(1);
    expect(status(h.get('jobs.batch', 'batch'))).toMatchObject({ succeeded: 2, active: 1 });
    await h.finishPods(running, 'Succeeded');
    expect(condTypes(h.get('jobs.batch', 'batch'))).toEqual(['SuccessCriteriaMet=True/CompletionsReached', 'Complete=True/CompletionsReached']);
  });

  it('replaces failed pods after a doubling backoff and fails past backoffLimit', async () => {
    h.store.create('jobs.batch', job('flaky', { backoffLimit: 2 }));
    await h.settle();
    await h.finishPods(h.pods(), 'Failed');
    expect(status(h.get('jobs.batch', 'flaky')).failed).toBe(1);
    expect(h.pods().filter(live)).toHaveLength(0); // waiting out the 10 s backoff
    await h.advance(9_000);
    expect(h.pods()).toHaveLength(1);
    await h.advance(2_000);
    expect(h.pods()).toHaveLength(2);
    await h.finishPods(h.pods().filter(live), 'Failed');
    await h.advance(19_000);
    expect(h.pods()).toHaveLength(2); // second backoff is 20 s
    await h.advance(2_000);
    expect(h.pods()).toHaveLength(3);
    expect(condTypes(h.get('jobs.batch', 'flaky'))).toEqual([]);
    await h.finishPods(h.pods().filter(live), 'Failed');
    const failed = h.get('jobs.batch', 'flaky');
    expect(status(failed)).toMatchObject({ failed: 3, ready: 0, terminating: 0 });
    expect(status(failed).conditions).toEqual([
      expect.objectContaining({ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }),
      expect.objectContaining({ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }),
    ]);
    expect(status(failed).completionTime).toBeUndefined();
    const warning = h.events('BackoffLimitExceeded');
    expect(warning.map((e) => [e.type, e.message])).toEqual([['Warning', 'Job has reached the specified backoff limit']]);
    await h.advance(60_000);
    expect(h.pods()).toHaveLength(3); // a failed Job starts nothing more
  });

  it('with restartPolicy OnFailure counts container restarts against backoffLimit', async () => {
    h.store.create('jobs.batch', job('restarts', { backoffLimit: 2 }, 'OnFailure'));
    await h.settle();
    const [pod] = h.pods();
    await h.runPods([pod], { ready: false });
    const cur = h.store.get('pods', 'default', pod.metadata.name)!;
    h.store.update('pods', { ...cur, status: { ...(cur.status as Json), containerStatuses: [{ name: 'c', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] } }, { subresource: 'status' });
    await h.settle();
    expect(condTypes(h.get('jobs.batch', 'restarts'))).toEqual(['FailureTarget=True/BackoffLimitExceeded', 'Failed=True/BackoffLimitExceeded']);
    expect(h.pods()).toHaveLength(0); // the running pod was deleted
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds', async () => {
    h.store.create('jobs.batch', job('slow', { activeDeadlineSeconds: 30 }));
    await h.settle();
    await h.runPods(h.pods());
    await h.advance(29_000);
    expect(condTypes(h.get('jobs.batch', 'slow'))).toEqual([]);
    await h.advance(2_000);
    expect(condTypes(h.get('jobs.batch', 'slow'))).toEqual(['FailureTarget=True/DeadlineExceeded', 'Failed=True/DeadlineExceeded']);
    expect(h.pods()).toHaveLength(0);
  });

  it('deletes a finished Job and its pods ttlSecondsAfterFinished later', async () => {
    h.store.create('jobs.batch', job('hook', { ttlSecondsAfterFinished: 5 }));
    await h.settle();
    await h.finishPods(h.pods(), 'Succeeded');
    expect(condTypes(h.get('jobs.batch', 'hook'))).toContain('Complete=True/CompletionsReached');
    await h.advance(4_000);
    expect(h.store.get('jobs.batch', 'default', 'hook')).toBeDefined();
    await h.advance(2_000);
    expect(h.store.get('jobs.batch', 'default', 'hook')).toBeUndefined();
    expect(h.pods()).toHaveLength(0);
  });

  it('suspends (deleting active pods) and resumes', async () => {
    h.store.create('jobs.batch', job('later', { suspend: true }));
    await h.settle();
    expect(h.pods()).toHaveLength(0);
    expect(condTypes(h.get('jobs.batch', 'later'))).toEqual(['Suspended=True/JobSuspended']);
    expect(status(h.get('jobs.batch', 'later')).startTime).toBeUndefined();
    const j = h.get('jobs.batch', 'later');
    h.store.update('jobs.batch', { ...j, spec: { ...(j.spec as Json), suspend: false } });
    await h.settle();
    expect(h.pods()).toHaveLength(1);
    expect(condTypes(h.get('jobs.batch', 'later'))).toEqual(['Suspended=False/JobResumed']);
  });

  it('Indexed mode runs one pod per index and tracks completedIndexes', async () => {
    h.store.create('jobs.batch', job('shards', { completionMode: 'Indexed', completions: 3, parallelism: 2 }));
    await h.settle();
    const idx = (p: KubeObject) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'];
    let pods = h.pods();
    expect(pods.map(idx).sort()).toEqual(['0', '1']);
    const p0 = pods.find((p) => idx(p) === '0')!;
    expect(p0.metadata.name).toMatch(/^shards-0-[a-z0-9]{5}$/);
    expect(p0.metadata.labels?.['batch.kubernetes.io/job-completion-index']).toBe('0');
    expect((p0.spec as Json).hostname).toBe('shards-0');
    expect((p0.spec as Json).containers[0].env).toEqual([
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
    ]);
    await h.finishPods([p0], 'Succeeded');
    pods = h.pods().filter(live);
    expect(pods.map(idx).sort()).toEqual(['1', '2']);
    expect(status(h.get('jobs.batch', 'shards'))).toMatchObject({ succeeded: 1, completedIndexes: '0', active: 2 });
    await h.finishPods(pods, 'Succeeded');
    const done = status(h.get('jobs.batch', 'shards'));
    expect(done).toMatchObject({ succeeded: 3, completedIndexes: '0-2' });
    expect(condTypes(h.get('jobs.batch', 'shards'))).toEqual(['SuccessCriteriaMet=True/CompletionsReached', 'Complete=True/CompletionsReached']);
  });
});
