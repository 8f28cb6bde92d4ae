import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  ListWatch,
  Watch,
  type V1APIResourceList,
  type V1Node,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';
import type { ResourceObject } from '../domain/health/resource-rules.js';
import type { ClusterSnapshot, UnwatchedKind } from '../domain/health/types.js';
import { sortByRevision, summaryFromLabels, type RevisionSummary } from '../domain/release/index.js';
import type { ClusterWatch } from '../ports/cluster-watch.js';
import { mapKubeError, retryTransient, transientRetryAfterMs } from './errors.js';
import type { DriverName } from './release-store.js';

/** Events of type Warning (a field selector every API server supports on core/v1 Events). */
const WARNINGS = 'type=Warning';

/** What to watch. */
export interface KubeClusterWatchOptions {
  kubeConfig: KubeConfig;
  /** API server URL, for error messages. */
  server: string;
  namespace: string;
  release: string;
  driver: DriverName;
  /** How long to keep retrying a broken watch before reporting it (default 60 s). */
  giveUpAfterMs?: number;
}

type AnyInformer = Informer<KubernetesObject> & ObjectCache<KubernetesObject>;

/**
 * The informer-backed ClusterWatch: one list+watch per kind in the release's namespace (Deployments,
 * ReplicaSets, StatefulSets, DaemonSets, Jobs, Pods, Events) and one on the release's storage records
 * (`name=<release>,owner=helm`, Secrets or ConfigMaps per driver). No polling: a broken watch is re-listed
 * with a short backoff, and reported through onError only when it stays broken.
 */
export function createKubeClusterWatch(options: KubeClusterWatchOptions): ClusterWatch {
  const { kubeConfig: kc, namespace: ns, release } = options;
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
  const recordsResource = options.driver === 'configmap' ? 'configmaps' : 'secrets';
  const recordSelector = `name=${release},owner=helm`;

  type List = () => Promise<KubernetesListObject<KubernetesObject>>;
  /** Each informer's list call, for freshSnapshot. */
  const listOf = new WeakMap<AnyInformer, List>();
  const make = (path: string, list: List, labelSelector?: string, fieldSelector?: string) => {
    // client-node's ListWatch looks at stop() only before its (re-)list: stopped while the list is in flight, it
    // still opens the watch after it, and that connection keeps the process alive until the server ends it
    // (30-60 min on a real API server). A watch opened once this informer is stopped or retired is closed at once.
    const watch = new Watch(kc);
    const guarded = Object.assign(Object.create(watch) as Watch, {
      watch: async (...args: Parameters<Watch['watch']>) => {
        const request = await watch.watch(...args);
        if (stopped || retired.has(informer)) request.abort();
        return request;
      },
    });
    const informer = new ListWatch(path, guarded, list, false, labelSelector, fieldSelector) as AnyInformer;
    listOf.set(informer, list);
    return informer;
  };
  /** The workload kinds' informers of one namespace. */
  const workloadInformers = (n: string) => ({
    deployments: make(`/apis/apps/v1/namespaces/${n}/deployments`, () => apps.listNamespacedDeployment({ namespace: n }) as never),
    replicaSets: make(`/apis/apps/v1/namespaces/${n}/replicasets`, () => apps.listNamespacedReplicaSet({ namespace: n }) as never),
    statefulSets: make(`/apis/apps/v1/namespaces/${n}/statefulsets`, () => apps.listNamespacedStatefulSet({ namespace: n }) as never),
    daemonSets: make(`/apis/apps/v1/namespaces/${n}/daemonsets`, () => apps.listNamespacedDaemonSet({ namespace: n }) as never),
    jobs: make(`/apis/batch/v1/namespaces/${n}/jobs`, () => batch.listNamespacedJob({ namespace: n }) as never),
    pods: makePods(n),
    // Every rule reads Warning events only; a busy namespace's Normal ones (Scheduled, Pulled, Started... five
    // per pod) would be most of what the watch holds.
    events: make(`/api/v1/namespaces/${n}/events`, () => core.listNamespacedEvent({ namespace: n, fieldSelector: WARNINGS }) as never, undefined, WARNINGS),
  });
  /** The pods informer of a namespace: all its pods, or those `labelSelector` selects. */
  const makePods = (n: string, labelSelector?: string) =>
    make(`/api/v1/namespaces/${n}/pods`, () => core.listNamespacedPod({ namespace: n, ...(labelSelector ? { labelSelector } : {}) }) as never, labelSelector);
  type NamespaceInformers = ReturnType<typeof workloadInformers>;
  // The release's namespace first; a manifest may name others (watchNamespaces adds them).
  const byNamespace = new Map<string, NamespaceInformers>([[ns, workloadInformers(ns)]]);
  const records = make(
    `/api/v1/namespaces/${ns}/${recordsResource}`,
    () =>
      (recordsResource === 'secrets'
        ? core.listNamespacedSecret({ namespace: ns, labelSelector: recordSelector })
        : core.listNamespacedConfigMap({ namespace: ns, labelSelector: recordSelector })) as never,
    recordSelector,
  );
  const informers = { ...(byNamespace.get(ns) as NamespaceInformers), records };

  const changeListeners = new Set<() => void>();
  const errorListeners = new Set<(err: Error) => void>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  // Informers whose first list+watch start() is running: their errors go to that start (startOnce), not to the
  // background restart.
  const starting = new Set<AnyInformer>();
  // While start() runs, lasting errors of started informers are collected and thrown from it.
  let startErrors: Array<{ name: string; err: unknown }> | undefined;
  /** The API resource an informer reads, for error messages (`replicaSets` -> `replicasets`, `records` -> secrets). */
  const resourceOf = (name: string) => (name === 'records' ? recordsResource : name.toLowerCase());
  const changed = () => {
    for (const l of changeListeners) l();
  };

  /** Informers replaced by another (selectPods): their errors no longer restart them. */
  const retired = new WeakSet<AnyInformer>();
  const wire = (name: string, informer: AnyInformer, namespace: string) => {
    informer.on('change', changed);
    // client-node stops an informer on any error but 410; restart it (a fresh list) with backoff.
    let brokenSince: number | undefined;
    let delay = 200;
    informer.on('connect', () => {
      delay = 200;
    });
    informer.on('error', (err: unknown) => {
      if (stopped || retired.has(informer) || starting.has(informer)) return;
      // While start() runs, a lasting error fails it; a transient one (a reset, a 5xx) is retried below.
      if (startErrors && transientRetryAfterMs(err, 'watch', options.server) === undefined) {
        startErrors.push({ name, err });
        return;
      }
      brokenSince ??= Date.now();
      if (Date.now() - brokenSince > giveUpAfterMs) {
        const mapped = mapKubeError(err, { server: options.server, verb: 'watch', resource: resourceOf(name), namespace });
        const error = mapped instanceof Error ? mapped : new Error(`watch of ${name} failed: ${String(err)}`);
        for (const l of errorListeners) l(error);
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (stopped) return;
        if (retired.has(informer)) return;
        informer.start().then(
          () => {
            brokenSince = undefined;
            changed(); // a re-list may have replaced objects without per-object callbacks firing
          },
          () => undefined, // start() reports list failures through 'error' again
        );
      }, delay);
      timers.add(timer);
      delay = Math.min(delay * 2, 5_000);
    });
  };
  for (const [name, informer] of Object.entries(informers)) wire(name, informer, ns);

  // Kinds found in the manifest (custom resources, claims...): one informer per kind and namespace, made
  // after discovery. Their breakage is never fatal: the kind is reported as unwatched instead.
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const resourceInformers = new Map<string, { informer: AnyInformer; apiVersion: string; kind: string }>();
  const unwatched = new Map<string, UnwatchedKind>();
  const discovery = new Map<string, Promise<V1APIResourceList>>();
  const discover = (apiVersion: string) => {
    let found = discovery.get(apiVersion);
    if (!found) {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
      found = group === '' ? core.getAPIResources() : custom.getAPIResources({ group: group as string, version: version as string });
      discovery.set(apiVersion, found);
    }
    return found;
  };
  const kindKey = (apiVersion: string, kind: string) => `${kind}.${apiVersion}`;
  const markUnwatched = (apiVersion: string, kind: string, err: unknown) => {
    const mapped = mapKubeError(err, { server: options.server, verb: 'watch', resource: kind, namespace: ns });
    const message = (mapped instanceof Error ? mapped.message : String(err)).split('\n')[0] ?? '';
    unwatched.set(kindKey(apiVersion, kind), { apiVersion, kind, message });
  };
  const wireResource = (informer: AnyInformer, apiVersion: string, kind: string) => {
    informer.on('change', changed);
    informer.on('error', () => {
      if (stopped) return;
      // Retried once after a pause (a dropped watch); a kind that keeps failing is reported, not fatal.
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (stopped) return;
        informer.start().then(changed, (err: unknown) => {
          markUnwatched(apiVersion, kind, err);
          changed();
        });
      }, 1_000);
      timers.add(timer);
    });
  };
  const watchKind = async (apiVersion: string, kind: string, namespaces: readonly string[]): Promise<void> => {
    let list: V1APIResourceList;
    try {
      list = await discover(apiVersion);
    } catch (err) {
      return markUnwatched(apiVersion, kind, err);
    }
    const resource = list.resources.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!resource) {
      unwatched.set(kindKey(apiVersion, kind), { apiVersion, kind, message: `the API server serves no ${kind} in ${apiVersion}` });
      return;
    }
    if (!['list', 'watch'].every((v) => resource.verbs.includes(v))) {
      unwatched.set(kindKey(apiVersion, kind), { apiVersion, kind, message: `${resource.name} cannot be listed and watched` });
      return;
    }
    const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const scopes = resource.namespaced ? [...new Set(namespaces)] : [undefined];
    await Promise.all(
      scopes.map(async (n) => {
        const key = `${kindKey(apiVersion, kind)}/${n ?? ''}`;
        if (resourceInformers.has(key)) return;
        const path = n === undefined ? `${prefix}/${resource.name}` : `${prefix}/namespaces/${n}/${resource.name}`;
        const informer = make(path, () => objects.list(apiVersion, kind, n) as never);
        resourceInformers.set(key, { informer, apiVersion, kind });
        try {
          await informer.start();
        } catch (err) {
          void informer.stop();
          resourceInformers.delete(key);
          return markUnwatched(apiVersion, kind, err);
        }
        wireResource(informer, apiVersion, kind);
        if (stopped) void informer.stop();
      }),
    );
  };

  // Nodes and a cluster autoscaler decide whether an unschedulable pod could ever be placed. Both are
  // cluster-scoped reads the plugin may not be granted: then they stay unknown, and only the grace applies.
  let nodes: AnyInformer | undefined;
  /** The autoscaler's status ConfigMap: seen (true), known absent (false), unknown (undefined). */
  let autoscalerStatus: boolean | undefined;
  const KARPENTER_LABELS = ['karpenter.sh/nodepool', 'karpenter.sh/provisioner-name'];
  const startClusterReads = async (): Promise<void> => {
    const informer = make('/api/v1/nodes', () => core.listNode() as never);
    const [listed] = await Promise.allSettled([
      informer.start(),
      core.readNamespacedConfigMap({ name: 'cluster-autoscaler-status', namespace: 'kube-system' }).then(
        () => (autoscalerStatus = true),
        (err: unknown) => {
          const code = (err as { code?: number; statusCode?: number }).code ?? (err as { statusCode?: number }).statusCode;
          if (code === 404) autoscalerStatus = false;
        },
      ),
    ]);
    if (listed.status === 'rejected' || stopped) {
      void informer.stop();
      return;
    }
    nodes = informer;
    wireResource(informer, 'v1', 'Node');
  };
  const autoscaler = (): boolean | undefined => {
    const karpenter = nodes?.list().some((n) => KARPENTER_LABELS.some((l) => n.metadata?.labels?.[l] !== undefined));
    return karpenter ? true : autoscalerStatus;
  };

  /** Every watched namespace's objects of one kind, release namespace first. */
  const list = <T>(kind: keyof NamespaceInformers): T[] =>
    [...byNamespace.entries()].flatMap(([n, i]) => i[kind].list(n) as unknown as T[]);
  /** The label selector each namespace's pods informer uses now (absent: the whole namespace). */
  const podSelectors = new Map<string, string>();
  let started = false;

  /** One informer's start(), rejecting with the error it reported (client-node reports a failed list as an event). */
  async function startOnce(informer: AnyInformer): Promise<void> {
    let failure: unknown;
    const capture = (err: unknown) => {
      failure ??= err ?? new Error('watch failed');
    };
    informer.on('error', capture);
    starting.add(informer);
    try {
      await informer.start();
    } finally {
      starting.delete(informer);
      informer.off('error', capture);
    }
    // A watch closed by stop() (or a retiring selectPods) is not a failure of the start.
    if (failure !== undefined && !stopped && !retired.has(informer)) throw failure;
  }

  return {
    async start() {
      started = true;
      startErrors = [];
      try {
        // An informer reports a failed list (an ApiException, `code`) and a failed watch (`statusCode`) as 'error'.
        const verbOf = (err: unknown) => (typeof (err as { statusCode?: unknown } | null)?.statusCode === 'number' ? 'watch' : 'list');
        const failed = (name: string) => (err: unknown) => {
          throw { name, verb: verbOf(err), err };
        };
        // A first list that fails transiently (a 5xx burst, an API server restarting) is repeated, per informer.
        await Promise.all([
          ...Object.entries(informers).map(([name, i]) => retryTransient('list', () => startOnce(i), { server: options.server }).catch(failed(name))),
          startClusterReads(),
        ]);
        if (startErrors.length > 0) throw { ...startErrors[0], verb: verbOf(startErrors[0].err) };
      } catch (failure) {
        stopInformers();
        // Name the request that failed (the informer's list, or the watch after it) in the one-line error.
        const tagged = failure as { name?: unknown; verb?: unknown; err?: unknown } | undefined;
        if (tagged && typeof tagged.name === 'string' && typeof tagged.verb === 'string' && 'err' in tagged) {
          throw mapKubeError(tagged.err, { server: options.server, verb: tagged.verb, resource: resourceOf(tagged.name), namespace: ns });
        }
        throw mapKubeError(failure, { server: options.server, verb: 'list', resource: 'workloads', namespace: ns });
      } finally {
        startErrors = undefined;
      }
    },
    async watchNamespaces(namespaces) {
      const added = [...new Set(namespaces)].filter((n) => n !== '' && !byNamespace.has(n));
      if (stopped || added.length === 0) return;
      const fresh = added.map((n) => [n, workloadInformers(n)] as const);
      for (const [n, set] of fresh) {
        byNamespace.set(n, set);
        for (const [name, informer] of Object.entries(set)) wire(name, informer, n);
      }
      // A failed first list goes through 'error' (retried with backoff, reported only if it stays broken), so
      // a namespace we may not read never fails the upgrade by itself; it just stays unseen.
      await Promise.all(fresh.flatMap(([, set]) => Object.values(set).map((i) => i.start().catch(() => undefined))));
      if (stopped) for (const [, set] of fresh) for (const i of Object.values(set)) void i.stop();
      changed();
    },
    async selectPods(namespace, labelSelector) {
      const set = byNamespace.get(namespace);
      if (stopped || !set || podSelectors.get(namespace) === labelSelector) return;
      const informer = makePods(namespace, labelSelector);
      const swap = () => {
        const old = set.pods;
        set.pods = informer;
        if (namespace === ns) informers.pods = informer;
        podSelectors.set(namespace, labelSelector);
        wire('pods', informer, namespace);
        retired.add(old);
        old.off('change', changed);
        return old;
      };
      // Before start(): the narrowed informer is the one start() lists, and the whole namespace is never read.
      if (!started) {
        swap();
        return;
      }
      // Swapped only once its first list is in, so the snapshot never lacks pods in between.
      try {
        await startOnce(informer);
      } catch {
        void informer.stop();
        return; // keep watching the whole namespace
      }
      if (stopped || byNamespace.get(namespace) !== set) {
        void informer.stop();
        return;
      }
      void swap().stop();
      changed();
    },
    async watchResources(kinds) {
      if (stopped) return [];
      await Promise.all(kinds.map((k) => watchKind(k.apiVersion, k.kind, k.namespaces)));
      changed();
      return kinds.flatMap((k) => unwatched.get(kindKey(k.apiVersion, k.kind)) ?? []);
    },
    snapshot(): ClusterSnapshot {
      return {
        deployments: list('deployments'),
        replicaSets: list('replicaSets'),
        statefulSets: list('statefulSets'),
        daemonSets: list('daemonSets'),
        jobs: list('jobs'),
        pods: list('pods'),
        events: list('events'),
        // List items come without apiVersion/kind (the API server leaves them out); the informer knows them.
        resources: [...resourceInformers.values()].flatMap(({ informer, apiVersion, kind }) =>
          informer.list().map((o) => ({ ...(o as unknown as ResourceObject), apiVersion, kind })),
        ),
        unwatched: [...unwatched.values()],
        ...(nodes ? { nodes: nodes.list() as unknown as V1Node[] } : {}),
        ...(autoscaler() === undefined ? {} : { autoscaler: autoscaler() as boolean }),
      };
    },
    async freshSnapshot(): Promise<ClusterSnapshot> {
      const listed = async (informer: AnyInformer): Promise<KubernetesObject[]> => {
        const list = listOf.get(informer);
        return list ? (await retryTransient('list', list, { server: options.server })).items : [...informer.list()];
      };
      const fresh = async <T>(kind: keyof NamespaceInformers): Promise<T[]> =>
        (await Promise.all([...byNamespace.values()].map((set) => listed(set[kind])))).flat() as unknown as T[];
      const [deployments, replicaSets, statefulSets, daemonSets, jobs, pods, events, resources] = await Promise.all([
        fresh<never>('deployments'), fresh<never>('replicaSets'), fresh<never>('statefulSets'), fresh<never>('daemonSets'),
        fresh<never>('jobs'), fresh<never>('pods'), fresh<never>('events'),
        Promise.all([...resourceInformers.values()].map(async ({ informer, apiVersion, kind }) =>
          (await listed(informer)).map((o) => ({ ...(o as unknown as ResourceObject), apiVersion, kind })),
        )),
      ]);
      const informed = this.snapshot();
      return { ...informed, deployments, replicaSets, statefulSets, daemonSets, jobs, pods, events, resources: resources.flat() };
    },
    releaseRecords(): RevisionSummary[] {
      const summaries = records
        .list(ns)
        .map((o) => summaryFromLabels(o.metadata?.labels ?? {}, o.metadata?.name ?? ''))
        .filter((s): s is RevisionSummary => s !== undefined && s.release === release);
      return sortByRevision(summaries);
    },
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    onError(listener) {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
    stop: stopInformers,
  };

  function stopInformers(): void {
    if (stopped) return;
    stopped = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    void records.stop();
    for (const set of byNamespace.values()) for (const informer of Object.values(set)) void informer.stop();
    for (const { informer } of resourceInformers.values()) void informer.stop();
    void nodes?.stop();
  }
}
