import { recordEvent } from '../events.js';
import { StatusError } from '../store/errors.js';
import type { KubeObject, ObjectStore, SimClock, StoreEvent } from '../store/types.js';
import { nodeInfos, placePod } from './fit.js';

export { placePod, nodeInfos, filterNode, matchesNodeSelection, tolerates } from './fit.js';

/** A running scheduler. */
export interface Scheduler {
  /** Schedules every pending pod now (also runs by itself on every relevant change). */
  schedulePending(): void;
  stop(): void;
}

const SCHEDULER = 'default-scheduler';

/**
 * Starts the default scheduler over a store: binds each pod without spec.nodeName (and schedulerName unset or
 * `default-scheduler`) to a node where it fits, writing spec.nodeName then the PodScheduled condition and a
 * Scheduled event; a pod that fits nowhere gets PodScheduled=False reason Unschedulable and a FailedScheduling
 * event, and is retried whenever nodes or pods change. Work runs in a microtask after the change that caused it.
 */
export function startScheduler(store: ObjectStore, clock: SimClock): Scheduler {
  let scheduled = false;
  let stopped = false;
  // Unschedulable pods are retried only when the cluster changed since their last attempt.
  let clusterChanged = true;
  const attempted = new Map<string, string>();

  const kick = (clusterChange: boolean) => {
    if (clusterChange) clusterChanged = true;
    if (scheduled || stopped) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      if (!stopped) schedulePending();
    });
  };

  const schedulePending = () => {
    // Copies only what this pass needs: the pending pods, then (if any) the bound ones that fill the nodes.
    const pending = store
      .list('pods', { filter: isPending })
      .items.sort(
        (a, b) =>
          (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name),
      );
    if (pending.length === 0) return;
    const retryUnschedulable = clusterChanged;
    clusterChanged = false;
    const nodes = store.list('nodes').items.filter((n) => !n.metadata.deletionTimestamp);
    const infos = nodeInfos(nodes, store.list('pods', { filter: (p) => nodeNameOf(p) !== undefined }).items);
    for (const pod of pending) {
      const uid = pod.metadata.uid ?? '';
      if (attempted.has(uid) && !retryUnschedulable) continue;
      const placement = placePod(pod, infos);
      if ('nodeName' in placement) {
        if (bind(pod, placement.nodeName)) {
          attempted.delete(uid);
          const info = infos.find((i) => i.node.metadata.name === placement.nodeName)!;
          const after = nodeInfos([info.node], [{ ...pod, spec: { ...(pod.spec as object), nodeName: placement.nodeName } }])[0].requested;
          info.requested = { cpu: info.requested.cpu + after.cpu, memory: info.requested.memory + after.memory, pods: info.requested.pods + 1 };
        }
      } else {
        attempted.set(uid, placement.unschedulable);
        markUnschedulable(pod, placement.unschedulable);
      }
    }
    for (const uid of attempted.keys()) if (!pending.some((p) => p.metadata.uid === uid)) attempted.delete(uid);
  };

  const bind = (pod: KubeObject, nodeName: string): boolean => {
    const ns = pod.metadata.namespace;
    const latest = store.get('pods', ns, pod.metadata.name);
    if (!latest || latest.metadata.uid !== pod.metadata.uid || !isPending(latest)) return false;
    let bound: KubeObject;
    try {
      bound = store.update('pods', { ...latest, spec: { ...(latest.spec as object), nodeName } });
    } catch (e) {
      if (e instanceof StatusError && (e.code === 409 || e.code === 404)) {
        kick(true);
        return false;
      }
      throw e;
    }
    writeCondition(bound, { type: 'PodScheduled', status: 'True' });
    recordEvent(store, clock, {
      involved: bound,
      reason: 'Scheduled',
      message: `Successfully assigned ${ns}/${pod.metadata.name} to ${nodeName}`,
      component: SCHEDULER,
    });
    return true;
  };

  const markUnschedulable = (pod: KubeObject, message: string) => {
    writeCondition(pod, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message });
    const latest = store.get('pods', pod.metadata.namespace, pod.metadata.name) ?? pod;
    recordEvent(store, clock, { involved: latest, reason: 'FailedScheduling', message, type: 'Warning', component: SCHEDULER });
  };

  /** Sets one condition through the status subresource, keeping lastTransitionTime while its status holds. */
  const writeCondition = (pod: KubeObject, condition: { type: string; status: string; reason?: string; message?: string }) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const latest = store.get('pods', pod.metadata.namespace, pod.metadata.name);
      if (!latest || latest.metadata.uid !== pod.metadata.uid) return;
      const status = { ...((latest.status as Record<string, unknown>) ?? {}) };
      const conditions = [...((status.conditions as Array<Record<string, unknown>>) ?? [])];
      const i = conditions.findIndex((c) => c.type === condition.type);
      const before = i >= 0 ? conditions[i] : undefined;
      const next = {
        type: condition.type,
        status: condition.status,
        lastProbeTime: null,
        lastTransitionTime: before?.status === condition.status ? before.lastTransitionTime : clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        ...(condition.reason ? { reason: condition.reason } : {}),
        ...(condition.message ? { message: condition.message } : {}),
      };
      if (i >= 0) conditions[i] = next;
      else conditions.push(next);
      status.conditions = conditions;
      if (!status.phase) status.phase = 'Pending';
      try {
        store.update('pods', { ...latest, status }, { subresource: 'status' });
        return;
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 409)) throw e;
      }
    }
  };

  const unsubscribe = store.subscribe((event: StoreEvent) => {
    if (event.resource === 'nodes') kick(true);
    else if (event.resource === 'pods') {
      if (event.type === 'ADDED') kick(false);
      else if (event.type === 'DELETED') kick(true);
      else if (becameLighter(event)) kick(true);
    }
  }, { resources: ['nodes', 'pods'] });
  kick(true);

  return {
    schedulePending,
    stop() {
      stopped = true;
      unsubscribe();
    },
  };
}

function nodeNameOf(pod: KubeObject): string | undefined {
  return (pod.spec as { nodeName?: string } | undefined)?.nodeName;
}

function isPending(pod: KubeObject): boolean {
  const spec = (pod.spec ?? {}) as { nodeName?: string; schedulerName?: string };
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return (
    !spec.nodeName &&
    (spec.schedulerName ?? SCHEDULER) === SCHEDULER &&
    !pod.metadata.deletionTimestamp &&
    phase !== 'Succeeded' &&
    phase !== 'Failed'
  );
}

/** A pod change that may free room on its node: it finished, started terminating, or changed its spec. */
function becameLighter(event: StoreEvent): boolean {
  const before = event.previous;
  if (!before) return false;
  const phase = (o: KubeObject) => (o.status as { phase?: string } | undefined)?.phase;
  const terminal = (p?: string) => p === 'Succeeded' || p === 'Failed';
  if (terminal(phase(event.object)) && !terminal(phase(before))) return true;
  if (event.object.metadata.deletionTimestamp && !before.metadata.deletionTimestamp) return true;
  // A bound pod whose requests changed (in-place resize) may free room too.
  return !!nodeNameOf(before) && JSON.stringify(before.spec) !== JSON.stringify(event.object.spec) && nodeNameOf(before) === nodeNameOf(event.object);
}
