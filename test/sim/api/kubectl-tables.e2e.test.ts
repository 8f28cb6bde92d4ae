/** The real kubectl prints kube-sim's server-side Tables as it prints a real cluster's. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl, withSim, type TestSim } from '../helpers.js';

describe('kubectl get against server-side Tables', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await withSim({ workloads: false });
    const now = new Date(Date.now() - 192_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    sim.store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    sim.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { a: '1', b: '2' } } as never);
    const pod = sim.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'crashloop:1' }] } });
    sim.store.update('pods', {
      ...pod,
      status: {
        phase: 'Running',
        podIP: '10.244.0.7',
        podIPs: [{ ip: '10.244.0.7' }],
        containerStatuses: [{
          name: 'app', ready: false, restartCount: 4, image: 'crashloop:1', imageID: '', started: false,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now } },
        }],
      },
    }, { subresource: 'status' });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('get pods shows READY, STATUS, RESTARTS and AGE; -o wide adds IP and NODE', async () => {
    const plain = await kubectl(sim, ['get', 'pods']);
    expect(plain.stderr).toBe('');
    const lines = plain.stdout.trim().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(lines[1]).toMatch(/^web-1\s+0\/1\s+CrashLoopBackOff\s+4 \(3m1[0-9]s ago\)\s+\d+s$/);
    const wide = await kubectl(sim, ['get', 'pods', '-o', 'wide']);
    expect(wide.stdout.split('\n')[0].split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    expect(wide.stdout).toContain('10.244.0.7');
  });

  it('get svc,cm prints each kind with its columns', async () => {
    const out = await kubectl(sim, ['get', 'svc,cm']);
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/);
    expect(out.stdout).toMatch(/service\/web\s+ClusterIP\s+\S+\s+<none>\s+80\/TCP\s+\d+s/);
    expect(out.stdout).toMatch(/NAME\s+DATA\s+AGE/);
    expect(out.stdout).toMatch(/configmap\/cfg\s+2\s+\d+s/);
  });
});
