/**
 * Every exit code the CLI can end with, in one table. The README copies this table; a test keeps the two equal.
 */
export const ExitCode = {
  /** The command did what was asked; for `upgrade`, the new revision is healthy. */
  Ok: 0,
  /** An unexpected error (a bug): please report it with the output of HELM_DEBUG=1. */
  Unexpected: 1,
  /** Bad usage or input (flags, release name, kubeconfig, chart). Nothing in the cluster was changed. */
  Usage: 2,
  /** The upgrade failed and was rolled back; the release is healthy on the rollback target. */
  RolledBack: 3,
  /** The upgrade failed and the rollback failed or was impossible: a human must look now. */
  RollbackFailed: 4,
  /** The Kubernetes API was unreachable or refused access (403). Nothing in the cluster was changed. */
  ClusterUnavailable: 5,
  /** A watchdog stood down without acting: a newer revision was deployed, or another watchdog holds the release. */
  StoodDown: 6,
  /** `diff`: the two revisions differ (0 means they do not), for scripts. */
  DiffChanges: 7,
  /** `doctor` found at least one error-severity problem (a CI gate); warnings alone exit 0. */
  DoctorErrors: 8,
  /** `status`: the release is not healthy right now (degraded, still rolling out, or stuck in pending-*). */
  Degraded: 9,
} as const;

/** One of the exit codes above. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The rows of the README's exit-code table: code and meaning, in order. */
export const exitCodeTable: ReadonlyArray<{ code: ExitCodeValue; meaning: string }> = [
  { code: ExitCode.Ok, meaning: 'success; for `upgrade`, the new revision is healthy' },
  { code: ExitCode.Unexpected, meaning: 'unexpected error (a bug; rerun with HELM_DEBUG=1 and report it)' },
  { code: ExitCode.Usage, meaning: 'bad usage or input (also: a refused rollback target, a blocking guard, an unconfirmed rollback); nothing in the cluster was changed' },
  { code: ExitCode.RolledBack, meaning: 'upgrade failed and was rolled back; release healthy on the target revision' },
  { code: ExitCode.RollbackFailed, meaning: 'upgrade failed and the rollback failed, was impossible or was blocked by a guard; or a `rollback` whose own rollout failed: page a human' },
  { code: ExitCode.ClusterUnavailable, meaning: 'Kubernetes API unreachable or access denied; nothing was changed' },
  { code: ExitCode.StoodDown, meaning: 'watchdog stood down (a newer revision was deployed, or another watchdog holds the release); nothing was rolled back' },
  { code: ExitCode.DiffChanges, meaning: '`diff` found differences between the two revisions (0: none)' },
  { code: ExitCode.DoctorErrors, meaning: '`doctor` found at least one error (e.g. no rollback target, a pending-* revision, a probe that kills slow starts); warnings alone exit 0' },
  { code: ExitCode.Degraded, meaning: '`status`: the release is not healthy right now (degraded, still rolling out, or stuck in pending-*)' },
];
