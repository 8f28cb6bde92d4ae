import { startControllers, type RunningControllers } from '../../../src/sim/controllers/index.js';
import { createMemoryStore } from '../../../src/sim/store/memory-store.js';
import type { KubeObject, ObjectStore } from '../../../src/sim/store/types.js';
import { type ManualClock, manualClock } from './fake-clock.js';

/** A store, a manual clock and running controllers; the test plays the scheduler and kubelet. */
export interface Harness {
  store: ObjectStore;
  clock: ManualClock;
  controllers: RunningControllers;
  /** Waits for the controllers to finish reacting. */
  settle(): Promise<void>;
  /** Advances simulated time and waits for the reactions. */
  advance(ms: number): Promise<void>;
  pods(selector?: string): KubeObject[];
  get(resource: string, name: string): KubeObject;
  /** Marks pods Running (and Ready unless `ready` is false) as a kubelet would. */
  runPods(pods: KubeObject[], options?: { ready?: boolean; node?: string }): Promise<void>;
  /** Ends pods with a phase (Succeeded / Failed) as a kubelet would. */
  finishPods(pods: KubeObject[], phase: 'Succeeded' | 'Failed'): Promise<void>;
  events(reason?: string): KubeObject[];
  /** Unexpected reconcile errors reported so far (tests assert there are none). */
  errors: string[];
  stop(): void;
}

/** Starts a harness. */
export function startHarness(options: { start?: Date; timeScale?: number } = {}): Harness {
  const clock = manualClock(options.start, options.timeScale);
  const store = createMemoryStore({ clock });
  const errors: string[] = [];
  const controllers = startControllers(store, clock, { onError: (c, k, e) => errors.push(`${c} ${k}: ${e instanceof Error ? e.stack : String(e)}`) });
  const settle = async () => {
    // Two rounds: a reconcile can schedule immediate work through a zero-delay timer.
    await controllers.whenIdle();
    await new Promise((r) => setImmediate(r));
    await controllers.whenIdle();
  };
  const h: Harness = {
    store,
    clock,
    controllers,
    settle,
    async advance(ms) {
      // Step through time so each timer's reactions happen before the next timer fires.
      const step = 100;
      for (let t = 0; t < ms; t += step) {
        clock.advance(Math.min(step, ms - t));
        await settle();
      }
    },
    pods: (selector) => store.list('pods', { namespace: 'default', labelSelector: selector }).items,
    get(resource, name) {
      const o = store.get(resource, 'default', name);
      if (!o) throw new Error(`${resource} ${name} not found`);
      return o;
    },
    async runPods(pods, options = {}) {
      const now = clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
      for (const p of pods) {
        const cur = store.get('pods', p.metadata.namespace, p.metadata.name);
        if (!cur) continue;
        const ready = options.ready !== false ? 'True' : 'False';
        if (!(cur.spec as { nodeName?: string }).nodeName) {
          store.update('pods', { ...cur, spec: { ...(cur.spec as object), nodeName: options.node ?? 'node-1' } });
        }
        const fresh = store.get('pods', p.metadata.namespace, p.metadata.name)!;
        store.update(
          'pods',
          {
            ...fresh,
            status: {
              phase: 'Running',
              podIP: '10.244.0.' + (Math.floor(Math.random() * 200) + 2),
              conditions: [
                { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
                { type: 'Ready', status: ready, lastTransitionTime: now },
              ],
              containerStatuses: [{ name: 'c', ready: ready === 'True', restartCount: 0, state: { running: { startedAt: now } } }],
            },
          },
          { subresource: 'status' },
        );
      }
      await settle();
    },
    async finishPods(pods, phase) {
      const now = clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
      for (const p of pods) {
        const cur = store.get('pods', p.metadata.namespace, p.metadata.name);
        if (!cur) continue;
        const exitCode = phase === 'Succeeded' ? 0 : 1;
        store.update(
          'pods',
          {
            ...cur,
            status: {
              phase,
              conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now, reason: 'PodCompleted' }],
              containerStatuses: [
                { name: 'c', ready: false, restartCount: 0, state: { terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed', finishedAt: now } } },
              ],
            },
          },
          { subresource: 'status' },
        );
      }
      await settle();
    },
    events: (reason) => store.list('events', { namespace: 'default' }).items.filter((e) => !reason || e.reason === reason),
    errors,
    stop: () => controllers.stop(),
  };
  return h;
}

/** A Deployment manifest. */
export function deployment(name: string, image: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      ...extra,
    },
  };
}
