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
  const now = clock.now().toISOString();
  const involvedObject = {
    kind: involved.kind,
    namespace: involved.metadata.namespace,
    name: involved.metadata.name,
    uid: involved.metadata.uid,
    apiVersion: involved.apiVersion,
    resourceVersion: involved.metadata.resourceVersion,
    ...(report.fieldPath ? { fieldPath: report.fieldPath } : {}),
  };
  const existing = store
    .list('events', { namespace })
    .items.find(
      (e) =>
        (e.involvedObject as { uid?: string }).uid === involved.metadata.uid &&
        (e.involvedObject as { fieldPath?: string }).fieldPath === report.fieldPath &&
        e.reason === report.reason &&
        e.message === report.message &&
        (e.source as { component?: string }).component === report.component,
    );
  if (existing) {
    store.update('events', { ...existing, count: ((existing.count as number) ?? 1) + 1, lastTimestamp: now });
    return;
  }
  store.create('events', {
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
}

let sequence = 0;
/** Event names are `<object>.<hex>` like client-go's (it uses the timestamp in hex). */
function uniqueSuffix(): string {
  sequence = (sequence + 1) % 0x1000;
  return (Date.now() * 0x1000 + sequence).toString(16);
}
