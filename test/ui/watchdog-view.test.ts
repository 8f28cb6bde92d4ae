import type { BakePod } from '../../src/domain/health/post-rollout.js';
import type { WatchdogRunEvent } from '../../src/domain/watchdog/events.js';
import type { WatchdogReport } from '../../src/domain/watchdog/report.js';
import { createWatchdogPlainRenderer } from '../../src/ui/watchdog/plain.js';
import { initialWatchdogView, reduceWatchdog, watchdogReportLines, type WatchdogViewState } from '../../src/ui/watchdog/state.js';
import { sparkline } from '../../src/ui/watchdog/view.js';

const T0 = new Date('2026-01-01T12:00:00.000Z');
const t = (s: number) => new Date(T0.getTime() + s * 1000);
const pod = (name: string, ready: boolean, restarts: number, since: number, reason?: string): BakePod => ({ name, owner: 'Deployment/web', ready, restarts, restartsSinceArmed: since, ...(reason ? { reason } : {}) });
const health = (at: number, pods: BakePod[]): WatchdogRunEvent => ({ type: 'health', verdict: { state: 'healthy', workloads: [], pods }, at: t(at) });
const armed: WatchdogRunEvent = { type: 'armed', release: 'web', namespace: 'prod', revision: 5, target: 4, armedAt: t(0), deadline: t(600), holder: 'me@host/1/ab', workloads: 1, at: t(0) };
const report: WatchdogReport = {
  release: 'web', namespace: 'prod', revision: 5, outcome: 'rolled-back', armedAt: t(0).toISOString(), deadline: t(600).toISOString(), endedAt: t(50).toISOString(), holder: 'me',
  failure: { reason: 'RestartsGrowing', object: 'Pod/web-1', container: 'app', message: 'restarted 2 times since the watchdog armed (max 2)', firstSignalAt: t(30).toISOString(), detectedAt: t(31).toISOString() },
  rollback: { toRevision: 4, newRevision: 6, startedAt: t(31).toISOString(), completedAt: t(50).toISOString() },
  metrics: [],
};

const fold = (events: Array<Parameters<typeof reduceWatchdog>[1]>, from: WatchdogViewState = initialWatchdogView()) => events.reduce(reduceWatchdog, from);

describe('watchdog view state', () => {
  it('logs arming, then only pod changes; keeps the restart trend', () => {
    const s = fold([armed, health(1, [pod('web-1', true, 0, 0)]), health(2, [pod('web-1', true, 0, 0)]), health(30, [pod('web-1', false, 1, 1, 'Error')]), health(31, [pod('web-1', true, 1, 1)])]);
    expect(s.phase).toBe('baking');
    expect(s.log.map((e) => e.text)).toEqual([
      'watchdog armed on web revision 5 (namespace prod) until 2026-01-01T12:10:00.000Z (10m00s); watching 1 workload; rollback target: revision 4; holder me@host/1/ab',
      'pod web-1: not ready, restarts 1, Error (1 since armed)',
      'pod web-1: ready, restarts 1 (1 since armed)',
    ]);
    expect(s.restartTrend).toEqual([0, 1]);
  });

  it('keeps each metric\'s recent values against its threshold, and logs every measurement', () => {
    const m = (at: number, value: number | undefined, outcome: 'pass' | 'fail' | 'inconclusive', status: 'ok' | 'failed' = 'ok'): WatchdogRunEvent => ({ type: 'metric', result: { check: 'errors', ...(value === undefined ? {} : { value }), outcome, status, condition: '> 0.05', ...(value === undefined ? { message: 'empty result' } : {}) }, at: t(at) });
    const s = fold([armed, m(10, 0.01, 'pass'), m(20, undefined, 'inconclusive'), m(30, 0.2, 'fail'), m(40, 0.3, 'fail', 'failed')]);
    expect(s.metrics.errors).toEqual({ check: 'errors', condition: '> 0.05', values: [0.01, null, 0.2, 0.3], lastOutcome: 'fail', status: 'failed' });
    expect(s.log.slice(1).map((e) => [e.level, e.text])).toEqual([
      ['info', 'metric errors = 0.01 (fails if > 0.05): pass'],
      ['warn', 'metric errors = no value (fails if > 0.05): inconclusive (empty result)'],
      ['error', 'metric errors = 0.2 (fails if > 0.05): fail'],
      ['error', 'metric errors = 0.3 (fails if > 0.05): fail, check failed'],
    ]);
  });

  it('key r asks for confirmation only while baking; the decision clears it', () => {
    expect(fold([{ type: 'ask-rollback' }]).confirmingRollback).toBe(false);
    const asking = fold([armed, { type: 'ask-rollback' }]);
    expect(asking.confirmingRollback).toBe(true);
    expect(fold([{ type: 'cancel-rollback' }], asking).confirmingRollback).toBe(false);
    const decided = fold([{ type: 'degraded', failure: { reason: 'ManualRollback', object: 'watchdog', message: 'rolled back by hand (key r)', firstSignalAt: t(9), detectedAt: t(9) }, toRevision: 4, at: t(9) }], asking);
    expect(decided).toMatchObject({ confirmingRollback: false, phase: 'rolling-back' });
    expect(decided.log.slice(-2).map((e) => e.text)).toEqual(['DEGRADED: ManualRollback in watchdog: rolled back by hand (key r) [first signal 00:09.0, detected after 0ms]', 'rolling back to revision 4']);
  });

  it('the plain renderer prints the log lines and the summary, without escapes when colour is off', () => {
    let out = '';
    const r = createWatchdogPlainRenderer({ write: (x) => (out += x) }, { color: false });
    for (const e of [armed, health(30, [pod('web-1', false, 2, 2, 'CrashLoopBackOff')]), { type: 'finished', report, at: t(50) } as WatchdogRunEvent]) r.onEvent(e);
    expect(out).not.toMatch(/\u001b\[/);
    expect(out.split('\n')[0]).toMatch(/^00:00\.0 watchdog armed on web revision 5/);
    expect(out).toContain('ROLLED BACK: web revision 5 degraded during the bake; back on revision 4, healthy\n');
    expect(out).toContain('  rollback      to revision 4 as revision 6, started 2026-01-01T12:00:31.000Z, completed 2026-01-01T12:00:50.000Z\n');
  });

  it('summaries name each outcome', () => {
    const head = (o: Partial<WatchdogReport>) => watchdogReportLines({ ...report, failure: undefined, rollback: undefined, ...o } as WatchdogReport)[0]?.text;
    expect(head({ outcome: 'verified' })).toBe('VERIFIED: web revision 5 stayed healthy for the whole bake');
    expect(head({ outcome: 'stood-down', standDown: { reason: 'newer-revision', detail: 'revision 6 was deployed during the bake' } })).toBe('STOOD DOWN: revision 6 was deployed during the bake; nothing was rolled back');
    expect(head({ outcome: 'disarmed', disarmedBy: 'disarmed by ci@runner' })).toBe('DISARMED: disarmed by ci@runner; nothing was changed');
  });

  it('draws a trend line', () => {
    expect(sparkline([0, 1, 2, null, 4])).toBe('▁▃▅ █');
    expect(sparkline([3, 3])).toBe('██'); // scaled from 0: a flat nonzero line is high
    expect(sparkline([0, 0])).toBe('▁▁');
  });
});
