// Small builders of UpgradeEvent sequences for the UI tests.
import type { PodProgress, RolloutProgress, Verdict, WarningEvent, WorkloadProgress } from '../../src/domain/health/types.js';
import type { UpgradeEvent, WatchPhase } from '../../src/domain/upgrade/events.js';
import { buildReport, type ReportInput } from '../../src/domain/upgrade/report.js';

/** The start of every scenario. */
export const T0 = new Date('2026-11-27T01:00:00.000Z');

/** T0 plus `seconds`. */
export function at(seconds: number): Date {
  return new Date(T0.getTime() + Math.round(seconds * 1000));
}

export function workload(p: Partial<WorkloadProgress> = {}): WorkloadProgress {
  return { kind: 'Deployment', name: 'web', desired: 3, updated: 0, ready: 0, available: 0, done: false, present: true, ...p };
}

export function pod(p: Partial<PodProgress> = {}): PodProgress {
  return { name: 'web-7d9c-a1', owner: 'Deployment/web', phase: 'Pending', restarts: 0, ready: false, ...p };
}

export function warning(p: Partial<WarningEvent> = {}): WarningEvent {
  return {
    object: 'Pod/web-7d9c-a1',
    reason: 'BackOff',
    message: 'Back-off restarting failed container app in pod web-7d9c-a1_shop',
    count: 1,
    lastSeen: at(3),
    ...p,
  };
}

export function snapshot(p: Partial<RolloutProgress> = {}): RolloutProgress {
  return { workloads: [], pods: [], warnings: [], deadline: at(300), ...p };
}

export const ev = {
  started: (p: { fromRevision?: number; helmMajor?: number; at?: number } = {}): UpgradeEvent => ({
    type: 'started',
    release: 'web',
    namespace: 'shop',
    chart: './examples/webapp',
    ...('fromRevision' in p ? (p.fromRevision === undefined ? {} : { fromRevision: p.fromRevision }) : { fromRevision: 3 }),
    helmMajor: p.helmMajor ?? 3,
    at: at(p.at ?? 0),
  }),
  helm: (line: string, seconds: number, stream: 'stdout' | 'stderr' = 'stdout'): UpgradeEvent => ({
    type: 'helm-output',
    stream,
    line,
    at: at(seconds),
  }),
  revision: (revision: number, seconds: number, workloads = 1): UpgradeEvent => ({
    type: 'revision-detected',
    revision,
    workloads,
    at: at(seconds),
  }),
  progress: (seconds: number, snap: Partial<RolloutProgress>, phase: WatchPhase = 'upgrade'): UpgradeEvent => ({
    type: 'progress',
    phase,
    snapshot: snapshot(snap),
    at: at(seconds),
  }),
  healthy: (seconds: number, phase: WatchPhase = 'upgrade', snap: Partial<RolloutProgress> = {}): UpgradeEvent => ({
    type: 'verdict',
    phase,
    verdict: { state: 'healthy', progress: snapshot(snap) },
    at: at(seconds),
  }),
  failed: (
    seconds: number,
    f: Partial<Extract<Verdict, { state: 'failed' }>> & { signalAt: number },
    phase: WatchPhase = 'upgrade',
  ): UpgradeEvent => {
    const { signalAt, ...rest } = f;
    return {
      type: 'verdict',
      phase,
      verdict: {
        state: 'failed',
        progress: snapshot(),
        reason: 'CrashLoopBackOff',
        object: 'Pod/web-7d9c-a1',
        container: 'app',
        message: 'back-off 10s restarting failed container=app pod=web-7d9c-a1_shop',
        firstSignalAt: at(signalAt),
        ...rest,
      },
      at: at(seconds),
    };
  },
  markedFailed: (revision: number, seconds: number): UpgradeEvent => ({
    type: 'revision-marked-failed',
    revision,
    at: at(seconds),
  }),
  rollbackStarted: (toRevision: number, seconds: number): UpgradeEvent => ({
    type: 'rollback-started',
    toRevision,
    at: at(seconds),
  }),
  uninstallStarted: (seconds: number): UpgradeEvent => ({ type: 'uninstall-started', at: at(seconds) }),
  rollbackFinished: (seconds: number, p: { ok: boolean; newRevision?: number; message?: string }): UpgradeEvent => ({
    type: 'rollback-finished',
    ...p,
    at: at(seconds),
  }),
  notice: (message: string, seconds: number, level: 'info' | 'warn' = 'info'): UpgradeEvent => ({
    type: 'notice',
    level,
    message,
    at: at(seconds),
  }),
  finished: (seconds: number, input: Omit<ReportInput, 'release' | 'namespace' | 'startedAt'>): UpgradeEvent => ({
    type: 'finished',
    report: buildReport({ release: 'web', namespace: 'shop', startedAt: T0, ...input }),
    at: at(seconds),
  }),
};

const crashingSnapshot: Partial<RolloutProgress> = {
  workloads: [workload({ updated: 1 })],
  pods: [pod({ phase: 'Running', reason: 'CrashLoopBackOff', restarts: 2 })],
  warnings: [warning({ lastSeen: at(1.8) })],
};

/** A healthy upgrade 3 -> 4 of one Deployment with 2 replicas. */
export function healthyRun(): UpgradeEvent[] {
  const w = (p: Partial<WorkloadProgress>) => workload({ desired: 2, ...p });
  return [
    ev.started(),
    ev.helm('Release "web" has been upgraded. Happy Helming!', 0.4),
    ev.helm('NAME: web', 0.4),
    ev.revision(4, 0.5),
    ev.progress(0.6, { workloads: [w({ updated: 1 })], pods: [pod({ name: 'web-7d9c-a1' })] }),
    ev.progress(0.7, { workloads: [w({ updated: 1 })], pods: [pod({ name: 'web-7d9c-a1', reason: 'ContainerCreating' })] }),
    ev.progress(1.5, { workloads: [w({ updated: 1, ready: 1 })], pods: [pod({ name: 'web-7d9c-a1', phase: 'Running', ready: true })] }),
    ev.progress(2.5, { workloads: [w({ updated: 2, ready: 2, available: 2, done: true })] }),
    ev.healthy(2.5),
    ev.finished(2.6, { fromRevision: 3, attemptedRevision: 4, outcome: 'healthy', healthyAt: at(2.5) }),
  ];
}

/** Revision 4 crash-loops; rolled back to 3 (as revision 5), which rolls out healthy. */
export function crashloopRun(): UpgradeEvent[] {
  return [
    ev.started(),
    ev.revision(4, 0.5),
    ev.progress(1, { workloads: [workload({ updated: 1 })], pods: [pod({ phase: 'Running', restarts: 1, reason: 'Error' })] }),
    ev.progress(2, crashingSnapshot),
    ev.failed(2.2, { signalAt: 1.8, progress: snapshot(crashingSnapshot) }),
    ev.helm('Error: UPGRADE FAILED: context canceled', 2.4, 'stderr'),
    ev.markedFailed(4, 2.5),
    ev.rollbackStarted(3, 2.6),
    ev.progress(3, { workloads: [workload({ updated: 2, ready: 2 })] }, 'rollback'),
    ev.rollbackFinished(4, { ok: true, newRevision: 5 }),
    ev.progress(4.1, { workloads: [workload({ updated: 3, ready: 3, available: 3, done: true })] }, 'rollback'),
    ev.healthy(4.1, 'rollback'),
    ev.finished(4.2, {
      fromRevision: 3,
      attemptedRevision: 4,
      outcome: 'rolled-back',
      failure: {
        reason: 'CrashLoopBackOff',
        object: 'Pod/web-7d9c-a1',
        container: 'app',
        message: 'back-off 10s restarting failed container=app pod=web-7d9c-a1_shop',
        firstSignalAt: at(1.8),
        detectedAt: at(2.2),
      },
      rollback: { toRevision: 3, newRevision: 5, startedAt: at(2.6), completedAt: at(4.1) },
    }),
  ];
}

/** Revision 4 cannot pull its image; the rollback to 3 fails too (helm rollback errors out). */
export function rollbackFailureRun(): UpgradeEvent[] {
  return [
    ev.started(),
    ev.revision(4, 0.5),
    ev.progress(1, { workloads: [workload({ updated: 1 })], pods: [pod({ reason: 'ErrImagePull' })] }),
    ev.failed(1.1, { signalAt: 1, reason: 'ErrImagePull', message: 'pull access denied for web:nope' }),
    ev.markedFailed(4, 1.3),
    ev.rollbackStarted(3, 1.4),
    ev.rollbackFinished(3, { ok: false, message: 'Error: timed out waiting for the condition' }),
    ev.finished(3.1, {
      fromRevision: 3,
      attemptedRevision: 4,
      outcome: 'rollback-failed',
      failure: {
        reason: 'ErrImagePull',
        object: 'Pod/web-7d9c-a1',
        container: 'app',
        message: 'pull access denied for web:nope',
        firstSignalAt: at(1),
        detectedAt: at(1.1),
      },
      rollback: { toRevision: 3, startedAt: at(1.4) },
    }),
  ];
}
