import { behaviourForImage, defaultSimConfig, type SimConfig } from '../config.js';
import { recordEvent } from '../events.js';
import { StatusError } from '../store/errors.js';
import type { KubeObject, ObjectStore, SimClock, StoreEvent } from '../store/types.js';
import { handlePod, initPod, type ConfigLookup, type Effect, type MachineContext, type MachineInput, type PodRuntime, type PodView, type Step } from './machine.js';
import { podStatus } from './status.js';

export { behaviourForImage } from '../config.js';

/** A running kubelet simulation (one for all nodes). */
export interface Kubelet {
  /** The runtime state of a pod, for diagnostics and tests. */
  runtime(uid: string): PodRuntime | undefined;
  stop(): void;
}

interface Tracked {
  uid: string;
  namespace: string;
  name: string;
  nodeName: string;
  runtime: PodRuntime;
  cancels: Set<() => void>;
}

/**
 * Starts the kubelets of every node in the store: each pod bound to a node (spec.nodeName) runs through the pure
 * machine in ./machine.ts with simulated timings (divided by the clock's time scale); the pod's status is written
 * through the status subresource after every step, and Events are recorded as component `kubelet`. A pod that
 * gets a deletionTimestamp is stopped (Killing) and then deleted for good; a pod deleted outright is forgotten.
 * ConfigMap / Secret changes in a pod's namespace retry its CreateContainerConfigError / FailedMount at once.
 */
export function startKubelet(
  store: ObjectStore,
  clock: SimClock,
  config: Partial<Pick<SimConfig, 'images' | 'pullSeconds'>> = defaultSimConfig(),
): Kubelet {
  const tracked = new Map<string, Tracked>();
  const images = new Map<string, Set<string>>();
  const nextIP = new Map<string, number>();
  const origin = clock.now().getTime();
  let stopped = false;

  const simNow = () => (clock.now().getTime() - origin) * clock.timeScale;

  const lookup: ConfigLookup = (kind, namespace, name) => {
    const o = store.get(kind === 'ConfigMap' ? 'configmaps' : 'secrets', namespace, name);
    if (!o) return undefined;
    const keys = new Set<string>();
    for (const field of ['data', 'binaryData', 'stringData']) for (const k of Object.keys((o[field] as object | undefined) ?? {})) keys.add(k);
    return keys;
  };

  const context = (nodeName: string): MachineContext => {
    const cache = images.get(nodeName) ?? new Set<string>();
    images.set(nodeName, cache);
    return { simMs: simNow(), now: clock.now(), lookup, imagePresent: (image) => cache.has(image) };
  };

  const allocateIP = (node: KubeObject | undefined, nodeName: string): string => {
    const cidr = (node?.spec as { podCIDR?: string } | undefined)?.podCIDR;
    const base = cidr && /^(\d+\.\d+\.\d+)\.0\/24$/.exec(cidr)?.[1];
    const prefix = base || `10.244.${hash(nodeName) % 250}`;
    const n = nextIP.get(nodeName) ?? 2;
    nextIP.set(nodeName, n >= 254 ? 2 : n + 1);
    return `${prefix}.${n}`;
  };

  const hostIPOf = (node: KubeObject | undefined): string => {
    const addresses = (node?.status as { addresses?: Array<{ type: string; address: string }> } | undefined)?.addresses ?? [];
    return addresses.find((a) => a.type === 'InternalIP')?.address ?? '192.168.49.2';
  };

  const track = (pod: KubeObject) => {
    const uid = pod.metadata.uid ?? '';
    const nodeName = (pod.spec as { nodeName?: string }).nodeName!;
    if (tracked.has(uid)) return;
    const node = store.get('nodes', undefined, nodeName);
    if (!node) return; // not a node this simulation runs
    const entry: Tracked = {
      uid,
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      nodeName,
      runtime: undefined as unknown as PodRuntime,
      cancels: new Set(),
    };
    tracked.set(uid, entry);
    const hostIP = hostIPOf(node);
    // hostNetwork pods share the node's address.
    const podIP = (pod.spec as { hostNetwork?: boolean }).hostNetwork ? hostIP : allocateIP(node, nodeName);
    const step = initPod(pod as PodView, { name: nodeName, hostIP }, podIP, (image) => behaviourForImage(image, config), context(nodeName));
    apply(entry, pod, step);
  };

  const forget = (uid: string) => {
    const entry = tracked.get(uid);
    if (!entry) return;
    for (const cancel of entry.cancels) cancel();
    tracked.delete(uid);
  };

  const dispatch = (uid: string, input: MachineInput) => {
    const entry = tracked.get(uid);
    if (!entry || stopped) return;
    const pod = store.get('pods', entry.namespace, entry.name);
    if (!pod || pod.metadata.uid !== uid) {
      forget(uid);
      return;
    }
    apply(entry, pod, handlePod(pod as PodView, entry.runtime, input, context(entry.nodeName)));
  };

  const apply = (entry: Tracked, pod: KubeObject, step: Step) => {
    entry.runtime = step.runtime;
    let remove = false;
    for (const effect of step.effects) {
      if (effect.type === 'timer') arm(entry, effect);
      else if (effect.type === 'event') event(entry, pod, effect);
      else if (effect.type === 'pulled') images.get(entry.nodeName)?.add(effect.image);
      else remove = true;
    }
    writeStatus(entry);
    if (remove) {
      const latest = store.get('pods', entry.namespace, entry.name);
      forget(entry.uid);
      if (latest && latest.metadata.uid === entry.uid && !latest.metadata.finalizers?.length) {
        try {
          store.delete('pods', entry.namespace, entry.name, { preconditions: { uid: entry.uid } });
        } catch (e) {
          if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
        }
      }
    }
  };

  const arm = (entry: Tracked, effect: Extract<Effect, { type: 'timer' }>) => {
    const cancel = clock.after(effect.afterMs, () => {
      entry.cancels.delete(cancel);
      dispatch(entry.uid, { type: 'timer', timer: effect.timer });
    });
    entry.cancels.add(cancel);
  };

  const event = (entry: Tracked, pod: KubeObject, effect: Extract<Effect, { type: 'event' }>) => {
    const latest = store.get('pods', entry.namespace, entry.name) ?? pod;
    recordEvent(store, clock, {
      involved: latest,
      reason: effect.reason,
      message: effect.message,
      type: effect.warning ? 'Warning' : 'Normal',
      component: 'kubelet',
      host: entry.nodeName,
      ...(effect.container ? { fieldPath: `spec.${effect.init ? 'initContainers' : 'containers'}{${effect.container}}` } : {}),
    });
  };

  const writeStatus = (entry: Tracked) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const latest = store.get('pods', entry.namespace, entry.name);
      if (!latest || latest.metadata.uid !== entry.uid) return;
      const previous = latest.status as Record<string, unknown> | undefined;
      const status = podStatus(latest.spec as PodView['spec'], entry.runtime, previous, clock.now());
      if (sameJson(status, previous)) return;
      try {
        store.update('pods', { ...latest, status }, { subresource: 'status' });
        return;
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 409)) throw e;
      }
    }
  };

  const onPod = (event: StoreEvent) => {
    const pod = event.object;
    const uid = pod.metadata.uid ?? '';
    if (event.type === 'DELETED') {
      const entry = tracked.get(uid);
      if (!entry) return;
      // Deleted outright (no grace period): the containers are killed all the same.
      for (const c of entry.runtime.containers) {
        if (c.running) {
          recordEvent(store, clock, {
            involved: pod,
            reason: 'Killing',
            message: `Stopping container ${c.name}`,
            component: 'kubelet',
            host: entry.nodeName,
            fieldPath: `spec.${c.init ? 'initContainers' : 'containers'}{${c.name}}`,
          });
        }
      }
      forget(uid);
      return;
    }
    // Work from the pod as stored now: the event may be older than later changes.
    const current = store.get('pods', pod.metadata.namespace, pod.metadata.name);
    if (!current || current.metadata.uid !== uid) return;
    const nodeName = (current.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!nodeName) return;
    const entry = tracked.get(uid);
    if (entry) {
      if (current.metadata.deletionTimestamp) {
        if (!entry.runtime.terminating) dispatch(uid, { type: 'delete' });
        return;
      }
      const spec = (current.spec ?? {}) as PodView['spec'] & object;
      const images = new Map([...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => [c.name, c.image ?? '']));
      if (entry.runtime.containers.some((c) => images.has(c.name) && images.get(c.name) !== c.image)) {
        dispatch(uid, { type: 'images', behaviours: (image) => behaviourForImage(image, config) });
      }
      return;
    }
    const phase = (current.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed' || current.metadata.deletionTimestamp) return;
    track(current);
  };

  const unsubscribe = store.subscribe((event) => {
    if (stopped) return;
    // React after the change that caused it has fully committed (listeners run inside the store's commit).
    if (event.resource === 'pods') queueMicrotask(() => !stopped && onPod(event));
    else if (event.resource === 'configmaps' || event.resource === 'secrets') {
      const namespace = event.object.metadata.namespace;
      queueMicrotask(() => {
        for (const entry of [...tracked.values()]) if (entry.namespace === namespace) dispatch(entry.uid, { type: 'resync' });
      });
    } else if (event.resource === 'nodes' && event.type === 'ADDED') {
      queueMicrotask(() => {
        for (const pod of store.list('pods').items) if (!stopped) onPod({ type: 'ADDED', resource: 'pods', object: pod, resourceVersion: 0 });
      });
    }
  }, { resources: ['pods', 'configmaps', 'secrets', 'nodes'] });

  for (const pod of store.list('pods').items) onPod({ type: 'ADDED', resource: 'pods', object: pod, resourceVersion: 0 });

  return {
    runtime: (uid) => tracked.get(uid)?.runtime,
    stop() {
      stopped = true;
      unsubscribe();
      for (const uid of [...tracked.keys()]) forget(uid);
    },
  };
}

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}

/** JSON equality with key order ignored. */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}
