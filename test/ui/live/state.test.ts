import type { UpgradeEvent } from '../../../src/domain/upgrade/events.js';
import {
  activeRollout,
  helmLineLevel,
  initialViewState,
  reduceAll,
  reduceUpgradeEvent,
  stageOf,
  type Stage,
} from '../../../src/ui/live/state.js';
import { at, crashloopRun, ev, healthyRun, pod, rollbackFailureRun, warning, workload } from '../fixtures.js';

const job = (p: Parameters<typeof workload>[0]) => workload({ kind: 'Job', name: 'migrate', desired: 1, hook: true, ...p });

describe('reduceUpgradeEvent', () => {
  test('started fills the header and starts the clock', () => {
    const s = reduceAll([ev.started({ fromRevision: 7, helmMajor: 4 })]);
    expect(s).toMatchObject({ release: 'web', namespace: 'shop', chart: './examples/webapp', fromRevision: 7, helmMajor: 4 });
    expect(s.startedAt).toEqual(at(0));
    expect(s.log.map((l) => l.text)).toEqual([
      'upgrading web in namespace shop to ./examples/webapp (from revision 7, helm 4)',
    ]);
  });

  test('a first install says so', () => {
    const s = reduceAll([ev.started({ fromRevision: undefined })]);
    expect(s.fromRevision).toBeUndefined();
    expect(s.log[0]?.text).toBe('installing web in namespace shop from ./examples/webapp (first install, helm 3)');
  });

  test('never mutates its input', () => {
    const s0 = reduceAll([ev.started(), ev.progress(1, { workloads: [workload()] })]);
    const frozen = JSON.stringify(s0);
    reduceUpgradeEvent(s0, ev.progress(2, { workloads: [workload({ ready: 1 })], warnings: [warning()] }));
    expect(JSON.stringify(s0)).toBe(frozen);
  });

  test('log ids are positions and lines carry the event time', () => {
    const s = reduceAll(crashloopRun());
    expect(s.log.map((l) => l.id)).toEqual(s.log.map((_, i) => i));
    expect(s.log.find((l) => l.text.startsWith('FAILED'))?.at).toEqual(at(2.2));
  });

  const stages: Array<[string, UpgradeEvent[], Stage]> = [
    ['nothing yet', [], 'starting'],
    ['started', [ev.started()], 'watching'],
    ['healthy verdict', healthyRun().slice(0, -1), 'healthy'],
    ['failed verdict', crashloopRun().slice(0, 5), 'failed'],
    ['rolling back', crashloopRun().slice(0, 8), 'rolling-back'],
    ['rollback healthy', crashloopRun().slice(0, -1), 'recovered'],
    ['rollback command failed', rollbackFailureRun().slice(0, -1), 'rollback-failed'],
    ['rollback rollout failed', [...crashloopRun().slice(0, 8), ev.failed(9, { signalAt: 8 }, 'rollback')], 'rollback-failed'],
    ['uninstalling', [ev.started({ fromRevision: undefined }), ev.failed(2, { signalAt: 1 }), ev.uninstallStarted(3)], 'uninstalling'],
    [
      'uninstalled',
      [ev.started({ fromRevision: undefined }), ev.failed(2, { signalAt: 1 }), ev.uninstallStarted(3), ev.rollbackFinished(4, { ok: true })],
      'recovered',
    ],
    ['finished', crashloopRun(), 'done'],
  ];
  test.each(stages)('stage: %s', (_name, events, stage) => {
    expect(stageOf(reduceAll(events))).toBe(stage);
  });

  test('a failed verdict keeps reason, object, container, message and first signal', () => {
    const s = reduceAll(crashloopRun().slice(0, 5));
    expect(s.upgrade.verdict).toEqual({
      state: 'failed',
      at: at(2.2),
      reason: 'CrashLoopBackOff',
      object: 'Pod/web-7d9c-a1',
      container: 'app',
      message: 'back-off 10s restarting failed container=app pod=web-7d9c-a1_shop',
      firstSignalAt: at(1.8),
    });
  });

  test("a verdict without cluster evidence keeps the last progress (helm failed)", () => {
    const s = reduceAll([
      ev.started(),
      ev.progress(1, { workloads: [workload({ updated: 1 })] }),
      ev.failed(2, { signalAt: 2, reason: 'HelmFailed', object: 'Release/web.v4', container: undefined, message: 'helm upgrade failed: Error: conflict' }),
    ]);
    expect(s.upgrade.progress?.workloads).toHaveLength(1);
    expect(s.log.at(-1)?.text).toBe('FAILED: HelmFailed in Release/web.v4: helm upgrade failed: Error: conflict [first signal 00:02.0, detected after 0.0s]');
    // With no progress at all, the verdict's own fills in.
    const t = reduceAll([ev.started(), ev.failed(2, { signalAt: 2, progress: { workloads: [workload()], pods: [], warnings: [], deadline: at(300) } })]);
    expect(t.upgrade.progress?.workloads).toHaveLength(1);
  });

  test('progressing verdicts change nothing', () => {
    const s0 = reduceAll([ev.started()]);
    const s1 = reduceUpgradeEvent(s0, {
      type: 'verdict',
      phase: 'upgrade',
      verdict: { state: 'progressing', progress: { workloads: [], pods: [], warnings: [], deadline: at(300) } },
      at: at(1),
    });
    expect(s1.log).toBe(s0.log);
    expect(s1.upgrade.verdict).toBeUndefined();
  });

  test('the rollback has its own rollout; the active one switches when it starts', () => {
    const before = reduceAll(crashloopRun().slice(0, 7));
    expect(activeRollout(before).phase).toBe('upgrade');
    const s = reduceAll(crashloopRun().slice(0, 9));
    expect(activeRollout(s).phase).toBe('rollback');
    expect(s.rollback).toMatchObject({ kind: 'rollback', toRevision: 3, startedAt: at(2.6) });
    expect(s.rollback.progress?.workloads[0]?.ready).toBe(2);
    // The upgrade's last view stays as it was.
    expect(s.upgrade.progress?.pods[0]?.reason).toBe('CrashLoopBackOff');
  });

  test("the rollback's own revision does not replace the attempted one", () => {
    const s = reduceAll([...crashloopRun().slice(0, 8), ev.revision(5, 2.8)]);
    expect(s.revision).toBe(4);
    expect(s.rollback.newRevision).toBe(5);
    expect(s.log.at(-1)?.text).toBe('rollback: revision 5 stored; watching 1 workload');
    // helm's own answer wins over what was seen first.
    expect(reduceAll([...crashloopRun().slice(0, 8), ev.revision(5, 2.8), ev.rollbackFinished(3, { ok: true, newRevision: 5 })]).rollback.newRevision).toBe(5);
  });

  test('a --recover-pending rollback before the upgrade: logged, then the upgrade starts fresh', () => {
    const s = reduceAll([
      ev.notice('web is pending-upgrade; recovering because of --recover-pending', 0, 'warn'),
      ev.rollbackStarted(2, 0.1),
      ev.progress(0.5, { workloads: [workload({ ready: 3, updated: 3, done: true })] }, 'rollback'),
      ev.rollbackFinished(1, { ok: true, newRevision: 4 }),
      ev.started({ fromRevision: 4, at: 2 }),
      ev.revision(5, 2.5),
    ]);
    expect(stageOf(s)).toBe('watching');
    expect(activeRollout(s).phase).toBe('upgrade');
    expect(s.rollback.kind).toBeUndefined();
    expect(s.revision).toBe(5);
    expect(s.originAt).toEqual(at(0));
    expect(s.startedAt).toEqual(at(2));
    expect(s.log.map((l) => l.text)).toEqual([
      'web is pending-upgrade; recovering because of --recover-pending',
      'rolling back to revision 2',
      'rollback: Deployment/web: rolled out, 3/3 ready',
      'helm rollback done: revision 4 created',
      'upgrading web in namespace shop to ./examples/webapp (from revision 4, helm 3)',
      'revision 5 stored; watching 1 workload',
    ]);
  });

  test('an uninstall is not drawn as a rollback rollout', () => {
    const s = reduceAll([ev.started({ fromRevision: undefined }), ev.failed(2, { signalAt: 1 }), ev.uninstallStarted(3)]);
    expect(activeRollout(s).phase).toBe('upgrade');
    expect(s.log.at(-1)?.text).toBe('uninstalling the failed first install');
  });

  test('rollback-finished records the new revision and the failure message', () => {
    expect(reduceAll(crashloopRun().slice(0, 10)).rollback).toMatchObject({ ok: true, newRevision: 5, finishedAt: at(4) });
    expect(reduceAll(rollbackFailureRun().slice(0, -1)).rollback).toMatchObject({
      ok: false,
      message: 'Error: timed out waiting for the condition',
    });
  });

  test('finished stores the report and adds no line (the summary is drawn from the report)', () => {
    const events = healthyRun();
    const before = reduceAll(events.slice(0, -1));
    const after = reduceUpgradeEvent(before, events.at(-1)!);
    expect(after.report?.outcome).toBe('healthy');
    expect(after.log).toBe(before.log);
  });

  const detailCases: Array<[string, UpgradeEvent[], string[]]> = [
    [
      'workload counts change',
      [ev.progress(1, { workloads: [workload()] }), ev.progress(2, { workloads: [workload({ updated: 1 })] })],
      ['Deployment/web: 0/3 ready, 0/3 updated', 'Deployment/web: 0/3 ready, 1/3 updated'],
    ],
    [
      'an absent workload is news only when it appears',
      [ev.progress(1, { workloads: [workload({ present: false })] }), ev.progress(2, { workloads: [workload()] })],
      ['Deployment/web: 0/3 ready, 0/3 updated'],
    ],
    [
      'a hook Job runs and completes; counts the line does not show make no line',
      [
        ev.progress(1, { workloads: [job({ updated: 1 })] }),
        ev.progress(1.2, { workloads: [job({ updated: 1, ready: 1 })] }),
        ev.progress(2, { workloads: [job({ updated: 1, available: 1 })] }),
        ev.progress(2.1, { workloads: [job({ updated: 1, available: 1, done: true })] }),
      ],
      ['Job/migrate (hook): 0/1 succeeded, 1 running', 'Job/migrate (hook): 1/1 succeeded', 'Job/migrate (hook): 1/1 succeeded, complete'],
    ],
    [
      'a Job nobody waits for, and a hook Job already deleted',
      [ev.progress(1, { workloads: [job({ hook: false, name: 'report', updated: 1, done: true }), job({ present: false, done: true })] })],
      ['Job/report: 0/1 succeeded, 1 running (not waited for)'],
    ],
    [
      "a Job's pod that completed is not news; one that failed is",
      [
        ev.progress(1, { pods: [pod({ name: 'migrate-a', phase: 'Succeeded', reason: 'Completed' })] }),
        ev.progress(2, { pods: [pod({ name: 'migrate-b', phase: 'Failed', reason: 'Error' })] }),
      ],
      ['pod migrate-b: Error, restarts 0 (Failed, not ready)'],
    ],
    [
      'restarts grow without a reason',
      [ev.progress(1, { pods: [pod({ phase: 'Running', restarts: 1 })] })],
      ['pod web-7d9c-a1: restarts 1 (Running, not ready)'],
    ],
    [
      'a reason clears',
      [
        ev.progress(1, { pods: [pod({ reason: 'Unschedulable' })] }),
        ev.progress(2, { pods: [pod({ reason: 'ContainerCreating' })] }),
      ],
      ['pod web-7d9c-a1: Unschedulable, restarts 0 (Pending, not ready)', 'pod web-7d9c-a1: ContainerCreating, restarts 0 (Pending, not ready)'],
    ],
    [
      'a new warning among old ones',
      [
        ev.progress(1, { warnings: [warning()] }),
        ev.progress(2, { warnings: [warning({ count: 2 }), warning({ reason: 'Unhealthy', message: 'Readiness probe failed:\nHTTP 503' })] }),
      ],
      [
        'warning Pod/web-7d9c-a1 BackOff: Back-off restarting failed container app in pod web-7d9c-a1_shop',
        'warning Pod/web-7d9c-a1 Unhealthy: Readiness probe failed: HTTP 503',
      ],
    ],
    [
      'rollback lines are prefixed',
      [ev.rollbackStarted(3, 1), ev.progress(2, { workloads: [workload({ ready: 3, updated: 3, done: true })] }, 'rollback')],
      ['rolling back to revision 3', 'rollback: Deployment/web: rolled out, 3/3 ready'],
    ],
  ];
  test.each(detailCases)('lines: %s', (_name, events, lines) => {
    const s = reduceAll([ev.started(), ...events]);
    expect(s.log.slice(1).map((l) => l.text)).toEqual(lines);
  });

  test('rollout details are marked as detail, milestones are not', () => {
    const s = reduceAll(crashloopRun());
    const detail = s.log.filter((l) => l.detail).map((l) => l.text);
    expect(detail.every((t) => /^(rollback: )?(Deployment\/|pod |warning )/.test(t))).toBe(true);
    expect(s.log.filter((l) => !l.detail).map((l) => l.level)).toEqual([
      'info', // started
      'info', // revision stored
      'error', // FAILED
      'error', // helm: Error: UPGRADE FAILED
      'warn', // marked failed
      'warn', // rolling back
      'info', // helm rollback done
      'success', // rollback healthy
    ]);
  });
});

describe('helmLineLevel', () => {
  test.each([
    ['stdout', 'Release "web" has been upgraded. Happy Helming!', 'info'],
    ['stdout', 'NAME: web', undefined],
    ['stdout', 'NOTES:', undefined],
    ['stdout', 'STATUS: deployed', 'info'],
    ['stdout', '', undefined],
    ['stderr', 'Error: UPGRADE FAILED: context canceled', 'error'],
    ['stderr', 'WARNING: Kubernetes configuration file is group-readable.', 'warn'],
    ['stderr', 'coalesce.go:286: warning: cannot overwrite table', 'info'],
    ['stderr', 'level=WARN msg="upgrade failed" name=shop error="context canceled"', 'warn'],
    ['stderr', 'time=2026-11-27T01:00:00Z level=ERROR msg="release failed"', 'error'],
  ] as const)('%s %j -> %s', (stream, line, level) => {
    expect(helmLineLevel(stream, line)).toBe(level);
  });
});

test('initialViewState is empty', () => {
  expect(initialViewState().log).toEqual([]);
});
