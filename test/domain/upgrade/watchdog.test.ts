import { DEFAULT_HEALTH_OPTIONS, type ClusterSnapshot } from '../../../src/domain/health/types.js';
import type { ReleaseStatus } from '../../../src/domain/release/release.js';
import type { LedgerEntry } from '../../../src/domain/rollback/ledger.js';
import {
  startWatchdog,
  stepWatchdog,
  type WatchdogConfig,
  type WatchdogEffect,
  type WatchdogInput,
  type WatchdogState,
} from '../../../src/domain/upgrade/watchdog.js';
import {
  T0, at, dbPod, dbRef, newWebPod, running, snapshot, statefulSet, waiting, webDeployment, webDeploymentHealthy,
  webNewRs, webOldRs, webRef, oldWebPod,
} from '../fixtures.js';

const config = (o: Partial<WatchdogConfig> = {}): WatchdogConfig => ({
  release: 'web',
  namespace: 'prod',
  chart: './charts/web',
  fromRevision: 2,
  options: DEFAULT_HEALTH_OPTIONS,
  noRollback: false,
  keepFailedInstall: false,
  ledger: [],
  ...o,
});

function run(cfg: WatchdogConfig, inputs: WatchdogInput[]): { state: WatchdogState; effects: WatchdogEffect[] } {
  let { state, effects } = startWatchdog(cfg, T0);
  const all = [...effects];
  for (const input of inputs) {
    ({ state, effects } = stepWatchdog(state, input));
    all.push(...effects);
  }
  return { state, effects: all };
}

/** Effect and event types in order, e.g. `emit:verdict`, `stop-helm`. */
const kinds = (effects: WatchdogEffect[]) => effects.map((e) => (e.type === 'emit' ? `emit:${e.event.type}` : e.type));
const finishOf = (effects: WatchdogEffect[]) => effects.find((e): e is Extract<WatchdogEffect, { type: 'finish' }> => e.type === 'finish');
const history = (...statuses: ReleaseStatus[]) => statuses.map((status, i) => ({ revision: i + 1, status }));

const midRollout = (): ClusterSnapshot =>
  snapshot({ deployments: [webDeployment()], replicaSets: [webOldRs(3), webNewRs(1, 0)], pods: [oldWebPod('a'), newWebPod('x1', { containers: [running('app', at(3), { ready: false })] })] });
const creating = (): ClusterSnapshot =>
  snapshot({ deployments: [webDeployment()], replicaSets: [webOldRs(3), webNewRs(1, 0)], pods: [newWebPod('x1', { containers: [waiting('app', 'ContainerCreating', undefined)] })] });
const healthy = (): ClusterSnapshot =>
  snapshot({ deployments: [webDeploymentHealthy()], replicaSets: [webOldRs(0), webNewRs(3, 3)], pods: [newWebPod('x1'), newWebPod('x2'), newWebPod('x3')] });
const crashLooping = (): ClusterSnapshot =>
  snapshot({
    deployments: [webDeployment()],
    replicaSets: [webOldRs(3), webNewRs(1, 0)],
    pods: [newWebPod('x1', { containers: [waiting('app', 'CrashLoopBackOff', 'back-off 10s restarting failed container', { restartCount: 1, lastTerminated: { exitCode: 1, reason: 'Error', startedAt: at(3), finishedAt: at(5) } })] })],
  });
/** The rollback target's workload (a StatefulSet keeps the fixture small) and its states. */
const dbHealthy = () => snapshot({ statefulSets: [statefulSet({ current: 'db-1', update: 'db-1', ready: 2 })], pods: [dbPod(0, 'db-1'), dbPod(1, 'db-1')] });
const dbCrashing = () =>
  snapshot({
    statefulSets: [statefulSet({ current: 'db-1', update: 'db-2', ready: 1, updated: 1 })],
    pods: [dbPod(0, 'db-1'), dbPod(1, 'db-2', { containers: [waiting('db', 'CreateContainerConfigError', 'secret "db" not found')] })],
  });

describe('watchdog: healthy upgrade', () => {
  it('waits for helm after the healthy verdict, then records and reports it', () => {
    const { state, effects } = run(config(), [
      { type: 'revision-stored', revision: 3, workloads: [webRef], at: at(1) },
      { type: 'cluster', snapshot: midRollout(), at: at(2) },
      { type: 'cluster', snapshot: healthy(), at: at(20) },
      { type: 'helm-exited', code: 0, at: at(21) },
    ]);
    expect(kinds(effects)).toEqual([
      'emit:started',
      'emit:revision-detected',
      'emit:progress', // nothing in the cluster yet
      'emit:verdict',
      'set-timer', // the deadline
      'emit:progress',
      'set-timer', // the new pod's unready grace runs out first
      'emit:progress',
      'emit:verdict',
      'write-ledger',
      'emit:finished',
      'finish',
    ]);
    expect(effects.filter((e) => e.type === 'set-timer')).toEqual([{ type: 'set-timer', at: at(300) }, { type: 'set-timer', at: at(123) }]);
    expect(finishOf(effects)).toMatchObject({ exitCode: 0, report: { outcome: 'healthy', fromRevision: 2, attemptedRevision: 3, timings: { ttdMs: null, ttrMs: 20_000 } } });
    expect(effects.find((e) => e.type === 'write-ledger')).toEqual({ type: 'write-ledger', entries: [{ revision: 3, verdict: 'healthy', decidedAt: at(21) }] });
    expect(state.phase).toBe('done');
  });

  it('keeps watching when helm exits 0 before our verdict, and finishes as soon as it is healthy', () => {
    const { effects } = run(config(), [
      { type: 'revision-stored', revision: 3, workloads: [webRef], at: at(1) },
      { type: 'cluster', snapshot: midRollout(), at: at(2) },
      { type: 'helm-exited', code: 0, at: at(10) },
      { type: 'cluster', snapshot: healthy(), at: at(15) },
    ]);
    expect(finishOf(effects)?.report).toMatchObject({ outcome: 'healthy', timings: { ttrMs: 15_000 } });
  });

  it('ignores inputs after it finished', () => {
    const { state } = run(config(), [
      { type: 'revision-stored', revision: 3, workloads: [], at: at(1) },
      { type: 'helm-exited', code: 0, at: at(2) },
    ]);
    expect(state.phase).toBe('done');
    expect(stepWatchdog(state, { type: 'cluster', snapshot: crashLooping(), at: at(3) })).toEqual({ state, effects: [] });
  });
});

describe('watchdog: failure and rollback', () => {
  const failingUpgrade: WatchdogInput[] = [
    { type: 'revision-stored', revision: 3, workloads: [webRef], at: at(1) },
    { type: 'cluster', snapshot: crashLooping(), at: at(5.4) },
    { type: 'helm-exited', code: 1, message: 'Error: UPGRADE FAILED: context canceled', at: at(6) },
    { type: 'revision-marked-failed', history: history('superseded', 'superseded', 'failed'), at: at(6.5) },
  ];

  it('stops helm, has the revision marked failed, rolls back to the last known good and watches it', () => {
    const { effects } = run(config(), [
      ...failingUpgrade,
      { type: 'rollback-workloads', workloads: [dbRef], at: at(7) },
      { type: 'cluster', snapshot: dbHealthy(), at: at(9) },
      { type: 'rollback-exited', ok: true, newRevision: 4, at: at(10) },
    ]);
    expect(kinds(effects)).toEqual([
      'emit:started',
      'emit:revision-detected', 'emit:progress', 'emit:verdict', 'set-timer',
      'emit:progress', 'emit:verdict', 'write-ledger', 'stop-helm',
      'ensure-revision-failed',
      'emit:revision-marked-failed', 'emit:rollback-started', 'run-rollback',
      'emit:progress', 'emit:verdict', 'set-timer', // rollback workloads known, not in the cluster yet
      'emit:progress', 'emit:verdict', // healthy, but helm rollback has not returned yet
      'emit:rollback-finished', 'write-ledger', 'emit:finished', 'finish',
    ]);
    expect(effects).toContainEqual({ type: 'ensure-revision-failed', revision: 3 });
    expect(effects).toContainEqual({ type: 'run-rollback', toRevision: 2 });
    const ledgers = effects.filter((e) => e.type === 'write-ledger');
    expect(ledgers[0]).toEqual({ type: 'write-ledger', entries: [{ revision: 3, verdict: 'failed', reason: 'CrashLoopBackOff', decidedAt: at(5.4), ttdMs: 400 }] });
    expect(ledgers[1]).toMatchObject({ entries: [{ revision: 3, verdict: 'failed' }, { revision: 4, verdict: 'healthy', decidedAt: at(10) }] });
    const finish = finishOf(effects);
    expect(finish?.exitCode).toBe(3);
    expect(finish?.report).toEqual({
      release: 'web',
      namespace: 'prod',
      fromRevision: 2,
      attemptedRevision: 3,
      outcome: 'rolled-back',
      failure: {
        reason: 'CrashLoopBackOff',
        object: 'Pod/web-5f6c7d8e9b-x1',
        container: 'app',
        message: 'back-off 10s restarting failed container; last exit code 1 (Error)',
        firstSignalAt: at(5).toISOString(),
        detectedAt: at(5.4).toISOString(),
      },
      rollback: { toRevision: 2, newRevision: 4, startedAt: at(6.5).toISOString(), completedAt: at(10).toISOString() },
      timings: { ttdMs: 400, ttrMs: 10_000 },
    });
  });

  it('skips a revision the ledger recorded as unhealthy', () => {
    const ledger: LedgerEntry[] = [{ revision: 2, verdict: 'failed', reason: 'OOMKilled', decidedAt: at(-100) }];
    const { effects } = run(config({ ledger }), failingUpgrade);
    expect(effects).toContainEqual({ type: 'run-rollback', toRevision: 1 });
    expect(effects.find((e) => e.type === 'write-ledger')).toMatchObject({ entries: [{ revision: 2 }, { revision: 3 }] });
  });

  it('uses --to-revision, warning when the ledger disagrees', () => {
    const ledger: LedgerEntry[] = [{ revision: 1, verdict: 'failed', decidedAt: at(-100) }];
    const { effects } = run(config({ ledger, toRevision: 1 }), failingUpgrade);
    expect(effects).toContainEqual({ type: 'run-rollback', toRevision: 1 });
    expect(effects).toContainEqual({ type: 'emit', event: { type: 'notice', level: 'warn', message: 'revision 1 is recorded unhealthy by autorollback; rolling back to it as asked', at: at(6.5) } });
  });

  it('reports exit 4 when helm rollback fails', () => {
    const { effects } = run(config(), [...failingUpgrade, { type: 'rollback-exited', ok: false, message: 'Error: timed out', at: at(30) }]);
    expect(finishOf(effects)).toMatchObject({ exitCode: 4, report: { outcome: 'rollback-failed', rollback: { toRevision: 2, newRevision: null, completedAt: null }, timings: { ttrMs: null } } });
  });

  it('reports exit 4 and stops helm rollback when the rollback rollout fails too', () => {
    const { effects } = run(config(), [
      ...failingUpgrade,
      { type: 'rollback-workloads', workloads: [dbRef], at: at(7) },
      { type: 'cluster', snapshot: dbCrashing(), at: at(9) },
    ]);
    expect(kinds(effects).slice(-4)).toEqual(['emit:verdict', 'stop-rollback', 'emit:finished', 'finish']);
    expect(effects.filter((e) => e.type === 'emit' && e.event.type === 'verdict').at(-1)).toMatchObject({ event: { phase: 'rollback', verdict: { state: 'failed', reason: 'CreateContainerConfigError' } } });
    expect(finishOf(effects)).toMatchObject({ exitCode: 4, report: { outcome: 'rollback-failed' } });
  });

  it('fails with Timeout when the recheck timer fires at the deadline', () => {
    const { effects } = run(config(), [
      { type: 'revision-stored', revision: 3, workloads: [webRef], at: at(1) },
      { type: 'cluster', snapshot: creating(), at: at(2) },
      { type: 'timer', at: at(300) },
    ]);
    expect(effects.filter((e) => e.type === 'emit' && e.event.type === 'verdict').at(-1)).toMatchObject({ event: { verdict: { state: 'failed', reason: 'Timeout' } } });
    expect(kinds(effects).at(-1)).toBe('stop-helm');
  });

  it('treats a helm failure the cluster does not explain as HelmFailed', () => {
    const { state, effects } = run(config(), [
      { type: 'revision-stored', revision: 3, workloads: [webRef], at: at(1) },
      { type: 'cluster', snapshot: midRollout(), at: at(2) },
      { type: 'helm-exited', code: 1, message: 'Error: UPGRADE FAILED: conflict with "kubectl"\n', at: at(4) },
    ]);
    expect(kinds(effects).slice(-3)).toEqual(['emit:verdict', 'write-ledger', 'ensure-revision-failed']);
    expect(state.failure).toEqual({ reason: 'HelmFailed', object: 'Release/web', message: 'Error: UPGRADE FAILED: conflict with "kubectl"', firstSignalAt: at(4), detectedAt: at(4) });
    expect(state.phase).toBe('marking-failed');
  });
});

describe('watchdog: no rollback', () => {
  const failingFirstInstall: WatchdogInput[] = [
    { type: 'revision-stored', revision: 1, workloads: [webRef], at: at(1) },
    { type: 'cluster', snapshot: crashLooping(), at: at(6) },
    { type: 'helm-exited', code: 1, at: at(7) },
    { type: 'revision-marked-failed', history: history('failed'), at: at(8) },
  ];

  it('uninstalls a failed first install', () => {
    const { effects } = run(config({ fromRevision: undefined }), [...failingFirstInstall, { type: 'uninstall-exited', ok: true, at: at(12) }]);
    expect(kinds(effects).slice(-7)).toEqual(['emit:revision-marked-failed', 'emit:notice', 'emit:uninstall-started', 'run-uninstall', 'emit:rollback-finished', 'emit:finished', 'finish']);
    expect(finishOf(effects)).toMatchObject({
      exitCode: 3,
      report: { outcome: 'rolled-back', fromRevision: null, attemptedRevision: 1, rollback: { toRevision: null, startedAt: at(8).toISOString(), completedAt: at(12).toISOString() }, timings: { ttrMs: 12_000 } },
    });
  });

  it('keeps a failed first install with --keep-failed-install (exit 4)', () => {
    const { effects } = run(config({ fromRevision: undefined, keepFailedInstall: true }), failingFirstInstall);
    expect(effects).not.toContainEqual({ type: 'run-uninstall' });
    expect(finishOf(effects)).toMatchObject({ exitCode: 4, report: { outcome: 'failed-no-rollback' } });
  });

  it('only reports with --no-rollback', () => {
    const { effects } = run(config({ noRollback: true }), [
      { type: 'revision-stored', revision: 3, workloads: [webRef], at: at(1) },
      { type: 'cluster', snapshot: crashLooping(), at: at(6) },
      { type: 'helm-exited', code: 1, at: at(7) },
      { type: 'revision-marked-failed', history: history('superseded', 'superseded', 'failed'), at: at(8) },
    ]);
    expect(kinds(effects)).not.toContain('run-rollback');
    expect(finishOf(effects)).toMatchObject({ exitCode: 4, report: { outcome: 'failed-no-rollback', failure: { reason: 'CrashLoopBackOff' } } });
    expect(finishOf(effects)?.report.rollback).toBeUndefined();
  });

  it('aborts when helm fails before storing a revision', () => {
    const { state, effects } = run(config(), [{ type: 'helm-exited', code: 1, message: 'Error: INSTALLATION FAILED: chart "nope" not found', at: at(1) }]);
    expect(effects.at(-1)).toEqual({ type: 'abort', message: 'Error: INSTALLATION FAILED: chart "nope" not found' });
    expect(state.phase).toBe('done');
  });
});
