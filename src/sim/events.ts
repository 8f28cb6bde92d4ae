import type { KubeObject, ObjectStore, SimClock } from './store/types.js';

/** What a simulated component reports about an object, like client-go's EventRecorder. */
export interface EventReport {
  /** The object the event is about (its kind, name, namespace, uid and resourceVersion are referenced). */
  involved: KubeObject;
  /** CamelCase reason, as real components use: Scheduled, Pulling, BackOff, ScalingReplicaSet, ... */
  reason: string;
  message: string;
  /** Normal (default) or Warning. */
  type?: 'Normal' | 'Warning';
  /** Reporting component: kubelet, default-scheduler, deployment-controller, replicaset-controller, job-controller, ... */
  component: string;
  /** Node name, for kubelet events. */
  host?: string;
  /** For container-level events: `spec.containers{name}`. */
  fieldPath?: string;
}

/**
 * Writes a core/v1 Event the way client-go's recorder does: a repeat of the same (object, reason, message, source)
 * bumps `count` and `lastTimestamp` of the existing Event instead of creating a new one.
 */
export function recordEvent(store: ObjectStore, clock: SimClock, report: EventReport): void {
  const { involved } = report;
  const namespace = involved.metadata.namespace ?? 'default';
  // Event timestamps have whole seconds, like every metav1.Time on the wire.
  const now = clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const involvedObject = {
    kind: involved.kind,
    namespace: involved.metadata.namespace,
    name: involved.metadata.name,
    uid: involved.metadata.uid,
    apiVersion: involved.apiVersion,
    resourceVersion: involved.metadata.resourceVersion,
    ...(report.fieldPath ? { fieldPath: report.fieldPath } : {}),
  };
  const dedupKey = eventKey(namespace, involved.metadata.uid, report.fieldPath, report.reason, report.message, report.component);
  const index = indexFor(store);
  const indexed = index.get(dedupKey);
  const existing = indexed !== undefined ? store.get('events', namespace, indexed) : undefined;
  if (existing) {
    index.set(dedupKey, existing.metadata.name);
    store.update('events', { ...existing, count: ((existing.count as number) ?? 1) + 1, lastTimestamp: now });
    return;
  }
  const created = store.create('events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.metadata.name}.${uniqueSuffix()}`, namespace },
    involvedObject,
    reason: report.reason,
    message: report.message,
    type: report.type ?? 'Normal',
    source: { component: report.component, ...(report.host ? { host: report.host } : {}) },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    reportingComponent: report.component,
    reportingInstance: report.host ?? '',
  });
  index.set(dedupKey, created.metadata.name);
}

/** Per store: dedup key of (object, reason, message, source) -> Event name, so repeats need no list scan. */
const indexes = new WeakMap<ObjectStore, Map<string, string>>();

function eventKey(namespace: string, uid: string | undefined, fieldPath: string | undefined, reason: unknown, message: unknown, component: unknown): string {
  return JSON.stringify([namespace, uid, fieldPath ?? '', reason, message, component]);
}

/** The store's index, built once from the Events already stored (e.g. written before a component restart). */
function indexFor(store: ObjectStore): Map<string, string> {
  let index = indexes.get(store);
  if (!index) {
    index = new Map();
    for (const e of store.list('events').items) {
      const o = (e.involvedObject ?? {}) as { uid?: string; fieldPath?: string };
      const source = (e.source ?? {}) as { component?: string };
      index.set(eventKey(e.metadata.namespace ?? 'default', o.uid, o.fieldPath, e.reason, e.message, source.component), e.metadata.name);
    }
    indexes.set(store, index);
  }
  return index;
}

let sequence = 0;
/** Event names are `<object>.<hex>` like client-go's (it uses the timestamp in hex). */
function uniqueSuffix(): string {
  sequence = (sequence + 1) % 0x1000;
  return (Date.now() * 0x1000 + sequence).toString(16);
}
