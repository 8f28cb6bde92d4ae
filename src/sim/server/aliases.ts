import type { KubeObject, ResourceKey } from '../store/types.js';

/**
 * A resource served over HTTP as a view of another stored resource, as the API server serves events.k8s.io/v1
 * Events and core/v1 Events from the same storage.
 */
export interface ResourceAlias {
  /** The stored resource. */
  target: ResourceKey;
  /** Stored object -> the alias's representation. */
  view(stored: KubeObject): KubeObject;
  /** The alias's representation -> the stored object. */
  toStored(object: KubeObject): KubeObject;
}

type Rec = Record<string, unknown>;

function put(out: Rec, key: string, value: unknown): void {
  if (value !== undefined && value !== null) out[key] = value;
}

/** core/v1 Event -> events.k8s.io/v1 Event (field renames as in the API server's conversion). */
export function coreEventToEventsV1(e: KubeObject): KubeObject {
  const out: Rec = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: e.metadata };
  out.eventTime = e.eventTime ?? null;
  put(out, 'series', e.series);
  put(out, 'reportingController', e.reportingComponent);
  put(out, 'reportingInstance', e.reportingInstance);
  put(out, 'action', e.action);
  put(out, 'reason', e.reason);
  put(out, 'regarding', e.involvedObject);
  put(out, 'related', e.related);
  put(out, 'note', e.message);
  put(out, 'type', e.type);
  put(out, 'deprecatedSource', e.source);
  put(out, 'deprecatedFirstTimestamp', e.firstTimestamp);
  put(out, 'deprecatedLastTimestamp', e.lastTimestamp);
  put(out, 'deprecatedCount', e.count);
  return out as KubeObject;
}

/** events.k8s.io/v1 Event -> core/v1 Event. */
export function eventsV1ToCoreEvent(e: KubeObject): KubeObject {
  const out: Rec = { apiVersion: 'v1', kind: 'Event', metadata: e.metadata };
  put(out, 'eventTime', e.eventTime);
  put(out, 'series', e.series);
  put(out, 'reportingComponent', e.reportingController);
  put(out, 'reportingInstance', e.reportingInstance);
  put(out, 'action', e.action);
  put(out, 'reason', e.reason);
  put(out, 'involvedObject', e.regarding ?? {});
  put(out, 'related', e.related);
  put(out, 'message', e.note);
  put(out, 'type', e.type);
  put(out, 'source', e.deprecatedSource ?? (e.reportingController ? { component: e.reportingController } : undefined));
  put(out, 'firstTimestamp', e.deprecatedFirstTimestamp);
  put(out, 'lastTimestamp', e.deprecatedLastTimestamp);
  put(out, 'count', e.deprecatedCount);
  return out as KubeObject;
}

const aliases: Record<ResourceKey, ResourceAlias> = {
  'events.events.k8s.io': { target: 'events', view: coreEventToEventsV1, toStored: eventsV1ToCoreEvent },
};

/** The alias for a resource key served as a view of another, if any. */
export function aliasFor(resource: ResourceKey): ResourceAlias | undefined {
  return aliases[resource];
}
