/**
 * The watchdog as a pure state machine: events in (lease changes, health verdicts of the bake, metric
 * results, ticks, a newer revision, disarm, interrupt, rollback finished), a new state and effects out (roll
 * back, record a verdict, notify, release the lease, finish). The service carries the effects out and feeds
 * back what happened; time only comes in with the events (`now`).
 */
import type { BakeFailure } from '../health/post-rollout.js';
import type { MetricResult, StandDownReason, WatchdogFailure, WatchdogNoticeKind, WatchdogOutcome } from './types.js';

/** `arming`: waiting for the lease; `baking`: watching; `rolling-back`: helm rollback runs; `done`: finished. */
export type WatchdogPhase = 'arming' | 'baking' | 'rolling-back' | 'done';

/** What the watchdog does with a check that turned inconclusive (`--on-inconclusive`, default `ignore`). */
export type InconclusivePolicy = 'ignore' | 'rollback';

/** The machine's state. Never mutated: every step returns a new one. */
export interface WatchdogState {
  phase: WatchdogPhase;
  /** The revision being baked (deployed when armed). */
  revision: number;
  /** `--to-revision`, else undefined: the service picks the last known good revision when it rolls back. */
  target?: number;
  armedAt: Date;
  /** armedAt + the bake duration. */
  deadline: Date;
  onInconclusive: InconclusivePolicy;
  /** The latest bake health: `suspect` holds a verdict back at the deadline until it resolves. */
  health: 'unknown' | 'healthy' | 'suspect' | 'degraded';
  /** The latest result of each metric check, by name. */
  metrics: Readonly<Record<string, MetricResult>>;
  /** Set once it decided to roll back. */
  failure?: WatchdogFailure;
  /** Set when done. */
  outcome?: WatchdogOutcome;
  standDown?: { reason: StandDownReason; detail: string };
  /** Who or what disarmed it. */
  disarmedBy?: string;
  rollback?: { toRevision?: number; startedAt: Date; newRevision?: number; completedAt?: Date; message?: string };
  endedAt?: Date;
  /** Whether this watchdog holds the release's lease (so it must release it when it ends). */
  holdsLease: boolean;
  /** A failure seen before the watchdog may act (while arming); acted on once the lease is held. */
  pending?: WatchdogFailure;
}

/** Everything that can happen to a watchdog. */
export type WatchdogEvent =
  | { type: 'lease-acquired'; now: Date }
  | { type: 'lease-held'; now: Date; holder: string; until: Date }
  | { type: 'lease-lost'; now: Date; detail: string }
  | { type: 'health'; now: Date; state: 'healthy' | 'suspect' | 'degraded'; failure?: BakeFailure }
  | { type: 'metric'; now: Date; result: MetricResult }
  | { type: 'tick'; now: Date }
  | { type: 'revision-seen'; now: Date; revision: number }
  | { type: 'disarm'; now: Date; by: string }
  | { type: 'interrupt'; now: Date; signal: string }
  | { type: 'rollback-now'; now: Date }
  | { type: 'rollback-finished'; now: Date; ok: boolean; newRevision?: number; message?: string };

/** What the service must do. */
export type WatchdogEffect =
  | { type: 'rollback'; toRevision?: number; failure: WatchdogFailure }
  | { type: 'record-failed'; revision: number; failure: WatchdogFailure }
  | { type: 'record-verified'; revision: number; at: Date }
  | { type: 'notify'; kind: WatchdogNoticeKind }
  | { type: 'release-lease' }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | { type: 'finish'; outcome: WatchdogOutcome };

/** One step's result. */
export interface WatchdogStep {
  state: WatchdogState;
  effects: WatchdogEffect[];
}

/** Input of {@link initialWatchdog}. */
export interface WatchdogArm {
  revision: number;
  target?: number;
  armedAt: Date;
  /** Bake duration in ms (`--for`). */
  durationMs: number;
  onInconclusive?: InconclusivePolicy;
}

/** A watchdog waiting for its lease. */
export function initialWatchdog(arm: WatchdogArm): WatchdogState {
  return {
    phase: 'arming',
    revision: arm.revision,
    ...(arm.target === undefined ? {} : { target: arm.target }),
    armedAt: arm.armedAt,
    deadline: new Date(arm.armedAt.getTime() + arm.durationMs),
    onInconclusive: arm.onInconclusive ?? 'ignore',
    health: 'unknown',
    metrics: {},
    holdsLease: false,
  };
}

/** When the service should next send a `tick` (the deadline while baking), or undefined. */
export function nextWakeAt(state: WatchdogState): Date | undefined {
  return state.phase === 'baking' ? state.deadline : undefined;
}

/** Applies one event. Pure: `state` is not changed. */
export function stepWatchdog(state: WatchdogState, event: WatchdogEvent): WatchdogStep {
  if (state.phase === 'done') return { state, effects: [] };
  switch (event.type) {
    case 'lease-acquired':
      if (state.phase !== 'arming') return same(state);
      return settle({ ...state, phase: 'baking', holdsLease: true }, event.now, []);
    case 'lease-held':
      if (state.phase !== 'arming') return same(state);
      return standDown(state, event.now, 'lease-held', `another watchdog (${event.holder}) holds the lease until ${event.until.toISOString()}`, false);
    case 'lease-lost':
      if (state.phase === 'rolling-back') {
        // The rollback is already under way; stopping helm half-way would be worse than finishing it.
        return { state: { ...state, holdsLease: false }, effects: [{ type: 'log', level: 'warn', message: `lease lost during the rollback (${event.detail}); the rollback continues` }] };
      }
      return standDown({ ...state, holdsLease: false }, event.now, 'lease-lost', event.detail, true);
    case 'revision-seen':
      if (state.phase === 'rolling-back' || event.revision <= state.revision) return same(state);
      return standDown(state, event.now, 'newer-revision', `revision ${event.revision} was deployed during the bake`, true);
    case 'health': {
      const next: WatchdogState = { ...state, health: event.state };
      if (event.state === 'degraded' && event.failure) next.pending ??= bakeFailure(event.failure, event.now);
      return settle(next, event.now, []);
    }
    case 'metric':
      return onMetric(state, event.result, event.now);
    case 'tick':
      return settle(state, event.now, []);
    case 'rollback-now':
      if (state.phase !== 'baking') return same(state);
      return rollBack(state, { reason: 'ManualRollback', object: 'watchdog', message: 'rolled back by hand (key r)', firstSignalAt: event.now, detectedAt: event.now });
    case 'disarm':
    case 'interrupt': {
      const by = event.type === 'disarm' ? event.by : `interrupted (${event.signal})`;
      if (state.phase === 'rolling-back') {
        return same(state, [{ type: 'log', level: 'warn', message: `${by}: the rollback is already running and continues` }]);
      }
      const done: WatchdogState = { ...state, phase: 'done', outcome: 'disarmed', disarmedBy: by, endedAt: event.now, holdsLease: false };
      return {
        state: done,
        effects: [
          { type: 'log', level: 'info', message: `disarmed: ${by}; nothing was changed` },
          ...(state.holdsLease ? [{ type: 'release-lease' } as const] : []),
          { type: 'finish', outcome: 'disarmed' },
        ],
      };
    }
    case 'rollback-finished': {
      if (state.phase !== 'rolling-back' || !state.rollback) return same(state);
      const ok = event.ok;
      const rollback = {
        ...state.rollback,
        ...(event.newRevision === undefined ? {} : { newRevision: event.newRevision }),
        ...(ok ? { completedAt: event.now } : {}),
        ...(event.message === undefined ? {} : { message: event.message }),
      };
      const outcome: WatchdogOutcome = ok ? 'rolled-back' : 'rollback-failed';
      return {
        state: { ...state, phase: 'done', outcome, rollback, endedAt: event.now, holdsLease: false },
        effects: [
          { type: 'notify', kind: outcome },
          ...(state.holdsLease ? [{ type: 'release-lease' } as const] : []),
          { type: 'finish', outcome },
        ],
      };
    }
  }
}

function same(state: WatchdogState, effects: WatchdogEffect[] = []): WatchdogStep {
  return { state, effects };
}

function bakeFailure(f: BakeFailure, now: Date): WatchdogFailure {
  return { ...f, detectedAt: now };
}

function onMetric(state: WatchdogState, result: MetricResult, now: Date): WatchdogStep {
  const next: WatchdogState = { ...state, metrics: { ...state.metrics, [result.check]: result } };
  const shown = result.value === undefined ? 'no value' : String(result.value);
  if (result.status === 'failed') {
    next.pending ??= {
      reason: 'MetricFailed',
      object: `metric/${result.check}`,
      message: `${result.check} = ${shown}${result.condition ? ` (fails if ${result.condition})` : ''}: failure limit reached${result.message ? `; ${result.message}` : ''}`,
      firstSignalAt: now,
      detectedAt: now,
    };
  } else if (result.status === 'inconclusive' && state.onInconclusive === 'rollback') {
    next.pending ??= {
      reason: 'MetricInconclusive',
      object: `metric/${result.check}`,
      message: `${result.check} is inconclusive (${result.message ?? shown}) and --on-inconclusive is rollback`,
      firstSignalAt: now,
      detectedAt: now,
    };
  }
  return settle(next, now, []);
}

/**
 * After any change: a failure while baking rolls back; the deadline with nothing suspect verifies. A
 * suspect signal at the deadline holds the verdict until it resolves (its grace bounds the wait).
 */
function settle(state: WatchdogState, now: Date, effects: WatchdogEffect[]): WatchdogStep {
  const { pending, ...rest } = state;
  if (state.phase === 'baking' && pending) {
    const step = rollBack(rest, { ...pending, detectedAt: now });
    return { state: step.state, effects: [...effects, ...step.effects] };
  }
  // Not acting yet (arming): a failure waits for the moment the lease is ours.
  if (state.phase !== 'baking') return { state, effects };
  if (now.getTime() >= state.deadline.getTime() && !suspect(rest)) {
    return {
      state: { ...rest, phase: 'done', outcome: 'verified', endedAt: now, holdsLease: false },
      effects: [
        ...effects,
        { type: 'record-verified', revision: state.revision, at: now },
        { type: 'notify', kind: 'verified' },
        ...(state.holdsLease ? [{ type: 'release-lease' } as const] : []),
        { type: 'finish', outcome: 'verified' },
      ],
    };
  }
  return { state: rest, effects };
}

/** Something that has not failed yet but may: a grace running, or a check whose last measurement failed. */
function suspect(state: WatchdogState): boolean {
  if (state.health === 'suspect' || state.health === 'degraded') return true;
  return Object.values(state.metrics).some((m) => m.status === 'ok' && m.outcome === 'fail');
}

function rollBack(state: WatchdogState, failure: WatchdogFailure): WatchdogStep {
  return {
    state: {
      ...state,
      phase: 'rolling-back',
      failure,
      rollback: { ...(state.target === undefined ? {} : { toRevision: state.target }), startedAt: failure.detectedAt },
    },
    effects: [
      { type: 'record-failed', revision: state.revision, failure },
      { type: 'rollback', ...(state.target === undefined ? {} : { toRevision: state.target }), failure },
    ],
  };
}

function standDown(state: WatchdogState, now: Date, reason: StandDownReason, detail: string, notify: boolean): WatchdogStep {
  return {
    state: { ...state, phase: 'done', outcome: 'stood-down', standDown: { reason, detail }, endedAt: now, holdsLease: false },
    effects: [
      { type: 'log', level: 'warn', message: `standing down: ${detail}; nothing was rolled back` },
      ...(notify ? [{ type: 'notify', kind: 'stood-down' } as const] : []),
      ...(state.holdsLease ? [{ type: 'release-lease' } as const] : []),
      { type: 'finish', outcome: 'stood-down' },
    ],
  };
}
