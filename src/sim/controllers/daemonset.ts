/**
 * The DaemonSet controller: one pod per node that should run it (nodeSelector / required node affinity of the
 * template, taints against the template's tolerations plus the ones the real controller adds). Like the real
 * controller since 1.12 it does not set spec.nodeName: each pod gets a required node affinity
 * `matchFields metadata.name In [<node>]` and the scheduler (src/sim/scheduler) binds it. Rolling update honours
 * maxUnavailable and maxSurge; revisions are ControllerRevisions, pods carry `controller-revision-hash` (the bare
 * hash) and `pod-template-generation`.
 */
import { recordEvent } from '../events.js';
import { matchesNodeSelection, tolerates } from '../scheduler/fit.js';
import type { KubeObject, StoreEvent } from '../store/types.js';
import { type IntOrString, scaledValue } from './deployment-util.js';
import { podFromTemplate } from './replicaset.js';
import { type Controller, type ControllerContext, R } from './runtime.js';
import { cleanupRevisions, controllerRevisionHashLabel, revisionLabel, syncUpdateRevision } from './statefulset.js';
import {
  type Json,
  type PodView,
  byCreation,
  controllerRef,
  createPodOrRecord,
  isControlledBy,
  isPodAvailable,
  isPodReady,
  num,
  objectKey,
  podAvailableAt,
  refusalBackoff,
  semanticEqual,
  splitKey,
} from './util.js';

const component = 'daemonset-controller';

/** Deprecated label the DaemonSet controller still writes on its pods. */
export const templateGenerationLabel = 'pod-template-generation';

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

interface DaemonSetSpec {
  selector?: Json;
  template?: Json & { spec?: Json & { tolerations?: Toleration[]; hostNetwork?: boolean; affinity?: Json } };
  updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

/** The tolerations the DaemonSet controller adds to every daemon pod (AddOrUpdateDaemonPodTolerations). */
export function daemonPodTolerations(existing: Toleration[] | undefined, hostNetwork: boolean): Toleration[] {
  const add: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) add.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const out = [...(existing ?? [])];
  for (const t of add) {
    const i = out.findIndex((e) => e.key === t.key && e.effect === t.effect);
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  return out;
}

/** Whether a daemon pod with this spec belongs on `node` (nodeShouldRunDaemonPod without resource checks). */
export function nodeShouldRunDaemonPod(podSpec: Json & { tolerations?: Toleration[] }, node: KubeObject): boolean {
  if (!matchesNodeSelection(podSpec as Parameters<typeof matchesNodeSelection>[0], node)) return false;
  const taints = ((node.spec as { taints?: Array<{ key: string; value?: string; effect: string }> } | undefined)?.taints ?? []).filter(
    (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute',
  );
  const tolerations = podSpec.tolerations ?? [];
  return taints.every((taint) => tolerations.some((t) => tolerates(t as Parameters<typeof tolerates>[0], taint)));
}

/** The node a daemon pod is for: spec.nodeName, else its matchFields metadata.name affinity (GetTargetNodeName). */
export function targetNodeName(pod: KubeObject): string | undefined {
  const spec = (pod.spec ?? {}) as { nodeName?: string; affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: Array<{ matchFields?: Array<{ key: string; operator: string; values?: string[] }> }> } } } };
  if (spec.nodeName) return spec.nodeName;
  for (const term of spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

/** The pod affinity pinning a pod to one node, replacing other required node selector terms (ReplaceDaemonSetPodNodeNameNodeAffinity). */
export function pinToNode(affinity: Json | undefined, nodeName: string): Json {
  const a = { ...(affinity ?? {}) } as Json & { nodeAffinity?: Json };
  a.nodeAffinity = {
    ...(a.nodeAffinity ?? {}),
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] },
  };
  return a;
}

/** Creates the DaemonSet controller. */
export function daemonSetController(ctx: ControllerContext): Controller {
  const { store, clock } = ctx;

  function ownerKey(pod: KubeObject | undefined): string | undefined {
    const ref = controllerRef(pod);
    return ref?.kind === 'DaemonSet' && pod?.metadata.namespace ? `${pod.metadata.namespace}/${ref.name}` : undefined;
  }

  function keysFor(event: StoreEvent): string[] {
    if (event.resource === R.daemonSets) return [objectKey(event.object)];
    if (event.resource === R.pods) return [...new Set([ownerKey(event.object), ownerKey(event.previous)].filter((k): k is string => !!k))];
    if (event.resource === R.nodes) {
      // Only changes that can move daemon pods matter (not the kubelet's heartbeats).
      const relevant = event.type !== 'MODIFIED' || !semanticEqual(event.object.spec, event.previous?.spec) || !semanticEqual(event.object.metadata.labels, event.previous?.metadata.labels);
      return relevant ? store.list(R.daemonSets).items.map(objectKey) : [];
    }
    return [];
  }

  function deletePod(ds: KubeObject, pod: KubeObject): void {
    try {
      store.delete(R.pods, pod.metadata.namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if ((e as { code?: number }).code === 404) return;
      throw e;
    }
    recordEvent(store, clock, { involved: ds, reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name}`, component });
  }

  const backoff = refusalBackoff();

  function reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const ds = store.get(R.daemonSets, namespace, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const spec = (ds.spec ?? {}) as DaemonSetSpec;
    const prev = (ds.status ?? {}) as Json & { collisionCount?: number };
    const { update, collisionCount } = syncUpdateRevision(ctx, ds, spec.template, num(prev.collisionCount, 0));
    const hash = update.metadata.labels?.[controllerRevisionHashLabel] ?? update.metadata.name.slice(name.length + 1);
    const generation = String(ds.metadata.generation ?? 1);
    const template = (spec.template ?? {}) as NonNullable<DaemonSetSpec['template']>;
    const podSpecForCheck = { ...(template.spec ?? {}), tolerations: daemonPodTolerations(template.spec?.tolerations, template.spec?.hostNetwork === true) };
    const minReady = num(spec.minReadySeconds, 0);
    const now = clock.now();
    const available = (p: PodView) => isPodAvailable(p, minReady, now, clock.timeScale);
    const isNew = (p: PodView) => p.metadata.labels?.[revisionLabel] === hash;

    const nodes = store.list(R.nodes).items;
    const nodeNames = new Set(nodes.map((n) => n.metadata.name));
    const shouldRun = new Set(nodes.filter((n) => nodeShouldRunDaemonPod(podSpecForCheck, n)).map((n) => n.metadata.name));
    const owned = () => store.list(R.pods, { namespace, filter: (p) => isControlledBy(p, ds.metadata.uid) }).items as PodView[];
    const byNode = (pods: PodView[]) => {
      const m = new Map<string, PodView[]>();
      for (const p of pods) {
        const n = targetNodeName(p) ?? '';
        m.set(n, [...(m.get(n) ?? []), p]);
      }
      for (const list of m.values()) list.sort(byCreation);
      return m;
    };

    const create = (nodeName: string) => {
      const pod = podFromTemplate(ds, template, { labels: { [revisionLabel]: hash, [templateGenerationLabel]: generation } });
      const podSpec = pod.spec as Json;
      podSpec.affinity = pinToNode(podSpec.affinity as Json | undefined, nodeName);
      podSpec.tolerations = podSpecForCheck.tolerations;
      const created = createPodOrRecord(ctx, { owner: ds, pod, component, key, backoff });
      if (created) recordEvent(store, clock, { involved: ds, reason: 'SuccessfulCreate', message: `Created pod: ${created.metadata.name}`, component });
    };

    // Manage: exactly one live pod on each node that should run one, none elsewhere.
    for (const [nodeName, pods] of byNode(owned())) {
      const live = pods.filter((p) => !p.metadata.deletionTimestamp);
      if (!nodeNames.has(nodeName) || !shouldRun.has(nodeName)) {
        for (const p of live) deletePod(ds, p);
        continue;
      }
      for (const p of live.filter((p) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded')) {
        deletePod(ds, p);
      }
    }
    let pods = owned();
    let nodePods = byNode(pods);
    for (const nodeName of shouldRun) {
      const live = (nodePods.get(nodeName) ?? []).filter((p) => !p.metadata.deletionTimestamp);
      if (live.length === 0) create(nodeName);
      else if (live.length > 1) {
        // Keep one pod per node: the new-revision one once it is available (surge), else the oldest.
        const keep = live.find((p) => isNew(p) && available(p)) ?? live[0];
        const surging = live.length === 2 && live.some(isNew) && !live.some((p) => isNew(p) && available(p));
        if (!surging) for (const p of live) if (p !== keep) deletePod(ds, p);
      }
    }

    // Rolling update.
    const strategy = spec.updateStrategy?.type ?? 'RollingUpdate';
    if (strategy === 'RollingUpdate') {
      pods = owned();
      nodePods = byNode(pods);
      const desired = shouldRun.size;
      let maxSurge = scaledValue(spec.updateStrategy?.rollingUpdate?.maxSurge ?? 0, desired, true);
      let maxUnavailable = scaledValue(spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, true);
      if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
      if (maxSurge > 0) maxUnavailable = 0;
      let unavailable = 0;
      let surging = 0;
      for (const nodeName of shouldRun) {
        const live = (nodePods.get(nodeName) ?? []).filter((p) => !p.metadata.deletionTimestamp);
        if (!live.some(available)) unavailable++;
        if (live.length > 1) surging++;
      }
      for (const nodeName of [...shouldRun].sort()) {
        const live = (nodePods.get(nodeName) ?? []).filter((p) => !p.metadata.deletionTimestamp);
        const old = live.filter((p) => !isNew(p));
        if (old.length === 0) continue;
        const fresh = live.find(isNew);
        if (maxSurge === 0) {
          const oldPod = old[0];
          if (!available(oldPod)) deletePod(ds, oldPod);
          else if (unavailable < maxUnavailable) {
            deletePod(ds, oldPod);
            unavailable++;
          }
        } else if (fresh) {
          if (available(fresh)) for (const p of old) deletePod(ds, p);
        } else if (!old.some(available)) {
          for (const p of old) deletePod(ds, p);
        } else if (surging < maxSurge) {
          create(nodeName);
          surging++;
        }
      }
    }

    // Status.
    pods = owned();
    nodePods = byNode(pods);
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let avail = 0;
    let updated = 0;
    let soonest: number | undefined;
    for (const [nodeName, list] of nodePods) {
      const live = list.filter((p) => !p.metadata.deletionTimestamp);
      if (live.length === 0 || nodeName === '') continue;
      if (!shouldRun.has(nodeName)) {
        misscheduled++;
        continue;
      }
      current++;
      const pod = live[0];
      if (isPodReady(pod)) {
        ready++;
        if (available(pod)) avail++;
        else {
          const at = podAvailableAt(pod, minReady, clock.timeScale);
          if (at) soonest = Math.min(soonest ?? Infinity, at.getTime());
        }
      }
      if (isNew(pod)) updated++;
    }
    const status: Json = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: shouldRun.size,
      numberReady: ready,
      observedGeneration: ds.metadata.generation,
      ...(updated ? { updatedNumberScheduled: updated } : {}),
      ...(avail ? { numberAvailable: avail } : {}),
      ...(shouldRun.size - avail > 0 ? { numberUnavailable: shouldRun.size - avail } : {}),
      ...(collisionCount ? { collisionCount } : {}),
    };
    const fresh = store.get(R.daemonSets, namespace, name);
    if (fresh && !semanticEqual(status, fresh.status ?? {})) store.update(R.daemonSets, { ...fresh, status }, { subresource: 'status' });
    if (soonest !== undefined) ctx.enqueue(key, Math.max(0, soonest - now.getTime()) * clock.timeScale + 1);

    const inUse = new Set<string>([update.metadata.name]);
    const revisions = store.list(R.controllerRevisions, { namespace }).items.filter((r) => isControlledBy(r, ds.metadata.uid));
    for (const r of revisions) {
      const h = r.metadata.labels?.[controllerRevisionHashLabel];
      if (h && pods.some((p) => p.metadata.labels?.[revisionLabel] === h)) inUse.add(r.metadata.name);
    }
    cleanupRevisions(ctx, revisions.sort((a, b) => num(a.revision, 0) - num(b.revision, 0)), inUse, num(spec.revisionHistoryLimit, 10));
  }

  return {
    name: component,
    keysFor,
    initialKeys: () => store.list(R.daemonSets).items.map(objectKey),
    reconcile,
  };
}
