/**
 * Releases whose pods cannot run, installed with the real helm over kube-sim (10x), read back with the real
 * kubectl: a memory request no node can hold stays Pending (PodScheduled False / Unschedulable, a
 * FailedScheduling event from default-scheduler); a missing ConfigMap gives CreateContainerConfigError until it
 * is created. In both cases helm's --wait runs into its timeout. One major each: this is simulator behaviour.
 */
import { helm, kubectl, withSim, writeChart, type TestSim } from '../helpers.js';
import { condition, failed, ok, podsOf, releaseRecords, until, webChart, type Json } from './support.js';

let sim: TestSim;
beforeEach(async () => {
  sim = await withSim({ timeScale: 10 });
});
afterEach(async () => {
  await sim.stop();
});

it('a Deployment requesting more memory than any node: Pending, Unschedulable, FailedScheduling; helm 4 --wait times out', async () => {
  const chart = writeChart(sim.dir, 'web', webChart);
  const install = await helm(sim, 4, ['install', 'big', chart, '--set', 'memory=64Gi,replicas=1', '--wait', '--timeout', '4s']);
  expect(failed(install)).toMatch(/INSTALLATION FAILED/);
  expect(install.stderr).toMatch(/context deadline exceeded|timed out|not ready/i);
  expect(releaseRecords(sim, 'big')).toEqual(['1 failed']);

  const pods = JSON.parse(ok(await kubectl(sim, ['get', 'pods', '-l', 'app=big', '-o', 'json'], 4))) as { items: Json[] };
  expect(pods.items).toHaveLength(1);
  const pod = pods.items[0];
  expect(pod.spec.nodeName).toBeUndefined();
  expect(pod.status.phase).toBe('Pending');
  expect(pod.status.containerStatuses).toBeUndefined();
  const scheduled = (pod.status.conditions as Json[]).find((c) => c.type === 'PodScheduled');
  expect(scheduled).toMatchObject({ status: 'False', reason: 'Unschedulable', lastProbeTime: null });
  expect(scheduled?.message).toBe(
    '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
  );
  expect(pod.status.conditions).toHaveLength(1);

  const table = ok(await kubectl(sim, ['get', 'pods', '-l', 'app=big'], 4)).trim().split('\n');
  expect(table[1]).toMatch(/^big-[a-z0-9]+-[a-z0-9]{5}\s+0\/1\s+Pending\s+0\s+\d+s$/);

  const events = JSON.parse(ok(await kubectl(sim, ['get', 'events', '-o', 'json'], 4))) as { items: Json[] };
  const failedScheduling = events.items.filter((e) => e.reason === 'FailedScheduling' && e.involvedObject.name === pod.metadata.name);
  expect(failedScheduling.length).toBeGreaterThanOrEqual(1);
  expect(failedScheduling[0]).toMatchObject({ type: 'Warning', involvedObject: { kind: 'Pod', namespace: 'default', uid: pod.metadata.uid } });
  expect(failedScheduling[0].message).toBe(scheduled?.message);
  expect(failedScheduling[0].reportingComponent ?? failedScheduling[0].source?.component).toBe('default-scheduler');

  const describe = ok(await kubectl(sim, ['describe', 'pod', pod.metadata.name], 4));
  expect(describe).toMatch(/Status:\s+Pending/);
  expect(describe).toMatch(/Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/3 nodes are available: 3 Insufficient memory\./);
});

it('a Deployment referencing a missing ConfigMap: CreateContainerConfigError until it exists; helm 3 --wait times out', async () => {
  const chart = writeChart(sim.dir, 'web', webChart);
  const install = await helm(sim, 3, ['install', 'cfg', chart, '--set', 'configMapRef=settings,replicas=1', '--wait', '--timeout', '4s']);
  expect(failed(install)).toMatch(/INSTALLATION FAILED: context deadline exceeded/);
  expect(releaseRecords(sim, 'cfg')).toEqual(['1 failed']);

  const pods = JSON.parse(ok(await kubectl(sim, ['get', 'pods', '-l', 'app=cfg', '-o', 'json'], 3))) as { items: Json[] };
  expect(pods.items).toHaveLength(1);
  const pod = pods.items[0];
  expect(pod.status.phase).toBe('Pending');
  expect(pod.status.containerStatuses).toEqual([
    {
      image: 'nginx:1.27',
      imageID: '',
      lastState: {},
      name: 'app',
      ready: false,
      restartCount: 0,
      started: false,
      state: { waiting: { message: 'configmap "settings" not found', reason: 'CreateContainerConfigError' } },
    },
  ]);
  expect((pod.status.conditions as Json[]).find((c) => c.type === 'Ready')).toMatchObject({
    status: 'False',
    reason: 'ContainersNotReady',
    message: 'containers with unready status: [app]',
  });
  expect((pod.status.conditions as Json[]).find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'True' });

  const table = ok(await kubectl(sim, ['get', 'pods', '-l', 'app=cfg'], 3)).trim().split('\n');
  expect(table[0].split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
  expect(table[1]).toMatch(/^cfg-[a-z0-9]+-[a-z0-9]{5}\s+0\/1\s+CreateContainerConfigError\s+0\s+\d+s$/);

  const events = JSON.parse(ok(await kubectl(sim, ['get', 'events', '-o', 'json'], 3))) as { items: Json[] };
  const configError = events.items.find((e) => e.reason === 'Failed' && e.involvedObject.name === pod.metadata.name);
  expect(configError).toMatchObject({ type: 'Warning', message: 'Error: configmap "settings" not found', source: { component: 'kubelet' } });

  // The kubelet picks the ConfigMap up and starts the container.
  ok(await kubectl(sim, ['create', 'configmap', 'settings', '--from-literal=k=v'], 3));
  await until(sim, 'the pod Ready once the ConfigMap exists', () => (podsOf(sim, 'cfg').some((p) => condition(p, 'Ready')?.status === 'True') ? true : undefined));
  const table2 = ok(await kubectl(sim, ['get', 'pods', '-l', 'app=cfg', '--no-headers'], 3)).trim();
  expect(table2).toMatch(/^cfg-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+\d+s$/);
});

it('crash-after-60s: helm 3 --wait succeeds, then the pods crash and the Deployment loses availability while helm still says deployed', async () => {
  const chart = writeChart(sim.dir, 'web', webChart);
  ok(await helm(sim, 3, ['install', 'late', chart, '--set', 'image=crash-after-60s:1', '--wait', '--timeout', '30s']));
  const deployed = sim.store.get('deployments.apps', 'default', 'late');
  expect(condition(deployed, 'Available')?.status).toBe('True');

  // 60 scripted seconds later (6 s at 10x) the containers exit 1: availability drops below the minimum.
  const degraded = await until(sim, 'Available=False after the crash', () => {
    const d = sim.store.get('deployments.apps', 'default', 'late');
    return condition(d, 'Available')?.status === 'False' ? d : undefined;
  });
  expect(condition(degraded, 'Available')).toMatchObject({ reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
  // Just exited (state.terminated) or already restarted (lastState.terminated).
  const crashed = podsOf(sim, 'late').find((p) => {
    const cs = (p.status as Json).containerStatuses?.[0] as Json | undefined;
    return (cs?.state?.terminated ?? cs?.lastState?.terminated)?.exitCode === 1;
  });
  expect(crashed).toBeDefined();
  expect(ok(await helm(sim, 3, ['status', 'late']))).toMatch(/STATUS: deployed/);
  const table = ok(await kubectl(sim, ['get', 'deploy', 'late', '--no-headers'], 3));
  expect(table).toMatch(/^late\s+[01]\/2\s+2\s+[01]\s+\d+s\n$/);
});
