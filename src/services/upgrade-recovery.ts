import { goDuration, helmTimeoutMs } from '../helm/upgrade-args.js';
import { lastErrorLine } from '../helm/helm-runner.js';
import { describeFailure } from '../domain/upgrade/events.js';
import type { UpgradeDeps, UpgradeRequest } from './upgrade.js';
import { superviseHelm } from './upgrade-supervise.js';

/** How a rollback (or uninstall) went. */
export interface RecoveryResult {
  ok: boolean;
  startedAt: Date;
  /** When its rollout was judged healthy (or the uninstall finished). */
  completedAt?: Date;
  /** The revision helm created for a rollback. */
  newRevision?: number;
  /** Why it failed. */
  message?: string;
}

type Req = Pick<UpgradeRequest, 'release' | 'namespace' | 'helmGlobalArgs' | 'helmEnv' | 'health' | 'terminateGraceMs'>;

/**
 * `helm rollback RELEASE TARGET --wait`, its rollout judged with the same rules as the upgrade. A failed
 * verdict stops helm and counts as a failed rollback.
 */
export async function rollBack(deps: UpgradeDeps, req: Req, toRevision: number, afterRevision: number): Promise<RecoveryResult> {
  deps.emit({ type: 'rollback-started', toRevision, at: deps.clock.now() });
  const run = await superviseHelm(deps, {
    release: req.release,
    namespace: req.namespace,
    args: [
      'rollback', req.release, String(toRevision),
      '--namespace', req.namespace, ...req.helmGlobalArgs,
      '--wait', '--timeout', goDuration(helmTimeoutMs(req.health.timeoutMs)),
    ],
    env: req.helmEnv,
    phase: 'rollback',
    action: 'rollback',
    afterRevision,
    // The cluster holds the spec of the newest revision (the failed one), whatever its status.
    ...(afterRevision > 0 ? { previousRevision: afterRevision } : {}),
    health: req.health,
    terminateGraceMs: req.terminateGraceMs,
  });
  const result: RecoveryResult = {
    ok: run.healthy,
    startedAt: run.startedAt,
    ...(run.revision === undefined ? {} : { newRevision: run.revision }),
  };
  if (run.healthy) result.completedAt = run.healthyAt;
  else if (run.failure) result.message = `rollback to revision ${toRevision} failed: ${describeFailure(run.failure)}: ${run.failure.message}`;
  deps.emit({
    type: 'rollback-finished',
    ok: result.ok,
    ...(result.newRevision === undefined ? {} : { newRevision: result.newRevision }),
    ...(result.message === undefined ? {} : { message: result.message }),
    at: deps.clock.now(),
  });
  return result;
}

/** `helm uninstall RELEASE --wait`, for a first install that never worked (what helm's --atomic does). */
export async function uninstall(deps: UpgradeDeps, req: Req): Promise<RecoveryResult> {
  const startedAt = deps.clock.now();
  deps.emit({ type: 'uninstall-started', at: startedAt });
  const args = [
    'uninstall', req.release, '--namespace', req.namespace, ...req.helmGlobalArgs,
    '--wait', '--timeout', goDuration(helmTimeoutMs(req.health.timeoutMs)),
  ];
  const exit = await deps.helm.start(args, {
    env: req.helmEnv,
    onLine: (stream, line) => deps.emit({ type: 'helm-output', stream, line, at: deps.clock.now() }),
  }).exited;
  const ok = exit.code === 0;
  const message = ok ? undefined : `helm uninstall failed: ${lastErrorLine(exit.stderr) || `exit code ${exit.code}`}`;
  const completedAt = deps.clock.now();
  deps.emit({ type: 'rollback-finished', ok, ...(message ? { message } : {}), at: completedAt });
  return { ok, startedAt, ...(ok ? { completedAt } : {}), ...(message ? { message } : {}) };
}

/** `--recover-pending`: roll a release stuck in pending-* back to its last known good revision, or uninstall it. */
export async function recoverPending(
  deps: UpgradeDeps,
  req: Req,
  recoverTo: number | undefined,
  latestRevision: number,
): Promise<RecoveryResult> {
  return recoverTo === undefined ? uninstall(deps, req) : rollBack(deps, req, recoverTo, latestRevision);
}
