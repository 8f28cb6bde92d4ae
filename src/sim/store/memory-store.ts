import { randomUUID } from 'node:crypto';
import { builtinResourceTypes, groupVersion } from '../api/catalog.js';
import { applyDefaults, jobSelectorDefaults } from '../api/defaults.js';
import { realClock } from '../clock.js';
import { alreadyExists, conflict, invalid, notFound, StatusError } from './errors.js';
import { compileSelectors } from './selectors.js';
import { admitPodQuota } from './quota.js';
import { validateMetadata, validateSpec } from './validation.js';
import type {
  DeleteOptions,
  HistoryStore,
  KubeObject,
  ListOptions,
  ResourceKey,
  ResourceType,
  SimClock,
  StoreEvent,
} from './types.js';
import { resourceKey } from './types.js';

/** Options of `createMemoryStore`. */
export interface MemoryStoreOptions {
  /** Clock for creationTimestamp / deletionTimestamp (default: real time). */
  clock?: SimClock;
  /** How many changes the event history keeps for watch replay (default 10,000). */
  historyLimit?: number;
  /** Server-side defaulting applied on create and update (default: the simulator's built-in defaults). */
  defaults?: (resource: ResourceKey, object: KubeObject) => KubeObject;
  /** Skip the pre-created namespaces and the `kubernetes` Service (default false). */
  empty?: boolean;
  /**
   * Give every new namespace a `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap, as the service-account
   * and root-CA publisher controllers of a real cluster do (default true).
   */
  namespaceDefaults?: boolean;
}

/** The (fake) cluster CA published in every namespace's kube-root-ca.crt ConfigMap. */
const rootCaPem = '-----BEGIN CERTIFICATE-----\nMIIBkube-sim-fake-cluster-ca-not-a-real-certificate\n-----END CERTIFICATE-----\n';

/** The in-memory ObjectStore with watch history, as the API server, controllers and kubelet share it. */
export type MemoryStore = HistoryStore;

const namespacesKey = 'namespaces';
const crdKey = 'customresourcedefinitions.apiextensions.k8s.io';
const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** RFC 3339 with second precision, as the API server writes timestamps. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Structural equality for JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => deepEqual(ao[k], bo[k]));
}

/** Everything but metadata and status: what bumps metadata.generation when it changes. */
function specPart(o: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';
function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += nameAlphabet[Math.floor(Math.random() * nameAlphabet.length)];
  return s;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}
function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}
const serviceCidrStart = ipToNumber('10.96.0.0');
const serviceCidrEnd = ipToNumber('10.111.255.255');

interface ServicePort {
  port?: number;
  protocol?: string;
  nodePort?: number;
  [k: string]: unknown;
}

/**
 * Creates the simulator's object store: built-in resource catalog plus CRD kinds, one global resourceVersion,
 * label/field selectors, generation bookkeeping, finalizers and ownerReference garbage collection, Service IP and
 * nodePort allocation, and a bounded event history for watch replay.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const clock = options.clock ?? realClock();
  const historyLimit = options.historyLimit ?? 10_000;
  const defaults = options.defaults ?? applyDefaults;

  const types = new Map<ResourceKey, ResourceType>();
  for (const t of builtinResourceTypes) types.set(resourceKey(t.group, t.plural), t);
  const objects = new Map<ResourceKey, Map<string, KubeObject>>();
  /** Listeners and the resources each wants (undefined: all). */
  const listeners = new Map<(event: StoreEvent) => void, ReadonlySet<ResourceKey> | undefined>();
  const history: StoreEvent[] = [];
  /** Changes at or below this version are gone from the history. */
  let compactedThrough = 0;
  let rv = 0;
  const usedIps = new Set<number>();
  let nextIp = serviceCidrStart + 10;
  const usedNodePorts = new Set<number>();
  let nextNodePort = 30000;

  // Listeners run in commit order even when a listener writes to the store (nested commits are queued).
  const pending: StoreEvent[] = [];
  let draining = false;

  const slot = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
  const bucket = (resource: ResourceKey) => {
    let b = objects.get(resource);
    if (!b) objects.set(resource, (b = new Map()));
    return b;
  };

  function typeOf(resource: ResourceKey): ResourceType {
    const t = types.get(resource);
    if (!t) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    return t;
  }

  function commit(type: StoreEvent['type'], resource: ResourceKey, object: KubeObject, previous?: KubeObject): KubeObject {
    rv++;
    object.metadata.resourceVersion = String(rv);
    const b = bucket(resource);
    if (type === 'DELETED') b.delete(slot(object.metadata.namespace, object.metadata.name));
    else b.set(slot(object.metadata.namespace, object.metadata.name), object);
    const event: StoreEvent = { type, resource, object: structuredClone(object), resourceVersion: rv };
    if (previous) event.previous = structuredClone(previous);
    history.push(event);
    if (history.length > historyLimit) {
      const dropped = history.splice(0, history.length - historyLimit);
      compactedThrough = dropped[dropped.length - 1].resourceVersion;
    }
    pending.push(event);
    drain();
    return object;
  }

  function drain(): void {
    if (draining) return;
    draining = true;
    try {
      while (pending.length > 0) {
        const event = pending.shift()!;
        for (const [listener, resources] of [...listeners]) {
          if (resources && !resources.has(event.resource)) continue;
          try {
            listener(structuredClone(event));
          } catch (err) {
            process.stderr.write(`kube-sim: store listener failed: ${(err as Error).stack ?? err}\n`);
          }
        }
      }
    } finally {
      draining = false;
    }
  }

  function stored(resource: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined {
    return objects.get(resource)?.get(slot(typeOf(resource).namespaced ? namespace : undefined, name));
  }

  // --- Service clusterIP / nodePort allocation -------------------------------------------------------------

  function allocateIp(): string {
    for (let i = 0; i <= serviceCidrEnd - serviceCidrStart; i++) {
      const candidate = nextIp;
      nextIp = nextIp >= serviceCidrEnd ? serviceCidrStart + 1 : nextIp + 1;
      if (!usedIps.has(candidate)) {
        usedIps.add(candidate);
        return numberToIp(candidate);
      }
    }
    throw new StatusError(500, 'InternalError', 'Internal error occurred: range is full');
  }

  function allocateNodePort(): number {
    for (let i = 0; i <= 2767; i++) {
      const candidate = nextNodePort;
      nextNodePort = nextNodePort >= 32767 ? 30000 : nextNodePort + 1;
      if (!usedNodePorts.has(candidate)) {
        usedNodePorts.add(candidate);
        return candidate;
      }
    }
    throw new StatusError(500, 'InternalError', 'Internal error occurred: range is full');
  }

  function allocateService(object: KubeObject, previous?: KubeObject): void {
    const spec = (object.spec ??= {}) as Record<string, unknown>;
    const prevSpec = (previous?.spec ?? {}) as Record<string, unknown>;
    const type = (spec.type as string | undefined) ?? 'ClusterIP';
    if (type !== 'ExternalName') {
      // Like the API server, an update that leaves clusterIP empty keeps the allocated one.
      if ((spec.clusterIP === undefined || spec.clusterIP === '') && typeof prevSpec.clusterIP === 'string' && prevSpec.clusterIP !== '') {
        spec.clusterIP = prevSpec.clusterIP;
        spec.clusterIPs = prevSpec.clusterIPs ?? [prevSpec.clusterIP];
      }
      if (spec.clusterIP === undefined || spec.clusterIP === '') {
        spec.clusterIP = allocateIp();
      } else if (spec.clusterIP !== 'None' && spec.clusterIP !== prevSpec.clusterIP) {
        if (previous && prevSpec.clusterIP) {
          throw invalid('Service', object.metadata.name, [{ field: 'spec.clusterIP', message: `Invalid value: "${String(spec.clusterIP)}": field is immutable` }]);
        }
        const n = ipToNumber(String(spec.clusterIP));
        if (usedIps.has(n)) {
          throw invalid('Service', object.metadata.name, [
            { field: 'spec.clusterIPs', message: `Invalid value: ["${String(spec.clusterIP)}"]: failed to allocate IP ${String(spec.clusterIP)}: provided IP is already allocated` },
          ]);
        }
        usedIps.add(n);
      }
      spec.clusterIPs ??= [spec.clusterIP];
      if (spec.clusterIP !== 'None') {
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
      }
    }
    if (type === 'NodePort' || type === 'LoadBalancer') {
      const prevPorts = (prevSpec.ports as ServicePort[] | undefined) ?? [];
      for (const port of (spec.ports as ServicePort[] | undefined) ?? []) {
        if (port.nodePort) {
          const same = prevPorts.some((p) => p.nodePort === port.nodePort);
          if (!same) {
            if (usedNodePorts.has(port.nodePort)) {
              throw invalid('Service', object.metadata.name, [{ field: 'spec.ports[0].nodePort', message: `Invalid value: ${port.nodePort}: provided port is already allocated` }]);
            }
            usedNodePorts.add(port.nodePort);
          }
          continue;
        }
        const old = prevPorts.find((p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP') && p.nodePort);
        port.nodePort = old?.nodePort ?? allocateNodePort();
      }
    }
  }

  function releaseService(object: KubeObject, replacement?: KubeObject): void {
    const spec = (object.spec ?? {}) as Record<string, unknown>;
    const keepSpec = (replacement?.spec ?? {}) as Record<string, unknown>;
    if (typeof spec.clusterIP === 'string' && spec.clusterIP !== 'None' && spec.clusterIP !== '' && spec.clusterIP !== keepSpec.clusterIP) {
      usedIps.delete(ipToNumber(spec.clusterIP));
    }
    const keepPorts = new Set(((keepSpec.ports as ServicePort[] | undefined) ?? []).map((p) => p.nodePort));
    for (const port of (spec.ports as ServicePort[] | undefined) ?? []) {
      if (port.nodePort && !keepPorts.has(port.nodePort)) usedNodePorts.delete(port.nodePort);
    }
  }

  // --- CRDs ------------------------------------------------------------------------------------------------

  function crdType(crd: KubeObject): ResourceType {
    const spec = (crd.spec ?? {}) as {
      group?: string;
      scope?: string;
      names?: { plural?: string; singular?: string; kind?: string; listKind?: string; shortNames?: string[]; categories?: string[] };
      versions?: Array<{ name: string; served?: boolean; storage?: boolean; subresources?: { status?: unknown; scale?: unknown } }>;
    };
    const names = spec.names ?? {};
    const causes: Array<{ field: string; message: string }> = [];
    if (!spec.group) causes.push({ field: 'spec.group', message: 'Required value' });
    if (!names.plural) causes.push({ field: 'spec.names.plural', message: 'Required value' });
    if (!names.kind) causes.push({ field: 'spec.names.kind', message: 'Required value' });
    if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') causes.push({ field: 'spec.scope', message: `Unsupported value: "${String(spec.scope)}": supported values: "Cluster", "Namespaced"` });
    const versions = spec.versions ?? [];
    if (versions.length === 0) causes.push({ field: 'spec.versions', message: 'Invalid value: null: must have exactly one version marked as storage version' });
    if (names.plural && spec.group && crd.metadata.name !== `${names.plural}.${spec.group}`) {
      causes.push({ field: 'metadata.name', message: `Invalid value: "${crd.metadata.name}": must be spec.names.plural+"."+spec.group` });
    }
    if (causes.length > 0) throw invalid('CustomResourceDefinition', crd.metadata.name, causes, 'apiextensions.k8s.io');
    const served = versions.filter((v) => v.served !== false);
    const storage = versions.find((v) => v.storage) ?? served[0] ?? versions[0];
    const ordered = [storage, ...served.filter((v) => v !== storage)].filter((v) => v.served !== false);
    const sub = storage.subresources ?? {};
    return {
      group: spec.group!,
      version: (ordered[0] ?? storage).name,
      versions: ordered.map((v) => v.name),
      plural: names.plural!,
      singular: names.singular ?? names.kind!.toLowerCase(),
      kind: names.kind!,
      listKind: names.listKind ?? `${names.kind}List`,
      namespaced: spec.scope === 'Namespaced',
      ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      ...(names.categories ? { categories: names.categories } : {}),
      subresources: [...(sub.status !== undefined ? (['status'] as const) : []), ...(sub.scale !== undefined ? (['scale'] as const) : [])],
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    };
  }

  function crdStatus(crd: KubeObject, type: ResourceType): Record<string, unknown> {
    const now = timestamp(clock.now());
    const previous = (crd.status ?? {}) as { storedVersions?: string[] };
    const stored = new Set([...(previous.storedVersions ?? []), type.version]);
    return {
      ...(crd.status as object),
      acceptedNames: { plural: type.plural, singular: type.singular, kind: type.kind, listKind: type.listKind, ...(type.shortNames ? { shortNames: type.shortNames } : {}), ...(type.categories ? { categories: type.categories } : {}) },
      conditions: [
        { type: 'NamesAccepted', status: 'True', lastTransitionTime: now, reason: 'NoConflicts', message: 'no conflicts found' },
        { type: 'Established', status: 'True', lastTransitionTime: now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
      ],
      storedVersions: [...stored],
    };
  }

  // --- Per-kind admission ----------------------------------------------------------------------------------

  function admit(resource: ResourceKey, object: KubeObject, previous?: KubeObject): KubeObject {
    let o = defaults(resource, object);
    if (resource === 'secrets' && o.stringData && typeof o.stringData === 'object') {
      const data = { ...((o.data as Record<string, string> | undefined) ?? {}) };
      for (const [k, v] of Object.entries(o.stringData as Record<string, string>)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      o = { ...o, data };
      delete o.stringData;
    }
    if (resource === 'services') allocateService(o, previous);
    if (resource === namespacesKey) {
      o.metadata.labels = { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name };
      o.spec = { finalizers: ['kubernetes'], ...((o.spec as object | undefined) ?? {}) };
      o.status = previous?.status ?? { phase: 'Active' };
    }
    if (resource === 'persistentvolumeclaims' && !previous) {
      // DefaultStorageClass admission: a claim without storageClassName gets the default class ("" means none).
      const spec = (o.spec ??= {}) as Record<string, unknown>;
      if (spec.storageClassName === undefined || spec.storageClassName === null) {
        const byDefault = [...(objects.get('storageclasses.storage.k8s.io')?.values() ?? [])].find(
          (c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
        );
        if (byDefault) spec.storageClassName = byDefault.metadata.name;
      }
    }
    if (resource === crdKey) {
      const t = crdType(o);
      const clash = types.get(resourceKey(t.group, t.plural));
      if (clash && clash !== crdTypes.get(o.metadata.name)) {
        throw invalid('CustomResourceDefinition', o.metadata.name, [{ field: 'spec.names.plural', message: `Invalid value: "${t.plural}": already served` }], 'apiextensions.k8s.io');
      }
      o.status = crdStatus(o, t);
    }
    return o;
  }

  const crdTypes = new Map<string, ResourceType>();
  function registerCrd(crd: KubeObject): void {
    const t = crdType(crd);
    const old = crdTypes.get(crd.metadata.name);
    if (old && resourceKey(old.group, old.plural) !== resourceKey(t.group, t.plural)) types.delete(resourceKey(old.group, old.plural));
    crdTypes.set(crd.metadata.name, t);
    types.set(resourceKey(t.group, t.plural), t);
  }
  function unregisterCrd(crd: KubeObject): void {
    const t = crdTypes.get(crd.metadata.name);
    if (!t) return;
    const key = resourceKey(t.group, t.plural);
    for (const o of [...(objects.get(key)?.values() ?? [])]) {
      commit('DELETED', key, structuredClone(o), o);
    }
    objects.delete(key);
    types.delete(key);
    crdTypes.delete(crd.metadata.name);
  }

  // --- Deletion and garbage collection ---------------------------------------------------------------------

  function dependentsOf(uid: string | undefined): Array<{ resource: ResourceKey; object: KubeObject }> {
    if (!uid) return [];
    const out: Array<{ resource: ResourceKey; object: KubeObject }> = [];
    for (const [resource, b] of objects) {
      for (const o of b.values()) {
        if (o.metadata.ownerReferences?.some((r) => r.uid === uid)) out.push({ resource, object: o });
      }
    }
    return out;
  }

  function ownerByUid(uid: string): { resource: ResourceKey; object: KubeObject } | undefined {
    for (const [resource, b] of objects) {
      for (const o of b.values()) if (o.metadata.uid === uid) return { resource, object: o };
    }
    return undefined;
  }

  /** Takes an object out of the store for good, then lets the garbage collector follow up. */
  function remove(resource: ResourceKey, current: KubeObject, cascade: 'Background' | 'Orphan'): KubeObject {
    const gone = structuredClone(current);
    commit('DELETED', resource, gone, current);
    if (resource === 'services') releaseService(current);
    if (resource === crdKey) unregisterCrd(current);
    if (resource === namespacesKey) purgeNamespace(current.metadata.name);
    if (cascade === 'Background') {
      for (const d of dependentsOf(current.metadata.uid)) {
        const still = stored(d.resource, d.object.metadata.namespace, d.object.metadata.name);
        if (still) deleteObject(d.resource, still, 'Background');
      }
    }
    settleOwners(current);
    if (current.metadata.namespace) settleNamespace(current.metadata.namespace);
    return gone;
  }

  /** An owner waiting in foreground deletion loses its finalizer once its last dependent is gone. */
  function settleOwners(removed: KubeObject): void {
    for (const ref of removed.metadata.ownerReferences ?? []) {
      const owner = ownerByUid(ref.uid);
      if (owner) settleForeground(owner.resource, owner.object);
    }
  }

  function settleForeground(resource: ResourceKey, owner: KubeObject): void {
    if (!owner.metadata.deletionTimestamp || !owner.metadata.finalizers?.includes('foregroundDeletion')) return;
    if (dependentsOf(owner.metadata.uid).length > 0) return;
    const next = structuredClone(owner);
    next.metadata.finalizers = next.metadata.finalizers!.filter((f) => f !== 'foregroundDeletion');
    if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
    const committed = commit('MODIFIED', resource, next, owner);
    if (!committed.metadata.finalizers?.length) remove(resource, committed, 'Background');
  }

  function purgeNamespace(namespace: string): void {
    for (const [resource, b] of [...objects]) {
      if (!types.get(resource)?.namespaced) continue;
      for (const o of [...b.values()]) {
        if (o.metadata.namespace !== namespace) continue;
        const still = stored(resource, namespace, o.metadata.name);
        if (still) deleteObject(resource, still, 'Background');
      }
    }
  }

  /** A terminating namespace goes away once nothing is left in it. */
  function settleNamespace(namespace: string): void {
    const ns = objects.get(namespacesKey)?.get(slot(undefined, namespace));
    if (!ns?.metadata.deletionTimestamp) return;
    for (const [resource, b] of objects) {
      if (!types.get(resource)?.namespaced) continue;
      for (const o of b.values()) if (o.metadata.namespace === namespace) return;
    }
    remove(namespacesKey, ns, 'Background');
  }

  function deleteObject(resource: ResourceKey, current: KubeObject, policy: 'Background' | 'Foreground' | 'Orphan'): KubeObject {
    if (policy === 'Orphan') {
      for (const d of dependentsOf(current.metadata.uid)) {
        const next = structuredClone(d.object);
        next.metadata.ownerReferences = next.metadata.ownerReferences!.filter((r) => r.uid !== current.metadata.uid);
        if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
        commit('MODIFIED', d.resource, next, d.object);
      }
    }
    const finalizers = [...(current.metadata.finalizers ?? [])];
    const dependents = dependentsOf(current.metadata.uid);
    if (policy === 'Foreground' && dependents.length > 0 && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    const terminatingNamespace = resource === namespacesKey;
    if (finalizers.length > 0 || terminatingNamespace) {
      let committed = current;
      if (!current.metadata.deletionTimestamp || finalizers.length !== (current.metadata.finalizers?.length ?? 0)) {
        const next = structuredClone(current);
        next.metadata.deletionTimestamp ??= timestamp(clock.now());
        next.metadata.deletionGracePeriodSeconds ??= 0;
        if (finalizers.length > 0) next.metadata.finalizers = finalizers;
        if (terminatingNamespace) next.status = { ...(next.status as object), phase: 'Terminating' };
        committed = commit('MODIFIED', resource, next, current);
      }
      if (terminatingNamespace && finalizers.length === 0) {
        purgeNamespace(current.metadata.name);
        const still = stored(resource, undefined, current.metadata.name);
        if (still) settleNamespace(current.metadata.name);
        return structuredClone(stored(resource, undefined, current.metadata.name) ?? committed);
      }
      if (policy === 'Foreground') {
        for (const d of dependents) {
          const still = stored(d.resource, d.object.metadata.namespace, d.object.metadata.name);
          if (still && !still.metadata.deletionTimestamp) deleteObject(d.resource, still, 'Foreground');
        }
        const now = stored(resource, current.metadata.namespace, current.metadata.name);
        if (now) settleForeground(resource, now);
      }
      return structuredClone(committed);
    }
    return remove(resource, current, policy === 'Orphan' ? 'Orphan' : 'Background');
  }

  // --- Seed ------------------------------------------------------------------------------------------------

  const store: MemoryStore = {
    resourceTypes: () => [...types.values()].map((t) => structuredClone(t)),
    resourceType: (resource) => {
      const t = types.get(resource);
      return t ? structuredClone(t) : undefined;
    },

    get(resource, namespace, name) {
      const o = stored(resource, namespace, name);
      return o ? structuredClone(o) : undefined;
    },

    list(resource, listOptions: ListOptions = {}) {
      const type = typeOf(resource);
      const match = compileSelectors(listOptions.labelSelector, listOptions.fieldSelector);
      const items: KubeObject[] = [];
      for (const o of objects.get(resource)?.values() ?? []) {
        if (type.namespaced && listOptions.namespace && o.metadata.namespace !== listOptions.namespace) continue;
        if (listOptions.filter && !listOptions.filter(o)) continue;
        if (match(o)) items.push(structuredClone(o));
      }
      // Plain code-unit order by namespace then name (as etcd keys sort), which list pagination relies on.
      const sortKey = (o: KubeObject) => `${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;
      items.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
      return { items, resourceVersion: String(rv) };
    },

    create(resource, object) {
      const type = typeOf(resource);
      const input = structuredClone(object);
      input.metadata = { ...(input.metadata ?? {}) } as KubeObject['metadata'];
      input.apiVersion ||= groupVersion(type.group, type.version);
      input.kind ||= type.kind;
      if (type.namespaced) input.metadata.namespace ||= 'default';
      else delete input.metadata.namespace;
      if (!input.metadata.name) {
        if (!input.metadata.generateName) {
          throw invalid(type.kind, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required' }], type.group);
        }
        do input.metadata.name = `${input.metadata.generateName}${randomSuffix()}`;
        while (stored(resource, input.metadata.namespace, input.metadata.name));
      }
      const { name, namespace } = input.metadata;
      validateMetadata(resource, type, input);
      if (type.namespaced) {
        const ns = objects.get(namespacesKey)?.get(slot(undefined, namespace!));
        if (!ns) throw notFound('namespaces', namespace!, '', 'namespaces');
        if (ns.metadata.deletionTimestamp) {
          throw new StatusError(403, 'Forbidden', `${resource} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, { name, group: type.group, kind: type.plural });
        }
      }
      if (stored(resource, namespace, name)) throw alreadyExists(resource, name, type.group, type.plural);
      let admitted = admit(resource, input);
      const uid = randomUUID();
      // Jobs derive their selector and template labels from the uid (controller-uid).
      if (resource === 'jobs.batch') admitted = jobSelectorDefaults(admitted, uid);
      validateSpec(resource, type, admitted);
      // ResourceQuota is a validating admission plugin: it sees the defaulted, validated pod.
      if (resource === 'pods') {
        const inNamespace = (r: ResourceKey) => [...(objects.get(r)?.values() ?? [])].filter((o) => o.metadata.namespace === namespace);
        const quotas = inNamespace('resourcequotas');
        // Usage is summed over the namespace's pods only where a quota needs it.
        if (quotas.length > 0) admitPodQuota(admitted, quotas, inNamespace('pods'));
      }
      const meta = admitted.metadata;
      meta.uid = uid;
      meta.creationTimestamp = timestamp(clock.now());
      meta.generation = 1;
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
      if (resource === crdKey) registerCrd(admitted);
      const created = structuredClone(commit('ADDED', resource, admitted));
      if (resource === namespacesKey && (options.namespaceDefaults ?? true)) {
        store.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
        store.create('configmaps', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
          data: { 'ca.crt': rootCaPem },
        });
      }
      return created;
    },

    update(resource, object, updateOptions = {}) {
      const type = typeOf(resource);
      const namespace = type.namespaced ? object.metadata?.namespace || 'default' : undefined;
      const name = object.metadata?.name;
      const current = name ? stored(resource, namespace, name) : undefined;
      if (!current) throw notFound(resource, name ?? '', type.group, type.plural);
      const wanted = object.metadata.resourceVersion;
      if (wanted && wanted !== current.metadata.resourceVersion) throw conflict(resource, name!, type.group, type.plural);
      if (object.metadata.uid && object.metadata.uid !== current.metadata.uid) {
        throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": Precondition failed: UID in precondition: ${current.metadata.uid}, UID in object meta: ${object.metadata.uid}`, { name, group: type.group, kind: type.plural });
      }
      let next: KubeObject;
      if (updateOptions.subresource === 'status') {
        next = structuredClone(current);
        if (object.status === undefined) delete next.status;
        else next.status = structuredClone(object.status);
      } else {
        next = structuredClone(object);
        next.apiVersion ||= current.apiVersion;
        next.kind ||= current.kind;
        next.metadata = {
          ...next.metadata,
          name: current.metadata.name,
          uid: current.metadata.uid,
          creationTimestamp: current.metadata.creationTimestamp,
          generation: current.metadata.generation,
        };
        if (type.namespaced) next.metadata.namespace = current.metadata.namespace;
        else delete next.metadata.namespace;
        // deletionTimestamp is set only by deletion and never cleared by an update.
        if (current.metadata.deletionTimestamp) {
          next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
          next.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
        } else {
          delete next.metadata.deletionTimestamp;
          delete next.metadata.deletionGracePeriodSeconds;
        }
        validateMetadata(resource, type, next);
        next = admit(resource, next, current);
        validateSpec(resource, type, next, current);
        if (!deepEqual(specPart(next), specPart(current))) next.metadata.generation = (current.metadata.generation ?? 1) + 1;
      }
      next.metadata.resourceVersion = current.metadata.resourceVersion;
      if (deepEqual(next, current)) return structuredClone(current); // a no-op update commits nothing
      if (resource === 'services') releaseService(current, next);
      const committed = commit('MODIFIED', resource, next, current);
      if (resource === crdKey) registerCrd(committed);
      if (committed.metadata.deletionTimestamp && !committed.metadata.finalizers?.length) {
        return remove(resource, committed, 'Background');
      }
      if (committed.metadata.deletionTimestamp && committed.metadata.finalizers?.includes('foregroundDeletion')) settleForeground(resource, committed);
      return structuredClone(stored(resource, namespace, name!) ?? committed);
    },

    delete(resource, namespace, name, deleteOptions: DeleteOptions = {}) {
      const type = typeOf(resource);
      const current = stored(resource, namespace, name);
      if (!current) throw notFound(resource, name, type.group, type.plural);
      const pre = deleteOptions.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid) {
        throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`, { name, group: type.group, kind: type.plural });
      }
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`, { name, group: type.group, kind: type.plural });
      }
      return deleteObject(resource, current, deleteOptions.propagationPolicy ?? 'Background');
    },

    currentResourceVersion: () => rv,

    subscribe(listener, subscribeOptions = {}) {
      listeners.set(listener, subscribeOptions.resources ? new Set(subscribeOptions.resources) : undefined);
      return () => listeners.delete(listener);
    },

    eventsSince(resourceVersion) {
      if (resourceVersion < compactedThrough) {
        throw new StatusError(410, 'Expired', `too old resource version: ${resourceVersion} (${compactedThrough + 1})`);
      }
      // Binary search for the first change after resourceVersion.
      let lo = 0;
      let hi = history.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (history[mid].resourceVersion <= resourceVersion) lo = mid + 1;
        else hi = mid;
      }
      return history.slice(lo).map((e) => structuredClone(e));
    },

    compact() {
      compactedThrough = rv;
      history.length = 0;
    },
  };

  if (!options.empty) {
    for (const name of systemNamespaces) store.create(namespacesKey, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    // The default StorageClass every common cluster ships (kind, minikube, cloud providers).
    store.create('storageclasses.storage.k8s.io', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
    store.create('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], type: 'ClusterIP' },
    });
  }
  return store;
}
