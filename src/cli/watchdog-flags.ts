import { Flags } from '@oclif/core';
import { DEFAULT_BAKE_OPTIONS, type BakeOptions } from '../domain/health/post-rollout.js';
import { UsageError } from '../errors/errors.js';
import { parseDuration } from '../helm/upgrade-args.js';
import { analysisFlags, parseAnalysisFlags, type AnalysisConfig, type AnalysisFlagValues } from './analysis-flags.js';
import { positiveInt } from './shared-flags.js';

/**
 * The watchdog's flags, shared by `watchdog RELEASE` and `upgrade --watchdog`: the bake rules (post-rollout
 * health) with their documented defaults. Only @oclif/core is imported here, so `--help` stays cheap.
 */
export const bakeFlags = {
  'bake-max-restarts': Flags.string({ description: 'during the bake, roll back when one container restarted this often since the watchdog armed', default: String(DEFAULT_BAKE_OPTIONS.maxRestarts) }),
  'bake-unready-grace': Flags.string({ description: 'during the bake, roll back when a pod stays not Ready this long', default: '30s' }),
  'unavailable-grace': Flags.string({ description: 'during the bake, roll back when a Deployment stays Available=False or below replicas - maxUnavailable ready this long', default: '30s' }),
  'max-evictions': Flags.string({ description: 'during the bake, roll back when this many of the release\'s pods were evicted', default: String(DEFAULT_BAKE_OPTIONS.maxEvictions) }),
};

/** The rules, for each command's --help. */
export const BAKE_HELP =
  'During the bake the release is judged by the post-rollout rules: restarts growing since it armed (--bake-max-restarts), CrashLoopBackOff or OOMKilled after a crash in the bake, a pod not Ready longer than --bake-unready-grace, --max-evictions evicted pods, a Deployment with Available=False or fewer ready than replicas - maxUnavailable longer than --unavailable-grace. Nothing fires on a single flap: one restart, or a pod briefly unready, is tolerated.';

/** The parsed values of {@link bakeFlags}. */
export interface BakeFlagValues {
  'bake-max-restarts': string;
  'bake-unready-grace': string;
  'unavailable-grace': string;
  'max-evictions': string;
}

/** Parses the bake flags; a bad value is a one-line UsageError naming the flag. */
export function parseBakeOptions(flags: BakeFlagValues): BakeOptions {
  return {
    maxRestarts: positiveInt(flags['bake-max-restarts'], 'bake-max-restarts'),
    unreadyGraceMs: parseDuration(flags['bake-unready-grace'], 'bake-unready-grace'),
    unavailableGraceMs: parseDuration(flags['unavailable-grace'], 'unavailable-grace'),
    maxEvictions: positiveInt(flags['max-evictions'], 'max-evictions'),
  };
}

/** `--for` / `--watchdog`: how long to bake; at least 1 s. */
export function parseBakeDuration(text: string, flag: string): number {
  const ms = parseDuration(text, flag);
  if (ms < 1000) throw new UsageError(`--${flag} ${text} is too short`, { hint: 'bake for at least 1s, e.g. 10m' });
  return ms;
}

/** `upgrade --watchdog DUR` and the watchdog's rule and metric flags, for `upgrade`. */
export const upgradeWatchdogFlags = {
  watchdog: Flags.string({ description: 'after a healthy upgrade, bake the new revision this long and roll back if it degrades (see `watchdog --help`); exit codes then as for `watchdog`' }),
  ...bakeFlags,
  ...analysisFlags,
};

/** What `upgrade --watchdog` arms with, parsed before the upgrade runs (bad input changes nothing). */
export interface WatchdogArmOptions {
  durationMs: number;
  bake: BakeOptions;
  analysis?: AnalysisConfig;
}

/** Parses `--watchdog` and its rule/metric flags; undefined without `--watchdog`. */
export function parseWatchdogArm(flags: BakeFlagValues & AnalysisFlagValues & { watchdog?: string }): WatchdogArmOptions | undefined {
  if (flags.watchdog === undefined) {
    if (flags.prometheus !== undefined || flags.analysis !== undefined) throw new UsageError('--prometheus / --analysis need --watchdog in upgrade', { hint: 'add --watchdog 10m, or run them with `watchdog RELEASE`' });
    return undefined;
  }
  const analysis = parseAnalysisFlags(flags);
  return { durationMs: parseBakeDuration(flags.watchdog, 'watchdog'), bake: parseBakeOptions(flags), ...(analysis ? { analysis } : {}) };
}
