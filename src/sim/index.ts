/**
 * kube-sim: an in-process Kubernetes control plane (API server + store + controllers + scheduler + kubelet) that
 * the real helm, kubectl and @kubernetes/client-node talk to over HTTP through a kubeconfig.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realClock } from './clock.js';
import { createFaultController, type FaultController, parseFaultSpec } from './faults/index.js';
import { writeSimKubeconfig } from './kubeconfig.js';
import { createApiServer } from './server/api-server.js';
import type { SimStats } from './server/stats.js';
import { createMemoryStore, type MemoryStore } from './store/memory-store.js';
import type { ObjectStore, SimClock } from './store/types.js';

export type { FaultController, FaultSettings } from './faults/index.js';
export type { SimStats } from './server/stats.js';
export type { MemoryStore } from './store/memory-store.js';

/** The simulator configuration (nodes, image rules); its shape is owned by src/sim/config.ts. */
export type SimConfigInput = Record<string, unknown>;

/** Options of `startSim`. */
export interface StartSimOptions {
  /** Port to listen on (default 0: any free port). */
  port?: number;
  /** Host to bind (default 127.0.0.1). */
  host?: string;
  /** Where to write the kubeconfig (default: a new temp file, removed on stop). */
  kubeconfigPath?: string;
  /** A SimConfig object or the path of a YAML config file (default: the built-in config). */
  config?: SimConfigInput | string;
  /** Speed-up of all simulated durations (default 1 = real time). */
  timeScale?: number;
  /** Fault spec, e.g. `drop-watch=3s,error-rate=0.05` (default none). */
  faults?: string;
  /** Watch BOOKMARK interval in ms (default 30,000). */
  bookmarkIntervalMs?: number;
  /** Event history kept for watch replay (default 10,000 changes). */
  historyLimit?: number;
  /** Run controllers, scheduler and kubelet (default true); false gives a bare API server. */
  workloads?: boolean;
}

/** A running simulator. */
export interface RunningSim {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  kubeconfigPath: string;
  store: MemoryStore;
  clock: SimClock;
  /** Request counters (also served at GET /sim/stats). */
  stats(): SimStats;
  faults: FaultController;
  /** Stops components and the server, and removes a temp kubeconfig. */
  stop(): Promise<void>;
}

interface Component {
  stop(): void;
}

/**
 * Loads an optional sibling module (controllers, scheduler, kubelet, config are written by other parts of the
 * project); undefined while it does not exist yet.
 */
async function optionalModule<T>(specifier: string): Promise<T | undefined> {
  try {
    return (await import(specifier)) as T;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const missing = e.code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module/.test(e.message ?? '');
    if (missing && (e.message ?? '').includes(specifier.replace(/^\.\//, '').replace(/\.js$/, ''))) return undefined;
    throw err;
  }
}

interface ConfigModule {
  defaultSimConfig(): unknown;
  loadSimConfig(path: string): unknown;
  ensureNodes(store: ObjectStore, config: unknown): void;
}
type Starter = (store: ObjectStore, clock: SimClock, config: unknown) => Component;

/** Starts the simulator: store, API server on 127.0.0.1, controllers, scheduler and kubelet; writes a kubeconfig. */
export async function startSim(options: StartSimOptions = {}): Promise<RunningSim> {
  const faultSpec = options.faults ?? '';
  parseFaultSpec(faultSpec); // a bad spec fails before anything starts
  const clock = realClock(options.timeScale ?? 1);
  const store = createMemoryStore({ clock, historyLimit: options.historyLimit });

  const components: Component[] = [];
  const workloads = options.workloads ?? true;
  const configModule = await optionalModule<ConfigModule>('./config.js');
  let config: unknown = options.config;
  if (configModule) {
    config = typeof options.config === 'string' ? configModule.loadSimConfig(options.config) : (options.config ?? configModule.defaultSimConfig());
    if (workloads) configModule.ensureNodes(store, config);
  }

  let faults: FaultController | undefined;
  const server = createApiServer({ store, clock, faults: () => faults, bookmarkIntervalMs: options.bookmarkIntervalMs });
  const url = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  faults = createFaultController(
    {
      dropWatches: () => server.dropWatches(),
      expireResourceVersions: () => store.compact(),
      restartApiServer: () => server.restart(),
    },
    faultSpec,
  );

  if (workloads) {
    const controllers = await optionalModule<{ startControllers: (s: ObjectStore, c: SimClock) => Component }>('./controllers/index.js');
    if (controllers) components.push(controllers.startControllers(store, clock));
    const scheduler = await optionalModule<{ startScheduler: Starter }>('./scheduler/index.js');
    if (scheduler) components.push(scheduler.startScheduler(store, clock, config));
    const kubelet = await optionalModule<{ startKubelet: Starter }>('./kubelet/index.js');
    if (kubelet) components.push(kubelet.startKubelet(store, clock, config));
  }

  let tempDir: string | undefined;
  let kubeconfigPath = options.kubeconfigPath;
  if (!kubeconfigPath) {
    tempDir = mkdtempSync(join(tmpdir(), 'autorollback-sim-'));
    kubeconfigPath = join(tempDir, 'kubeconfig');
  }
  writeSimKubeconfig(kubeconfigPath, url);

  let stopped = false;
  return {
    url,
    kubeconfigPath,
    store,
    clock,
    stats: () => server.stats(),
    faults,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const c of components.reverse()) c.stop();
      faults?.stop();
      await server.close();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
