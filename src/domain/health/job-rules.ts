import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { FailureReason } from './types.js';
import { earliest, findCondition, latestInstant, toDate } from './kube-util.js';

/**
 * The Job rules, for a Job someone waits for (a hook, or a release Job with `--wait-for-jobs`), read the way
 * the Job controller and `kubectl wait` read them:
 * - complete: condition `Complete` or `SuccessCriteriaMet` (set first by Kubernetes >= 1.31), or the counts
 *   say so (`succeeded >= completions`) before the condition is written;
 * - failed: condition `Failed` or `FailureTarget` (set first, while the last pods terminate), or the counts
 *   say so (`failed > backoffLimit`) before either condition is written;
 * - suspended (`spec.suspend`): said at once; fails with `JobSuspended` when no one resumes it within the
 *   grace (a queueing controller such as Kueue admits a Job within seconds).
 */
export interface JobJudgement {
  complete: boolean;
  failure?: { reason: FailureReason; message: string; firstSignalAt: Date };
  /** What the live view says beside the counts (`suspended`). */
  note?: string;
  /** When a suspended Job's grace runs out. */
  dueAt?: Date;
  /** Why it is not complete yet, for the Timeout message. */
  waitingFor: string;
}

/** Judges one Job; `pods` are its pods (to date a failure the counts show), `graceMs` the suspension grace. */
export function assessJobStatus(job: V1Job, ctx: { pods: readonly V1Pod[]; now: Date; graceMs: number }): JobJudgement {
  const s = job.status ?? {};
  const completions = job.spec?.completions ?? 1;
  const succeeded = s.succeeded ?? 0;
  const failedCount = s.failed ?? 0;
  const waitingFor = `${succeeded}/${completions} succeeded${failedCount > 0 ? `, ${failedCount} failed` : ''}`;

  const failedCond = [findCondition(s.conditions, 'Failed'), findCondition(s.conditions, 'FailureTarget')].find(
    (c) => c?.status === 'True',
  );
  if (failedCond) {
    return {
      complete: false,
      waitingFor,
      failure: {
        reason: 'JobFailed',
        message: `failed: ${[failedCond.reason, failedCond.message].filter(Boolean).join(': ') || 'Failed'}`,
        firstSignalAt: toDate(failedCond.lastTransitionTime) ?? toDate(failedCond.lastProbeTime) ?? ctx.now,
      },
    };
  }
  const successCond = [findCondition(s.conditions, 'Complete'), findCondition(s.conditions, 'SuccessCriteriaMet')].find(
    (c) => c?.status === 'True',
  );
  if (successCond || succeeded >= completions) return { complete: true, waitingFor };

  // With a per-index limit the Job-wide count says nothing; the controller's conditions decide.
  const backoffLimit = job.spec?.backoffLimit ?? 6;
  if (job.spec?.backoffLimitPerIndex === undefined && failedCount > backoffLimit) {
    const finished = ctx.pods.flatMap((p) =>
      [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].map((c) =>
        toDate(c.state?.terminated?.finishedAt),
      ),
    );
    const latest = finished.reduce<Date | undefined>((m, d) => (d && (!m || d > m) ? d : m), undefined);
    return {
      complete: false,
      waitingFor,
      failure: {
        reason: 'JobFailed',
        message: `failed: ${failedCount} pods failed, more than its backoffLimit of ${backoffLimit}`,
        firstSignalAt: latest ?? ctx.now,
      },
    };
  }

  if (job.spec?.suspend === true) {
    const cond = findCondition(s.conditions, 'Suspended');
    const since =
      earliest(cond?.status === 'True' ? toDate(cond.lastTransitionTime) : undefined) ??
      toDate(job.metadata?.creationTimestamp) ??
      ctx.now;
    const due = latestInstant(since) + ctx.graceMs;
    const base = { complete: false, note: 'suspended', waitingFor: `the Job to be resumed (spec.suspend: true); ${waitingFor}` };
    if (ctx.now.getTime() < due) return { ...base, dueAt: new Date(due) };
    return {
      ...base,
      failure: {
        reason: 'JobSuspended',
        message: `is suspended (spec.suspend: true) and was not resumed; resume it with: kubectl patch job ${job.metadata?.name ?? ''} -p '{"spec":{"suspend":false}}'`,
        firstSignalAt: since,
      },
    };
  }
  return { complete: false, waitingFor };
}
