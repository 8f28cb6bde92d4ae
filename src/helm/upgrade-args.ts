import { closestName } from '../domain/suggest.js';
import { UsageError } from '../errors/errors.js';

/**
 * Splitting `helm autorollback upgrade RELEASE CHART [flags] [-- extra helm flags]` into our own flags, the
 * two positionals and the helm flags that are passed through unchanged. Pure.
 */

/** Our flags that take a value (long names; `-n` is the only short one). */
const OWN_VALUE_FLAGS = new Set([
  'timeout',
  'max-restarts',
  'unschedulable-grace',
  'unready-grace',
  'to-revision',
  'migration-policy',
  'helm-bin',
  'driver',
  'namespace',
  'kube-context',
  'kubeconfig',
  'summary-file',
  'notify',
  // --watchdog and its rule and metric flags (src/cli/watchdog-flags.ts, src/cli/analysis-flags.ts)
  'watchdog',
  'bake-max-restarts',
  'bake-unready-grace',
  'unavailable-grace',
  'max-evictions',
  'prometheus',
  'query',
  'fail-if',
  'analysis',
  'query-interval',
  'failure-limit',
  'on-empty',
  'on-inconclusive',
]);
/** Our boolean flags. */
const OWN_BOOLEAN_FLAGS = new Set(['no-rollback', 'force-statefulset-rollback', 'no-force-statefulset-rollback', 'keep-failed-install', 'recover-pending', 'no-tui', 'json', 'help']);
/** Ours and helm's at once: read by us and also passed to helm (helm needs them to find the cluster). */
const SHARED_FLAGS = new Set(['namespace', 'kube-context', 'kubeconfig']);

/**
 * helm upgrade's flags that take a separate value (`--flag value`), both majors. Flags not listed are taken
 * as booleans unless written `--flag=value`; anything unusual can always go after `--`.
 */
const HELM_VALUE_FLAGS = new Set([
  'burst-limit', 'ca-file', 'cert-file', 'description', 'history-max', 'key-file', 'keyring', 'kube-apiserver',
  'kube-as-group', 'kube-as-user', 'kube-ca-file', 'kube-tls-server-name', 'kube-token', 'labels', 'output',
  'password', 'post-renderer', 'post-renderer-args', 'qps', 'registry-config', 'repo', 'repository-cache',
  'repository-config', 'set', 'set-file', 'set-json', 'set-literal', 'set-string', 'username', 'values', 'version',
  'server-side', 'field-manager',
]);
const HELM_SHORT_VALUE_FLAGS = new Set(['f', 'o']);
/** helm upgrade's boolean flags (3.17 and 4.1), so that a typo of ours is never mistaken for one of helm's. */
const HELM_BOOLEAN_FLAGS = new Set([
  'atomic', 'cleanup-on-fail', 'create-namespace', 'dependency-update', 'devel', 'disable-openapi-validation',
  'dry-run', 'enable-dns', 'force', 'force-conflicts', 'force-replace', 'hide-notes', 'hide-secret',
  'insecure-skip-tls-verify', 'install', 'kube-insecure-skip-tls-verify', 'no-hooks', 'pass-credentials',
  'plain-http', 'render-subchart-notes', 'reset-then-reuse-values', 'reset-values', 'reuse-values',
  'rollback-on-failure', 'skip-crds', 'skip-schema-validation', 'take-ownership', 'verify', 'wait', 'wait-for-jobs',
  'debug', 'color', 'colour', 'content-cache',
]);

/** Result of {@link splitUpgradeArgv}. */
export interface SplitArgv {
  /** Tokens for our own oclif parser: our flags (and their values) and the positionals, in order. */
  own: string[];
  /** Tokens passed to helm unchanged, in order (the extra ones after `--` last). */
  helm: string[];
}

/**
 * Separates our flags from helm's. Tokens after a bare `--` all go to helm. Positionals stay with ours
 * (RELEASE and CHART are checked by the command's parser). `-n/--namespace`, `--kube-context` and
 * `--kubeconfig` are kept on our side; the command passes the resolved values to helm itself.
 */
export function splitUpgradeArgv(argv: readonly string[]): SplitArgv {
  const own: string[] = [];
  const helm: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') {
      helm.push(...argv.slice(i + 1));
      break;
    }
    if (token === '-' || !token.startsWith('-')) {
      own.push(token);
      continue;
    }
    const next = argv[i + 1];
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = eq >= 0 ? token.slice(2, eq) : token.slice(2);
      if (OWN_VALUE_FLAGS.has(name) || OWN_BOOLEAN_FLAGS.has(name)) {
        own.push(token);
        if (eq < 0 && OWN_VALUE_FLAGS.has(name) && next !== undefined) own.push(argv[++i] as string);
        continue;
      }
      if (!HELM_VALUE_FLAGS.has(name) && !HELM_BOOLEAN_FLAGS.has(name)) {
        // Not ours and not helm's: a typo of one of ours (`--unready-grase 10s`) would otherwise reach helm as an
        // unknown flag and leave its value behind as a stray argument.
        const guess = closestName(name, [...OWN_VALUE_FLAGS, ...OWN_BOOLEAN_FLAGS]);
        if (guess) throw new UsageError(`unknown flag --${name}`, { hint: `did you mean --${guess}?` });
      }
      helm.push(token);
      if (eq < 0 && HELM_VALUE_FLAGS.has(name) && next !== undefined) helm.push(argv[++i] as string);
      continue;
    }
    // Short flags: -n is ours, -h is help; -f/-o take values; others (-i) are boolean. `-fvalues.yaml` and
    // `-n=prod` are one token.
    const letter = token.slice(1, 2);
    const attached = token.length > 2;
    if (letter === 'n' || letter === 'h') {
      own.push(token);
      if (letter === 'n' && !attached && next !== undefined) own.push(argv[++i] as string);
      continue;
    }
    helm.push(token);
    if (HELM_SHORT_VALUE_FLAGS.has(letter) && !attached && next !== undefined) helm.push(argv[++i] as string);
  }
  return { own, helm };
}

/** Whether `name` is one of the flags we share with helm. */
export function isSharedFlag(name: string): boolean {
  return SHARED_FLAGS.has(name);
}

/**
 * Rejects helm flags that contradict what this command does, with a one-line UsageError: helm's own
 * rollback (`--atomic`, `--rollback-on-failure`), no waiting (`--wait=false`, `--wait=hookOnly`), a dry run,
 * and a second `--timeout` after `--`.
 */
export function checkPassthroughFlags(helmArgs: readonly string[]): void {
  for (let i = 0; i < helmArgs.length; i++) {
    const token = helmArgs[i] as string;
    if (!token.startsWith('--')) continue;
    const eq = token.indexOf('=');
    const name = eq >= 0 ? token.slice(2, eq) : token.slice(2);
    const value = eq >= 0 ? token.slice(eq + 1) : undefined;
    if ((name === 'atomic' || name === 'rollback-on-failure') && value !== 'false') {
      throw new UsageError(`--${name} conflicts with autorollback: it would make helm roll back on its own after its timeout`, {
        hint: 'drop it; autorollback rolls back as soon as the rollout fails',
      });
    }
    if (name === 'wait' && value !== undefined && !['true', 'watcher', 'legacy'].includes(value)) {
      throw new UsageError(`--wait=${value} conflicts with autorollback: helm must wait for the rollout so a failure is recorded as failed`, {
        hint: 'drop it; autorollback runs helm with --wait',
      });
    }
    if (name === 'dry-run' && value !== 'false' && value !== 'none') {
      throw new UsageError('--dry-run cannot be used with autorollback: there is no rollout to watch', {
        hint: 'run helm upgrade --dry-run directly',
      });
    }
    if (name === 'timeout') {
      throw new UsageError('--timeout after `--` would override the timeout autorollback gives helm', {
        hint: 'put --timeout before `--`: it is autorollback\'s own flag',
      });
    }
    if (name === 'install' && value === 'false') {
      throw new UsageError('--install=false is not supported: autorollback always runs helm upgrade --install');
    }
  }
}

/**
 * Parses a duration as helm and kubectl write them (Go syntax: `300ms`, `30s`, `5m`, `1h30m`, `1.5m`), or a
 * bare number of seconds. Returns milliseconds; throws a one-line UsageError naming the flag.
 */
export function parseDuration(text: string, flag: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001, ns: 0.000001 };
  const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * (unit[m[2] as string] as number);
    consumed = re.lastIndex;
  }
  if (t === '' || consumed !== t.length) {
    throw new UsageError(`--${flag} "${text}" is not a duration`, { hint: 'use e.g. 30s, 5m or 1h30m' });
  }
  return Math.round(total);
}

/** Formats milliseconds as a Go duration helm accepts (whole seconds, rounded up), e.g. `390s`. */
export function goDuration(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}

/** The extra time helm gets beyond our own --timeout, so helm never gives up before our verdict. */
export function helmTimeoutMs(ourTimeoutMs: number): number {
  return ourTimeoutMs + Math.max(60_000, Math.round(ourTimeoutMs * 0.2));
}

/** Whether the passthrough flags ask helm to wait for Jobs (`--wait-for-jobs`), which our verdict then honours. */
export function wantsWaitForJobs(helmArgs: readonly string[]): boolean {
  let on = false;
  for (const t of helmArgs) {
    if (t === '--wait-for-jobs' || t === '--wait-for-jobs=true') on = true;
    if (t === '--wait-for-jobs=false') on = false;
  }
  return on;
}
