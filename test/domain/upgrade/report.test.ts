import { buildReport, exitCodeForOutcome, type ReportInput } from '../../../src/domain/upgrade/report.js';
import { describeFailure } from '../../../src/domain/upgrade/events.js';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));

describe('buildReport', () => {
  it('reports a healthy upgrade with ttr and no failure', () => {
    const r = buildReport({
      release: 'web',
      namespace: 'prod',
      fromRevision: 3,
      attemptedRevision: 4,
      outcome: 'healthy',
      startedAt: t(0),
      healthyAt: t(12),
    });
    expect(r).toEqual({
      release: 'web',
      namespace: 'prod',
      fromRevision: 3,
      attemptedRevision: 4,
      outcome: 'healthy',
      timings: { ttdMs: null, ttrMs: 12_000 },
    });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('reports a rolled-back upgrade with failure, rollback and both timings', () => {
    const input: ReportInput = {
      release: 'web',
      namespace: 'prod',
      fromRevision: 3,
      attemptedRevision: 4,
      outcome: 'rolled-back',
      startedAt: t(0),
      failure: {
        reason: 'CrashLoopBackOff',
        object: 'Pod/web-abc',
        container: 'app',
        message: 'back-off 10s restarting failed container',
        firstSignalAt: t(5),
        detectedAt: t(6),
      },
      rollback: { toRevision: 3, newRevision: 5, startedAt: t(7), completedAt: t(20) },
    };
    const r = buildReport(input);
    expect(r.failure).toEqual({
      reason: 'CrashLoopBackOff',
      object: 'Pod/web-abc',
      container: 'app',
      message: 'back-off 10s restarting failed container',
      firstSignalAt: '2026-01-01T12:00:05.000Z',
      detectedAt: '2026-01-01T12:00:06.000Z',
    });
    expect(r.rollback).toEqual({
      toRevision: 3,
      newRevision: 5,
      startedAt: '2026-01-01T12:00:07.000Z',
      completedAt: '2026-01-01T12:00:20.000Z',
    });
    expect(r.timings).toEqual({ ttdMs: 1000, ttrMs: 20_000 });
    expect(input.failure?.firstSignalAt).toEqual(t(5));
  });

  it.each([
    ['rollback-failed' as const, { toRevision: 3, startedAt: t(7) }],
    ['failed-no-rollback' as const, undefined],
  ])('has no ttr for %s', (outcome, rollback) => {
    const r = buildReport({
      release: 'web',
      namespace: 'prod',
      outcome,
      startedAt: t(0),
      failure: { reason: 'Timeout', object: 'Deployment/web', message: 'x', firstSignalAt: t(9), detectedAt: t(8) },
      rollback,
    });
    expect(r.timings).toEqual({ ttdMs: 0, ttrMs: null });
    expect(r.fromRevision).toBeNull();
    expect(r.failure && 'container' in r.failure).toBe(false);
    if (rollback) expect(r.rollback).toEqual({ toRevision: 3, newRevision: null, startedAt: t(7).toISOString(), completedAt: null });
    else expect(r.rollback).toBeUndefined();
  });
});

describe('exitCodeForOutcome', () => {
  it.each([
    ['healthy', 0],
    ['rolled-back', 3],
    ['rollback-failed', 4],
    ['failed-no-rollback', 4],
  ] as const)('%s -> %i', (outcome, code) => {
    expect(exitCodeForOutcome(outcome)).toBe(code);
  });
});

describe('describeFailure', () => {
  it('names the container when there is one', () => {
    expect(describeFailure({ reason: 'OOMKilled', object: 'Pod/a', container: 'app' })).toBe(
      'OOMKilled in Pod/a (container app)',
    );
    expect(describeFailure({ reason: 'HookFailed', object: 'Job/migrate' })).toBe('HookFailed in Job/migrate');
  });
});
