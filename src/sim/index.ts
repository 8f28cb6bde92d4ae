/**
 * kube-sim: an in-process Kubernetes control plane (API server + store + controllers + scheduler + kubelet) that
 * the real helm, kubectl and @kubernetes/client-node talk to over HTTP through a kubeconfig.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realClock } from './clock.js';
import { ensureNodes, loadSimConfig, type SimConfig, simConfigFrom } from './config.js';
import { startControllers } from './controllers/index.js';
import { createFaultController, type FaultController, type FaultSettings, parseFaultSpec } from './faults/index.js';
import { startKubelet } from './kubelet/index.js';
import { startScheduler } from './scheduler/index.js';
import { writeKubeconfigText, writeSimKubeconfig } from './kubeconfig.js';
import { adminUser, contextOf, createSimAuth, ensureBootstrapPolicy, rbacUsersFrom, type SimAuth, type SimRbacConfig, type SimUser, type SimUserSpec, storeRbacSource } from './auth/index.js';
import { createApiServer } from './server/api-server.js';
import type { SimStats } from './server/stats.js';
import { createMemoryStore, type MemoryStore } from './store/memory-store.js';
import type { SimClock } from './store/types.js';

export type { BurstOptions, FaultCode, FaultController, FaultSettings } from './faults/index.js';
export type { SimStats } from './server/stats.js';
export type { MemoryStore } from './store/memory-store.js';

export type { SimConfig } from './config.js';
export type { SimRbacConfig, SimUser, SimUserSpec } from './auth/index.js';
export { adminUser as simAdminUser, contextOf as simContextOf } from './auth/index.js';

/** Options of `startSim`. */
export interface StartSimOptions {
  /** Port to listen on (default 0: any free port). */
  port?: number;
  /** Host to bind (default 127.0.0.1). */
  host?: string;
  /** Where to write the kubeconfig (default: a new temp file, removed on stop). */
  kubeconfigPath?: string;
  /** A SimConfig object or the path of a YAML config file (default: the built-in config). */
  config?: SimConfig | string;
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
  /**
   * Authentication and RBAC (default off; the config's `rbac:` when not given): HTTPS with a CA made at start-up,
   * client-certificate and token users, the RBAC authorizer. `true` gives the default users (alice, bob and a
   * ServiceAccount besides the admin); `{users: [...]}` names them.
   */
  rbac?: boolean | SimRbacConfig;
}

/** A simulator's users and their kubeconfigs (`--rbac`). */
export interface SimRbac {
  /** The admin user (group system:masters), whose context `autorollback-sim` is the kubeconfig's current one. */
  admin: string;
  /** Creates a user with a new client certificate (default) or token; it is also added to the sim's kubeconfig. */
  addUser(spec: SimUserSpec): Promise<SimUser>;
  users(): SimUser[];
  /** Writes a kubeconfig holding only `user`'s context (`autorollback-sim-<user>`) and returns its path. */
  writeKubeconfig(path: string, user: string): string;
  /** The CA certificate (PEM) the server's certificate chains to. */
  caPem: string;
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
  /** Users and kubeconfigs when started with `rbac` (else undefined). */
  rbac?: SimRbac;
  /** Stops components and the server, and removes a temp kubeconfig. */
  stop(): Promise<void>;
}

interface Component {
  stop(): void;
}

/** Starts the simulator: store, API server on 127.0.0.1, controllers, scheduler and kubelet; writes a kubeconfig. */
export async function startSim(options: StartSimOptions = {}): Promise<RunningSim> {
  // A path is loaded, an object validated (and defaulted) the same way.
  const config: SimConfig = typeof options.config === 'string' ? loadSimConfig(options.config) : simConfigFrom(options.config ?? null);
  // Flags win over the config file.
  const faultSpec = options.faults ?? (typeof config.faults === 'string' ? config.faults : '');
  parseFaultSpec(faultSpec); // a bad spec fails before anything starts
  const clock = realClock(options.timeScale ?? config.timeScale ?? 1);
  const store = createMemoryStore({ clock, historyLimit: options.historyLimit });
  const workloads = options.workloads ?? true;
  if (workloads) ensureNodes(store, config, clock.now());

  // `--rbac` with a config file naming the users keeps them.
  const rbacSetting = options.rbac === true && config.rbac !== null && typeof config.rbac === 'object' ? config.rbac : (options.rbac ?? config.rbac);
  const rbacUsers = rbacUsersFrom(rbacSetting, typeof options.config === 'string' ? options.config : 'sim config');
  let auth: SimAuth | undefined;
  if (rbacUsers) {
    auth = await createSimAuth(options.host ?? '127.0.0.1', rbacUsers);
    ensureBootstrapPolicy(store);
  }
  let faults: FaultController | undefined;
  const server = createApiServer({
    store,
    clock,
    faults: () => faults,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
    ...(auth ? { auth: { tls: auth.tls, authenticate: (c) => auth.authenticator.authenticate(c), rbac: storeRbacSource(store) } } : {}),
  });
  const url = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  faults = createFaultController(
    {
      dropWatches: (abrupt) => server.dropWatches(abrupt),
      expireResourceVersions: () => store.compact(),
      restartApiServer: (downMs) => server.restart(downMs),
    },
    faultSpec,
  );
  if (faultSpec === '' && config.faults && typeof config.faults === 'object') faults.set(config.faults as FaultSettings);

  const components: Component[] = [];
  if (workloads) {
    components.push(startControllers(store, clock, {}, { loadBalancer: config.loadBalancer.enabled ? { delayMs: config.loadBalancer.delaySeconds * 1000 } : false }));
    components.push(startScheduler(store, clock));
    components.push(startKubelet(store, clock, config));
  }

  let tempDir: string | undefined;
  let kubeconfigPath = options.kubeconfigPath;
  if (!kubeconfigPath) {
    tempDir = mkdtempSync(join(tmpdir(), 'autorollback-sim-'));
    kubeconfigPath = join(tempDir, 'kubeconfig');
  }
  const mainKubeconfig = kubeconfigPath;
  const writeMain = () => (auth ? writeKubeconfigText(mainKubeconfig, auth.kubeconfig(url, adminUser)) : writeSimKubeconfig(mainKubeconfig, url));
  writeMain();
  const rbac: SimRbac | undefined = auth && {
    admin: adminUser,
    caPem: auth.caPem,
    users: () => auth.users(),
    async addUser(spec) {
      const user = await auth.addUser(spec);
      writeMain();
      return user;
    },
    writeKubeconfig(path, user) {
      if (!auth.user(user)) throw new Error(`kube-sim: no user "${user}" (known: ${auth.users().map((u) => u.name).join(', ')})`);
      writeKubeconfigText(path, auth.kubeconfig(url, user, [user]));
      return path;
    },
  };

  let stopped = false;
  return {
    url,
    kubeconfigPath,
    store,
    clock,
    stats: () => server.stats(),
    faults,
    ...(rbac ? { rbac } : {}),
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
