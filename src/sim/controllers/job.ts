/**
 * The Job controller (NonIndexed and Indexed completion modes): runs up to `parallelism` pods until `completions` succeed,
 * recreates failed pods after an exponential backoff (10 s doubling, capped at 10 min), fails the Job past
 * `backoffLimit` (failed pods, or container restarts with restartPolicy OnFailure) or `activeDeadlineSeconds`, and
 * writes status and conditions as Kubernetes 1.31+ does: SuccessCriteriaMet then Complete, FailureTarget then Failed,
 * the terminal condition only once no pod is left running.
 *
 * Differences from upstream: terminated pods are counted without the `batch.kubernetes.io/job-tracking` finalizer
 * (the controller remembers which pods it counted), podFailurePolicy, successPolicy and backoffLimitPerIndex are
 * not implemented, and an active pod deleted by someone else is not counted as failed. ttlSecondsAfterFinished is
 * honoured here (upstream it is a controller of its own).
 */
import { recordEvent } from '../events.js';
import type { KubeObject, StoreEvent } from '../store/types.js';
import { timestamp } from './deployment-util.js';
import { podFromTemplate, rankPodsForDeletion } from './replicaset.js';
import { type Controller, type ControllerContext, R } from './runtime.js';
import {
  type Condition,
  type Json,
  type PodView,
  controllerRef,
  createPodOrRecord,
  findCondition,
  isControlledBy,
  isPodActive,
  isPodReady,
  num,
  objectKey,
  podRestarts,
  refusalBackoff,
  semanticEqual,
  simElapsedMs,
  splitKey,
} from './util.js';

const component = 'job-controller';

/** First pod-failure backoff (DefaultJobPodFailureBackOff). */
export const jobBackoffBaseMs = 10_000;
/** Backoff cap (MaxJobPodFailureBackOff). */
export const jobBackoffMaxMs = 10 * 60_000;

/** The delay before replacing pods after `failures` consecutive failures: 10 s, 20 s, 40 s, ... capped. */
export function jobBackoffMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(jobBackoffMaxMs, jobBackoffBaseMs * 2 ** Math.min(failures - 1, 30));
}

/** The fields of batch/v1 JobSpec the controller reads. */
interface JobSpec {
  parallelism?: number;
  completions?: number | null;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  suspend?: boolean;
  completionMode?: string;
  ttlSecondsAfterFinished?: number;
  template?: Json & { metadata?: { labels?: Record<string, string> }; spec?: { restartPolicy?: string } };
}

/** Annotation (and label) with an Indexed Job pod's completion index. */
export const completionIndexKey = 'batch.kubernetes.io/job-completion-index';

/** Parses status.completedIndexes (`0-2,5`) into a set of indexes. */
export function parseIndexes(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    for (let i = Number(m[1]); i <= Number(m[2] ?? m[1]); i++) out.add(i);
  }
  return out;
}

/** Formats indexes as status.completedIndexes does: sorted, consecutive runs as `a-b`. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function podIndex(pod: KubeObject): number | undefined {
  const v = pod.metadata.annotations?.[completionIndexKey];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** When a terminated pod finished: the latest container finishedAt, else its Ready transition. */
export function podFinishedAt(pod: PodView): string | undefined {
  let latest: string | undefined;
  for (const s of pod.status?.containerStatuses ?? []) {
    const t = (s.state?.terminated as { finishedAt?: string } | undefined)?.finishedAt;
    if (t && (!latest || Date.parse(t) > Date.parse(latest))) latest = t;
  }
  return latest ?? findCondition(pod.status?.conditions, 'Ready')?.lastTransitionTime;
}

/** A Job condition stamped `now` (Job conditions carry lastProbeTime too). */
function jobCondition(type: string, reason: string, message: string, now: Date, status: Condition['status'] = 'True'): Condition {
  const t = timestamp(now);
  return { type, status, lastProbeTime: t, lastTransitionTime: t, reason, message };
}

function isTrue(conditions: Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/** Creates the Job controller. */
export function jobController(ctx: ControllerContext): Controller {
  const { store, clock } = ctx;
  /** Terminated pods already counted in status, per Job uid (what the job-tracking finalizer does upstream). */
  const counted = new Map<string, Set<string>>();
  /** First time a terminated pod without timestamps was seen (fallback finish time for backoff). */
  const seenFinished = new Map<string, string>();

  function ownerKey(pod: KubeObject | undefined): string | undefined {
    const ref = controllerRef(pod);
    return ref?.kind === 'Job' && pod?.metadata.namespace ? `${pod.metadata.namespace}/${ref.name}` : undefined;
  }

  function keysFor(event: StoreEvent): string[] {
    if (event.resource === R.jobs) {
      if (event.type === 'DELETED') counted.delete(event.object.metadata.uid ?? '');
      return [objectKey(event.object)];
    }
    if (event.resource === R.pods) return [...new Set([ownerKey(event.object), ownerKey(event.previous)].filter((k): k is string => !!k))];
    return [];
  }

  function deletePods(job: KubeObject, pods: PodView[]): void {
    for (const p of pods) {
      try {
        store.delete(R.pods, p.metadata.namespace, p.metadata.name, { propagationPolicy: 'Background', preconditions: { uid: p.metadata.uid } });
      } catch (e) {
        if ((e as { code?: number }).code === 404) continue;
        throw e;
      }
      recordEvent(store, clock, { involved: job, reason: 'SuccessfulDelete', message: `Deleted pod: ${p.metadata.name}`, component });
    }
  }

  function finishTime(p: PodView): string {
    const t = podFinishedAt(p);
    if (t) return t;
    const uid = p.metadata.uid ?? p.metadata.name;
    if (!seenFinished.has(uid)) seenFinished.set(uid, timestamp(clock.now()));
    return seenFinished.get(uid)!;
  }

  const backoff = refusalBackoff();

  function reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const job = store.get(R.jobs, namespace, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const spec = (job.spec ?? {}) as JobSpec;
    const prev = (job.status ?? {}) as Json & { conditions?: Condition[]; succeeded?: number; failed?: number; startTime?: string };
    if (isTrue(prev.conditions, 'Complete') || isTrue(prev.conditions, 'Failed')) return expireFinished(job, key);

    const now = clock.now();
    const uid = job.metadata.uid ?? '';
    const parallelism = num(spec.parallelism, 1);
    const completions: number | null = spec.completions === undefined ? (spec.parallelism === undefined ? 1 : null) : spec.completions;
    const backoffLimit = num(spec.backoffLimit, 6);
    const suspended = spec.suspend === true;

    let pods = store.list(R.pods, { namespace, filter: (p) => isControlledBy(p, uid) }).items as PodView[];
    const terminal = pods.filter((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed');

    // Count newly terminated pods on top of what status already holds.
    const known = counted.get(uid);
    let succeeded: number;
    let failed: number;
    const nowCounted = new Set(terminal.map((p) => p.metadata.uid ?? p.metadata.name));
    if (!known) {
      succeeded = Math.max(num(prev.succeeded, 0), terminal.filter((p) => p.status?.phase === 'Succeeded').length);
      failed = Math.max(num(prev.failed, 0), terminal.filter((p) => p.status?.phase === 'Failed').length);
    } else {
      succeeded = num(prev.succeeded, 0);
      failed = num(prev.failed, 0);
      for (const p of terminal) {
        if (known.has(p.metadata.uid ?? p.metadata.name)) continue;
        if (p.status?.phase === 'Succeeded') succeeded++;
        else failed++;
      }
      for (const k of known) nowCounted.add(k);
    }

    // Indexed mode: success is per index (status.completedIndexes), and each index gets its own pods.
    const indexedMode = spec.completionMode === 'Indexed' && completions !== null;
    const completedIndexes = parseIndexes(prev.completedIndexes as string | undefined);
    if (indexedMode) {
      for (const p of terminal) {
        const i = podIndex(p);
        if (p.status?.phase === 'Succeeded' && i !== undefined && i < completions) completedIndexes.add(i);
      }
      succeeded = completedIndexes.size;
    }

    let active = pods.filter(isPodActive);
    // Pods being deleted that have not finished yet (status.terminating).
    const terminating = () => pods.filter((p) => p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length;
    let conditions = [...(prev.conditions ?? [])];
    const status: Json = { ...prev };
    if (!status.startTime && !suspended) status.startTime = timestamp(now);

    // Decide whether the Job has finished.
    let finished: { type: 'Complete' | 'Failed'; reason: string; message: string } | undefined;
    const failureTarget = findCondition(conditions, 'FailureTarget');
    const successMet = findCondition(conditions, 'SuccessCriteriaMet');
    const restartPolicy = spec.template?.spec?.restartPolicy;
    const restarts = active.reduce((n, p) => n + podRestarts(p), 0);
    const pastBackoffOnFailure = restartPolicy === 'OnFailure' && (backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit);
    const deadline = spec.activeDeadlineSeconds;
    const pastDeadline = deadline !== undefined && typeof status.startTime === 'string' && simElapsedMs(status.startTime, now, clock.timeScale) >= deadline * 1000;
    if (failureTarget?.status === 'True') finished = { type: 'Failed', reason: failureTarget.reason ?? '', message: failureTarget.message ?? '' };
    else if (successMet?.status === 'True') finished = { type: 'Complete', reason: successMet.reason ?? '', message: successMet.message ?? '' };
    else if (failed > backoffLimit || pastBackoffOnFailure) finished = { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (pastDeadline && !suspended) finished = { type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    else if (completions !== null ? succeeded >= completions : succeeded > 0 && active.length === 0) {
      finished = { type: 'Complete', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
    }

    if (finished) {
      deletePods(job, active);
      active = [];
      pods = store.list(R.pods, { namespace, filter: (p) => isControlledBy(p, uid) }).items as PodView[];
      const interim = finished.type === 'Failed' ? 'FailureTarget' : 'SuccessCriteriaMet';
      if (!isTrue(conditions, interim)) conditions.push(jobCondition(interim, finished.reason, finished.message, now));
      if (terminating() === 0) {
        conditions.push(jobCondition(finished.type, finished.reason, finished.message, now));
        if (finished.type === 'Complete') status.completionTime = timestamp(now);
      }
    } else if (suspended) {
      deletePods(job, active);
      active = [];
      if (!isTrue(conditions, 'Suspended')) {
        conditions = [...conditions.filter((c) => c.type !== 'Suspended'), jobCondition('Suspended', 'JobSuspended', 'Job suspended', now)];
        recordEvent(store, clock, { involved: job, reason: 'Suspended', message: 'Job suspended', component });
      }
    } else {
      if (isTrue(conditions, 'Suspended')) {
        conditions = [...conditions.filter((c) => c.type !== 'Suspended'), jobCondition('Suspended', 'JobResumed', 'Job resumed', now, 'False')];
        recordEvent(store, clock, { involved: job, reason: 'Resumed', message: 'Job resumed', component });
      }
      let wantActive: number;
      if (completions === null) wantActive = succeeded > 0 ? active.length : parallelism;
      else wantActive = Math.max(0, Math.min(parallelism, completions - succeeded));

      if (active.length > wantActive) {
        deletePods(job, rankPodsForDeletion(active).slice(0, active.length - wantActive));
        active = active.slice(0, wantActive);
      } else if (active.length < wantActive) {
        // Consecutive failures since the last success decide the backoff before replacing pods.
        const lastSuccess = Math.max(0, ...terminal.filter((p) => p.status?.phase === 'Succeeded').map((p) => Date.parse(finishTime(p)) || 0));
        const failures = terminal.filter((p) => p.status?.phase === 'Failed').map((p) => finishTime(p)).filter((t) => (Date.parse(t) || 0) >= lastSuccess);
        const lastFailure = failures.sort((a, b) => Date.parse(b) - Date.parse(a))[0];
        const wait = lastFailure ? jobBackoffMs(failures.length) - simElapsedMs(lastFailure, now, clock.timeScale) : 0;
        if (wait > 0) {
          ctx.enqueue(key, wait + 1);
        } else {
          const labels = {
            'batch.kubernetes.io/controller-uid': uid,
            'batch.kubernetes.io/job-name': job.metadata.name,
            'controller-uid': uid,
            'job-name': job.metadata.name,
          };
          const busy = new Set(active.map(podIndex));
          const pending = indexedMode ? [...Array(completions).keys()].filter((i) => !completedIndexes.has(i) && !busy.has(i)) : [];
          for (let n = active.length; n < wantActive; n++) {
            let draft: KubeObject;
            if (indexedMode) {
              const index = pending.shift();
              if (index === undefined) break;
              draft = indexedPod(job, spec, labels, index);
            } else draft = podFromTemplate(job, spec.template, { labels });
            const pod = createPodOrRecord(ctx, { owner: job, pod: draft, component, key, backoff });
            if (!pod) break;
            recordEvent(store, clock, { involved: job, reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}`, component });
            active.push(pod as PodView);
          }
        }
      }
      if (deadline !== undefined && typeof status.startTime === 'string') {
        ctx.enqueue(key, Math.max(0, deadline * 1000 - simElapsedMs(status.startTime, now, clock.timeScale)) + 1);
      }
    }

    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.terminating = terminating();
    status.succeeded = succeeded;
    status.failed = failed;
    status.uncountedTerminatedPods = {};
    if (indexedMode && completedIndexes.size) status.completedIndexes = formatIndexes(completedIndexes);
    for (const k of ['active', 'succeeded', 'failed'] as const) if (!status[k]) delete status[k];
    if (conditions.length) status.conditions = conditions;

    const fresh = store.get(R.jobs, namespace, name);
    if (!fresh || fresh.metadata.uid !== uid) return;
    if (!semanticEqual(status, fresh.status ?? {}) || !semanticEqual(Object.keys(status).sort(), Object.keys((fresh.status ?? {}) as Json).sort())) {
      store.update(R.jobs, { ...fresh, status }, { subresource: 'status' });
    }
    counted.set(uid, nowCounted);

    const justFinished = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True' && !findCondition(prev.conditions, c.type));
    if (justFinished?.type === 'Complete') recordEvent(store, clock, { involved: job, reason: 'Completed', message: 'Job completed', component });
    if (justFinished?.type === 'Failed') recordEvent(store, clock, { involved: job, reason: justFinished.reason ?? 'Failed', message: justFinished.message ?? '', type: 'Warning', component });
  }

  /** An Indexed Job's pod for `index`: `<job>-<index>-` names, the index annotation/label, hostname and env. */
  function indexedPod(job: KubeObject, spec: JobSpec, labels: Record<string, string>, index: number): KubeObject {
    const pod = podFromTemplate(job, spec.template, { labels: { ...labels, [completionIndexKey]: String(index) }, generateName: `${job.metadata.name}-${index}-` });
    pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [completionIndexKey]: String(index) };
    const podSpec = pod.spec as Json & { containers?: Array<Json & { env?: Json[] }>; hostname?: string };
    podSpec.hostname = `${job.metadata.name}-${index}`;
    const env = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.annotations['${completionIndexKey}']` } } };
    podSpec.containers = (podSpec.containers ?? []).map((c) => ({ ...c, env: [...(c.env ?? []).filter((e) => e.name !== 'JOB_COMPLETION_INDEX'), env] }));
    return pod;
  }

  /**
   * ttlSecondsAfterFinished (the ttl-after-finished controller's job): a finished Job is deleted, with its pods,
   * that long after its Complete / Failed condition.
   */
  function expireFinished(job: KubeObject, key: string): void {
    const ttl = (job.spec as JobSpec | undefined)?.ttlSecondsAfterFinished;
    if (ttl === undefined || ttl === null) return;
    const conditions = (job.status as { conditions?: Condition[] } | undefined)?.conditions;
    const finishedAt = (job.status as { completionTime?: string } | undefined)?.completionTime ?? (findCondition(conditions, 'Complete') ?? findCondition(conditions, 'Failed'))?.lastTransitionTime;
    const left = ttl * 1000 - simElapsedMs(finishedAt, clock.now(), clock.timeScale);
    if (left > 0) return ctx.enqueue(key, left + 1);
    try {
      store.delete(R.jobs, job.metadata.namespace, job.metadata.name, { propagationPolicy: 'Background', preconditions: { uid: job.metadata.uid } });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }

  return {
    name: component,
    keysFor,
    initialKeys: () => store.list(R.jobs).items.map(objectKey),
    reconcile,
    stop: () => {
      counted.clear();
      seenFinished.clear();
    },
  };
}
