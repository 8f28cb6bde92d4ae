import type { HelmMajor } from '../../../src/toolchain/binaries.js';
import { helm, kubectl, withSim, writeChart, type TestSim } from '../helpers.js';

const chartFiles = {
  'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'values.yaml': 'image: nginx:1.27\nreplicas: 2\n',
  'templates/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
      - name: web
        image: {{ .Values.image }}
        ports: [{containerPort: 80}]
`,
};

let sim: TestSim;
beforeEach(async () => {
  sim = await withSim({ timeScale: 10 });
});
afterEach(async () => {
  await sim.stop();
});

function ok(r: { code: number | null; stdout: string; stderr: string }): string {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

describe.each([3, 4] as HelmMajor[])('helm %i --wait on a Deployment (controllers, scheduler and kubelet running)', (major) => {
  it('waits until the pods are ready; kubectl sees Running pods and a finished rollout', async () => {
    const chart = writeChart(sim.dir, 'web', chartFiles);
    ok(await helm(sim, major, ['upgrade', '--install', 'web', chart, '--wait', '--timeout', '60s']));
    const deploy = sim.store.get('deployments.apps', 'default', 'web');
    expect(deploy?.status).toMatchObject({ readyReplicas: 2, updatedReplicas: 2, observedGeneration: deploy?.metadata.generation });
    const pods = ok(await kubectl(sim, ['get', 'pods', '--no-headers'], major)).trim().split('\n');
    expect(pods).toHaveLength(2);
    for (const line of pods) expect(line).toMatch(/^web-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+/);
    expect(ok(await kubectl(sim, ['rollout', 'status', 'deploy/web', '--timeout', '20s'], major))).toMatch(/successfully rolled out/);
  });
});

describe('kubectl logs (pods/log)', () => {
  it('answers with what the simulated kubelet knows, and the API server errors for missing or waiting containers', async () => {
    sim.store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'two', namespace: 'default' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'job', image: 'busybox:1' }] },
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('pod never ran')), 20_000);
      const check = () => {
        const statuses = ((sim.store.get('pods', 'default', 'two')?.status ?? {}) as { containerStatuses?: Array<{ name: string; state?: { terminated?: unknown } }> }).containerStatuses ?? [];
        if (statuses.some((c) => c.name === 'job' && c.state?.terminated)) {
          clearTimeout(timer);
          unsubscribe();
          resolve();
        }
      };
      const unsubscribe = sim.store.subscribe(check);
      check();
    });
    const missing = await fetch(`${sim.url}/api/v1/namespaces/default/pods/two/log`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toBe('a container name must be specified for pod two, choose one of: [app job]');
    // kubectl picks the first container itself when none is named.
    expect(ok(await kubectl(sim, ['logs', 'two']))).toMatch(/^kube-sim: container app \(image nginx:1\.27\) started\n/);
    const job = ok(await kubectl(sim, ['logs', 'two', '-c', 'job']));
    expect(job).toMatch(/^kube-sim: container job \(image busybox:1\) started\nkube-sim: container job exited with code 0 \(Completed\)\n$/);
    const bad = await kubectl(sim, ['logs', 'two', '-c', 'nope']);
    expect(bad.stderr).toMatch(/container nope is not valid for pod two/);
  });
});

describe('kubectl logs -f', () => {
  it('streams until the running container exits', async () => {
    sim.store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'brief', namespace: 'default' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'crash-after-20s:1' }] },
    });
    const running = () => ((sim.store.get('pods', 'default', 'brief')?.status ?? {}) as { containerStatuses?: Array<{ state?: { running?: unknown } }> }).containerStatuses?.[0]?.state?.running;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('pod never ran')), 20_000);
      const check = () => {
        if (!running()) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      };
      const unsubscribe = sim.store.subscribe(check);
      check();
    });
    // crash-after-20s at time scale 10: the container exits about 2 s after it started, ending the stream.
    const followed = ok(await kubectl(sim, ['logs', '-f', 'brief']));
    expect(followed).toMatch(/^kube-sim: container app \(image crash-after-20s:1\) started\nkube-sim: container app exited with code 1 \(Error\)\n$/);
  });
});
