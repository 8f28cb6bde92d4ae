import { diffReleases } from '../domain/diff/index.js';
import { evaluateGuards, refuseRollbackTarget, rollbackHooks, type MigrationPolicy } from '../domain/guards/index.js';
import type { HealthOptions } from '../domain/health/types.js';
import type { Release, RevisionSummary } from '../domain/release/release.js';
import { validateReleaseName } from '../domain/release-name.js';
import type { LedgerEntry } from '../domain/rollback/ledger.js';
import { buildRollbackReport, hookSummaries, type RollbackPlan, type RollbackReport } from '../domain/rollback/manual-report.js';
import { checkPendingState } from '../domain/rollback/pending.js';
import { manualRollbackTarget } from '../domain/rollback/target.js';
import { UsageError } from '../errors/errors.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import type { ReleaseStore } from '../ports/release-store.js';
import { rollbackAndJudge, type RollbackAndJudgeDeps } from './rollback-and-judge.js';

/** The ports `rollback` works through. */
export interface RollbackDeps extends RollbackAndJudgeDeps {
  ledger: LedgerStore;
}

/** What the plan needs: where the release is, which revision (default: last known good), the guards' policy. */
export interface PlanRequest {
  release: string;
  namespace: string;
  /** `REVISION`; undefined: the last known good revision. */
  revision?: number;
  /** `--migration-policy` (default warn). */
  migrationPolicy?: MigrationPolicy;
  /** `--show-secrets`: the diff shows secret values. */
  showSecrets?: boolean;
  /** `--no-hooks`: helm runs no hook. */
  noHooks?: boolean;
  /** helm flags for messages (`--kube-context X`), repeated in suggested commands. */
  helmGlobalArgs?: readonly string[];
}

/** A rollback by hand. */
export interface RollbackRequest extends PlanRequest {
  helmGlobalArgs: readonly string[];
  helmEnv?: Readonly<Record<string, string>>;
  health: HealthOptions;
  /** The forced StatefulSet rollback (default true; `--no-force-statefulset-rollback`), see rollbackAndJudge. */
  forceStatefulSetRollback?: boolean;
  /** helm rollback flags passed through (`--cleanup-on-fail`, `--no-hooks`, `--force`, `--history-max N`...). */
  helmArgs: readonly string[];
  /** `--dry-run`: plan only, change nothing. */
  dryRun: boolean;
  /** Asked with the plan before anything changes (not on a dry run); false cancels. */
  confirm: (plan: RollbackPlan) => Promise<boolean>;
  terminateGraceMs?: number;
}

/** A plan and the decoded revisions it was made from (for callers that show more, like the picker). */
export interface PlannedRollback {
  plan: RollbackPlan;
  target: Release;
  current: Release;
  history: RevisionSummary[];
  ledger: LedgerEntry[];
  ledgerWarnings: string[];
}

/**
 * Plans a rollback by hand without changing anything: picks the target (the last known good revision, as
 * `upgrade` picks it, or the given one, refused in one line when missing, pruned, failed, uninstalled or
 * deployed), decodes the revisions it crosses, runs the guards and diffs what the cluster holds now against
 * the target. A release stuck in pending-* plans its recovery (the same target `upgrade --recover-pending` takes).
 */
export async function planRollback(deps: { releases: ReleaseStore; ledger: LedgerStore }, req: PlanRequest): Promise<PlannedRollback> {
  validateReleaseName(req.release);
  const history = await deps.releases.listHistory(req.release, req.namespace);
  const { entries: ledger, warnings: ledgerWarnings } = await deps.ledger.read(req.release, req.namespace);
  const get = (n: number) => deps.releases.getRevision(req.release, req.namespace, n);
  const latest = Math.max(...history.map((h) => h.revision));
  const deployed = [...history].reverse().find((h) => h.status === 'deployed');
  const current = await get(latest);
  const pending = checkPendingState(history, { release: req.release, namespace: req.namespace, ledger, extraArgs: req.helmGlobalArgs ?? [] });

  let toRevision: number;
  if (req.revision !== undefined) {
    // Stuck in pending-*, going back to the deployed revision is the recovery, not a no-op.
    const why = refuseRollbackTarget(pending.ok ? history : history.map((h) => (h.status === 'deployed' ? { ...h, status: 'superseded' as const } : h)), req.revision, req);
    if (why) throw new UsageError(why);
    toRevision = req.revision;
  } else if (!pending.ok) {
    if (pending.recoverTo === undefined) throw new UsageError(pending.message);
    toRevision = pending.recoverTo;
  } else {
    const running = deployed && deployed.revision !== latest ? await get(deployed.revision) : current;
    const rollbackOf = /^Rollback to (\d+)/.exec(running.description)?.[1];
    const chosen = manualRollbackTarget({ history, ledger, ...(rollbackOf ? { deployedRollbackOf: Number(rollbackOf) } : {}) });
    if ('none' in chosen) throw new UsageError(`no revision to roll back to: ${chosen.none}`, { hint: 'name one: rollback RELEASE REVISION' });
    toRevision = chosen.revision;
  }

  const target = await get(toRevision);
  const crossed = await Promise.all(history.filter((h) => h.revision > toRevision && h.revision !== latest).map((h) => get(h.revision)));
  // Older revisions tell what the release ever managed; the newest few are enough (helm keeps 10 by default).
  const older = await Promise.all(history.filter((h) => h.revision < toRevision).slice(-10).map((h) => get(h.revision).catch(() => undefined)));
  const findings = evaluateGuards({
    target,
    crossed: [...crossed, current],
    older: older.filter((r): r is Release => r !== undefined),
    ledger,
    migrationPolicy: req.migrationPolicy ?? 'warn',
  });
  const plan: RollbackPlan = {
    release: req.release,
    namespace: req.namespace,
    fromRevision: deployed?.revision ?? null,
    latestRevision: latest,
    toRevision,
    defaultTarget: req.revision === undefined,
    ...(pending.ok ? {} : { pending: { status: pending.status, revision: pending.revision } }),
    hooks: hookSummaries(rollbackHooks(target, { noHooks: req.noHooks ?? false })),
    findings,
    diff: diffReleases(current, target, { showSecrets: req.showSecrets ?? false }),
  };
  return { plan, target, current, history, ledger, ledgerWarnings };
}

/**
 * `helm autorollback rollback`: plans (see {@link planRollback}), refuses a rollback a guard blocks (exit 2),
 * returns the plan on a dry run, else asks `confirm`, then runs `helm rollback RELEASE N --wait` through
 * {@link rollbackAndJudge}: the rollout judged live, the verdict in the ledger, the same events as `upgrade`.
 */
export async function rollback(deps: RollbackDeps, req: RollbackRequest): Promise<{ report: RollbackReport; plan: RollbackPlan }> {
  const { plan, ledgerWarnings } = await planRollback(deps, req);
  const { clock, emit } = deps;
  for (const w of ledgerWarnings) emit({ type: 'notice', level: 'warn', message: w, at: clock.now() });
  if (req.dryRun) return { report: buildRollbackReport(plan), plan };
  // An unusable helm (missing, not helm, too old) is refused before the plan is shown and confirmed.
  const helmMajor = await deps.helm.majorVersion();
  const blocked = plan.findings.find((f) => f.severity === 'block');
  if (blocked) throw new UsageError(`refusing to roll back to revision ${plan.toRevision}: ${blocked.message}`, blocked.fix ? { hint: blocked.fix } : undefined);
  if (!(await req.confirm(plan))) throw new UsageError('rollback cancelled; nothing was changed');

  if (plan.pending) emit({ type: 'notice', level: 'warn', message: `release is stuck in ${plan.pending.status} (revision ${plan.pending.revision}); the rollback recovers it`, at: clock.now() });
  emit({ type: 'guard-findings', toRevision: plan.toRevision, findings: plan.findings, at: clock.now() });
  await deps.watch.start();
  try {
    const result = await rollbackAndJudge(
      { ...deps, emit: (e) => emit(e.type === 'rollback-started' ? { ...e, manual: manualOf(plan, helmMajor) } : e) },
      {
        release: req.release,
        namespace: req.namespace,
        toRevision: plan.toRevision,
        afterRevision: plan.latestRevision,
        helmGlobalArgs: req.helmGlobalArgs,
        ...(req.helmEnv ? { helmEnv: req.helmEnv } : {}),
        health: req.health,
        helmArgs: req.helmArgs,
        ...(req.terminateGraceMs === undefined ? {} : { terminateGraceMs: req.terminateGraceMs }),
        ...(req.forceStatefulSetRollback === undefined ? {} : { forceStatefulSetRollback: req.forceStatefulSetRollback }),
      },
    );
    return { report: buildRollbackReport(plan, result), plan };
  } finally {
    deps.watch.stop();
  }
}

function manualOf(plan: RollbackPlan, helmMajor: number) {
  return { release: plan.release, namespace: plan.namespace, ...(plan.fromRevision === null ? {} : { fromRevision: plan.fromRevision }), helmMajor };
}
