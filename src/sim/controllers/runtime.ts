/**
 * The controllers' event loop: store changes map to keys, keys go on a de-duplicating work queue, and a drain
 * loop reconciles them off the store's synchronous listener (never re-entrantly), yielding to the event loop
 * between batches so the API server keeps serving. Timed work (progress deadlines, minReadySeconds, job backoff)
 * goes through SimClock.after; nothing polls.
 */
import { StatusError } from '../store/errors.js';
import type { ObjectStore, SimClock, StoreEvent } from '../store/types.js';

/** What a controller gets to work with. */
export interface ControllerContext {
  store: ObjectStore;
  clock: SimClock;
  /** Queues a key of this controller for reconciliation (now, or after a simulated delay). */
  enqueue(key: string, afterSimulatedMs?: number): void;
}

/** One controller: which keys a change concerns, and how to reconcile a key. */
export interface Controller {
  /** Reporting component name (`deployment-controller`, ...). */
  readonly name: string;
  /** Keys to reconcile because of a committed change. */
  keysFor(event: StoreEvent): string[];
  /** Keys of the objects that exist when the controller starts. */
  initialKeys(): string[];
  /** Brings the object named by `key` towards its desired state. May throw StatusError (retried). */
  reconcile(key: string): void;
  /** Releases timers and caches. */
  stop?(): void;
}

/** Options of the runtime. */
export interface RuntimeOptions {
  /** Receives unexpected reconcile errors (default: one stderr line per distinct message). */
  onError?: (controller: string, key: string, error: unknown) => void;
  /** Keys reconciled per event-loop turn before yielding (default 100). */
  batchSize?: number;
}

/** A running set of controllers. */
export interface ControllerRuntime {
  /** Resolves once the work queue is empty (timers may still be pending). */
  whenIdle(): Promise<void>;
  stop(): void;
}

/** Starts the controllers produced by `factories` over `store`, each with its own context. */
export function startRuntime(
  store: ObjectStore,
  clock: SimClock,
  factories: Array<(ctx: ControllerContext) => Controller>,
  options: RuntimeOptions = {},
): ControllerRuntime {
  const batchSize = options.batchSize ?? 100;
  const reported = new Set<string>();
  const onError =
    options.onError ??
    ((controller: string, key: string, error: unknown) => {
      const text = `${controller} ${key}: ${error instanceof Error ? error.message : String(error)}`;
      if (reported.has(text)) return;
      reported.add(text);
      process.stderr.write(`[kube-sim] ${text}\n`);
    });

  const queue = new Map<string, { controller: Controller; key: string }>();
  const timers = new Map<string, { due: number; cancel: () => void }>();
  const retries = new Map<string, number>();
  let scheduled = false;
  let stopped = false;
  let idleWaiters: Array<() => void> = [];

  const controllers: Controller[] = [];

  function push(controller: Controller, key: string): void {
    if (stopped) return;
    queue.set(`${controller.name}\u0000${key}`, { controller, key });
    schedule();
  }

  function enqueueFor(controller: Controller, key: string, afterSimulatedMs?: number): void {
    if (stopped) return;
    if (!afterSimulatedMs || afterSimulatedMs <= 0) return push(controller, key);
    const id = `${controller.name}\u0000${key}`;
    const due = clock.now().getTime() + afterSimulatedMs / clock.timeScale;
    const existing = timers.get(id);
    if (existing && existing.due <= due) return; // an earlier wake-up already covers this one
    existing?.cancel();
    const cancel = clock.after(afterSimulatedMs, () => {
      if (timers.get(id)?.cancel === cancel) timers.delete(id);
      push(controller, key);
    });
    timers.set(id, { due, cancel });
  }

  function schedule(): void {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(drain);
  }

  function drain(): void {
    scheduled = false;
    if (stopped) return;
    let n = 0;
    for (const [id, item] of queue) {
      if (n++ >= batchSize) break;
      queue.delete(id);
      try {
        item.controller.reconcile(item.key);
        retries.delete(id);
      } catch (error) {
        const attempt = (retries.get(id) ?? 0) + 1;
        retries.set(id, attempt);
        const transient = error instanceof StatusError && (error.code === 409 || error.code === 404);
        if (!transient || attempt > 5) onError(item.controller.name, item.key, error);
        // Conflicts resolve on a fresh read; anything else backs off (simulated 0.5 s doubling, capped at 30 s).
        const delay = transient && attempt <= 5 ? 0 : Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
        enqueueFor(item.controller, item.key, delay);
      }
    }
    if (queue.size > 0) schedule();
    else {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  for (const factory of factories) {
    // The context closes over the controller created from it.
    let self: Controller | undefined;
    const ctx: ControllerContext = {
      store,
      clock,
      enqueue: (key, after) => {
        if (self) enqueueFor(self, key, after);
      },
    };
    self = factory(ctx);
    controllers.push(self);
  }

  const unsubscribe = store.subscribe((event) => {
    for (const c of controllers) {
      // This runs inside someone else's write (maybe an API request): a mapping bug must not fail it.
      try {
        for (const key of c.keysFor(event)) push(c, key);
      } catch (error) {
        onError(c.name, `${event.resource} ${event.type}`, error);
      }
    }
  });
  for (const c of controllers) for (const key of c.initialKeys()) push(c, key);

  return {
    whenIdle() {
      if (stopped || (queue.size === 0 && !scheduled)) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      for (const t of timers.values()) t.cancel();
      timers.clear();
      queue.clear();
      for (const c of controllers) c.stop?.();
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    },
  };
}

/** Resource keys of the kinds the controllers manage. */
export const R = {
  pods: 'pods',
  nodes: 'nodes',
  services: 'services',
  endpoints: 'endpoints',
  endpointSlices: 'endpointslices.discovery.k8s.io',
  pvcs: 'persistentvolumeclaims',
  deployments: 'deployments.apps',
  replicaSets: 'replicasets.apps',
  statefulSets: 'statefulsets.apps',
  daemonSets: 'daemonsets.apps',
  controllerRevisions: 'controllerrevisions.apps',
  jobs: 'jobs.batch',
} as const;
