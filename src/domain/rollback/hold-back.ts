import type { Failure, RolloutProgress } from '../health/types.js';
import { objectName } from '../manifest/workload-ref.js';

/** What {@link holdBack} looks at once a revision is judged failed. */
export interface HoldBackInput {
  release: string;
  namespace: string;
  attemptedRevision: number;
  failure: Failure;
  /** Our own verdict on the workloads was healthy when the run was decided (helm failed or overran). */
  verdictHealthy: boolean;
  /** The verdict's last progress (what was still pending). */
  progress?: RolloutProgress;
  /** The recovery planned: a rollback to this revision, or an uninstall. */
  plan: { action: 'rollback'; toRevision: number } | { action: 'uninstall' };
  /** `Service/name` of the LoadBalancer Services the rollback target has too (empty for an uninstall). */
  targetLoadBalancers: readonly string[];
}

/** What to say and whether to recover. */
export interface HoldBackDecision {
  /** True: do not roll back (or uninstall); report the failure (exit 4). */
  hold: boolean;
  /** One line for the log: the workloads' verdict, what failed, and why we do or do not recover. */
  message?: string;
  /** With `hold`: why, in a few words for the report's headline and `noRollbackReason`. */
  reason?: string;
}

/**
 * Whether the recovery would help, for the failures that are not the workloads' health:
 * - helm failed (or overran --timeout) while our verdict says the workloads are healthy, for a reason other than
 *   a hook (helm's error names none): a healthy revision is never undone because helm gave up;
 * - only LoadBalancer Services are still without an address at --timeout, and the rollback target has the same
 *   Services (or it is a first install): a rollback would not give them one.
 * Otherwise recover, and when helm failed first say why anyway. Pure.
 */
export function holdBack(input: HoldBackInput): HoldBackDecision {
  const { failure, plan, progress } = input;
  const undo = plan.action === 'rollback' ? `rolling back to revision ${plan.toRevision}` : 'uninstalling the release';
  const notUndo = plan.action === 'rollback' ? 'Not rolling back' : 'Not uninstalling';
  const manual = plan.action === 'rollback' ? `helm rollback ${input.release} ${plan.toRevision} -n ${input.namespace}` : `helm uninstall ${input.release} -n ${input.namespace}`;
  const pending = (progress?.workloads ?? []).filter((w) => !w.done);
  const pendingText = pending.map((w) => `${objectName(w)}${w.note ? ` (${w.note})` : ''}`).join(', ');

  // helm's word on a failed hook is evidence about the release (its hook Job may be gone before we saw it fail).
  const hookFailure = failure.reason === 'HelmFailed' && /hook/i.test(failure.message);
  if (hookFailure) {
    return { hold: false, message: `${failure.message}: a failed hook fails the release${input.verdictHealthy ? ' although its workloads are healthy' : ''}: ${undo}` };
  }
  if (failure.reason === 'HelmFailed' && input.verdictHealthy) {
    return {
      hold: true,
      reason: 'its workloads are healthy; helm failed for another reason',
      message: `the workloads of revision ${input.attemptedRevision} are healthy (every one rolled out and ready), but ${failure.message}. ${notUndo}: a healthy revision is not undone because helm gave up (helm recorded it as failed); check helm's error above, and to go back anyway: ${manual}`,
    };
  }
  if (failure.reason === 'HelmFailed') {
    return {
      hold: false,
      message: `${failure.message}, while the workloads were not healthy yet${pendingText ? ` (still pending: ${pendingText})` : ''}: ${undo}`,
    };
  }
  if (failure.reason === 'Timeout' && pending.length > 0 && pending.every((w) => w.kind === 'Service')) {
    const services = pending.map((w) => objectName(w));
    const same = plan.action === 'uninstall' || services.every((s) => input.targetLoadBalancers.includes(s));
    const what = `the workloads of revision ${input.attemptedRevision} are healthy; only ${services.join(', ')} still ${services.length === 1 ? 'has' : 'have'} no load-balancer address (status.loadBalancer.ingress is empty; helm's --wait waits for it)`;
    if (!same) return { hold: false, message: `${what}, and revision ${(plan as { toRevision: number }).toRevision} does not have ${services.length === 1 ? 'that Service' : 'those Services'} as a LoadBalancer: ${undo}` };
    const target = plan.action === 'rollback' ? `revision ${plan.toRevision} has the same LoadBalancer Service${services.length === 1 ? '' : 's'}` : 'this is the first install';
    return {
      hold: true,
      reason: `no ${plan.action === 'rollback' ? 'rollback' : 'uninstall'} would give ${services.join(', ')} a load-balancer address`,
      message: `${what}. ${notUndo}: ${target}, so that would not give ${services.length === 1 ? 'it' : 'them'} an address. Does the cluster have a load-balancer controller?`,
    };
  }
  return { hold: false };
}
