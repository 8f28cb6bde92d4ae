/**
 * The ReplicaSet controller: keeps spec.replicas active pods (generateName `<rs>-`, template labels and
 * annotations, controller ownerReference), deletes surplus pods in the upstream ranking order (unscheduled,
 * pending, not ready, recently ready, restarting, newest first), and writes status counters with
 * minReadySeconds availability re-checked by a SimClock timer.
 */
import { recordEvent } from '../events.js';
import type { KubeObject, StoreEvent } from '../store/types.js';
import { claimable, claimObjects } from './claim.js';
import { type Controller, type ControllerContext, R } from './runtime.js';
import {
  type Json,
  type LabelSelectorSpec,
  type PodView,
  clone,
  controllerRef,
  createdMs,
  isPodActive,
  isPodAvailable,
  createPodOrRecord,
  isPodReady,
  num,
  objectKey,
  ownerRefTo,
  podAvailableAt,
  podReadyCondition,
  podRestarts,
  refusalBackoff,
  selectorMatches,
  semanticEqual,
  splitKey,
} from './util.js';

const component = 'replicaset-controller';

/** A pod for a controller's template: generateName `<owner>-`, template labels/annotations, controller reference. */
export function podFromTemplate(owner: KubeObject, template: Json | undefined, extra: { labels?: Record<string, string>; name?: string; generateName?: string } = {}): KubeObject {
  const t = clone((template ?? {}) as { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Json });
  const labels = { ...(t.metadata?.labels ?? {}), ...(extra.labels ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: extra.name ?? '',
      ...(extra.name ? {} : { generateName: extra.generateName ?? `${owner.metadata.name}-` }),
      namespace: owner.metadata.namespace,
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(t.metadata?.annotations && Object.keys(t.metadata.annotations).length ? { annotations: t.metadata.annotations } : {}),
      ownerReferences: [ownerRefTo(owner)],
    },
    spec: t.spec ?? {},
  };
}

/**
 * Orders pods so that the first ones are the best to delete when scaling down (controller.ActivePodsWithRanks
 * without the co-location rank): unassigned before assigned, Pending before Unknown before Running, not ready
 * before ready, ready for less time before longer, more restarts before fewer, newer before older.
 */
export function rankPodsForDeletion(pods: PodView[]): PodView[] {
  const phaseRank = (p: PodView): number => ({ Pending: 0, Unknown: 1, Running: 2 })[p.status?.phase ?? 'Pending'] ?? 0;
  const readySince = (p: PodView): number => {
    const t = podReadyCondition(p)?.lastTransitionTime;
    return t ? Date.parse(t) : 0;
  };
  return [...pods].sort((a, b) => {
    const assignedA = a.spec?.nodeName ? 1 : 0;
    const assignedB = b.spec?.nodeName ? 1 : 0;
    if (assignedA !== assignedB) return assignedA - assignedB;
    if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
    const readyA = isPodReady(a) ? 1 : 0;
    const readyB = isPodReady(b) ? 1 : 0;
    if (readyA !== readyB) return readyA - readyB;
    if (readyA && readyB && readySince(a) !== readySince(b)) return readySince(b) - readySince(a);
    if (podRestarts(a) !== podRestarts(b)) return podRestarts(b) - podRestarts(a);
    return createdMs(b) - createdMs(a);
  });
}

/** ReplicaSet status counters from its pods (calculateStatus of the upstream controller). */
export function replicaSetStatus(rs: KubeObject, pods: PodView[], now: Date, timeScale: number): Json {
  const spec = (rs.spec ?? {}) as { minReadySeconds?: number; template?: { metadata?: { labels?: Record<string, string> } } };
  const minReady = num(spec.minReadySeconds, 0);
  const templateLabels = spec.template?.metadata?.labels ?? {};
  const active = pods.filter(isPodActive);
  const fullyLabeled = active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length;
  const ready = active.filter(isPodReady).length;
  const available = active.filter((p) => isPodAvailable(p, minReady, now, timeScale)).length;
  const status: Json = { replicas: active.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (rs.metadata.generation) status.observedGeneration = rs.metadata.generation;
  const conditions = (rs.status as Json | undefined)?.conditions;
  if (Array.isArray(conditions) && conditions.length) status.conditions = conditions;
  return status;
}

/**
 * The ReplicaFailure condition as syncReplicaSet keeps it: added (reason FailedCreate, the API server's error
 * as message) when this sync's creates were refused and the condition is not there yet; removed once a sync
 * manages the replicas without error.
 */
export function withReplicaFailure(status: Json, refused: string | undefined, now: Date): Json {
  const conditions = (Array.isArray(status.conditions) ? status.conditions : []) as Array<{ type?: string }>;
  const has = conditions.some((c) => c.type === 'ReplicaFailure');
  if (refused !== undefined && !has) {
    const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { ...status, conditions: [...conditions, { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: refused, lastTransitionTime: at }] };
  }
  if (refused === undefined && has) {
    const rest = conditions.filter((c) => c.type !== 'ReplicaFailure');
    const out = { ...status };
    if (rest.length) out.conditions = rest;
    else delete out.conditions;
    return out;
  }
  return status;
}

/** Creates the ReplicaSet controller. */
export function replicaSetController(ctx: ControllerContext): Controller {
  const { store, clock } = ctx;

  function ownerKey(pod: KubeObject | undefined): string | undefined {
    const ref = controllerRef(pod);
    return ref?.kind === 'ReplicaSet' && pod?.metadata.namespace ? `${pod.metadata.namespace}/${ref.name}` : undefined;
  }

  function keysFor(event: StoreEvent): string[] {
    if (event.resource === R.replicaSets) return [objectKey(event.object)];
    if (event.resource === R.pods) {
      const keys = [ownerKey(event.object), ownerKey(event.previous)].filter((k): k is string => !!k);
      // An orphan may be adopted by any ReplicaSet whose selector matches it.
      if (event.type !== 'DELETED' && !controllerRef(event.object)) {
        for (const rs of store.list(R.replicaSets, { namespace: event.object.metadata.namespace }).items) {
          if (selectorMatches((rs.spec as { selector?: LabelSelectorSpec } | undefined)?.selector, event.object.metadata.labels)) keys.push(objectKey(rs));
        }
      }
      return [...new Set(keys)];
    }
    return [];
  }

  const backoff = refusalBackoff();

  function reconcile(key: string): void {
    // The error of this sync's pod creation (manageReplicasErr); undefined when creates succeeded or none were due.
    let refused: string | undefined;
    const { namespace, name } = splitKey(key);
    const rs = store.get(R.replicaSets, namespace, name);
    if (!rs) return;
    const spec = (rs.spec ?? {}) as { replicas?: number; template?: Json; minReadySeconds?: number };
    const selector = (rs.spec as { selector?: LabelSelectorSpec } | undefined)?.selector;
    const owned = (): PodView[] =>
      claimObjects(store, R.pods, rs, store.list(R.pods, { namespace, filter: claimable(rs) }).items, (p) => selectorMatches(selector, p.metadata.labels)) as PodView[];

    let pods = owned();
    if (!rs.metadata.deletionTimestamp) {
      const active = pods.filter(isPodActive);
      const diff = active.length - num(spec.replicas, 1);
      if (diff < 0) {
        refused = undefined;
        for (let i = 0; i < -diff; i++) {
          // manageReplicas stops at the first refusal; syncReplicaSet records it and requeues rate-limited.
          const pod = createPodOrRecord(ctx, { owner: rs, pod: podFromTemplate(rs, spec.template), component, key, backoff, message: (e) => {
            refused = e.message;
            return `Error creating: ${e.message}`;
          } });
          if (!pod) break;
          recordEvent(store, clock, { involved: rs, reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}`, component });
        }
      } else if (diff > 0) {
        for (const pod of rankPodsForDeletion(active).slice(0, diff)) {
          try {
            store.delete(R.pods, namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
          } catch (e) {
            if ((e as { code?: number }).code !== 404) throw e;
            continue;
          }
          recordEvent(store, clock, { involved: rs, reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name}`, component });
        }
      }
      if (diff !== 0) pods = owned();
    }

    const now = clock.now();
    const status = withReplicaFailure(replicaSetStatus(rs, pods, now, clock.timeScale), refused, now);
    const fresh = store.get(R.replicaSets, namespace, name);
    if (fresh && !semanticEqual(status, fresh.status ?? {})) store.update(R.replicaSets, { ...fresh, status }, { subresource: 'status' });

    // Ready pods waiting out minReadySeconds become available later: look again then.
    const minReady = num(spec.minReadySeconds, 0);
    if (minReady > 0) {
      let soonest: number | undefined;
      for (const p of pods.filter(isPodActive)) {
        const at = podAvailableAt(p, minReady, clock.timeScale);
        if (at && at.getTime() >= now.getTime()) soonest = Math.min(soonest ?? Infinity, at.getTime());
      }
      if (soonest !== undefined) ctx.enqueue(key, (soonest - now.getTime()) * clock.timeScale + 1);
    }
  }

  return {
    name: component,
    keysFor,
    initialKeys: () => store.list(R.replicaSets).items.map(objectKey),
    reconcile,
  };
}
