import type { V1StatefulSet } from '@kubernetes/client-node';
import { findStuckStatefulSets, nextForcedStep, type StuckStatefulSet } from '../../../src/domain/rollback/statefulset-force.js';
import { dbPod, NS, snapshot, statefulSet, waiting } from '../fixtures.js';

/** The fixture StatefulSet as helm labels it, with a pod management policy. */
function releaseSts(o: Parameters<typeof statefulSet>[0] & { policy?: string; release?: string }): V1StatefulSet {
  const s = statefulSet(o);
  return {
    ...s,
    metadata: { ...s.metadata, annotations: { 'meta.helm.sh/release-name': o.release ?? 'db', 'meta.helm.sh/release-namespace': NS } },
    spec: { ...s.spec!, ...(o.policy ? { podManagementPolicy: o.policy } : {}) },
  };
}

const crashing = { containers: [waiting('db', 'CrashLoopBackOff', 'back-off', { restartCount: 2 })] };

describe('findStuckStatefulSets', () => {
  it.each([
    ['OrderedReady, mid-update, a not-ready pod of the update revision', releaseSts({ current: 'good', update: 'bad', ready: 1, updated: 1 }), ['db-1']],
    ['Parallel: the controller replaces pods by itself', releaseSts({ current: 'good', update: 'bad', ready: 1, updated: 1, policy: 'Parallel' }), []],
    ['OnDelete: nothing is rolled by the controller anyway', releaseSts({ current: 'good', update: 'bad', ready: 1, updated: 1, onDelete: true }), []],
    ['not mid-update', releaseSts({ current: 'bad', update: 'bad', ready: 1 }), []],
    ['another release', releaseSts({ current: 'good', update: 'bad', ready: 1, updated: 1, release: 'other' }), []],
  ])('%s', (_what, sts, notReady) => {
    const snap = snapshot({ statefulSets: [sts], pods: [dbPod(0, 'good'), dbPod(1, 'bad', crashing)] });
    const stuck = findStuckStatefulSets(snap, 'db', NS);
    expect(stuck.flatMap((s) => s.notReady)).toEqual(notReady);
    if (notReady.length) expect(stuck[0]).toMatchObject({ name: 'db', uid: 'uid-sts-db', badRevision: 'bad' });
  });

  it('a pod of the update revision that is ready does not make it stuck', () => {
    const snap = snapshot({ statefulSets: [releaseSts({ current: 'good', update: 'bad', ready: 2, updated: 1 })], pods: [dbPod(0, 'good'), dbPod(1, 'bad')] });
    expect(findStuckStatefulSets(snap, 'db', NS)).toEqual([]);
  });
});

describe('nextForcedStep', () => {
  const stuck: StuckStatefulSet = { namespace: NS, name: 'db', uid: 'uid-sts-db', badRevision: 'bad', notReady: ['db-1', 'db-2'] };
  const reverted = releaseSts({ replicas: 3, current: 'good', update: 'good', ready: 1, generation: 3 });
  const deletion = (ordinal: number) => ({ action: 'delete', pod: { namespace: NS, name: `db-${ordinal}`, uid: `uid-db-${ordinal}`, statefulSet: 'db', revision: 'bad' } });

  it.each([
    ['template not reverted yet: wait', releaseSts({ replicas: 3, current: 'good', update: 'bad', ready: 1, generation: 3, observedGeneration: 3 }), [dbPod(1, 'bad', crashing)], undefined, 'wait'],
    ['reverted but not observed yet: wait', releaseSts({ replicas: 3, current: 'good', update: 'good', ready: 1, generation: 4, observedGeneration: 3 }), [dbPod(1, 'bad', crashing)], undefined, 'wait'],
    ['reverted: the highest not-ready ordinal of the failed revision first', reverted, [dbPod(0, 'good'), dbPod(1, 'bad', crashing), dbPod(2, 'bad', crashing)], undefined, deletion(2)],
    ['the deleted pod is still there: wait', reverted, [dbPod(1, 'bad', crashing), dbPod(2, 'bad', crashing)], 2, 'wait'],
    ['its replacement is not ready yet: wait', reverted, [dbPod(1, 'bad', crashing), dbPod(2, 'good', { uid: 'new', ready: false })], 2, 'wait'],
    ['its replacement is ready: the next one', reverted, [dbPod(1, 'bad', crashing), dbPod(2, 'good', { uid: 'new' })], 2, deletion(1)],
    ['nothing of the failed revision left not ready: done', reverted, [dbPod(0, 'good'), dbPod(1, 'good', { uid: 'new' })], 1, 'done'],
  ])('%s', (_what, sts, pods, lastOrdinal, expected) => {
    const last = lastOrdinal === undefined ? undefined : { namespace: NS, name: `db-${lastOrdinal}`, uid: `uid-db-${lastOrdinal}`, statefulSet: 'db', revision: 'bad' };
    const step = nextForcedStep(snapshot({ statefulSets: [sts], pods }), stuck, last);
    if (typeof expected === 'string') expect(step.action).toBe(expected);
    else expect(step).toEqual(expected);
  });

  it('a StatefulSet that is gone is done', () => {
    expect(nextForcedStep(snapshot({ statefulSets: [] }), stuck).action).toBe('done');
  });
});
