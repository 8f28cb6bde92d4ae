import type { CoreV1Event, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { Failure } from './types.js';
import { earliest, latestInstant, toDate } from './kube-util.js';

/**
 * The PersistentVolumeClaim rule. A claim of the release is done once `Bound` (helm 3's `--wait` and kstatus
 * wait for that too), or while it waits for its first consumer (`WaitForFirstConsumer` binding: it binds
 * when a pod using it is scheduled, and that pod is judged). It fails with `PVCPending` when it stays
 * `Pending` with a sign that nothing will bind it, for longer than the grace: the PV controller found no
 * volume and no class (`FailedBinding`), the class does not exist (`ProvisioningFailed`), or the class's
 * external provisioner never picks it up (`ExternalProvisioning`).
 */
export interface PvcJudgement {
  done: boolean;
  failure?: Omit<Failure, 'object'>;
  dueAt?: Date;
  /** `Bound`, `Pending`, or `Pending: <why>` for the live view. */
  note: string;
}

/** Event reasons of the PV controller that mean the claim is waiting for a pod, not stuck. */
const WAITS_FOR_CONSUMER = new Set(['WaitForFirstConsumer', 'WaitForPodScheduled']);
/** Event reasons that mean no volume is coming by itself. */
const STUCK = new Set(['FailedBinding', 'ProvisioningFailed', 'ExternalProvisioning']);

/** Judges one claim; `graceMs` is how long it may stay stuck (the unschedulable grace). */
export function assessClaim(
  claim: V1PersistentVolumeClaim,
  ctx: { events: readonly CoreV1Event[]; now: Date; graceMs: number },
): PvcJudgement {
  const phase = claim.status?.phase ?? 'Pending';
  if (phase === 'Bound') return { done: true, note: 'Bound' };
  if (phase === 'Lost') {
    return {
      done: false,
      note: 'Lost',
      failure: { reason: 'PVCPending', message: `claim ${claim.metadata?.name ?? ''} lost its volume (phase Lost)`, firstSignalAt: ctx.now },
    };
  }
  const mine = ctx.events.filter(
    (e) =>
      e.involvedObject?.kind === 'PersistentVolumeClaim' &&
      e.involvedObject.name === claim.metadata?.name &&
      (!e.involvedObject.uid || !claim.metadata?.uid || e.involvedObject.uid === claim.metadata.uid),
  );
  const newest = [...mine].sort((a, b) => last(b) - last(a))[0];
  if (newest && WAITS_FOR_CONSUMER.has(newest.reason ?? '')) return { done: true, note: `Pending: ${newest.message ?? newest.reason}` };
  const stuck = mine.filter((e) => STUCK.has(e.reason ?? ''));
  if (stuck.length === 0) return { done: false, note: 'Pending' };
  const since = earliest(...stuck.map((e) => toDate(e.firstTimestamp) ?? toDate(e.eventTime) ?? toDate(e.lastTimestamp))) ?? ctx.now;
  const latest = [...stuck].sort((a, b) => last(b) - last(a))[0] as CoreV1Event;
  const note = `Pending: ${latest.message ?? latest.reason}`;
  const due = latestInstant(since) + ctx.graceMs;
  if (ctx.now.getTime() < due) return { done: false, note, dueAt: new Date(due) };
  return {
    done: false,
    note,
    failure: {
      reason: 'PVCPending',
      message: `claim ${claim.metadata?.name ?? ''} still Pending${claim.spec?.storageClassName ? ` (storageClassName ${claim.spec.storageClassName})` : ''}: ${latest.reason}: ${latest.message ?? ''}`,
      firstSignalAt: since,
    },
  };
}

function last(e: CoreV1Event): number {
  return (toDate(e.lastTimestamp) ?? toDate(e.eventTime) ?? toDate(e.firstTimestamp))?.getTime() ?? 0;
}
