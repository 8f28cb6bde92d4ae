import type { CoreV1Event, V1Job, V1Pod } from '@kubernetes/client-node';
import { objectName, type WorkloadRef } from '../manifest/workload-ref.js';
import { toDate } from './kube-util.js';
import type { ClusterSnapshot, Failure } from './types.js';

/**
 * What was seen of a rollout's hook Jobs and their pods, kept after they vanish. A hook Job with
 * `ttlSecondsAfterFinished: 0` (or a delete policy) is gone the moment it fails, often before a snapshot shows
 * its Failed condition: what was seen before — a pod in CrashLoopBackOff, a container that exited non-zero, the
 * Job's BackoffLimitExceeded event — is the evidence that it failed, and a vanished Job is not a succeeded one.
 */
export interface HookMemory {
  /** By Job uid. */
  readonly jobs: ReadonlyMap<string, RememberedJob>;
}

/** The last sight of one hook Job and of each of its pods. */
export interface RememberedJob {
  ref: WorkloadRef;
  job: V1Job;
  pods: ReadonlyMap<string, V1Pod>;
}

/** Nothing seen yet. */
export const EMPTY_HOOK_MEMORY: HookMemory = { jobs: new Map() };

function ownedBy(pod: V1Pod, job: V1Job): boolean {
  const uid = job.metadata?.uid;
  if (!uid) return false;
  if ((pod.metadata?.ownerReferences ?? []).some((o) => o.uid === uid)) return true;
  const labels = pod.metadata?.labels ?? {};
  return (labels['batch.kubernetes.io/controller-uid'] ?? labels['controller-uid']) === uid;
}

/**
 * Adds what `snapshot` shows of the hook Jobs among `workloads` (only Jobs created since `startedAt`, to the
 * second, so a previous run's leftover is not taken for this one) and of their pods. Returns a new memory.
 */
export function rememberHookJobs(memory: HookMemory, workloads: readonly WorkloadRef[], snapshot: ClusterSnapshot, startedAt: Date): HookMemory {
  const since = Math.floor(startedAt.getTime() / 1000) * 1000;
  const jobs = new Map(memory.jobs);
  for (const ref of workloads) {
    if (!ref.hook || ref.kind !== 'Job') continue;
    const job = snapshot.jobs.find((j) => j.metadata?.name === ref.name && (j.metadata?.namespace ?? ref.namespace) === ref.namespace);
    const uid = job?.metadata?.uid;
    const created = toDate(job?.metadata?.creationTimestamp);
    if (!job || !uid || !created || created.getTime() < since) continue;
    const pods = new Map(jobs.get(uid)?.pods ?? []);
    for (const p of snapshot.pods) if (p.metadata?.uid && ownedBy(p, job)) pods.set(p.metadata.uid, p);
    jobs.set(uid, { ref, job, pods });
  }
  return { jobs };
}

/** The first sign of failure in a pod: a crash loop or a container that exited non-zero. */
function podEvidence(pod: V1Pod): { text: string; at?: Date } | undefined {
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = c.state?.waiting;
    const last = c.lastState?.terminated ?? c.state?.terminated;
    const exit = last && last.exitCode !== 0 ? `, last exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}${last.message ? `: ${last.message.trim()}` : ''}` : '';
    if (waiting?.reason === 'CrashLoopBackOff') return { text: `pod ${pod.metadata?.name}: container ${c.name} CrashLoopBackOff${exit}`, at: toDate(last?.finishedAt) };
    if (exit) return { text: `pod ${pod.metadata?.name}: container ${c.name}${exit}`, at: toDate(last?.finishedAt) };
  }
  return undefined;
}

function jobEvents(events: readonly CoreV1Event[], job: V1Job): CoreV1Event[] {
  return events.filter((e) => e.involvedObject?.kind === 'Job' && e.involvedObject?.name === job.metadata?.name && (!e.involvedObject?.uid || e.involvedObject.uid === job.metadata?.uid) && e.type === 'Warning');
}

/**
 * A hook Job that is gone from `snapshot` but was seen failing (Failed condition, a failed or crash-looping pod,
 * a Warning event such as BackoffLimitExceeded): `HookFailed` with what the hook itself said. Undefined when no
 * vanished hook Job shows such evidence (a vanished Job last seen complete, or active and fine, succeeded).
 */
export function vanishedHookFailure(memory: HookMemory, snapshot: ClusterSnapshot): Failure | undefined {
  for (const [uid, seen] of memory.jobs) {
    if (snapshot.jobs.some((j) => j.metadata?.uid === uid)) continue;
    const conditions = seen.job.status?.conditions ?? [];
    if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) continue;
    const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
    const warning = jobEvents(snapshot.events, seen.job)[0];
    const pods = [...seen.pods.values()].map(podEvidence).filter((e): e is { text: string; at?: Date } => e !== undefined);
    if (!failed && !warning && pods.length === 0) continue;
    const why = failed
      ? `${failed.reason ?? 'Failed'}${failed.message ? `: ${failed.message}` : ''}`
      : warning
        ? `${warning.reason}: ${warning.message ?? ''}`.trim()
        : 'it was deleted before it succeeded';
    const events = seen.ref.hook?.events.join(',') ?? 'hook';
    const firstSignalAt = pods[0]?.at ?? toDate(failed?.lastTransitionTime) ?? toDate(warning?.lastTimestamp ?? warning?.firstTimestamp) ?? toDate(seen.job.metadata?.creationTimestamp) ?? new Date(0);
    return {
      reason: 'HookFailed',
      object: objectName(seen.ref),
      message: `${events} hook Job ${seen.ref.name} failed, and the Job is gone: ${why}${pods.length ? `; ${pods[0]?.text}` : ''}`,
      firstSignalAt,
    };
  }
  return undefined;
}
