import { volumeFits } from '../../../src/sim/controllers/persistent-volumes.js';
import type { KubeObject } from '../../../src/sim/store/types.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, any>;
const spec = (o: KubeObject): Json => (o.spec ?? {}) as Json;
const status = (o: KubeObject): Json => (o.status ?? {}) as Json;

function pvc(name: string, extra: Json = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra },
    status: { phase: 'Pending' },
  };
}

function pv(name: string, extra: Json = {}, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '5Gi' }, hostPath: { path: `/data/${name}` }, persistentVolumeReclaimPolicy: 'Retain', ...extra },
  };
}

const volume = (h: Harness, name: string) => h.store.get('persistentvolumes', undefined, name);

let h: Harness;
beforeEach(() => {
  h = startHarness();
});
afterEach(() => {
  h.stop();
  expect(h.errors).toEqual([]);
});

describe('persistentvolume controller: dynamic provisioning', () => {
  it('provisions pvc-<uid> from the default class and binds both sides, with the provisioner events', async () => {
    const created = h.store.create('persistentvolumeclaims', pvc('data'));
    await h.settle();
    const claim = h.get('persistentvolumeclaims', 'data');
    const name = `pvc-${created.metadata.uid}`;
    expect(spec(claim)).toMatchObject({ storageClassName: 'standard', volumeName: name });
    expect(status(claim)).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect(claim.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect(claim.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.kubernetes.io/storage-provisioner': expect.any(String) });

    const v = volume(h, name)!;
    expect(spec(v)).toMatchObject({
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '1Gi' },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: created.metadata.uid },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'standard',
      volumeMode: 'Filesystem',
    });
    expect(spec(v).hostPath.path).toContain(name);
    expect(status(v).phase).toBe('Bound');
    expect(v.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
    expect(v.metadata.annotations?.['pv.kubernetes.io/provisioned-by']).toBe(claim.metadata.annotations?.['volume.kubernetes.io/storage-provisioner']);

    const events = h.events().filter((e) => (e.involvedObject as Json).name === 'data');
    expect(events.map((e) => e.reason)).toEqual(['ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded']);
    expect(events[0].message).toMatch(/^Waiting for a volume to be created either by the external provisioner '.+' or manually by the system administrator/);
    expect((events[0].source as Json).component).toBe('persistentvolume-controller');
    expect(events[1].message).toBe('External provisioner is provisioning volume for claim "default/data"');
    expect(events[2].message).toBe(`Successfully provisioned volume ${name}`);
  });

  it('assigns the default class retroactively to a claim created before any default class existed', async () => {
    h.store.delete('storageclasses.storage.k8s.io', undefined, 'standard');
    h.store.create('persistentvolumeclaims', pvc('early'));
    await h.settle();
    expect(spec(h.get('persistentvolumeclaims', 'early')).storageClassName).toBeUndefined();
    expect(status(h.get('persistentvolumeclaims', 'early')).phase).toBe('Pending');
    h.store.create('storageclasses.storage.k8s.io', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'example.com/fast',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'Immediate',
    });
    await h.settle();
    const claim = h.get('persistentvolumeclaims', 'early');
    expect(spec(claim).storageClassName).toBe('fast');
    expect(status(claim).phase).toBe('Bound');
    expect(spec(volume(h, spec(claim).volumeName)!).persistentVolumeReclaimPolicy).toBe('Retain');
  });

  it('a claim naming a missing class stays Pending with a ProvisioningFailed warning; "" never gets a class', async () => {
    h.store.create('persistentvolumeclaims', pvc('nope', { storageClassName: 'gold' }));
    h.store.create('persistentvolumeclaims', pvc('none', { storageClassName: '' }));
    await h.settle();
    expect(status(h.get('persistentvolumeclaims', 'nope')).phase).toBe('Pending');
    expect(h.events('ProvisioningFailed').map((e) => [e.type, e.message])).toEqual([['Warning', 'storageclass.storage.k8s.io "gold" not found']]);
    const none = h.get('persistentvolumeclaims', 'none');
    expect(spec(none).storageClassName).toBe('');
    expect(status(none).phase).toBe('Pending');
    expect(h.events('FailedBinding').map((e) => e.message)).toEqual(['no persistent volumes available for this claim and no storage class is set']);
    expect(h.store.list('persistentvolumes').items).toEqual([]);
  });
});

describe('persistentvolume controller: static binding', () => {
  it('marks a new volume Available and binds the smallest fitting one to a class-less claim', async () => {
    h.store.create('persistentvolumes', pv('big', { capacity: { storage: '10Gi' }, storageClassName: '' }));
    h.store.create('persistentvolumes', pv('small', { capacity: { storage: '2Gi' }, storageClassName: '' }));
    h.store.create('persistentvolumes', pv('tiny', { capacity: { storage: '512Mi' }, storageClassName: '' }));
    await h.settle();
    expect(status(volume(h, 'big')!).phase).toBe('Available');
    h.store.create('persistentvolumeclaims', pvc('static', { storageClassName: '' }));
    await h.settle();
    const claim = h.get('persistentvolumeclaims', 'static');
    expect(spec(claim).volumeName).toBe('small');
    expect(status(claim)).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
    expect(status(volume(h, 'small')!).phase).toBe('Bound');
    expect(volume(h, 'small')!.metadata.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(status(volume(h, 'big')!).phase).toBe('Available');
  });

  it('a claim waiting for a volume binds when a fitting one appears; selectors and access modes are honoured', async () => {
    h.store.create('persistentvolumeclaims', pvc('picky', { storageClassName: '', accessModes: ['ReadWriteMany'], selector: { matchLabels: { tier: 'db' } } }));
    await h.settle();
    h.store.create('persistentvolumes', pv('wrong-mode', { storageClassName: '' }, { tier: 'db' }));
    h.store.create('persistentvolumes', pv('wrong-label', { storageClassName: '', accessModes: ['ReadWriteMany'] }, { tier: 'web' }));
    await h.settle();
    expect(status(h.get('persistentvolumeclaims', 'picky')).phase).toBe('Pending');
    h.store.create('persistentvolumes', pv('right', { storageClassName: '', accessModes: ['ReadWriteMany', 'ReadWriteOnce'] }, { tier: 'db' }));
    await h.settle();
    expect(spec(h.get('persistentvolumeclaims', 'picky')).volumeName).toBe('right');
  });

  it('volumeFits compares class, capacity and access modes', () => {
    const claim = pvc('c', { storageClassName: 'standard' });
    expect(volumeFits(pv('a', { storageClassName: 'standard' }), claim)).toBe(true);
    expect(volumeFits(pv('a', { storageClassName: 'other' }), claim)).toBe(false);
    expect(volumeFits(pv('a', { storageClassName: 'standard', capacity: { storage: '1000Mi' } }), claim)).toBe(false);
    expect(volumeFits(pv('a', { storageClassName: 'standard', accessModes: ['ReadOnlyMany'] }), claim)).toBe(false);
  });
});

describe('persistentvolume controller: deletion', () => {
  it('a claim in use stays Terminating until its pod is gone; then the Delete-policy volume is deleted', async () => {
    h.store.create('persistentvolumeclaims', pvc('data'));
    await h.settle();
    const volumeName = spec(h.get('persistentvolumeclaims', 'data')).volumeName as string;
    h.store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'user', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] },
    });
    await h.settle();
    h.store.delete('persistentvolumeclaims', 'default', 'data');
    await h.settle();
    expect(h.get('persistentvolumeclaims', 'data').metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(volume(h, volumeName)).toBeDefined();
    h.store.delete('pods', 'default', 'user');
    await h.settle();
    expect(h.store.get('persistentvolumeclaims', 'default', 'data')).toBeUndefined();
    expect(volume(h, volumeName)).toBeUndefined();
  });

  it('with reclaim policy Retain the volume becomes Released and is kept', async () => {
    h.store.create('persistentvolumes', pv('keep', { storageClassName: '' }));
    h.store.create('persistentvolumeclaims', pvc('mine', { storageClassName: '' }));
    await h.settle();
    expect(status(volume(h, 'keep')!).phase).toBe('Bound');
    h.store.delete('persistentvolumeclaims', 'default', 'mine');
    await h.settle();
    expect(h.store.get('persistentvolumeclaims', 'default', 'mine')).toBeUndefined();
    expect(status(volume(h, 'keep')!).phase).toBe('Released');
    // A Released volume is not handed to a new claim.
    h.store.create('persistentvolumeclaims', pvc('next', { storageClassName: '' }));
    await h.settle();
    expect(status(h.get('persistentvolumeclaims', 'next')).phase).toBe('Pending');
  });
});
