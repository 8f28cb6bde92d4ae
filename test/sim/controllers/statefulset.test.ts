import { ordinalOf } from '../../../src/sim/controllers/statefulset.js';
import type { KubeObject } from '../../../src/sim/store/types.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, any>;
const status = (o: KubeObject): Json => (o.status ?? {}) as Json;

function sts(name: string, image: string, spec: Json = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 3,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      ...spec,
    },
  };
}

describe('ordinalOf', () => {
  it.each([
    ['web', 'web-0', 0],
    ['web', 'web-12', 12],
    ['web', 'web-01', undefined],
    ['web', 'web-x', undefined],
    ['web', 'webby-1', undefined],
  ])('%s / %s -> %s', (set, pod, ord) => expect(ordinalOf(set, pod)).toBe(ord));
});

describe('StatefulSet controller', () => {
  let h: Harness;
  beforeEach(() => {
    h = startHarness();
  });
  afterEach(() => {
    h.stop();
    expect(h.errors).toEqual([]);
  });
  const names = () => h.pods().map((p) => p.metadata.name).sort();
  const image = (p: KubeObject) => (p.spec as Json).containers[0].image;

  it('creates pods in order, each after the previous is Running and Ready', async () => {
    h.store.create('statefulsets.apps', sts('db', 'postgres:15'));
    await h.settle();
    expect(names()).toEqual(['db-0']);
    const [p0] = h.pods();
    const set = h.get('statefulsets.apps', 'db');
    const rev = status(set).updateRevision;
    expect(rev).toMatch(/^db-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(p0.metadata.labels).toEqual({ app: 'db', 'controller-revision-hash': rev, 'statefulset.kubernetes.io/pod-name': 'db-0', 'apps.kubernetes.io/pod-index': '0' });
    expect(p0.spec).toMatchObject({ hostname: 'db-0', subdomain: 'db' });
    const cr = h.get('controllerrevisions.apps', rev);
    expect(cr).toMatchObject({ revision: 1, metadata: { ownerReferences: [expect.objectContaining({ kind: 'StatefulSet', name: 'db', controller: true })] } });
    expect(cr.metadata.labels?.['controller.kubernetes.io/hash']).toBe(rev.slice(3));

    await h.runPods([p0], { ready: false });
    expect(names()).toEqual(['db-0']); // running but not ready: wait
    await h.runPods([p0]);
    expect(names()).toEqual(['db-0', 'db-1']);
    await h.runPods(h.pods().filter((p) => p.metadata.name === 'db-1'));
    expect(names()).toEqual(['db-0', 'db-1', 'db-2']);
    await h.runPods(h.pods().filter((p) => p.metadata.name === 'db-2'));
    expect(status(h.get('statefulsets.apps', 'db'))).toEqual({
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      currentRevision: rev,
      updateRevision: rev,
      collisionCount: 0,
    });
  });

  it('Parallel creates all pods at once', async () => {
    h.store.create('statefulsets.apps', sts('db', 'postgres:15', { podManagementPolicy: 'Parallel' }));
    await h.settle();
    expect(names()).toEqual(['db-0', 'db-1', 'db-2']);
  });

  it('rolls out from the highest ordinal down, one pod at a time, respecting the partition', async () => {
    h.store.create('statefulsets.apps', sts('db', 'postgres:15', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    await h.settle();
    for (let i = 0; i < 3; i++) await h.runPods(h.pods().filter((p) => status(p).phase !== 'Running'));
    const oldRev = status(h.get('statefulsets.apps', 'db')).currentRevision;
    const set = h.get('statefulsets.apps', 'db');
    const spec = set.spec as Json;
    h.store.update('statefulsets.apps', { ...set, spec: { ...spec, template: { ...spec.template, spec: { containers: [{ name: 'c', image: 'postgres:16' }] } } } });
    await h.settle();
    let s = status(h.get('statefulsets.apps', 'db'));
    const newRev = s.updateRevision;
    expect(newRev).not.toBe(oldRev);
    expect(s.currentRevision).toBe(oldRev);
    // db-2 was deleted and recreated at the new revision; db-1 waits until db-2 is ready.
    const byName = () => Object.fromEntries(h.pods().map((p) => [p.metadata.name, p]));
    expect(image(byName()['db-2'])).toBe('postgres:16');
    expect(byName()['db-2'].metadata.labels?.['controller-revision-hash']).toBe(newRev);
    expect(image(byName()['db-1'])).toBe('postgres:15');
    await h.runPods([byName()['db-2']]);
    expect(image(byName()['db-1'])).toBe('postgres:16');
    await h.runPods([byName()['db-1']]);
    // Partition 1: db-0 stays at the old revision, and the rollout is not complete.
    expect(image(byName()['db-0'])).toBe('postgres:15');
    s = status(h.get('statefulsets.apps', 'db'));
    expect(s).toMatchObject({ replicas: 3, readyReplicas: 3, updatedReplicas: 2, currentReplicas: 1, currentRevision: oldRev, updateRevision: newRev });

    const again = h.get('statefulsets.apps', 'db');
    h.store.update('statefulsets.apps', { ...again, spec: { ...(again.spec as Json), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } } });
    await h.settle();
    expect(image(byName()['db-0'])).toBe('postgres:16');
    await h.runPods([byName()['db-0']]);
    s = status(h.get('statefulsets.apps', 'db'));
    expect(s).toMatchObject({ updatedReplicas: 3, currentReplicas: 3, currentRevision: newRev, updateRevision: newRev, observedGeneration: 3 });
  });

  it('scales down from the highest ordinal and creates claims from volumeClaimTemplates that get bound', async () => {
    h.store.create(
      'statefulsets.apps',
      sts('db', 'postgres:15', {
        replicas: 2,
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      }),
    );
    await h.settle();
    for (let i = 0; i < 2; i++) await h.runPods(h.pods().filter((p) => status(p).phase !== 'Running'));
    expect(names()).toEqual(['db-0', 'db-1']);
    const claim = h.get('persistentvolumeclaims', 'data-db-1');
    // Bound through the persistentvolume controller: a provisioned volume of the default class.
    expect(status(claim)).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect((claim.spec as Json)).toMatchObject({ storageClassName: 'standard', volumeName: `pvc-${claim.metadata.uid}` });
    const vol = ((h.get('pods', 'db-1').spec as Json).volumes as Json[]).find((v) => v.name === 'data');
    expect(vol).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } });
    const set = h.get('statefulsets.apps', 'db');
    h.store.update('statefulsets.apps', { ...set, spec: { ...(set.spec as Json), replicas: 1 } });
    await h.settle();
    expect(names()).toEqual(['db-0']);
    expect(h.events('SuccessfulDelete').map((e) => e.message)).toEqual(['delete Pod db-1 in StatefulSet db successful']);
  });

  it('recreates a failed pod, and with OnDelete updates a pod only when it is deleted', async () => {
    h.store.create('statefulsets.apps', sts('db', 'postgres:15', { replicas: 1, updateStrategy: { type: 'OnDelete' } }));
    await h.settle();
    await h.runPods(h.pods());
    const first = h.pods()[0];
    await h.finishPods([first], 'Failed');
    const again = h.pods()[0];
    expect(again.metadata.name).toBe('db-0');
    expect(again.metadata.uid).not.toBe(first.metadata.uid);
    await h.runPods([again]);

    const set = h.get('statefulsets.apps', 'db');
    const spec = set.spec as Json;
    h.store.update('statefulsets.apps', { ...set, spec: { ...spec, template: { ...spec.template, spec: { containers: [{ name: 'c', image: 'postgres:16' }] } } } });
    await h.settle();
    expect(image(h.pods()[0])).toBe('postgres:15');
    const s = status(h.get('statefulsets.apps', 'db'));
    expect(s.currentRevision).not.toBe(s.updateRevision);
    h.store.delete('pods', 'default', 'db-0');
    await h.settle();
    expect(image(h.pods()[0])).toBe('postgres:16');
  });
});
