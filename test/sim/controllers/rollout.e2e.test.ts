import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helm, kubectl, withSim, writeChart, type TestSim } from '../helpers.js';

/** The real kubectl and helm judge rollouts driven by these controllers (with scheduler and kubelet) over HTTP. */
let sim: TestSim;
beforeEach(async () => {
  sim = await withSim({ timeScale: 10 });
});
afterEach(async () => {
  await sim.stop();
});

const manifest = (image: string, deadline = 600) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  progressDeadlineSeconds: ${deadline}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
`;

function ok(r: { code: number | null; stdout: string; stderr: string }): string {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

it('kubectl rollout status succeeds on a healthy rollout and fails on the progress deadline', async () => {
  const file = join(sim.dir, 'web.yaml');
  writeFileSync(file, manifest('nginx:1.25', 60));
  ok(await kubectl(sim, ['apply', '-f', file]));
  const healthy = ok(await kubectl(sim, ['rollout', 'status', 'deployment/web', '--timeout=60s']));
  expect(healthy).toContain('successfully rolled out');

  writeFileSync(file, manifest('unready:1', 60));
  ok(await kubectl(sim, ['apply', '-f', file]));
  const stuck = await kubectl(sim, ['rollout', 'status', 'deployment/web', '--timeout=60s']);
  expect(stuck.code).not.toBe(0);
  expect(stuck.stderr).toContain('exceeded its progress deadline');
  const rs = ok(await kubectl(sim, ['get', 'rs', '-o', 'name']));
  expect(rs.trim().split('\n')).toHaveLength(2);
}, 120_000);

it.each([3, 4] as const)('helm %i install --wait succeeds; upgrade --wait to a never-ready image times out', async (major) => {
  const chart = writeChart(sim.dir, `web-h${major}`, {
    'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'values.yaml': 'image: nginx:1.25\n',
    'templates/deploy.yaml': manifest('{{ .Values.image }}'),
  });
  ok(await helm(sim, major, ['install', 'web', chart, '--wait', '--timeout', '60s']));
  const failed = await helm(sim, major, ['upgrade', 'web', chart, '--set', 'image=unready:1', '--wait', '--timeout', '5s']);
  expect(failed.code).not.toBe(0);
  expect(failed.stderr).toMatch(/context deadline exceeded|timed out|not ready|Progressing|resource not ready/i);
  ok(await helm(sim, major, ['rollback', 'web', '1', '--wait', '--timeout', '60s']));
  const rsList = JSON.parse(ok(await kubectl(sim, ['get', 'rs', '-o', 'json']))) as { items: Array<{ metadata: { annotations: Record<string, string> }; spec: { replicas: number } }> };
  const active = rsList.items.filter((r) => r.spec.replicas > 0);
  expect(active).toHaveLength(1);
  expect(active[0].metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
}, 180_000);

const workloads = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: 2
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: db
        image: {{ .Values.dbImage }}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: agent:1
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: {{ .Values.jobImage }}
`;

it.each([3, 4] as const)('helm %i: a StatefulSet, a DaemonSet and a hook Job; a failing hook fails the upgrade', async (major) => {
  const chart = writeChart(sim.dir, `wl-h${major}`, {
    'Chart.yaml': 'apiVersion: v2\nname: wl\nversion: 0.1.0\n',
    'values.yaml': 'dbImage: postgres:16\njobImage: busybox:1\n',
    'templates/all.yaml': workloads,
  });
  ok(await helm(sim, major, ['install', 'wl', chart, '--wait', '--timeout', '90s']));
  const sts = JSON.parse(ok(await kubectl(sim, ['get', 'sts', 'db', '-o', 'json']))) as { status: Record<string, unknown> };
  expect(sts.status).toMatchObject({ readyReplicas: 2, updatedReplicas: 2 });
  const job = JSON.parse(ok(await kubectl(sim, ['get', 'job', 'migrate', '-o', 'json']))) as { status: { conditions: Array<{ type: string }> } };
  expect(job.status.conditions.map((c) => c.type)).toEqual(['SuccessCriteriaMet', 'Complete']);

  ok(await helm(sim, major, ['upgrade', 'wl', chart, '--set', 'dbImage=postgres:17', '--wait', '--timeout', '90s']));
  const pods = JSON.parse(ok(await kubectl(sim, ['get', 'pods', '-l', 'app=db', '-o', 'json']))) as { items: Array<{ spec: { containers: Array<{ image: string }> } }> };
  expect(pods.items.map((p) => p.spec.containers[0].image)).toEqual(['postgres:17', 'postgres:17']);

  const failed = await helm(sim, major, ['upgrade', 'wl', chart, '--set', 'jobImage=fail:1', '--wait', '--timeout', '90s']);
  expect(failed.code).not.toBe(0);
  expect(failed.stderr).toMatch(/BackoffLimitExceeded|failed/i);
}, 240_000);
