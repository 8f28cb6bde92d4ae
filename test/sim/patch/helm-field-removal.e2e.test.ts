/**
 * The real helm 3 (three-way strategic merge patch) and helm 4 (server-side apply) against kube-sim: fields a chart
 * drops on upgrade are really removed from the live objects, and rollbacks bring them back and remove them again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { helm, withSim, writeChart, type TestSim } from '../helpers.js';

const deploymentTemplate = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
    {{- if .Values.extra }}
    tier: extra
    {{- end }}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: app
          image: nginx:1.25
          {{- if .Values.extra }}
          args: ["--a", "--b"]
          {{- end }}
          env:
            - name: A
              value: "1"
            {{- if .Values.extra }}
            - name: B
              value: "2"
            {{- end }}
          ports:
            - containerPort: 80
            {{- if .Values.extra }}
            - containerPort: 9090
            {{- end }}
          volumeMounts:
            - name: cfg
              mountPath: /etc/cfg
            {{- if .Values.extra }}
            - name: data
              mountPath: /data
            {{- end }}
      volumes:
        - name: cfg
          emptyDir: {}
        {{- if .Values.extra }}
        - name: data
          emptyDir: {}
        {{- end }}
`;

const serviceTemplate = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
    {{- if .Values.extra }}
    - name: metrics
      port: 9090
    {{- end }}
`;

interface Shape {
  labels: Record<string, string>;
  args: unknown;
  env: string[];
  ports: number[];
  mounts: string[];
  volumes: string[];
  servicePorts: number[];
}

function shape(sim: TestSim): Shape {
  const d = sim.store.get('deployments.apps', 'default', 'web') as any;
  const s = sim.store.get('services', 'default', 'web') as any;
  const c = d.spec.template.spec.containers[0];
  return {
    labels: d.metadata.labels,
    args: c.args,
    env: (c.env ?? []).map((e: any) => e.name),
    ports: (c.ports ?? []).map((p: any) => p.containerPort),
    mounts: (c.volumeMounts ?? []).map((m: any) => m.mountPath),
    volumes: (d.spec.template.spec.volumes ?? []).map((v: any) => v.name),
    servicePorts: (s.spec.ports ?? []).map((p: any) => p.port),
  };
}

const withExtra: Shape = {
  labels: expect.objectContaining({ app: 'web', tier: 'extra' }) as unknown as Record<string, string>,
  args: ['--a', '--b'], env: ['A', 'B'], ports: [80, 9090], mounts: ['/etc/cfg', '/data'], volumes: ['cfg', 'data'], servicePorts: [80, 9090],
};
const without: Shape = {
  labels: expect.not.objectContaining({ tier: expect.anything() }) as unknown as Record<string, string>,
  args: undefined, env: ['A'], ports: [80], mounts: ['/etc/cfg'], volumes: ['cfg'], servicePorts: [80],
};

describe.each([3, 4] as const)('helm %i: fields dropped by an upgrade are removed, rollbacks restore and remove them', (major) => {
  let sim: TestSim;
  let chart: string;
  beforeAll(async () => {
    sim = await withSim({ workloads: false });
    chart = writeChart(sim.dir, 'web', {
      'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'values.yaml': 'extra: true\n',
      'templates/deployment.yaml': deploymentTemplate,
      'templates/service.yaml': serviceTemplate,
    });
  });
  afterAll(async () => {
    await sim.stop();
  });

  const ok = async (args: string[]) => {
    const result = await helm(sim, major, args);
    if (result.code !== 0) throw new Error(`helm ${args.join(' ')} failed: ${result.stderr}`);
  };

  it('install, upgrade without the extras, rollback to 1, rollback to 2', async () => {
    await ok(['install', 'r', chart]);
    expect(shape(sim)).toEqual(withExtra);
    // helm 3 creates with POST (an Update entry), helm 4 with server-side apply (an Apply entry).
    const managed = (sim.store.get('deployments.apps', 'default', 'web')!.metadata.managedFields ?? []) as Array<{ manager: string; operation: string }>;
    expect(managed.map((e) => `${e.manager}/${e.operation}`)).toEqual([major === 3 ? 'helm/Update' : 'helm/Apply']);

    await ok(['upgrade', 'r', chart, '--set', 'extra=false']);
    expect(shape(sim)).toEqual(without);

    await ok(['rollback', 'r', '1']);
    expect(shape(sim)).toEqual(withExtra);

    await ok(['rollback', 'r', '2']);
    expect(shape(sim)).toEqual(without);
  });

  it('fields added by someone else (kubectl-style patch) survive helm upgrades', async () => {
    const d = sim.store.get('deployments.apps', 'default', 'web')!;
    const annotated = structuredClone(d);
    (annotated.spec as any).template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' };
    sim.store.update('deployments.apps', annotated);
    await ok(['upgrade', 'r', chart, '--set', 'extra=true']);
    const after = sim.store.get('deployments.apps', 'default', 'web') as any;
    expect(after.spec.template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' });
    expect(shape(sim)).toEqual(withExtra);
  });
});

describe.each([
  ['auto (keeps the release\'s client-side apply: strategic merge patch)', [], 'helm/Update'],
  ['true (migrates helm 3\'s managedFields, then applies)', ['--server-side=true'], 'helm/Apply'],
])('helm 3 install, then helm 4 upgrade with --server-side=%s', (_name, flags, entry) => {
  let sim: TestSim;
  let chart: string;
  beforeAll(async () => {
    sim = await withSim({ workloads: false });
    chart = writeChart(sim.dir, 'web', {
      'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'values.yaml': 'extra: true\n',
      'templates/deployment.yaml': deploymentTemplate,
      'templates/service.yaml': serviceTemplate,
    });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('takes over helm 3 objects without conflicts and removes what the chart dropped', async () => {
    const install = await helm(sim, 3, ['install', 'r', chart]);
    expect(install.stderr).toBe('');
    expect(install.code).toBe(0);
    const upgrade = await helm(sim, 4, ['upgrade', 'r', chart, '--set', 'extra=false', ...flags]);
    expect(upgrade.stderr).toBe('');
    expect(upgrade.code).toBe(0);
    expect(shape(sim)).toEqual(without);
    const managed = (sim.store.get('deployments.apps', 'default', 'web')!.metadata.managedFields ?? []) as Array<{ manager: string; operation: string }>;
    expect(managed.map((e) => `${e.manager}/${e.operation}`)).toEqual([entry]);
  });
});
