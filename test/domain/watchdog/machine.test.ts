import type { BakeFailure } from '../../../src/domain/health/post-rollout.js';
import {
  initialWatchdog,
  nextWakeAt,
  stepWatchdog,
  type WatchdogEffect,
  type WatchdogEvent,
  type WatchdogState,
} from '../../../src/domain/watchdog/machine.js';
import { buildWatchdogReport, watchdogExitCode } from '../../../src/domain/watchdog/report.js';
import type { MetricResult } from '../../../src/domain/watchdog/types.js';

const T0 = new Date('2026-01-01T12:00:00.000Z');
const t = (s: number) => new Date(T0.getTime() + s * 1000);
const BAKE_S = 600;

const crash: BakeFailure = { reason: 'RestartsGrowing', object: 'Pod/web-1', container: 'app', message: 'restarted 2 times', firstSignalAt: t(30) };
const metric = (o: Partial<MetricResult>): MetricResult => ({ check: 'errors', value: 0.01, outcome: 'pass', status: 'ok', condition: '> 0.05', ...o });

function run(state: WatchdogState, events: WatchdogEvent[]): { state: WatchdogState; effects: WatchdogEffect[] } {
  let effects: WatchdogEffect[] = [];
  for (const e of events) ({ state, effects } = stepWatchdog(state, e));
  return { state, effects };
}

const arming = (target?: number) => initialWatchdog({ revision: 5, armedAt: T0, durationMs: BAKE_S * 1000, ...(target ? { target } : {}) });
const baking = (target?: number) => run(arming(target), [{ type: 'lease-acquired', now: t(0) }]).state;
const rollingBack = () => run(baking(), [{ type: 'health', now: t(40), state: 'degraded', failure: crash }]).state;
const rollingBackInconclusive = () =>
  run(initialWatchdog({ revision: 5, armedAt: T0, durationMs: BAKE_S * 1000, onInconclusive: 'rollback' }), [{ type: 'lease-acquired', now: t(0) }]).state;

const failedEffects = (reason: string, detectedAt: Date, toRevision?: number) => [
  { type: 'record-failed', revision: 5, failure: expect.objectContaining({ reason, detectedAt }) },
  { type: 'rollback', ...(toRevision ? { toRevision } : {}), failure: expect.objectContaining({ reason, detectedAt }) },
];
const verifiedEffects = (now: Date) => [
  { type: 'record-verified', revision: 5, at: now },
  { type: 'notify', kind: 'verified' },
  { type: 'release-lease' },
  { type: 'finish', outcome: 'verified' },
];
const standDownEffects = (notify: boolean, release: boolean) => [
  { type: 'log', level: 'warn', message: expect.stringMatching(/^standing down: .*; nothing was rolled back$/) },
  ...(notify ? [{ type: 'notify', kind: 'stood-down' }] : []),
  ...(release ? [{ type: 'release-lease' }] : []),
  { type: 'finish', outcome: 'stood-down' },
];
const disarmEffects = (by: string, release: boolean) => [
  { type: 'log', level: 'info', message: `disarmed: ${by}; nothing was changed` },
  ...(release ? [{ type: 'release-lease' }] : []),
  { type: 'finish', outcome: 'disarmed' },
];

type Case = {
  name: string;
  from: () => WatchdogState;
  events: WatchdogEvent[];
  phase: WatchdogState['phase'];
  outcome?: WatchdogState['outcome'];
  /** Effects of the last event. */
  effects: unknown[];
};

const cases: Case[] = [
  // ---- arming ----
  { name: 'arming + lease acquired -> baking', from: () => arming(), events: [{ type: 'lease-acquired', now: t(0) }], phase: 'baking', effects: [] },
  { name: 'arming + lease held by another -> stood down, no notification, nothing to release', from: () => arming(), events: [{ type: 'lease-held', now: t(0), holder: 'ci-7', until: t(15) }], phase: 'done', outcome: 'stood-down', effects: standDownEffects(false, false) },
  { name: 'arming + lease lost -> stood down, nothing to release', from: () => arming(), events: [{ type: 'lease-lost', now: t(0), detail: 'gone' }], phase: 'done', outcome: 'stood-down', effects: standDownEffects(true, false) },
  { name: 'arming + degraded health -> waits for the lease, no action', from: () => arming(), events: [{ type: 'health', now: t(0), state: 'degraded', failure: crash }], phase: 'arming', effects: [] },
  { name: 'arming + degraded, then lease acquired -> rolls back at once', from: () => arming(), events: [{ type: 'health', now: t(0), state: 'degraded', failure: crash }, { type: 'lease-acquired', now: t(1) }], phase: 'rolling-back', effects: failedEffects('RestartsGrowing', t(1)) },
  { name: 'arming + failed metric -> waits for the lease', from: () => arming(), events: [{ type: 'metric', now: t(0), result: metric({ outcome: 'fail', status: 'failed', value: 0.2 }) }], phase: 'arming', effects: [] },
  { name: 'arming + healthy -> nothing', from: () => arming(), events: [{ type: 'health', now: t(0), state: 'healthy' }], phase: 'arming', effects: [] },
  { name: 'arming + tick past the deadline -> nothing (not armed yet)', from: () => arming(), events: [{ type: 'tick', now: t(BAKE_S + 1) }], phase: 'arming', effects: [] },
  { name: 'arming + newer revision -> stood down', from: () => arming(), events: [{ type: 'revision-seen', now: t(0), revision: 6 }], phase: 'done', outcome: 'stood-down', effects: standDownEffects(true, false) },
  { name: 'arming + same revision -> nothing', from: () => arming(), events: [{ type: 'revision-seen', now: t(0), revision: 5 }], phase: 'arming', effects: [] },
  { name: 'arming + disarm -> disarmed, nothing to release', from: () => arming(), events: [{ type: 'disarm', now: t(0), by: 'disarmed by ci-9' }], phase: 'done', outcome: 'disarmed', effects: disarmEffects('disarmed by ci-9', false) },
  { name: 'arming + interrupt -> disarmed', from: () => arming(), events: [{ type: 'interrupt', now: t(0), signal: 'SIGINT' }], phase: 'done', outcome: 'disarmed', effects: disarmEffects('interrupted (SIGINT)', false) },
  { name: 'arming + rollback-now -> ignored', from: () => arming(), events: [{ type: 'rollback-now', now: t(0) }], phase: 'arming', effects: [] },
  { name: 'arming + rollback-finished -> ignored', from: () => arming(), events: [{ type: 'rollback-finished', now: t(0), ok: true }], phase: 'arming', effects: [] },

  // ---- baking ----
  { name: 'baking + healthy -> nothing', from: () => baking(), events: [{ type: 'health', now: t(10), state: 'healthy' }], phase: 'baking', effects: [] },
  { name: 'baking + suspect (a grace running) -> nothing yet', from: () => baking(), events: [{ type: 'health', now: t(10), state: 'suspect' }], phase: 'baking', effects: [] },
  { name: 'baking + degraded -> record failed and roll back to the last known good', from: () => baking(), events: [{ type: 'health', now: t(40), state: 'degraded', failure: crash }], phase: 'rolling-back', effects: failedEffects('RestartsGrowing', t(40)) },
  { name: 'baking + degraded with --to-revision -> rolls back to it', from: () => baking(3), events: [{ type: 'health', now: t(40), state: 'degraded', failure: crash }], phase: 'rolling-back', effects: failedEffects('RestartsGrowing', t(40), 3) },
  { name: 'baking + passing metric -> nothing', from: () => baking(), events: [{ type: 'metric', now: t(10), result: metric({}) }], phase: 'baking', effects: [] },
  { name: 'baking + one failed measurement below the limit -> nothing', from: () => baking(), events: [{ type: 'metric', now: t(10), result: metric({ outcome: 'fail', value: 0.2 }) }], phase: 'baking', effects: [] },
  { name: 'baking + metric at its failure limit -> roll back', from: () => baking(), events: [{ type: 'metric', now: t(50), result: metric({ outcome: 'fail', status: 'failed', value: 0.2 }) }], phase: 'rolling-back', effects: failedEffects('MetricFailed', t(50)) },
  { name: 'baking + inconclusive metric (default ignore) -> nothing', from: () => baking(), events: [{ type: 'metric', now: t(50), result: metric({ outcome: 'inconclusive', status: 'inconclusive', value: undefined, message: 'empty result' }) }], phase: 'baking', effects: [] },
  { name: 'baking + inconclusive metric with --on-inconclusive rollback -> roll back', from: rollingBackInconclusive, events: [{ type: 'metric', now: t(50), result: metric({ outcome: 'error', status: 'inconclusive', value: undefined, message: 'connection refused' }) }], phase: 'rolling-back', effects: failedEffects('MetricInconclusive', t(50)) },
  { name: 'baking + tick before the deadline -> nothing', from: () => baking(), events: [{ type: 'tick', now: t(BAKE_S - 1) }], phase: 'baking', effects: [] },
  { name: 'baking + tick at the deadline, healthy -> verified', from: () => baking(), events: [{ type: 'health', now: t(5), state: 'healthy' }, { type: 'tick', now: t(BAKE_S) }], phase: 'done', outcome: 'verified', effects: verifiedEffects(t(BAKE_S)) },
  { name: 'baking + tick at the deadline while suspect -> held back', from: () => baking(), events: [{ type: 'health', now: t(590), state: 'suspect' }, { type: 'tick', now: t(BAKE_S) }], phase: 'baking', effects: [] },
  { name: 'held at the deadline, the suspect pod recovers -> verified', from: () => baking(), events: [{ type: 'health', now: t(590), state: 'suspect' }, { type: 'tick', now: t(BAKE_S) }, { type: 'health', now: t(605), state: 'healthy' }], phase: 'done', outcome: 'verified', effects: verifiedEffects(t(605)) },
  { name: 'held at the deadline, the grace runs out -> roll back', from: () => baking(), events: [{ type: 'health', now: t(590), state: 'suspect' }, { type: 'tick', now: t(BAKE_S) }, { type: 'health', now: t(620), state: 'degraded', failure: crash }], phase: 'rolling-back', effects: failedEffects('RestartsGrowing', t(620)) },
  { name: 'baking + tick at the deadline after a failed measurement -> held back', from: () => baking(), events: [{ type: 'metric', now: t(590), result: metric({ outcome: 'fail', value: 0.2 }) }, { type: 'tick', now: t(BAKE_S) }], phase: 'baking', effects: [] },
  { name: 'held by a metric, next measurement passes -> verified', from: () => baking(), events: [{ type: 'metric', now: t(590), result: metric({ outcome: 'fail', value: 0.2 }) }, { type: 'tick', now: t(BAKE_S) }, { type: 'metric', now: t(601), result: metric({}) }], phase: 'done', outcome: 'verified', effects: verifiedEffects(t(601)) },
  { name: 'baking + newer revision -> stand down, release the lease', from: () => baking(), events: [{ type: 'revision-seen', now: t(100), revision: 6 }], phase: 'done', outcome: 'stood-down', effects: standDownEffects(true, true) },
  { name: 'baking + same or older revision -> nothing', from: () => baking(), events: [{ type: 'revision-seen', now: t(100), revision: 4 }, { type: 'revision-seen', now: t(100), revision: 5 }], phase: 'baking', effects: [] },
  { name: 'baking + lease lost -> stops acting at once, nothing to release', from: () => baking(), events: [{ type: 'lease-lost', now: t(100), detail: 'ci-7 took over the lease' }], phase: 'done', outcome: 'stood-down', effects: standDownEffects(true, false) },
  { name: 'baking + lease acquired again -> ignored', from: () => baking(), events: [{ type: 'lease-acquired', now: t(1) }], phase: 'baking', effects: [] },
  { name: 'baking + lease held -> ignored', from: () => baking(), events: [{ type: 'lease-held', now: t(1), holder: 'x', until: t(9) }], phase: 'baking', effects: [] },
  { name: 'baking + disarm -> disarmed, lease released', from: () => baking(), events: [{ type: 'disarm', now: t(100), by: 'disarmed by ci-9' }], phase: 'done', outcome: 'disarmed', effects: disarmEffects('disarmed by ci-9', true) },
  { name: 'baking + Ctrl-C -> disarmed, lease released', from: () => baking(), events: [{ type: 'interrupt', now: t(100), signal: 'SIGINT' }], phase: 'done', outcome: 'disarmed', effects: disarmEffects('interrupted (SIGINT)', true) },
  { name: 'baking + rollback-now (key r) -> roll back by hand', from: () => baking(), events: [{ type: 'rollback-now', now: t(100) }], phase: 'rolling-back', effects: failedEffects('ManualRollback', t(100)) },
  { name: 'baking + rollback-finished -> ignored', from: () => baking(), events: [{ type: 'rollback-finished', now: t(100), ok: true }], phase: 'baking', effects: [] },

  // ---- rolling back ----
  { name: 'rolling back + rollback ok -> rolled back, notify, release', from: rollingBack, events: [{ type: 'rollback-finished', now: t(50), ok: true, newRevision: 6 }], phase: 'done', outcome: 'rolled-back', effects: [{ type: 'notify', kind: 'rolled-back' }, { type: 'release-lease' }, { type: 'finish', outcome: 'rolled-back' }] },
  { name: 'rolling back + rollback failed -> rollback-failed, notify, release', from: rollingBack, events: [{ type: 'rollback-finished', now: t(50), ok: false, message: 'helm failed' }], phase: 'done', outcome: 'rollback-failed', effects: [{ type: 'notify', kind: 'rollback-failed' }, { type: 'release-lease' }, { type: 'finish', outcome: 'rollback-failed' }] },
  { name: 'rolling back + the rollback\'s own new revision -> not a stand-down', from: rollingBack, events: [{ type: 'revision-seen', now: t(45), revision: 6 }], phase: 'rolling-back', effects: [] },
  { name: 'rolling back + lease lost -> the rollback continues, warns', from: rollingBack, events: [{ type: 'lease-lost', now: t(45), detail: 'expired' }], phase: 'rolling-back', effects: [{ type: 'log', level: 'warn', message: 'lease lost during the rollback (expired); the rollback continues' }] },
  { name: 'lease lost during the rollback -> nothing to release at the end', from: rollingBack, events: [{ type: 'lease-lost', now: t(45), detail: 'expired' }, { type: 'rollback-finished', now: t(50), ok: true }], phase: 'done', outcome: 'rolled-back', effects: [{ type: 'notify', kind: 'rolled-back' }, { type: 'finish', outcome: 'rolled-back' }] },
  { name: 'rolling back + disarm -> the rollback continues', from: rollingBack, events: [{ type: 'disarm', now: t(45), by: 'key d' }], phase: 'rolling-back', effects: [{ type: 'log', level: 'warn', message: 'key d: the rollback is already running and continues' }] },
  { name: 'rolling back + Ctrl-C -> the rollback continues', from: rollingBack, events: [{ type: 'interrupt', now: t(45), signal: 'SIGTERM' }], phase: 'rolling-back', effects: [{ type: 'log', level: 'warn', message: 'interrupted (SIGTERM): the rollback is already running and continues' }] },
  { name: 'rolling back + more degradation -> no second rollback', from: rollingBack, events: [{ type: 'health', now: t(45), state: 'degraded', failure: crash }, { type: 'metric', now: t(45), result: metric({ status: 'failed', outcome: 'fail' }) }], phase: 'rolling-back', effects: [] },
  { name: 'rolling back + tick past the deadline / rollback-now -> nothing', from: rollingBack, events: [{ type: 'tick', now: t(BAKE_S) }, { type: 'rollback-now', now: t(BAKE_S) }], phase: 'rolling-back', effects: [] },

  // ---- done ----
  ...(['lease-lost', 'health', 'tick', 'revision-seen', 'disarm', 'rollback-finished'] as const).map((type): Case => ({
    name: `done + ${type} -> nothing`,
    from: () => run(baking(), [{ type: 'tick', now: t(BAKE_S) }]).state,
    events: [{ lease: { type: 'lease-lost', now: t(700), detail: 'x' }, health: { type: 'health', now: t(700), state: 'degraded', failure: crash }, tick: { type: 'tick', now: t(700) }, 'revision-seen': { type: 'revision-seen', now: t(700), revision: 9 }, disarm: { type: 'disarm', now: t(700), by: 'x' }, 'rollback-finished': { type: 'rollback-finished', now: t(700), ok: true } }[type === 'lease-lost' ? 'lease' : type] as WatchdogEvent],
    phase: 'done',
    outcome: 'verified',
    effects: [],
  })),
];

describe('watchdog state machine: every transition', () => {
  it.each(cases)('$name', ({ from, events, phase, outcome, effects }) => {
    const start = from();
    const frozen = JSON.stringify(start);
    const result = run(start, events);
    expect(JSON.stringify(start)).toBe(frozen); // inputs never mutated
    expect(result.state.phase).toBe(phase);
    if (outcome) expect(result.state.outcome).toBe(outcome);
    expect(result.effects).toEqual(effects);
  });
});

describe('watchdog state machine: what it remembers', () => {
  it('wakes at the deadline only while baking', () => {
    expect(nextWakeAt(arming())).toBeUndefined();
    expect(nextWakeAt(baking())).toEqual(t(BAKE_S));
    expect(nextWakeAt(rollingBack())).toBeUndefined();
  });

  it('a rollback keeps the evidence, its target and when it started; the report carries them', () => {
    const { state } = run(baking(3), [
      { type: 'metric', now: t(30), result: metric({ value: 0.02 }) },
      { type: 'health', now: t(40), state: 'degraded', failure: crash },
      { type: 'rollback-finished', now: t(55), ok: true, newRevision: 6 },
    ]);
    const report = buildWatchdogReport(state, { release: 'web', namespace: 'prod', holder: 'me' });
    expect(report).toEqual({
      release: 'web', namespace: 'prod', revision: 5, outcome: 'rolled-back', holder: 'me',
      armedAt: T0.toISOString(), deadline: t(BAKE_S).toISOString(), endedAt: t(55).toISOString(),
      failure: { reason: 'RestartsGrowing', object: 'Pod/web-1', container: 'app', message: 'restarted 2 times', firstSignalAt: t(30).toISOString(), detectedAt: t(40).toISOString() },
      rollback: { toRevision: 3, newRevision: 6, startedAt: t(40).toISOString(), completedAt: t(55).toISOString() },
      metrics: [{ check: 'errors', value: 0.02, outcome: 'pass', status: 'ok' }],
    });
  });

  it('a stand-down says why; a disarm says by whom', () => {
    const down = run(baking(), [{ type: 'revision-seen', now: t(9), revision: 7 }]).state;
    expect(buildWatchdogReport(down, { release: 'web', namespace: 'prod', holder: 'me' }).standDown).toEqual({ reason: 'newer-revision', detail: 'revision 7 was deployed during the bake' });
    const off = run(baking(), [{ type: 'disarm', now: t(9), by: 'disarmed by ci-9' }]).state;
    expect(buildWatchdogReport(off, { release: 'web', namespace: 'prod', holder: 'me' }).disarmedBy).toBe('disarmed by ci-9');
  });

  it.each([
    ['verified', 0],
    ['disarmed', 0],
    ['rolled-back', 3],
    ['rollback-failed', 4],
    ['stood-down', 6],
  ] as const)('outcome %s exits %i', (outcome, code) => {
    expect(watchdogExitCode(outcome)).toBe(code);
  });
});
