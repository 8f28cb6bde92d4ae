/**
 * The persistentvolume controller as the real helm 4 and kubectl see it over kube-sim (10x): a chart's claim is
 * provisioned from the default class, `kubectl get sc,pv` serve the objects, `kubectl describe pvc` shows the
 * provisioner's events, and `helm uninstall --wait` removes the claim (after its pod is gone) and the volume.
 */
import { helm, kubectl, withSim, writeChart, type TestSim } from '../helpers.js';
import { ok, until, type Json } from '../e2e-workloads/support.js';

const chartFiles: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: vol\nversion: 0.1.0\n',
  'templates/pvc.yaml': `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {{ .Release.Name }}-data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests: {storage: 2Gi}
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

it('helm 4 install binds the claim to a provisioned volume; uninstall --wait removes claim and volume', async () => {
  const chart = writeChart(sim.dir, 'vol', chartFiles);
  ok(await helm(sim, 4, ['install', 'vol', chart, '--wait', '--timeout', '20s']));

  const sc = JSON.parse(ok(await kubectl(sim, ['get', 'storageclass', '-o', 'json']))) as Json;
  expect(sc.items.map((c: Json) => [c.metadata.name, c.metadata.annotations['storageclass.kubernetes.io/is-default-class']])).toEqual([['standard', 'true']]);
  const pvc = JSON.parse(ok(await kubectl(sim, ['get', 'pvc', 'vol-data', '-o', 'json']))) as Json;
  expect(pvc.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
  expect(pvc.spec.volumeName).toBe(`pvc-${pvc.metadata.uid}`);
  const pvs = JSON.parse(ok(await kubectl(sim, ['get', 'pv', '-o', 'json']))) as Json;
  expect(pvs.items.map((v: Json) => [v.metadata.name, v.status.phase, v.spec.claimRef.name, v.spec.persistentVolumeReclaimPolicy])).toEqual([[pvc.spec.volumeName, 'Bound', 'vol-data', 'Delete']]);
  const described = ok(await kubectl(sim, ['describe', 'pvc', 'vol-data']));
  expect(described).toMatch(/ExternalProvisioning/);
  expect(described).toMatch(new RegExp(`ProvisioningSucceeded\\s+.*Successfully provisioned volume ${pvc.spec.volumeName}`));

  ok(await helm(sim, 4, ['uninstall', 'vol', '--wait', '--timeout', '30s']));
  await until(sim, 'the claim and its volume to be gone', () =>
    !sim.store.get('persistentvolumeclaims', 'default', 'vol-data') && sim.store.list('persistentvolumes').items.length === 0 ? true : undefined,
  );
});
