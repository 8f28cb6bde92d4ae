import type { Failure } from './types.js';
import { findCondition, floorToSecond, latestInstant, toDate } from './kube-util.js';

/**
 * The rule for custom resources and every other kind without a rule of its own (an Argo Rollout, a
 * cert-manager Certificate, a Knative Service, an operator's database...), by the conventions the ecosystem
 * follows (kstatus, which helm 4's `--wait` also uses):
 * - `metadata.deletionTimestamp` set: terminating, not done;
 * - `status.observedGeneration` below `metadata.generation` (or a Ready condition's own `observedGeneration`
 *   below it): the controller has not seen this revision yet, not done;
 * - `Stalled=True` (or `Failed=True`): failed at once (`ResourceFailed`), the controller gave up;
 * - `Reconciling=True`: in progress;
 * - `Ready` (else `Available`) `True`: done; `False` on the current generation: fails with
 *   `ResourceNotReady` once it stayed so past the unready grace; `Unknown`: in progress;
 * - no such conditions: done, as kstatus says, once the object is older than the settle window (a controller
 *   writes its first status within moments; an object no controller reconciles never gets one).
 */
export interface ResourceObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    creationTimestamp?: Date | string;
    deletionTimestamp?: Date | string;
  };
  status?: {
    observedGeneration?: number;
    conditions?: ReadonlyArray<{
      type?: string;
      status?: string;
      reason?: string;
      message?: string;
      lastTransitionTime?: Date | string;
      observedGeneration?: number;
    }>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** The verdict on one resource. */
export interface ResourceJudgement {
  done: boolean;
  failure?: Omit<Failure, 'object'>;
  dueAt?: Date;
  /** What the live view says: `Ready`, `Ready=False: <reason>`, `Reconciling`, `generation 3 not observed`... */
  note: string;
}

/** Context: the instant, the unready grace, and the settle window for objects that have no status yet. */
export interface ResourceContext {
  now: Date;
  unreadyGraceMs: number;
  settleMs: number;
  /**
   * When the rollout started. A condition older than that was written for the previous spec (helm may not have
   * applied this revision yet, e.g. at the start of a rollback): it is judged from this moment, not its own.
   */
  startedAt?: Date;
}

/** Judges one live resource by the kstatus conventions (see above). */
export function assessResource(obj: ResourceObject, ctx: ResourceContext): ResourceJudgement {
  const meta = obj.metadata ?? {};
  if (meta.deletionTimestamp) return { done: false, note: 'Terminating' };
  const generation = meta.generation;
  const observed = obj.status?.observedGeneration;
  if (generation !== undefined && observed !== undefined && observed < generation) {
    return { done: false, note: `generation ${generation} not observed yet (observedGeneration ${observed})` };
  }
  const conditions = obj.status?.conditions ?? [];
  const describe = (c: { type?: string; status?: string; reason?: string; message?: string }) =>
    `${c.type}=${c.status}${c.reason ? `: ${c.reason}` : ''}${c.message ? ` (${c.message})` : ''}`;

  const started = ctx.startedAt ? floorToSecond(ctx.startedAt) : undefined;
  const stale = (t: Date | string | undefined) => started !== undefined && (toDate(t)?.getTime() ?? 0) < started;
  for (const type of ['Stalled', 'Failed']) {
    const c = findCondition(conditions, type);
    if (c?.status !== 'True') continue;
    if (stale(c.lastTransitionTime)) {
      // Left from before this rollout: decisive only if it still stands once helm had time to apply.
      const due = (started as number) + 1000 + ctx.settleMs;
      if (ctx.now.getTime() < due) return { done: false, note: `${type}: ${c.reason ?? ''} (from before this rollout)`.trim(), dueAt: new Date(due) };
    }
    return {
      done: false,
      note: `${type}: ${c.reason ?? ''}`.trim(),
      failure: {
        reason: 'ResourceFailed',
        message: `${obj.kind ?? 'resource'} ${meta.name ?? ''} reports ${describe(c)}`,
        firstSignalAt: toDate(c.lastTransitionTime) ?? ctx.now,
      },
    };
  }
  const reconciling = findCondition(conditions, 'Reconciling');
  if (reconciling?.status === 'True') return { done: false, note: `Reconciling${reconciling.reason ? `: ${reconciling.reason}` : ''}` };

  const ready = findCondition(conditions, 'Ready') ?? findCondition(conditions, 'Available');
  if (ready) {
    if (generation !== undefined && ready.observedGeneration !== undefined && ready.observedGeneration < generation) {
      return { done: false, note: `${ready.type} condition of generation ${ready.observedGeneration}, not ${generation}` };
    }
    if (ready.status === 'True') return { done: true, note: ready.type ?? 'Ready' };
    const note = `${ready.type}=${ready.status}${ready.reason ? `: ${ready.reason}` : ''}`;
    if (ready.status !== 'False') return { done: false, note };
    const since = toDate(ready.lastTransitionTime) ?? toDate(meta.creationTimestamp) ?? ctx.now;
    const from = stale(ready.lastTransitionTime) ? (started as number) + 1000 : latestInstant(since);
    const due = from + ctx.unreadyGraceMs;
    if (ctx.now.getTime() < due) return { done: false, note, dueAt: new Date(due) };
    return {
      done: false,
      note,
      failure: {
        reason: 'ResourceNotReady',
        message: `${obj.kind ?? 'resource'} ${meta.name ?? ''} reports ${describe(ready)}`,
        firstSignalAt: since,
      },
    };
  }
  // No condition to go by: done, but not in the first moments, before its controller could write a status.
  const created = toDate(meta.creationTimestamp);
  if (!obj.status && created) {
    const settled = latestInstant(created) + ctx.settleMs;
    if (ctx.now.getTime() < settled) return { done: false, note: 'no status yet', dueAt: new Date(settled) };
  }
  return { done: true, note: obj.status ? 'no Ready condition' : 'no status' };
}
