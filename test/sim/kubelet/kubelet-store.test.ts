import { defaultSimConfig, ensureNodes } from '../../../src/sim/config.js';
import { realClock } from '../../../src/sim/clock.js';
import { startKubelet, type Kubelet } from '../../../src/sim/kubelet/index.js';
import { startScheduler, type Scheduler } from '../../../src/sim/scheduler/index.js';
import { createMemoryStore } from '../../../src/sim/store/memory-store.js';
import type { KubeObject, ObjectStore, StoreEvent } from '../../../src/sim/store/types.js';
import { ManualClock, settle } from './manual-clock.js';

function pod(name: string, image: string, extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image, ...container }], ...extra },
  };
}

const statusOf = (store: ObjectStore, name: string) => store.get('pods', 'default', name)!.status as Record<string, any>;
const eventsFor = (store: ObjectStore, name: string) =>
  store
    .list('events', { namespace: 'default' })
    .items.filter((e) => (e.involvedObject as { name: string }).name === name)
    .map((e) => `${e.type} ${e.reason} ${(e.source as { component: string }).component}: ${e.message}`);

describe('kubelet + scheduler over the memory store (manual clock)', () => {
  let clock: ManualClock;
  let store: ObjectStore;
  let kubelet: Kubelet;
  let scheduler: Scheduler;

  beforeEach(() => {
    clock = new ManualClock();
    store = createMemoryStore({ clock });
    ensureNodes(store, defaultSimConfig(), clock.now());
    scheduler = startScheduler(store, clock);
    kubelet = startKubelet(store, clock, { images: [], pullSeconds: 0.8 });
  });
  afterEach(() => {
    kubelet.stop();
    scheduler.stop();
  });

  it('schedules, pulls, starts and reports a healthy pod Running and Ready', async () => {
    store.create('pods', pod('web', 'nginx:1.25'));
    await settle();
    const bound = store.get('pods', 'default', 'web')!;
    const nodeName = (bound.spec as { nodeName: string }).nodeName;
    expect(nodeName).toMatch(/^sim-node-[123]$/);
    expect(statusOf(store, 'web').conditions.find((c: any) => c.type === 'PodScheduled')).toMatchObject({ status: 'True' });
    await clock.advance(5000);
    const status = statusOf(store, 'web');
    expect(status.phase).toBe('Running');
    expect(status.conditions.map((c: any) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    const n = Number(nodeName.slice(-1));
    expect(status.hostIP).toBe(`192.168.49.${n + 1}`);
    expect(status.podIP).toBe(`10.244.${n - 1}.2`);
    expect(status.qosClass).toBe('BestEffort');
    expect(status.containerStatuses[0]).toMatchObject({ ready: true, started: true, restartCount: 0, image: 'docker.io/library/nginx:1.25' });
    expect(eventsFor(store, 'web')).toEqual([
      `Normal Scheduled default-scheduler: Successfully assigned default/web to ${nodeName}`,
      'Normal Pulling kubelet: Pulling image "nginx:1.25"',
      expect.stringMatching(/^Normal Pulled kubelet: Successfully pulled image "nginx:1.25" in 800ms/),
      'Normal Created kubelet: Created container: app',
      'Normal Started kubelet: Started container app',
    ]);
    const pulled = store.list('events', { namespace: 'default' }).items.find((e) => e.reason === 'Pulled')!;
    expect(pulled.involvedObject).toMatchObject({ kind: 'Pod', name: 'web', fieldPath: 'spec.containers{app}' });
    expect(pulled.source).toEqual({ component: 'kubelet', host: nodeName });
  });

  it('a crashloop image reaches CrashLoopBackOff in the store, BackOff events count up', async () => {
    store.create('pods', pod('crash', 'example.com/crashloop:1'));
    await clock.advance(8000);
    const cs = statusOf(store, 'crash').containerStatuses[0];
    expect(cs.state.waiting).toMatchObject({ reason: 'CrashLoopBackOff' });
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(cs.restartCount).toBe(1);
    expect(statusOf(store, 'crash').phase).toBe('Running');
    await clock.advance(60_000);
    const backoff = store.list('events', { namespace: 'default' }).items.find((e) => e.reason === 'BackOff')!;
    expect(backoff.count as number).toBeGreaterThanOrEqual(3);
  });

  it('CreateContainerConfigError until the ConfigMap is created, then Running without waiting for a retry timer', async () => {
    store.create('pods', pod('cfg', 'nginx:1.25', {}, { envFrom: [{ configMapRef: { name: 'settings' } }] }));
    await clock.advance(3000);
    expect(statusOf(store, 'cfg').containerStatuses[0].state.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "settings" not found' });
    expect(eventsFor(store, 'cfg')).toContain('Warning Failed kubelet: Error: configmap "settings" not found');
    store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { a: '1' } });
    await settle();
    expect(statusOf(store, 'cfg').containerStatuses[0].state.running).toBeDefined();
    expect(statusOf(store, 'cfg').phase).toBe('Running');
  });

  it('Unschedulable with the scheduler message, then scheduled when a big enough node appears', async () => {
    store.create('pods', pod('big', 'nginx:1.25', {}, { resources: { requests: { memory: '100Gi' } } }));
    await settle();
    const message = '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    expect(statusOf(store, 'big')).toMatchObject({ phase: 'Pending' });
    expect(statusOf(store, 'big').conditions).toEqual([
      { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'Unschedulable', message },
    ]);
    expect(eventsFor(store, 'big')).toEqual([`Warning FailedScheduling default-scheduler: ${message}`]);
    ensureNodes(store, { nodes: [{ name: 'sim-node-big', cpu: '8', memory: '128Gi', pods: 110 }] }, clock.now());
    await settle();
    expect((store.get('pods', 'default', 'big')!.spec as { nodeName: string }).nodeName).toBe('sim-node-big');
    await clock.advance(5000);
    expect(statusOf(store, 'big').phase).toBe('Running');
  });

  it('a deleted pod is forgotten with Killing events; a pod with a finalizer is stopped and left to its finalizer', async () => {
    store.create('pods', pod('gone', 'nginx:1.25'));
    await clock.advance(5000);
    const uid = store.get('pods', 'default', 'gone')!.metadata.uid!;
    store.delete('pods', 'default', 'gone');
    await settle();
    expect(kubelet.runtime(uid)).toBeUndefined();
    expect(eventsFor(store, 'gone')).toContain('Normal Killing kubelet: Stopping container app');

    store.create('pods', { ...pod('held', 'nginx:1.25'), metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] } });
    await clock.advance(5000);
    store.delete('pods', 'default', 'held');
    await clock.advance(1000);
    const held = store.get('pods', 'default', 'held')!;
    expect(held.metadata.deletionTimestamp).toBeDefined();
    expect((held.status as any).containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(eventsFor(store, 'held')).toContain('Normal Killing kubelet: Stopping container app');
  });

  it('restarts a container whose image is changed on the pod; hostNetwork pods get the node IP', async () => {
    store.create('pods', pod('img', 'nginx:1.25'));
    await clock.advance(5000);
    const p = store.get('pods', 'default', 'img')!;
    const spec = p.spec as { containers: Array<Record<string, unknown>> };
    store.update('pods', { ...p, spec: { ...spec, containers: [{ ...spec.containers[0], image: 'nginx:1.26' }] } });
    await clock.advance(5000);
    expect(statusOf(store, 'img').containerStatuses[0]).toMatchObject({ image: 'docker.io/library/nginx:1.26', restartCount: 1, ready: true });
    expect(eventsFor(store, 'img')).toContain('Normal Killing kubelet: Container app definition changed, will be restarted');

    store.create('pods', pod('hostnet', 'nginx:1.25', { hostNetwork: true }));
    await clock.advance(5000);
    expect(statusOf(store, 'hostnet').podIP).toBe(statusOf(store, 'hostnet').hostIP);
  });

  it('a Job-style pod (restartPolicy Never) Succeeds', async () => {
    store.create('pods', pod('job', 'busybox:1.36', { restartPolicy: 'Never' }));
    await clock.advance(10_000);
    expect(statusOf(store, 'job').phase).toBe('Succeeded');
  });
});

describe('time scale', () => {
  it('at time scale 100 a crashloop pod reaches CrashLoopBackOff within a fraction of a second of real time', async () => {
    const clock = realClock(100);
    const store = createMemoryStore({ clock });
    ensureNodes(store, defaultSimConfig());
    const scheduler = startScheduler(store, clock);
    const kubelet = startKubelet(store, clock, { images: [] });
    const started = Date.now();
    try {
      const reached = new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error('no CrashLoopBackOff within 5 s')), 5000);
        const off = store.subscribe((e: StoreEvent) => {
          const cs = (e.object.status as any)?.containerStatuses?.[0];
          if (e.resource === 'pods' && cs?.state?.waiting?.reason === 'CrashLoopBackOff') {
            clearTimeout(timeout);
            off();
            resolve();
          }
        });
      });
      store.create('pods', pod('fast', 'crashloop'));
      await reached;
      // About 7 simulated seconds (sandbox, pull, 2 s run, restart, 2 s run, sync) took well under real time.
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      kubelet.stop();
      scheduler.stop();
    }
  });
});
