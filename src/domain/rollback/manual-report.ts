import { ExitCode, type ExitCodeValue } from '../../errors/exit-codes.js';
import type { ReleaseDiff } from '../diff/index.js';
import type { GuardFinding } from '../guards/types.js';
import type { Failure } from '../health/types.js';
import type { Hook } from '../release/release.js';
import { failureJson, type UpgradeReport } from '../upgrade/report.js';

/** A hook a rollback runs, as reports show it. */
export interface HookSummary {
  kind: string;
  name: string;
  events: string[];
  weight: number;
}

/** What a rollback by hand will do; the dry run prints it, the real run asks before going on. */
export interface RollbackPlan {
  release: string;
  namespace: string;
  /** The revision deployed now; null when none is (every revision failed, pending or uninstalled). */
  fromRevision: number | null;
  /** The newest stored revision (what the cluster holds now). */
  latestRevision: number;
  toRevision: number;
  /** True when the target was chosen (last known good), false when given. */
  defaultTarget: boolean;
  /** Set when the release is stuck in pending-*: the rollback is its recovery. */
  pending?: { status: string; revision: number };
  /** The hooks `helm rollback` runs: the target's pre-rollback/post-rollback hooks. */
  hooks: HookSummary[];
  findings: GuardFinding[];
  /** What changes, from the revision the cluster holds now to the target (secrets masked unless shown). */
  diff: ReleaseDiff;
}

/**
 * How a rollback by hand ended: `planned` (a dry run, nothing changed), `healthy` (the target's rollout was
 * judged healthy) or `rollback-failed` (helm failed or the rollout failed).
 */
export type RollbackOutcome = 'planned' | 'healthy' | 'rollback-failed';

/** The `--json` report of `rollback`. Times are RFC 3339 strings. */
export interface RollbackReport {
  release: string;
  namespace: string;
  outcome: RollbackOutcome;
  dryRun: boolean;
  fromRevision: number | null;
  toRevision: number;
  /** The revision helm created; null on a dry run or when helm created none. */
  newRevision: number | null;
  pending: { status: string; revision: number } | null;
  hooks: HookSummary[];
  findings: GuardFinding[];
  /** Per object and per field (secrets masked unless --show-secrets). */
  diff: {
    values: ReleaseDiff['values'];
    objects: Array<{ kind: string; namespace: string; name: string; change: string; fields: ReleaseDiff['objects'][number]['fields'] }>;
    unchangedObjects: number;
  };
  failure?: UpgradeReport['failure'];
  startedAt: string | null;
  completedAt: string | null;
  /** Time to recover: rollback start -> target healthy. */
  timings: { ttrMs: number | null };
}

/** The hooks as reports list them. */
export function hookSummaries(hooks: readonly Hook[]): HookSummary[] {
  return hooks.map((h) => ({ kind: h.kind, name: h.name, events: [...h.events], weight: h.weight }));
}

/** Builds the report from a plan and, unless a dry run, the rollback's result. Pure. */
export function buildRollbackReport(
  plan: RollbackPlan,
  run?: { ok: boolean; startedAt: Date; completedAt?: Date; newRevision?: number; failure?: Failure & { detectedAt: Date } },
): RollbackReport {
  return {
    release: plan.release,
    namespace: plan.namespace,
    outcome: run === undefined ? 'planned' : run.ok ? 'healthy' : 'rollback-failed',
    dryRun: run === undefined,
    fromRevision: plan.fromRevision,
    toRevision: plan.toRevision,
    newRevision: run?.newRevision ?? null,
    pending: plan.pending ?? null,
    hooks: plan.hooks,
    findings: plan.findings,
    diff: {
      values: plan.diff.values,
      objects: plan.diff.objects.map((o) => ({ kind: o.kind, namespace: o.namespace, name: o.name, change: o.change, fields: o.fields })),
      unchangedObjects: plan.diff.unchangedObjects,
    },
    ...(run?.failure ? { failure: failureJson(run.failure) } : {}),
    startedAt: run ? run.startedAt.toISOString() : null,
    completedAt: run?.completedAt ? run.completedAt.toISOString() : null,
    timings: { ttrMs: run?.ok && run.completedAt ? Math.max(0, run.completedAt.getTime() - run.startedAt.getTime()) : null },
  };
}

/** The exit code of `rollback`: 0 planned or healthy, 4 when the rollback (or its rollout) failed. */
export function exitCodeForRollback(outcome: RollbackOutcome): ExitCodeValue {
  return outcome === 'rollback-failed' ? ExitCode.RollbackFailed : ExitCode.Ok;
}
