/**
 * The Endpoints and EndpointSlice controllers, reduced: for each Service with a selector, one core/v1 Endpoints
 * object of the same name (ready pod IPs in `addresses`, unready ones in `notReadyAddresses`) and one
 * discovery.k8s.io/v1 EndpointSlice (`<service>-<suffix>`, owned by the Service) listing the same pods with
 * ready/serving/terminating conditions. Named target ports are resolved against each pod's container ports.
 */
import type { KubeObject, StoreEvent } from '../store/types.js';
import { type Controller, type ControllerContext, R } from './runtime.js';
import { type Json, type PodView, isPodReady, objectKey, ownerRefTo, semanticEqual, splitKey } from './util.js';

const component = 'endpoint-controller';
/** Label tying an EndpointSlice to its Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';
/** Label naming the EndpointSlice's manager. */
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
const managedBy = 'endpointslice-controller.k8s.io';

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
}

/** Resolves a Service port's targetPort for a pod (number, or a named container port); undefined when the pod lacks it. */
export function resolveTargetPort(port: ServicePort, pod: PodView): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of (pod.spec?.containers ?? []) as Array<{ ports?: Array<{ name?: string; containerPort: number; protocol?: string }> }>) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP')) return p.containerPort;
  }
  return undefined;
}

function selectorMatchesPod(selector: Record<string, string>, pod: KubeObject): boolean {
  const labels = pod.metadata.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Creates the Endpoints / EndpointSlice controller. */
export function endpointsController(ctx: ControllerContext): Controller {
  const { store } = ctx;

  function keysFor(event: StoreEvent): string[] {
    if (event.resource === R.services) return [objectKey(event.object)];
    if (event.resource !== R.pods) return [];
    const ns = event.object.metadata.namespace;
    return store
      .list(R.services, { namespace: ns })
      .items.filter((svc) => {
        const sel = (svc.spec as { selector?: Record<string, string> } | undefined)?.selector;
        if (!sel || Object.keys(sel).length === 0) return false;
        return selectorMatchesPod(sel, event.object) || (event.previous !== undefined && selectorMatchesPod(sel, event.previous));
      })
      .map(objectKey);
  }

  function put(resource: string, existing: KubeObject | undefined, desired: KubeObject): void {
    if (!existing) {
      store.create(resource, desired);
      return;
    }
    const { metadata: _m, ...restDesired } = desired;
    const { metadata: _e, apiVersion: _a, kind: _k, ...restExisting } = existing;
    const { apiVersion: _a2, kind: _k2, ...body } = restDesired;
    if (semanticEqual(body, restExisting) && semanticEqual(desired.metadata.labels, existing.metadata.labels)) return;
    store.update(resource, { ...existing, ...body, metadata: { ...existing.metadata, labels: desired.metadata.labels } });
  }

  function reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const svc = store.get(R.services, namespace, name);
    const sliceOf = () => store.list(R.endpointSlices, { namespace, labelSelector: `${serviceNameLabel}=${name}` }).items;
    const selector = (svc?.spec as { selector?: Record<string, string> } | undefined)?.selector;
    if (!svc || svc.metadata.deletionTimestamp || !selector || Object.keys(selector).length === 0) {
      // Without a selector the endpoints are the user's to manage; when the Service is gone, so are ours.
      if (!svc && store.get(R.endpoints, namespace, name)) store.delete(R.endpoints, namespace, name);
      if (!svc) for (const s of sliceOf()) store.delete(R.endpointSlices, namespace, s.metadata.name);
      return;
    }
    const spec = svc.spec as { ports?: ServicePort[]; publishNotReadyAddresses?: boolean };
    const ports = spec.ports ?? [];
    const pods = (store.list(R.pods, { namespace }).items as PodView[]).filter(
      (p) => selectorMatchesPod(selector, p) && p.status?.podIP && p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed',
    );

    // Endpoints: pods grouped by their resolved port list (one subset per distinct list).
    const subsets = new Map<string, { addresses: Json[]; notReadyAddresses: Json[]; ports: Json[] }>();
    const endpoints: Json[] = [];
    for (const pod of pods.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
      const resolved = ports
        .map((p) => ({ name: p.name, port: resolveTargetPort(p, pod), protocol: p.protocol ?? 'TCP' }))
        .filter((p): p is { name: string | undefined; port: number; protocol: string } => p.port !== undefined)
        .map((p) => (p.name ? p : { port: p.port, protocol: p.protocol }));
      const ready = isPodReady(pod);
      const terminating = Boolean(pod.metadata.deletionTimestamp);
      const targetRef = { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid };
      const nodeName = pod.spec?.nodeName;
      endpoints.push({
        addresses: [pod.status!.podIP],
        conditions: { ready: ready && !terminating, serving: ready, terminating },
        ...(nodeName ? { nodeName } : {}),
        targetRef,
      });
      if (terminating || (ports.length > 0 && resolved.length === 0)) continue;
      const groupKey = JSON.stringify(resolved);
      const group = subsets.get(groupKey) ?? { addresses: [] as Json[], notReadyAddresses: [] as Json[], ports: resolved as Json[] };
      const address = { ip: pod.status!.podIP, ...(nodeName ? { nodeName } : {}), targetRef };
      if (ready || spec.publishNotReadyAddresses) group.addresses.push(address);
      else group.notReadyAddresses.push(address);
      subsets.set(groupKey, group);
    }
    const subsetList = [...subsets.values()].map((s) => ({
      ...(s.addresses.length ? { addresses: s.addresses } : {}),
      ...(s.notReadyAddresses.length ? { notReadyAddresses: s.notReadyAddresses } : {}),
      ...(s.ports.length ? { ports: s.ports } : {}),
    }));
    const labels = { ...(svc.metadata.labels ?? {}) };
    put(R.endpoints, store.get(R.endpoints, namespace, name), {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace, ...(Object.keys(labels).length ? { labels } : {}) },
      ...(subsetList.length ? { subsets: subsetList } : {}),
    });

    const [slice, ...extra] = sliceOf();
    for (const s of extra) store.delete(R.endpointSlices, namespace, s.metadata.name);
    put(R.endpointSlices, slice, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: slice?.metadata.name ?? '',
        generateName: `${name}-`,
        namespace,
        labels: { ...labels, [serviceNameLabel]: name, [managedByLabel]: managedBy },
        ownerReferences: [ownerRefTo(svc)],
      },
      addressType: 'IPv4',
      endpoints,
      ports: ports.map((p) => {
        const port = typeof p.targetPort === 'number' ? p.targetPort : /^\d+$/.test(String(p.targetPort ?? '')) ? Number(p.targetPort) : pods.length ? resolveTargetPort(p, pods[0]) : undefined;
        return { name: p.name ?? '', protocol: p.protocol ?? 'TCP', ...(port !== undefined ? { port } : p.targetPort === undefined ? { port: p.port } : {}) };
      }),
    });
  }

  return {
    name: component,
    keysFor,
    initialKeys: () => store.list(R.services).items.map(objectKey),
    reconcile,
  };
}
