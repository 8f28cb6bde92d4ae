/**
 * A chart with a pre-upgrade hook Job, with the real helm 3 and 4 over kube-sim (10x): a succeeding hook runs to
 * Complete before the Deployment is touched; a hook whose image fails ends the Job with BackoffLimitExceeded,
 * the upgrade fails, the release revision is marked failed and the Deployment is left as it was.
 */
import type { HelmMajor } from '../../../src/toolchain/binaries.js';
import { helm, kubectl, withSim, writeChart, type TestSim } from '../helpers.js';
import { condition, failed, ok, releaseRecords, webChart, type Json } from './support.js';

const hookChart: Record<string, string> = {
  ...webChart,
  'values.yaml': `${webChart['values.yaml']}hookImage: busybox:1.36\n`,
  'templates/pre-upgrade.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-upgrade
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: {{ .Values.hookImage }}
`,
};

const imageOf = (sim: TestSim) => (sim.store.get('deployments.apps', 'default', 'shop')?.spec as Json).template.spec.containers[0].image as string;

describe.each([3, 4] as HelmMajor[])('helm %i: pre-upgrade hook Job', (major) => {
  let sim: TestSim;
  beforeEach(async () => {
    sim = await withSim({ timeScale: 10 });
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('a succeeding hook completes before the Deployment changes; a failing hook fails the upgrade', async () => {
    const chart = writeChart(sim.dir, 'web', hookChart);
    ok(await helm(sim, major, ['install', 'shop', chart, '--wait', '--timeout', '60s']));
    // pre-upgrade hooks do not run on install.
    expect(sim.store.get('jobs.batch', 'default', 'shop-migrate')).toBeUndefined();

    // Record the order in which the hook Job completes and the Deployment's template changes.
    const order: string[] = [];
    const unsubscribe = sim.store.subscribe((e) => {
      if (e.resource.startsWith('jobs') && condition(e.object, 'Complete')?.status === 'True' && !order.includes('hook complete')) order.push('hook complete');
      if (e.resource.startsWith('deployments') && (e.object.spec as Json).template.spec.containers[0].image === 'nginx:1.28' && !order.includes('deployment updated'))
        order.push('deployment updated');
    });
    try {
      ok(await helm(sim, major, ['upgrade', 'shop', chart, '--set', 'image=nginx:1.28', '--wait', '--timeout', '60s']));
    } finally {
      unsubscribe();
    }
    expect(order).toEqual(['hook complete', 'deployment updated']);
    const job = sim.store.get('jobs.batch', 'default', 'shop-migrate');
    expect(job?.status).toMatchObject({ succeeded: 1 });
    expect(condition(job, 'Complete')).toMatchObject({ status: 'True', reason: 'CompletionsReached' });
    expect(releaseRecords(sim, 'shop')).toEqual(['1 superseded', '2 deployed']);

    const bad = await helm(sim, major, ['upgrade', 'shop', chart, '--set', 'image=nginx:1.29,hookImage=fail:1', '--wait', '--timeout', '60s']);
    expect(failed(bad)).toMatch(/UPGRADE FAILED/);
    expect(bad.stderr).toMatch(/pre-upgrade hooks failed/);
    // helm 3 reports the Job's Failed condition reason; helm 4's kstatus reports the Job status.
    expect(bad.stderr).toMatch(major === 3 ? /job shop-migrate failed: BackoffLimitExceeded/ : /Job\/default\/shop-migrate not ready\. status: Failed, message: Job Failed\. failed: 1\/1/);
    const failedJob = sim.store.get('jobs.batch', 'default', 'shop-migrate');
    expect((failedJob?.spec as Json).template.spec.containers[0].image).toBe('fail:1');
    expect(condition(failedJob, 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    expect(failedJob?.status).toMatchObject({ failed: 1 });
    const jobPods = JSON.parse(ok(await kubectl(sim, ['get', 'pods', '-l', 'job-name=shop-migrate', '-o', 'json'], major))) as { items: Json[] };
    expect(jobPods.items).toHaveLength(1);
    expect(jobPods.items[0].status.phase).toBe('Failed');
    expect(jobPods.items[0].status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    // The hook failed before the manifests were applied.
    expect(imageOf(sim)).toBe('nginx:1.28');
    expect(releaseRecords(sim, 'shop')).toEqual(['1 superseded', '2 deployed', '3 failed']);
    expect(ok(await helm(sim, major, ['status', 'shop']))).toMatch(/STATUS: failed/);
  });
});
