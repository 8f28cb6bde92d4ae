/**
 * What the rollback guards report: the classic traps of a Helm rollback (a database migration it crosses,
 * config it does not revert, a GitOps controller that will undo it) and the hooks it will run. Pure data,
 * shown in the picker, `rollback --dry-run`, the rollback output, `status` and every JSON report.
 */

/** Which guard found it. */
export type GuardName = 'migration' | 'config-drift' | 'gitops' | 'ledger' | 'hooks';

/**
 * How much it matters: `info` is context, `warn` is a trap the user should read before going on, `block`
 * stops a manual rollback (exit 2) or an automatic one (`upgrade` exits 4 with the manual command).
 */
export type GuardSeverity = 'info' | 'warn' | 'block';

/** One finding. */
export interface GuardFinding {
  guard: GuardName;
  severity: GuardSeverity;
  /** One line, in the words an SRE reads at 2 AM. */
  message: string;
  /** The objects it is about, `Kind/name` (namespace-qualified when outside the release namespace). */
  objects?: string[];
  /** What to do about it, when there is something to do. */
  fix?: string;
}

/** `--migration-policy`: warn (default) reports a crossed migration, block refuses to roll back over one. */
export type MigrationPolicy = 'warn' | 'block';

/** The most severe of the findings' severities (`info` when there are none). */
export function worstSeverity(findings: readonly GuardFinding[]): GuardSeverity {
  if (findings.some((f) => f.severity === 'block')) return 'block';
  if (findings.some((f) => f.severity === 'warn')) return 'warn';
  return 'info';
}
