/**
 * Small helpers shared by the simulator's controllers: JSON-shaped object handling, owner references, pod
 * readiness/availability and conditions. Everything here is pure; time comes in as `now`.
 */
import type { KubeObject, ObjectStore, OwnerReference, SimClock } from '../store/types.js';
import { recordEvent } from '../events.js';
import { StatusError } from '../store/errors.js';

/** A JSON object (the shape of specs, templates and statuses). */
export type Json = Record<string, unknown>;

/** A deep copy of a JSON value. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/**
 * Normalises a JSON value the way apimachinery's semantic equality sees it: object keys sorted, and `null`,
 * empty objects and empty arrays dropped (Go's omitempty makes them indistinguishable from absent).
 */
export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    const out: Json = {};
    for (const key of Object.keys(value as Json).sort()) {
      const v = normalize((value as Json)[key]);
      if (v === undefined || v === null) continue;
      if (Array.isArray(v) && v.length === 0) continue;
      if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as Json).length === 0) continue;
      out[key] = v;
    }
    return out;
  }
  return value;
}

/** Canonical JSON text: sorted keys, empty values dropped (stable input for hashing and comparison). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value) ?? null);
}

/** Semantic deep equality of two JSON values (see `normalize`). */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** `<namespace>/<name>` (or just the name for cluster-scoped objects). */
export function objectKey(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

/** Splits `<namespace>/<name>` back. */
export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The controller owner reference of an object (the one with controller: true), if any. */
export function controllerRef(obj: KubeObject | undefined): OwnerReference | undefined {
  return obj?.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** An owner reference marking `owner` as the controller of a dependent, as every built-in controller writes it. */
export function ownerRefTo(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether `obj` is controlled by the object with uid `ownerUid`. */
export function isControlledBy(obj: KubeObject, ownerUid: string | undefined): boolean {
  return ownerUid !== undefined && controllerRef(obj)?.uid === ownerUid;
}

/** meta/v1 LabelSelector (JSON form). */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/**
 * Whether `labels` satisfy a meta/v1 LabelSelector. Like apimachinery, an absent selector matches nothing
 * and an empty one matches everything.
 */
export function selectorMatches(selector: LabelSelectorSpec | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (have[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(have, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!present || !values.includes(have[e.key])) return false;
        break;
      case 'NotIn':
        if (present && values.includes(have[e.key])) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A condition as workload statuses carry them (Deployment, Job, ...). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string;
  [extra: string]: unknown;
}

/** The condition of a type in a list. */
export function findCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Seconds of simulated time between an ISO timestamp and `now` (timestamps are wall clock; see SimClock). */
export function simElapsedMs(fromIso: string | undefined, now: Date, timeScale: number): number {
  if (!fromIso) return 0;
  const from = Date.parse(fromIso);
  if (Number.isNaN(from)) return 0;
  return (now.getTime() - from) * timeScale;
}

/** The wall-clock instant `simulatedMs` of simulated time after an ISO timestamp. */
export function wallAfter(fromIso: string, simulatedMs: number, timeScale: number): Date {
  return new Date(Date.parse(fromIso) + simulatedMs / timeScale);
}

// ---------------------------------------------------------------------------------------------------------------
// Pods

/** Fields of a Pod the controllers read. */
export interface PodView extends KubeObject {
  spec?: { nodeName?: string; restartPolicy?: string; containers?: Json[]; initContainers?: Json[]; [k: string]: unknown };
  status?: {
    phase?: string;
    conditions?: Condition[];
    podIP?: string;
    podIPs?: Array<{ ip: string }>;
    containerStatuses?: Array<{ name: string; restartCount?: number; ready?: boolean; state?: Json; lastState?: Json }>;
    initContainerStatuses?: Array<{ name: string; restartCount?: number; state?: Json }>;
    [k: string]: unknown;
  };
}

/** A pod still counted as running or about to run: not Succeeded/Failed and not being deleted (FilterActivePods). */
export function isPodActive(pod: PodView): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** Whether a pod is being deleted. */
export function isPodTerminating(pod: PodView): boolean {
  return Boolean(pod.metadata.deletionTimestamp);
}

/** The pod's Ready condition. */
export function podReadyCondition(pod: PodView): Condition | undefined {
  return findCondition(pod.status?.conditions, 'Ready');
}

/** Pod Ready condition is True. */
export function isPodReady(pod: PodView): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/**
 * When a ready pod becomes available (ready for minReadySeconds of simulated time), as a wall-clock instant;
 * undefined when it is not ready. With minReadySeconds 0 it is available as soon as it is ready.
 */
export function podAvailableAt(pod: PodView, minReadySeconds: number, timeScale: number): Date | undefined {
  const ready = podReadyCondition(pod);
  if (ready?.status !== 'True') return undefined;
  if (!minReadySeconds) return new Date(0);
  if (!ready.lastTransitionTime) return undefined;
  return wallAfter(ready.lastTransitionTime, minReadySeconds * 1000, timeScale);
}

/** Ready for at least minReadySeconds (podutil.IsPodAvailable). */
export function isPodAvailable(pod: PodView, minReadySeconds: number, now: Date, timeScale: number): boolean {
  const at = podAvailableAt(pod, minReadySeconds, timeScale);
  if (!at) return false;
  return minReadySeconds ? at.getTime() < now.getTime() : true;
}

/** Running and Ready (what StatefulSet waits for in OrderedReady mode). */
export function isPodRunningAndReady(pod: PodView): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

/** Sum of container (and init container) restart counts. */
export function podRestarts(pod: PodView): number {
  let n = 0;
  for (const s of pod.status?.containerStatuses ?? []) n += s.restartCount ?? 0;
  for (const s of pod.status?.initContainerStatuses ?? []) n += s.restartCount ?? 0;
  return n;
}

/** The creation time of an object in ms since the epoch (0 when absent). */
export function createdMs(obj: KubeObject): number {
  const t = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** Older first, then by name (controller.ReplicaSetsByCreationTimestamp and friends). */
export function byCreation(a: KubeObject, b: KubeObject): number {
  return createdMs(a) - createdMs(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
}

/** A number field that may be absent or mistyped; `fallback` when it is not a finite number. */
export function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Labels of a pod template with extra labels added (never mutating the template). */
export function withLabels(labels: Record<string, string> | undefined, extra: Record<string, string>): Record<string, string> {
  return { ...(labels ?? {}), ...extra };
}

/**
 * Whether an error is the API server refusing a pod a controller creates (admission: a ResourceQuota, a
 * LimitRange, a policy; or validation): the controller records a FailedCreate Warning and retries later.
 */
export function isCreateRefusal(error: unknown): error is StatusError {
  return error instanceof StatusError && (error.code === 403 || error.code === 422 || error.code === 400);
}

/**
 * Per-key exponential back-off of a controller's retries after refused creates, like client-go's per-item rate
 * limiter: 5 ms doubling, at most 1000 s (simulated). `next` counts a failure and gives the delay; `reset` on success.
 */
export function refusalBackoff(): { next(key: string): number; reset(key: string): void } {
  const failures = new Map<string, number>();
  return {
    next(key) {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      return Math.min(1_000_000, 5 * 2 ** n);
    },
    reset(key) {
      failures.delete(key);
    },
  };
}

/**
 * Creates a pod for a controller; when the API server refuses it, records the controller's FailedCreate Warning
 * (`message(error)`, e.g. `Error creating: <error>`), schedules a rate-limited retry and returns undefined.
 */
export function createPodOrRecord(
  ctx: { store: ObjectStore; clock: SimClock; enqueue(key: string, afterSimulatedMs?: number): void },
  o: { owner: KubeObject; pod: KubeObject; component: string; key: string; backoff: ReturnType<typeof refusalBackoff>; message?: (error: StatusError) => string },
): KubeObject | undefined {
  try {
    const created = ctx.store.create('pods', o.pod);
    o.backoff.reset(o.key);
    return created;
  } catch (e) {
    if (!isCreateRefusal(e)) throw e;
    const message = o.message ? o.message(e) : `Error creating: ${e.message}`;
    recordEvent(ctx.store, ctx.clock, { involved: o.owner, type: 'Warning', reason: 'FailedCreate', message, component: o.component });
    ctx.enqueue(o.key, o.backoff.next(o.key));
    return undefined;
  }
}
