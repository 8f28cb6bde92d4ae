import { evaluateRollout } from '../domain/health/evaluate.js';
import { EMPTY_HOOK_MEMORY, rememberHookJobs, vanishedHookFailure, type HookMemory } from '../domain/health/hook-memory.js';
import { decidedByAbsence, type ClusterSnapshot, type HealthOptions, type Verdict } from '../domain/health/types.js';
import type { WorkloadRef } from '../domain/manifest/workload-ref.js';
import type { UpgradeEvent, WatchPhase } from '../domain/upgrade/events.js';
import type { Clock } from '../ports/clock.js';
import type { ClusterWatch } from '../ports/cluster-watch.js';
import { splitUnapplied, type TemplateChanges } from './upgrade-applied.js';

/** How the view describes an existing workload whose new template helm has not applied yet. */
export const UNAPPLIED_NOTE = 'previous revision running; helm has not applied this one yet';

/** A verdict that ends a watch. */
export type FinalVerdict = Extract<Verdict, { state: 'healthy' } | { state: 'failed' }>;

/** Inputs of {@link RolloutMonitor}. */
export interface RolloutMonitorInput {
  watch: ClusterWatch;
  clock: Clock;
  options: HealthOptions;
  /** When this rollout (upgrade or rollback) started: the timeout counts from here. */
  startedAt: Date;
  phase: WatchPhase;
  emit: (event: UpgradeEvent) => void;
}

/**
 * Judges one rollout live: every cluster change (bursts coalesced into one evaluation) and one timer at the
 * verdict's `recheckAt` re-run evaluateRollout; nothing polls. Until the revision's workloads are known only
 * the overall timeout can fire. Emits `progress` on each evaluation and a `verdict` event when it fails (the
 * healthy one is emitted by superviseHelm, once helm has finished too).
 */
export class RolloutMonitor {
  private workloads: readonly WorkloadRef[] | undefined;
  private changes: TemplateChanges = new Map();
  private latest: Verdict | undefined;
  /** What was seen of hook Jobs, kept after they vanish (a self-deleting failed hook is not a succeeded one). */
  private hooks: HookMemory = EMPTY_HOOK_MEMORY;
  private scheduled = false;
  private cancelTimer: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  /** A failure decided by absence is being confirmed on a fresh read. */
  private confirming = false;
  private readonly listeners = new Set<(v: Verdict) => void>();

  /** When the watch first held each object (`Kind/name`), in the monitor's clock: no signal about it can be earlier. */
  private readonly firstSeen = new Map<string, number>();

  constructor(private readonly input: RolloutMonitorInput) {
    this.unsubscribe = input.watch.onChange(() => this.schedule());
    this.observe(input.watch.snapshot());
    this.armTimeout();
  }

  /**
   * Sets the workloads of the revision being rolled out and evaluates at once. `changes` (pod-template fields
   * this revision changes) keep a workload out of judgement until helm has applied them.
   */
  setWorkloads(workloads: readonly WorkloadRef[], changes?: TemplateChanges): void {
    this.workloads = workloads;
    if (changes) this.changes = changes;
    this.evaluateNow();
  }

  /** Whether the workloads are known yet. */
  get hasWorkloads(): boolean {
    return this.workloads !== undefined;
  }

  /** The latest verdict (undefined before the workloads are known and nothing timed out). */
  get verdict(): Verdict | undefined {
    return this.latest;
  }

  /** Calls `listener` with every new verdict state (progressing -> healthy, -> failed, healthy -> failed...). */
  onVerdict(listener: (v: Verdict) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first verdict satisfying `accept` (checked against the current one first). */
  until(accept: (v: Verdict) => boolean): Promise<Verdict> {
    return new Promise((resolve) => {
      if (this.latest && accept(this.latest)) return resolve(this.latest);
      const off = this.onVerdict((v) => {
        if (accept(v)) {
          off();
          resolve(v);
        }
      });
    });
  }

  /**
   * Evaluates right now (e.g. when helm exited) and returns the verdict. A failure that rests on a change not
   * having arrived (decidedByAbsence) is first confirmed on a fresh read when the watch offers one: until that
   * answers, the previous verdict stands and is returned.
   */
  evaluateNow(): Verdict | undefined {
    if (this.stopped) return this.latest;
    const snapshot = this.input.watch.snapshot();
    const verdict = this.judge(snapshot);
    if (verdict?.state === 'failed' && decidedByAbsence(verdict.reason) && this.input.watch.freshSnapshot) {
      this.confirm(verdict);
      return this.latest;
    }
    return verdict === undefined ? this.latest : this.settle(verdict);
  }

  /**
   * Confirms a failure decided by absence on the cluster as the API server has it now (a quiet watch is not
   * evidence): the fresh verdict is published, failed or not. One confirmation at a time; a read that cannot be
   * made (the API server stays down past the retries) lets the failure stand.
   */
  private confirm(unconfirmed: FinalVerdict): void {
    if (this.confirming) return;
    this.confirming = true;
    void this.input.watch.freshSnapshot!().then(
      (fresh) => this.judge(fresh),
      () => unconfirmed,
    ).then((verdict) => {
      this.confirming = false;
      if (!this.stopped && verdict) this.settle(verdict);
    });
  }

  /** The verdict on `snapshot` at the monitor's now (undefined while the workloads are unknown and time remains). */
  private judge(snapshot: ClusterSnapshot): Verdict | undefined {
    const now = this.input.clock.now();
    this.observe(snapshot, now);
    if (!this.workloads) return now.getTime() >= this.deadline().getTime() ? this.noRevisionTimeout() : undefined;
    const { visible, hidden } = splitUnapplied(snapshot, this.changes);
    const judged = evaluateRollout({
      workloads: this.workloads,
      snapshot: visible,
      options: this.input.options,
      now,
      startedAt: this.input.startedAt,
    });
    let verdict: Verdict = hidden.size === 0 ? judged : { ...judged, progress: { ...judged.progress, workloads: judged.progress.workloads.map((w) => (!w.present && hidden.has(`${w.kind}/${w.name}`) ? { ...w, note: UNAPPLIED_NOTE } : w)) } };
    this.hooks = rememberHookJobs(this.hooks, this.workloads, visible, this.input.startedAt);
    const vanished = verdict.state === 'failed' ? undefined : vanishedHookFailure(this.hooks, visible);
    if (vanished) verdict = { state: 'failed', progress: verdict.progress, ...vanished };
    return verdict;
  }

  /** Publishes a verdict and arms the one timer that can change it without a cluster change. */
  private settle(verdict: Verdict): Verdict {
    const now = this.input.clock.now();
    if (this.workloads) this.input.emit({ type: 'progress', phase: this.input.phase, snapshot: verdict.progress, at: now });
    this.publish(verdict);
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (verdict.state === 'progressing' && verdict.recheckAt) {
      this.cancelTimer = this.input.clock.at(verdict.recheckAt, () => this.evaluateNow());
    } else if (verdict.state === 'healthy' && now.getTime() < this.deadline().getTime()) {
      // A healthy rollout can still turn (e.g. a crash after start); the timeout bounds how long we care. Past
      // the deadline there is nothing left to wake up for (re-arming a timer in the past would spin).
      this.armTimeout();
    }
    return verdict;
  }

  /** Stops listening and cancels the timer. Idempotent. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.listeners.clear();
  }

  /** Records the objects the watch holds for the first time. */
  private observe(snapshot: ClusterSnapshot, now = this.input.clock.now()): void {
    const lists: Array<[string, ReadonlyArray<{ metadata?: { name?: string } }>]> = [
      ['Pod', snapshot.pods], ['Job', snapshot.jobs], ['Deployment', snapshot.deployments], ['StatefulSet', snapshot.statefulSets],
      ['DaemonSet', snapshot.daemonSets], ['ReplicaSet', snapshot.replicaSets],
    ];
    for (const [kind, items] of lists) {
      for (const o of items) {
        const key = `${kind}/${o.metadata?.name ?? ''}`;
        if (!this.firstSeen.has(key)) this.firstSeen.set(key, now.getTime());
      }
    }
    for (const r of snapshot.resources ?? []) {
      const key = `${r.kind}/${r.metadata?.name ?? ''}`;
      if (!this.firstSeen.has(key)) this.firstSeen.set(key, now.getTime());
    }
  }

  /**
   * Kubernetes timestamps have 1 s resolution (truncated), so a signal can read up to a second earlier than it
   * happened, even earlier than the object it is about. It is never reported before the watch first held the
   * object, and the verdict says how its time was derived.
   */
  private dated(verdict: Verdict): Verdict {
    if (verdict.state !== 'failed') return verdict;
    if (verdict.reason === 'Timeout') return { ...verdict, firstSignalBasis: 'plugin-clock' };
    const seen = this.firstSeen.get(verdict.object);
    if (seen !== undefined && seen > verdict.firstSignalAt.getTime()) {
      return { ...verdict, firstSignalAt: new Date(seen), firstSignalBasis: 'first-observed' };
    }
    return { ...verdict, firstSignalBasis: verdict.firstSignalBasis ?? 'kubernetes-timestamp' };
  }

  private publish(raw: Verdict): void {
    const verdict = this.dated(raw);
    const changed = this.latest?.state !== verdict.state;
    this.latest = verdict;
    if (!changed) return;
    // A failure is final and reported at once. Healthy is reported by whoever also knows that helm finished
    // (its hooks ran): the rules can be satisfied before a pre-upgrade hook has even started.
    if (verdict.state === 'failed') {
      this.input.emit({ type: 'verdict', phase: this.input.phase, verdict, at: this.input.clock.now() });
    }
    for (const l of [...this.listeners]) l(verdict);
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    // Informer events of one burst arrive in consecutive ticks; one evaluation covers them all.
    setImmediate(() => {
      this.scheduled = false;
      this.evaluateNow();
    });
  }

  private deadline(): Date {
    return new Date(this.input.startedAt.getTime() + this.input.options.timeoutMs);
  }

  private armTimeout(): void {
    this.cancelTimer?.();
    this.cancelTimer = this.input.clock.at(this.deadline(), () => this.evaluateNow());
  }

  private noRevisionTimeout(): Verdict {
    const deadline = this.deadline();
    return {
      state: 'failed',
      reason: 'Timeout',
      object: 'Release',
      message: `timed out after ${Math.round(this.input.options.timeoutMs / 1000)}s before helm stored a new revision`,
      firstSignalAt: deadline,
      progress: { workloads: [], pods: [], warnings: [], deadline },
    };
  }
}
