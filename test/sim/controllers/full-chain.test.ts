import { defaultSimConfig, ensureNodes } from '../../../src/sim/config.js';
import { type RunningControllers, startControllers } from '../../../src/sim/controllers/index.js';
import { startKubelet } from '../../../src/sim/kubelet/index.js';
import { startScheduler } from '../../../src/sim/scheduler/index.js';
import { createMemoryStore } from '../../../src/sim/store/memory-store.js';
import type { KubeObject, ObjectStore } from '../../../src/sim/store/types.js';
import { type ManualClock, manualClock } from './fake-clock.js';
import { deployment } from './harness.js';

type Json = Record<string, any>;
const status = (o: KubeObject | undefined): Json => (o?.status ?? {}) as Json;
const cond = (o: KubeObject | undefined, type: string): Json | undefined => (status(o).conditions ?? []).find((c: Json) => c.type === type);

/** Controllers with the real scheduler and kubelet over one store, on a manual clock. */
describe('controllers with the real scheduler and kubelet', () => {
  let clock: ManualClock;
  let store: ObjectStore;
  let stops: Array<{ stop(): void }>;
  let controllers: RunningControllers;
  const errors: string[] = [];

  /** Lets every component react until the store stops changing. */
  async function quiesce(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const rv = store.currentResourceVersion();
      await controllers.whenIdle();
      await new Promise((r) => setImmediate(r));
      if (store.currentResourceVersion() === rv) return;
    }
  }
  /** Moves simulated time forward in 250 ms steps, letting everything react at each step. */
  async function run(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 250) {
      clock.advance(Math.min(250, ms - t));
      await quiesce();
    }
  }
  const get = (resource: string, name: string) => store.get(resource, 'default', name);

  beforeEach(() => {
    clock = manualClock();
    store = createMemoryStore({ clock });
    const config = defaultSimConfig();
    ensureNodes(store, { nodes: [{ name: 'n1', cpu: '4', memory: '8Gi', pods: 110 }, { name: 'n2', cpu: '4', memory: '8Gi', pods: 110 }] } as never, clock.now());
    controllers = startControllers(store, clock, { onError: (c, k, e) => errors.push(`${c} ${k}: ${String(e)}`) });
    stops = [controllers, startScheduler(store, clock), startKubelet(store, clock, config)];
  });
  afterEach(() => {
    for (const s of stops) s.stop();
    expect(errors).toEqual([]);
    errors.length = 0;
  });

  it('a Deployment becomes available, then an update that never gets ready exceeds its progress deadline', async () => {
    store.create('deployments.apps', deployment('web', 'nginx:1.25', { replicas: 2, progressDeadlineSeconds: 30 }));
    await quiesce();
    await run(10_000);
    let d = get('deployments.apps', 'web');
    expect(status(d)).toMatchObject({ replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(cond(d, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    expect(cond(d, 'Available')?.status).toBe('True');

    const s = d!.spec as Json;
    store.update('deployments.apps', { ...d!, spec: { ...s, template: { ...s.template, spec: { containers: [{ name: 'c', image: 'unready:1' }] } } } });
    await run(20_000);
    d = get('deployments.apps', 'web');
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    await run(15_000);
    d = get('deployments.apps', 'web');
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    // 25% of 2 rounds down to 0 unavailable: both old pods still serve.
    expect(status(d)).toMatchObject({ availableReplicas: 2, updatedReplicas: 1 });
    expect(cond(d, 'Available')?.status).toBe('True');
  });

  it('a Job of a failing image fails after backoffLimit; a good one completes', async () => {
    const job = (name: string, image: string): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'default' },
      spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image }] } } },
    });
    store.create('jobs.batch', job('good', 'busybox:1'));
    store.create('jobs.batch', job('bad', 'fail:1'));
    await quiesce();
    await run(60_000);
    expect(cond(get('jobs.batch', 'good'), 'Complete')).toMatchObject({ status: 'True', reason: 'CompletionsReached' });
    expect(status(get('jobs.batch', 'good')).succeeded).toBe(1);
    expect(cond(get('jobs.batch', 'bad'), 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    expect(status(get('jobs.batch', 'bad')).failed).toBe(2);
  });

  it('a StatefulSet comes up in order and a DaemonSet lands on every node', async () => {
    store.create('statefulsets.apps', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: { replicas: 2, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'postgres:16' }] } } },
    });
    store.create('daemonsets.apps', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'agent:1' }] } } },
    });
    await quiesce();
    await run(20_000);
    expect(status(get('statefulsets.apps', 'db'))).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    const ds = status(get('daemonsets.apps', 'agent'));
    expect(ds).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2 });
    const agentNodes = store
      .list('pods', { namespace: 'default', labelSelector: 'app=agent' })
      .items.map((p) => (p.spec as Json).nodeName)
      .sort();
    expect(agentNodes).toEqual(['n1', 'n2']);
  });
});
