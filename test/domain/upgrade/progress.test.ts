import { DEFAULT_HEALTH_OPTIONS, type RolloutProgress, type Verdict, type WorkloadProgress } from '../../../src/domain/health/types.js';
import { rolloutProgress, sameProgress, timeLeftMs, verdictChanged, workloadFraction } from '../../../src/domain/upgrade/progress.js';
import { T0, at, newWebPod, snapshot, webDeployment, webNewRs, webOldRs, webRef } from '../fixtures.js';

const w = (o: Partial<WorkloadProgress>): WorkloadProgress => ({
  kind: 'Deployment', name: 'web', desired: 4, updated: 0, ready: 0, available: 0, done: false, present: true, ...o,
});

describe('workloadFraction', () => {
  it.each([
    [w({}), 0],
    [w({ updated: 2 }), 0.25],
    [w({ updated: 4, ready: 2 }), 0.75],
    [w({ updated: 4, ready: 4 }), 1],
    [w({ updated: 9, ready: 9 }), 1],
    [w({ desired: 0 }), 0],
    [w({ desired: 0, done: true }), 1],
  ])('%j -> %d', (progress, fraction) => {
    expect(workloadFraction(progress)).toBe(fraction);
  });
});

describe('rolloutProgress and helpers', () => {
  const input = {
    workloads: [webRef],
    snapshot: snapshot({ deployments: [webDeployment()], replicaSets: [webOldRs(3), webNewRs(1, 0)], pods: [newWebPod('x1')] }),
    options: DEFAULT_HEALTH_OPTIONS,
    now: at(10),
    startedAt: T0,
  };

  it('computes the view model and the countdown', () => {
    const p = rolloutProgress(input);
    expect(p.workloads).toEqual([w({ desired: 3, updated: 1, ready: 0, available: 0 })]);
    expect(p.pods.map((x) => x.name)).toEqual(['web-5f6c7d8e9b-x1']);
    expect(timeLeftMs(p, at(10))).toBe(290_000);
    expect(timeLeftMs(p, at(400))).toBe(0);
  });

  it('sameProgress tells visible changes apart', () => {
    const a = rolloutProgress(input);
    const b = rolloutProgress({ ...input, now: at(11) });
    expect(sameProgress(a, b)).toBe(true);
    const c: RolloutProgress = { ...a, workloads: [{ ...(a.workloads[0] as WorkloadProgress), ready: 1 }] };
    expect(sameProgress(a, c)).toBe(false);
  });
});

describe('verdictChanged', () => {
  const progress: RolloutProgress = { workloads: [], pods: [], warnings: [], deadline: at(300) };
  const progressing: Verdict = { state: 'progressing', progress, recheckAt: at(30) };
  const failed = (reason: 'CrashLoopBackOff' | 'OOMKilled', object = 'Pod/a'): Verdict => ({
    state: 'failed', progress, reason, object, message: '', firstSignalAt: at(1),
  });
  it.each([
    [undefined, progressing, true],
    [progressing, { ...progressing, recheckAt: at(40) }, false],
    [progressing, { state: 'healthy', progress } as Verdict, true],
    [progressing, failed('CrashLoopBackOff'), true],
    [failed('CrashLoopBackOff'), failed('CrashLoopBackOff'), false],
    [failed('CrashLoopBackOff'), failed('OOMKilled'), true],
    [failed('CrashLoopBackOff'), failed('CrashLoopBackOff', 'Pod/b'), true],
  ])('%#', (prev, next, changed) => {
    expect(verdictChanged(prev, next)).toBe(changed);
  });
});
