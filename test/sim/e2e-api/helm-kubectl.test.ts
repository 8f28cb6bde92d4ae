import { spawn } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { kubectlBinary, type HelmMajor } from '../../../src/toolchain/binaries.js';
import { helm, helmEnv, kubectl, waitFor, withSim, writeChart, type TestSim } from '../helpers.js';

const chartFiles = {
  'Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
  'values.yaml': 'greeting: hello\nextra: true\n',
  'templates/all.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cm
data:
  greeting: {{ .Values.greeting | quote }}
  {{- if .Values.extra }}
  extra: "yes"
  {{- end }}
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-secret
stringData:
  password: s3cret
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-svc
spec:
  selector:
    app: demo
  ports:
  - port: 80
    targetPort: 8080
`,
};

let sim: TestSim;
let chart: string;

beforeEach(async () => {
  sim = await withSim({ workloads: false });
  chart = writeChart(sim.dir, 'demo', chartFiles);
});
afterEach(async () => {
  await sim.stop();
});

function ok(r: { code: number | null; stdout: string; stderr: string }): string {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/** Decodes helm's release record: data.release is base64(gzip(JSON)), stored base64 again by the Secret driver. */
function releaseOf(secretData: string): { version: number; info: { status: string } } {
  const bytes = Buffer.from(Buffer.from(secretData, 'base64').toString('utf8'), 'base64');
  return JSON.parse(gunzipSync(bytes).toString('utf8')) as { version: number; info: { status: string } };
}

describe.each([3, 4] as HelmMajor[])('helm %i against kube-sim', (major) => {
  it('installs, upgrades (removing a field), shows history and status, rolls back and uninstalls', async () => {
    ok(await helm(sim, major, ['install', 'rel', chart]));
    expect(sim.store.get('configmaps', 'default', 'rel-cm')).toMatchObject({
      data: { greeting: 'hello', extra: 'yes' },
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'meta.helm.sh/release-name': 'rel' } },
    });
    expect(Buffer.from(String((sim.store.get('secrets', 'default', 'rel-secret')?.data as Record<string, string>).password), 'base64').toString()).toBe('s3cret');
    expect((sim.store.get('services', 'default', 'rel-svc')?.spec as { clusterIP: string }).clusterIP).toMatch(/^10\./);
    const record = sim.store.get('secrets', 'default', 'sh.helm.release.v1.rel.v1');
    expect(record).toMatchObject({ type: 'helm.sh/release.v1', metadata: { labels: { owner: 'helm', name: 'rel', status: 'deployed' } } });
    expect(releaseOf((record!.data as { release: string }).release)).toMatchObject({ version: 1, info: { status: 'deployed' } });

    ok(await helm(sim, major, ['upgrade', 'rel', chart, '--set', 'extra=false']));
    expect(sim.store.get('configmaps', 'default', 'rel-cm')?.data).toEqual({ greeting: 'hello' });

    const history = JSON.parse(ok(await helm(sim, major, ['history', 'rel', '-o', 'json']))) as Array<{ revision: number; status: string }>;
    expect(history.map((h) => `${h.revision} ${h.status}`)).toEqual(['1 superseded', '2 deployed']);
    expect(ok(await helm(sim, major, ['status', 'rel']))).toMatch(/STATUS: deployed[\s\S]*REVISION: 2/);

    ok(await helm(sim, major, ['rollback', 'rel', '1']));
    expect(sim.store.get('configmaps', 'default', 'rel-cm')?.data).toEqual({ greeting: 'hello', extra: 'yes' });
    const after = JSON.parse(ok(await helm(sim, major, ['history', 'rel', '-o', 'json']))) as Array<{ revision: number; status: string }>;
    expect(after.map((h) => `${h.revision} ${h.status}`)).toEqual(['1 superseded', '2 superseded', '3 deployed']);

    ok(await helm(sim, major, ['uninstall', 'rel']));
    expect(sim.store.get('configmaps', 'default', 'rel-cm')).toBeUndefined();
    expect(sim.store.get('services', 'default', 'rel-svc')).toBeUndefined();
    expect(sim.store.list('secrets', { labelSelector: 'owner=helm' }).items).toEqual([]);
    const stats = sim.stats();
    expect(Object.keys(stats.byUserAgent).some((ua) => ua.startsWith('helm/') || ua.startsWith('Helm/'))).toBe(true);
  });

  it('installs into a new namespace with --create-namespace and lists releases across namespaces', async () => {
    ok(await helm(sim, major, ['install', 'other', chart, '-n', 'team-a', '--create-namespace']));
    expect(sim.store.get('namespaces', undefined, 'team-a')).toMatchObject({ status: { phase: 'Active' } });
    expect(sim.store.get('configmaps', 'team-a', 'other-cm')).toBeDefined();
    ok(await helm(sim, major, ['install', 'here', chart]));
    const list = JSON.parse(ok(await helm(sim, major, ['list', '-A', '-o', 'json']))) as Array<{ name: string; namespace: string; status: string }>;
    expect(list.map((r) => `${r.namespace}/${r.name} ${r.status}`).sort()).toEqual(['default/here deployed', 'team-a/other deployed']);
    expect(ok(await helm(sim, major, ['get', 'values', 'other', '-n', 'team-a', '--all', '-o', 'json']))).toContain('"greeting":"hello"');
  });

  it('works with HELM_DRIVER=configmap', async () => {
    const env = { HELM_DRIVER: 'configmap' };
    ok(await helm(sim, major, ['install', 'cmrel', chart], env));
    ok(await helm(sim, major, ['upgrade', 'cmrel', chart, '--set', 'greeting=hi'], env));
    const records = sim.store.list('configmaps', { labelSelector: 'owner=helm,name=cmrel' }).items;
    expect(records.map((r) => `${r.metadata.name} ${r.metadata.labels?.status}`)).toEqual(['sh.helm.release.v1.cmrel.v1 superseded', 'sh.helm.release.v1.cmrel.v2 deployed']);
    expect(sim.store.get('configmaps', 'default', 'cmrel-cm')?.data).toMatchObject({ greeting: 'hi' });
    expect(ok(await helm(sim, major, ['history', 'cmrel'], env))).toMatch(/2\s+.*deployed/);
    ok(await helm(sim, major, ['uninstall', 'cmrel'], env));
    expect(sim.store.list('configmaps', { labelSelector: 'owner=helm' }).items).toEqual([]);
  });
});

const crdChartFiles = {
  'Chart.yaml': 'apiVersion: v2\nname: widgets\nversion: 0.1.0\n',
  'values.yaml': 'size: 1\n',
  'crds/widgets.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`,
  'templates/widget.yaml': `apiVersion: example.com/v1
kind: Widget
metadata:
  name: {{ .Release.Name }}-w
spec:
  size: {{ .Values.size }}
`,
};

describe.each([3, 4] as HelmMajor[])('helm %i with a CustomResourceDefinition', (major) => {
  it('installs the CRD then a custom resource of the new kind, upgrades with --wait and rolls back', async () => {
    const crdChart = writeChart(sim.dir, 'widgets', crdChartFiles);
    ok(await helm(sim, major, ['upgrade', '--install', 'wd', crdChart, '--wait', '--timeout', '60s']));
    expect(sim.store.resourceType('widgets.example.com')).toMatchObject({ kind: 'Widget', namespaced: true });
    expect(sim.store.get('widgets.example.com', 'default', 'wd-w')?.spec).toEqual({ size: 1 });
    ok(await helm(sim, major, ['upgrade', 'wd', crdChart, '--set', 'size=5', '--wait']));
    expect(sim.store.get('widgets.example.com', 'default', 'wd-w')?.spec).toEqual({ size: 5 });
    ok(await helm(sim, major, ['rollback', 'wd']));
    expect(sim.store.get('widgets.example.com', 'default', 'wd-w')?.spec).toEqual({ size: 1 });
    expect(ok(await kubectl(sim, ['get', 'wd', '-o', 'name'], major)).trim()).toBe('widget.example.com/wd-w');
  });
});

describe.each([3, 4] as HelmMajor[])('kubectl of helm %i against kube-sim', (major) => {
  it('gets ConfigMaps and Services as server-side Tables', async () => {
    ok(await helm(sim, major, ['install', 'k', chart]));
    const out = ok(await kubectl(sim, ['get', 'cm,svc'], major));
    expect(out).toMatch(/configmap\/k-cm/);
    expect(out).toMatch(/service\/k-svc/);
    expect(out).toMatch(/service\/kubernetes/);
    const json = JSON.parse(ok(await kubectl(sim, ['get', 'svc', 'k-svc', '-o', 'json'], major))) as { spec: { clusterIP: string } };
    expect(json.spec.clusterIP).toMatch(/^10\./);
  });

  it('creates objects imperatively (typed clients send protobuf bodies)', async () => {
    ok(await kubectl(sim, ['create', 'namespace', 'team'], major));
    expect(sim.store.get('namespaces', undefined, 'team')).toMatchObject({ status: { phase: 'Active' } });
    ok(await kubectl(sim, ['-n', 'team', 'create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3', '--port=80'], major));
    const deploy = sim.store.get('deployments.apps', 'team', 'web');
    expect(deploy?.spec).toMatchObject({
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
    });
    ok(await kubectl(sim, ['-n', 'team', 'run', 'once', '--image=busybox', '--restart=Never', '--env=A=1', '--', 'sleep', '1'], major));
    expect(sim.store.get('pods', 'team', 'once')?.spec).toMatchObject({ restartPolicy: 'Never', containers: [{ name: 'once', image: 'busybox', args: ['sleep', '1'], env: [{ name: 'A', value: '1' }] }] });
    ok(await kubectl(sim, ['-n', 'team', 'create', 'service', 'nodeport', 'np', '--tcp=80:8080'], major));
    expect((sim.store.get('services', 'team', 'np')?.spec as { ports: Array<{ nodePort: number; targetPort: unknown }> }).ports[0]).toMatchObject({ targetPort: 8080, nodePort: expect.any(Number) });
  });

  it('streams changes with get -w', async () => {
    const child = spawn(kubectlBinary(major), ['get', 'configmaps', '-w'], { env: helmEnv(sim, major), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      // The initial list arrives first (kube-root-ca.crt does not exist here, so wait for the seeded object).
      sim.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before', namespace: 'default' } });
      await waitFor(`initial output (stderr: ${err})`, () => out.includes('before'), 20_000);
      sim.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'streamed', namespace: 'default' } });
      await waitFor('streamed line', () => out.includes('streamed'), 20_000);
      expect(out.split('\n')[0]).toMatch(/^NAME\s+DATA\s+AGE|^NAME\s+AGE/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
