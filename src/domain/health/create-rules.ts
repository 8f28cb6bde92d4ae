import type { CoreV1Event } from '@kubernetes/client-node';
import type { Failure } from './types.js';
import { earliest, floorToSecond, latestInstant, toDate } from './kube-util.js';

/**
 * The FailedCreate rule: a controller (ReplicaSet, StatefulSet, DaemonSet, Job) cannot create the pods at all.
 * The API server refused them: a ResourceQuota exceeded, a LimitRange bound, an admission webhook or policy
 * denial, a missing ServiceAccount. The controller retries with back-off and never succeeds, so waiting for the
 * timeout only delays the rollback. The ReplicaSet controller also sets a `ReplicaFailure` condition (reason
 * `FailedCreate`), which the deployment controller copies onto the Deployment.
 *
 * Decisive once persistent: the controller retried and was refused again (the Event's count reached 2, or two
 * refusals), or the ReplicaFailure condition has stood for {@link FAILED_CREATE_CONFIRM_MS}. A refusal that
 * says it is transient (an optimistic-lock conflict on the quota object, throttling, a timeout) never decides
 * by itself: the next retry usually succeeds, and the timeout still stands.
 */

/** How long a ReplicaFailure condition must stand, without a repeated refusal, before it is decisive. */
export const FAILED_CREATE_CONFIRM_MS = 3_000;

/** Refusals that the next retry usually gets past. */
const TRANSIENT = /Operation cannot be fulfilled|the object has been modified|please apply your changes to the latest version|TooManyRequests|too many requests|try again later|Timeout:|context deadline exceeded|connection refused|etcdserver/i;

/** Whether a controller's create refusal is one that retries get past (a conflict, throttling, a timeout). */
export function transientCreateError(message: string): boolean {
  return TRANSIENT.test(message);
}

/** A status condition, as the ReplicaSet and Deployment controllers write `ReplicaFailure`. */
interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: Date | string;
  lastUpdateTime?: Date | string;
}

/** One object whose pods may fail to be created: its `Kind/name`, namespace and status conditions. */
export interface CreateSubject {
  kind: string;
  name: string;
  namespace: string;
  conditions?: readonly Condition[];
}

/** What {@link assessFailedCreate} found: a failure, or when an unconfirmed refusal becomes decisive. */
export interface CreateAssessment {
  failure?: Failure;
  dueAt?: Date;
  /** The latest refusal, for the live view even while it is not decisive yet. */
  refusal?: string;
}

/**
 * Judges the pod-creation refusals recorded for `subjects` (e.g. a Deployment and its new ReplicaSet) since the
 * rollout started. `object` names the failure (`Kind/name` of the workload the user knows).
 */
export function assessFailedCreate(
  object: string,
  subjects: readonly CreateSubject[],
  events: readonly CoreV1Event[],
  ctx: { now: Date; startedAt: Date },
): CreateAssessment {
  const since = floorToSecond(ctx.startedAt);
  const refusals = events.filter((e) => {
    if (e.reason !== 'FailedCreate' || e.type !== 'Warning') return false;
    const io = e.involvedObject;
    if (!subjects.some((s) => io?.kind === s.kind && io.name === s.name && (io.namespace ?? s.namespace) === s.namespace)) return false;
    const last = toDate(e.lastTimestamp) ?? toDate(e.eventTime) ?? toDate(e.firstTimestamp);
    return last !== undefined && last.getTime() >= since;
  });
  const lasting = refusals.filter((e) => !transientCreateError(e.message ?? ''));
  const count = lasting.reduce((n, e) => n + (e.count ?? 1), 0);
  const newest = [...refusals].sort((a, b) => eventLast(b) - eventLast(a))[0];
  const result: CreateAssessment = newest?.message ? { refusal: newest.message } : {};
  const firstOf = (list: readonly CoreV1Event[]) =>
    earliest(...list.map((e) => toDate(e.firstTimestamp) ?? toDate(e.eventTime) ?? toDate(e.lastTimestamp)));

  if (count >= 2) {
    const latest = [...lasting].sort((a, b) => eventLast(b) - eventLast(a))[0] as CoreV1Event;
    result.failure = {
      reason: 'FailedCreate',
      object,
      message: `pods cannot be created (${count} refusals): ${latest.message ?? 'FailedCreate'}`,
      firstSignalAt: firstOf(lasting) ?? ctx.now,
    };
    return result;
  }

  for (const s of subjects) {
    const c = s.conditions?.find((x) => x.type === 'ReplicaFailure' && x.status === 'True');
    if (!c || transientCreateError(c.message ?? '')) continue;
    const since = toDate(c.lastTransitionTime) ?? toDate(c.lastUpdateTime);
    if (!since || since.getTime() < floorToSecond(ctx.startedAt)) continue;
    result.refusal ??= c.message;
    const due = latestInstant(since) + FAILED_CREATE_CONFIRM_MS;
    if (ctx.now.getTime() < due) {
      result.dueAt = new Date(due);
      continue;
    }
    result.failure = {
      reason: 'FailedCreate',
      object,
      message: `pods cannot be created (${s.kind} ${s.name} ${c.reason ?? 'ReplicaFailure'}): ${c.message ?? 'FailedCreate'}`,
      firstSignalAt: earliest(since, firstOf(lasting)) ?? since,
    };
    return result;
  }
  return result;
}

function eventLast(e: CoreV1Event): number {
  return (toDate(e.lastTimestamp) ?? toDate(e.eventTime) ?? toDate(e.firstTimestamp))?.getTime() ?? 0;
}
