import { goDuration, helmTimeoutMs } from '../helm/upgrade-args.js';
import { lastErrorLine } from '../helm/helm-runner.js';
import { rollbackAndJudge, type RecoveryResult, type RollbackAndJudgeDeps, type RollbackAndJudgeRequest } from './rollback-and-judge.js';
import type { UpgradeDeps, UpgradeRequest } from './upgrade.js';

export type { RecoveryResult } from './rollback-and-judge.js';

type Req = Pick<UpgradeRequest, 'release' | 'namespace' | 'helmGlobalArgs' | 'helmEnv' | 'health' | 'terminateGraceMs' | 'forceStatefulSetRollback'>;

/** `helm uninstall RELEASE --wait`, for a first install that never worked (what helm's --atomic does). */
export async function uninstall(deps: Pick<UpgradeDeps, 'helm' | 'clock' | 'emit'>, req: Req): Promise<RecoveryResult> {
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

/**
 * `--recover-pending` (upgrade and rollback): roll a release stuck in pending-* back to its last known good
 * revision, or uninstall it when it never had one.
 */
export async function recoverPending(
  deps: RollbackAndJudgeDeps & Pick<UpgradeDeps, 'helm'>,
  req: Req,
  recoverTo: number | undefined,
  latestRevision: number,
): Promise<RecoveryResult> {
  if (recoverTo === undefined) return uninstall(deps, req);
  return rollbackAndJudge(deps, rollbackRequest(req, recoverTo, latestRevision));
}

/**
 * The rollback request for an upgrade's recovery: only the fields that apply to `helm rollback` (the upgrade's
 * own helm flags, values and chart must never reach it).
 */
export function rollbackRequest(req: Req, toRevision: number, afterRevision: number): RollbackAndJudgeRequest {
  return {
    release: req.release,
    namespace: req.namespace,
    toRevision,
    afterRevision,
    helmGlobalArgs: req.helmGlobalArgs,
    ...(req.helmEnv === undefined ? {} : { helmEnv: req.helmEnv }),
    health: req.health,
    ...(req.terminateGraceMs === undefined ? {} : { terminateGraceMs: req.terminateGraceMs }),
    ...(req.forceStatefulSetRollback === undefined ? {} : { forceStatefulSetRollback: req.forceStatefulSetRollback }),
  };
}
