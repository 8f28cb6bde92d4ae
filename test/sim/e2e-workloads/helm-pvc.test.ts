/**
 * A chart with a PersistentVolumeClaim mounted by a Deployment, installed with the real helm 3 --wait (which waits
 * for PVCs to be Bound) over kube-sim (10x). On any cluster with a default StorageClass the claim is provisioned
 * and bound (at once, or for WaitForFirstConsumer classes once the pod is scheduled), and the install succeeds.
 * The same chart with helm 4: the provisioner's objects and events as kubectl shows them, and uninstall --wait
 * removing the claim (after its pod is gone) and its volume.
 */
import { helm, kubectl, withSim, writeChart, type TestSim } from '../helpers.js';
import { condition, ok, podsOf, until, type Json } from './support.js';

const chartFiles: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: store\nversion: 0.1.0\n',
  'templates/pvc.yaml': `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {{ .Release.Name }}-data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests: {storage: 1Gi}
`,
  'templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: 1
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        volumeMounts: [{name: data, mountPath: /data}]
      volumes:
      - name: data
        persistentVolumeClaim: {claimName: {{ .Release.Name }}-data}
`,
};

let sim: TestSim;
beforeEach(async () => {
  sim = await withSim({ timeScale: 10 });
});
afterEach(async () => {
  await sim.stop();
});

it('helm 3 install --wait succeeds once the claim is bound and the pod mounting it runs', async () => {
  const chart = writeChart(sim.dir, 'store', chartFiles);
  ok(await helm(sim, 3, ['install', 'store', chart, '--wait', '--timeout', '10s']));
  const pvc = JSON.parse(ok(await kubectl(sim, ['get', 'pvc', 'store-data', '-o', 'json'], 3))) as Json;
  expect(pvc.status).toMatchObject({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
  expect(pvc.spec.volumeName).toMatch(/^pvc-[0-9a-f-]{36}$/);
  expect(pvc.spec.storageClassName).toEqual(expect.any(String));
  const pv = JSON.parse(ok(await kubectl(sim, ['get', 'pv', pvc.spec.volumeName, '-o', 'json'], 3))) as Json;
  expect(pv.status.phase).toBe('Bound');
  expect(pv.spec.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'store-data', uid: pvc.metadata.uid });
  expect(podsOf(sim, 'store').filter((p) => condition(p, 'Ready')?.status === 'True')).toHaveLength(1);
});

it('helm 4 install binds the claim to a provisioned volume; uninstall --wait removes claim and volume', async () => {
  const chart = writeChart(sim.dir, 'store', chartFiles);
  ok(await helm(sim, 4, ['install', 'store', chart, '--wait', '--timeout', '20s']));

  const sc = JSON.parse(ok(await kubectl(sim, ['get', 'storageclass', '-o', 'json']))) as Json;
  expect(sc.items.map((c: Json) => [c.metadata.name, c.metadata.annotations['storageclass.kubernetes.io/is-default-class']])).toEqual([['standard', 'true']]);
  const pvc = JSON.parse(ok(await kubectl(sim, ['get', 'pvc', 'store-data', '-o', 'json']))) as Json;
  expect(pvc.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
  expect(pvc.spec.volumeName).toBe(`pvc-${pvc.metadata.uid}`);
  const pvs = JSON.parse(ok(await kubectl(sim, ['get', 'pv', '-o', 'json']))) as Json;
  expect(pvs.items.map((v: Json) => [v.metadata.name, v.status.phase, v.spec.claimRef.name, v.spec.persistentVolumeReclaimPolicy])).toEqual([[pvc.spec.volumeName, 'Bound', 'store-data', 'Delete']]);
  const described = ok(await kubectl(sim, ['describe', 'pvc', 'store-data']));
  expect(described).toMatch(/ExternalProvisioning/);
  expect(described).toMatch(new RegExp(`ProvisioningSucceeded\\s+.*Successfully provisioned volume ${pvc.spec.volumeName}`));

  ok(await helm(sim, 4, ['uninstall', 'store', '--wait', '--timeout', '30s']));
  await until(sim, 'the claim and its volume to be gone', () =>
    !sim.store.get('persistentvolumeclaims', 'default', 'store-data') && sim.store.list('persistentvolumes').items.length === 0 ? true : undefined,
  );
});
