/**
 * DaemonSet and Job charts with the real helm 3 and 4 over kube-sim (10x): install --wait --wait-for-jobs returns
 * once the DaemonSet runs on every node and the Job completed; a DaemonSet upgrade rolls out; changing a Job's pod
 * template is rejected as immutable, as a real API server does; a failing Job fails the install before the timeout.
 */
import type { HelmMajor } from '../../../src/toolchain/binaries.js';
import { helm, kubectl, withSim, writeChart, type TestSim } from '../helpers.js';
import { condition, extremesDuring, failed, ok, podsOf, releaseRecords, timed, type Json } from './support.js';

const chartFiles: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: node-agent\nversion: 0.1.0\n',
  'values.yaml': 'image: agent:1.0\njobImage: busybox:1.36\n',
  'templates/daemonset.yaml': `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {{ .Release.Name }}-agent
spec:
  selector:
    matchLabels: {app: {{ .Release.Name }}-agent}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}-agent}
    spec:
      containers:
      - name: agent
        image: {{ .Values.image }}
        readinessProbe:
          exec: {command: [cat, /tmp/ready]}
          initialDelaySeconds: 2
          periodSeconds: 2
`,
  'templates/job.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-setup
spec:
  backoffLimit: 0
  template:
    metadata:
      labels: {app: {{ .Release.Name }}-setup}
    spec:
      restartPolicy: Never
      containers:
      - name: setup
        image: {{ .Values.jobImage }}
`,
};

describe.each([3, 4] as HelmMajor[])('helm %i: DaemonSet and Job chart', (major) => {
  let sim: TestSim;
  beforeEach(async () => {
    sim = await withSim({ timeScale: 10 });
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('install --wait --wait-for-jobs, DaemonSet upgrade, immutable Job template', async () => {
    const chart = writeChart(sim.dir, 'node-agent', chartFiles);
    ok(await helm(sim, major, ['install', 'na', chart, '--wait', '--wait-for-jobs', '--timeout', '60s']));
    const job = sim.store.get('jobs.batch', 'default', 'na-setup');
    expect(condition(job, 'Complete')?.status).toBe('True');
    expect(job?.status).toMatchObject({ succeeded: 1 });
    const ds = sim.store.get('daemonsets.apps', 'default', 'na-agent');
    expect(ds?.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3 });
    const nodes = podsOf(sim, 'na-agent').map((p) => (p.spec as Json).nodeName as string).sort();
    expect(nodes).toEqual(['sim-node-1', 'sim-node-2', 'sim-node-3']);

    // maxUnavailable 1 (the default): at most one node at a time without a ready agent.
    const nodesServed = () =>
      new Set(podsOf(sim, 'na-agent').filter((p) => !p.metadata.deletionTimestamp && condition(p, 'Ready')?.status === 'True').map((p) => (p.spec as Json).nodeName)).size;
    const served = await extremesDuring(sim, nodesServed, async () => {
      ok(await helm(sim, major, ['upgrade', 'na', chart, '--set', 'image=agent:1.1', '--wait', '--timeout', '60s']));
    });
    expect(served).toEqual({ min: 2, max: 3 });
    const upgraded = sim.store.get('daemonsets.apps', 'default', 'na-agent');
    expect(upgraded?.status).toMatchObject({ observedGeneration: upgraded?.metadata.generation, updatedNumberScheduled: 3, numberAvailable: 3 });
    expect(podsOf(sim, 'na-agent').filter((p) => !p.metadata.deletionTimestamp).map((p) => (p.spec as Json).containers[0].image)).toEqual(['agent:1.1', 'agent:1.1', 'agent:1.1']);
    expect(ok(await kubectl(sim, ['rollout', 'status', 'daemonset/na-agent', '--timeout', '20s'], major))).toMatch(/daemon set "na-agent" successfully rolled out/);

    // See /work/notes/sim-bugs.md "immutable fields".
    const immutable = await helm(sim, major, ['upgrade', 'na', chart, '--set', 'jobImage=busybox:1.37']);
    expect(failed(immutable)).toMatch(/UPGRADE FAILED/);
    expect(immutable.stderr).toMatch(/field is immutable/);
    expect(releaseRecords(sim, 'na')).toEqual(['1 superseded', '2 deployed', '3 failed']);
  });

  it('a Job whose image fails fails install --wait --wait-for-jobs', async () => {
    const chart = writeChart(sim.dir, 'node-agent', chartFiles);
    // helm 3 treats its own "job is failed" as a retryable wait error (30 retries, every 2 s), so it runs into the
    // timeout; helm 4's watcher reports the Job Failed at once.
    const timeout = major === 3 ? '6s' : '60s';
    const { value: install, ms } = await timed(() => helm(sim, major, ['install', 'bad', chart, '--set', 'jobImage=fail:1', '--wait', '--wait-for-jobs', '--timeout', timeout]));
    expect(failed(install)).toMatch(/INSTALLATION FAILED/);
    if (major === 3) expect(install.stderr).toMatch(/INSTALLATION FAILED: context deadline exceeded/);
    else {
      expect(install.stderr).toMatch(/Job\/default\/bad-setup not ready\. status: Failed/);
      expect(ms).toBeLessThan(30_000);
    }
    expect(condition(sim.store.get('jobs.batch', 'default', 'bad-setup'), 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(releaseRecords(sim, 'bad')).toEqual(['1 failed']);
  });
});
