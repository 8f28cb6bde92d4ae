import { Flags } from '@oclif/core';
import { DEFAULT_HEALTH_OPTIONS, type HealthOptions } from '../domain/health/types.js';
import { UsageError } from '../errors/errors.js';
import { parseDuration } from '../helm/upgrade-args.js';
import { isTruthy } from './base-command.js';

/**
 * The flags every command repeats, defined once. Commands spread the groups they need into their `flags`:
 * `{ ...kubeFlags, ...helmBinFlag, ...tuiFlag, ...healthFlags }`. Only @oclif/core is imported here, so
 * `--help` stays cheap.
 */

/** Where the release lives: `-n/--namespace`, `--kube-context`, `--kubeconfig`, `--driver` (helm's defaults). */
export const kubeFlags = {
  namespace: Flags.string({ char: 'n', description: 'namespace of the release [default: $HELM_NAMESPACE, the context namespace, "default"]' }),
  'kube-context': Flags.string({ description: 'kubeconfig context [default: $HELM_KUBECONTEXT, current-context]' }),
  kubeconfig: Flags.string({ description: 'kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' }),
  driver: Flags.string({ description: 'release storage driver: secret or configmap [default: $HELM_DRIVER, secret]' }),
};

/** `--helm-bin`, for commands that run helm. */
export const helmBinFlag = {
  'helm-bin': Flags.string({ description: 'helm binary [default: $HELM_BIN, then helm on PATH]' }),
};

/** `--no-tui`, for commands with a live view. */
export const tuiFlag = {
  'no-tui': Flags.boolean({ description: 'plain log lines instead of the live view (also when CI is set or stderr is not a TTY)', default: false }),
};

/** How a rollout is judged: `--timeout`, `--max-restarts`, `--unschedulable-grace`, `--unready-grace`. */
export const healthFlags = {
  timeout: Flags.string({ description: 'give up on the rollout after this long (helm gets a margin more)', default: '5m' }),
  'max-restarts': Flags.string({ description: 'fail when a container of a new pod restarted this often', default: '2' }),
  // No oclif default: whether the user gave them decides if learned graces and never-schedulable apply.
  'unschedulable-grace': Flags.string({
    description: 'fail when a new pod stays unschedulable this long [default: 30s; without the flag, at once when no node could ever fit it and no cluster autoscaler runs]',
  }),
  'unready-grace': Flags.string({
    description: "fail when a started container stays unready this long [default: 120s; without the flag, learned from the release's healthy revisions when the ledger has their start-up times]",
  }),
  'force-statefulset-rollback': Flags.boolean({
    description: 'on rollback, delete the not-ready pods an OrderedReady StatefulSet keeps from the failed revision (its controller never replaces them); --no-force-statefulset-rollback leaves them',
    default: true,
    allowNo: true,
  }),
};

/** The parsed values of {@link kubeFlags} (and `--helm-bin`), as the composition root takes them. */
export interface KubeFlagValues {
  namespace?: string;
  'kube-context'?: string;
  kubeconfig?: string;
  driver?: string;
  'helm-bin'?: string;
}

/** The parsed values of {@link healthFlags}. */
export interface HealthFlagValues {
  timeout: string;
  'max-restarts': string;
  'unschedulable-grace'?: string;
  'unready-grace'?: string;
}

/**
 * Parses the health flags into HealthOptions; a bad value throws a one-line UsageError naming the flag.
 * `waitForJobs` comes from helm's `--wait-for-jobs`, when passed through.
 */
export function parseHealthOptions(flags: HealthFlagValues, extra: { waitForJobs?: boolean } = {}): HealthOptions {
  const health: HealthOptions = {
    timeoutMs: parseDuration(flags.timeout, 'timeout'),
    maxRestarts: positiveInt(flags['max-restarts'], 'max-restarts'),
    unschedulableGraceMs: parseDuration(flags['unschedulable-grace'] ?? '30s', 'unschedulable-grace'),
    unreadyGraceMs: parseDuration(flags['unready-grace'] ?? '120s', 'unready-grace'),
    ...(flags['unschedulable-grace'] === undefined ? {} : { unschedulableGraceExplicit: true }),
    ...(flags['unready-grace'] === undefined ? {} : { unreadyGraceExplicit: true }),
    waitForJobs: extra.waitForJobs ?? false,
    minStableMs: DEFAULT_HEALTH_OPTIONS.minStableMs,
  };
  if (health.timeoutMs < 1000) throw new UsageError(`--timeout ${flags.timeout} is too short`, { hint: 'use at least 1s' });
  return health;
}

/**
 * A flag (or, named in capitals, an argument) value that must be a whole number >= 1, else a one-line usage
 * error, with `hint` as its next step when given.
 */
export function positiveInt(text: string, flag: string, hint?: string): number {
  const name = /^[A-Z]/.test(flag) ? flag : `--${flag}`;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new UsageError(`${name} must be a whole number >= 1, got "${text}"`, hint ? { hint } : undefined);
  return Number(text);
}

/** Whether to draw the live view: not asked off, not in CI, and stderr is a terminal. */
export function wantsLiveView(flags: { 'no-tui': boolean }, stderr: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  return !flags['no-tui'] && !isTruthy(env.CI) && stderr.isTTY === true;
}
