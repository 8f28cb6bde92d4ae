import type { HealthOptions } from '../domain/health/types.js';
import type { RollbackReport } from '../domain/rollback/manual-report.js';
import type { Ports } from '../kube/ports.js';
import type { ReadPorts } from '../kube/read-ports.js';

/** What the picker session needs from the `history` command. */
export interface PickerSessionOptions {
  release: string;
  /** What the list and the detail panel read through (opened before the first frame). */
  read: ReadPorts;
  /** The full ports (helm, watches, ledger writes), opened only once a rollback or watchdog is chosen. */
  ports: () => Promise<Ports>;
  health: HealthOptions;
  showSecrets: boolean;
  /** Draw the rollback with the live view (else plain lines). */
  live: boolean;
  /**
   * Hook for the watchdog: when given, the picker offers `w` (arm a watchdog with the selected revision as its
   * rollback target) and calls this with that revision instead of rolling back.
   */
  onWatchdog?: (revision: number) => Promise<void>;
}

/**
 * The picker's `w` key: a watchdog on the deployed revision for `durationMs`, the selected revision as its
 * rollback target, run like `watchdog RELEASE --to-revision N` with the default bake rules; its exit code
 * becomes the command's.
 */
export function armWatchdogFromPicker(opts: Pick<PickerSessionOptions, 'release' | 'ports' | 'health' | 'live'> & { durationMs: number }): (revision: number) => Promise<void> {
  return async (toRevision) => {
    const [{ runWatchdogSession }, { watchdogExitCode }, { DEFAULT_BAKE_OPTIONS }, ports] = await Promise.all([
      import('./watchdog-session.js'),
      import('../domain/watchdog/report.js'),
      import('../domain/health/post-rollout.js'),
      opts.ports(),
    ]);
    const report = await runWatchdogSession({
      ports, release: opts.release, durationMs: opts.durationMs, toRevision,
      bake: DEFAULT_BAKE_OPTIONS, health: opts.health, notify: [], live: opts.live,
    });
    process.exitCode = watchdogExitCode(report.outcome);
  };
}

/**
 * Whether `history` opens the picker: no -o/--json, stdin and stdout terminals, and not in CI (where Ink would
 * draw only a last frame: same rule as Ink's, CI or CONTINUOUS_INTEGRATION set and not 0/false).
 */
export function wantsPicker(
  flags: { output?: string; json: boolean },
  stdio: { stdin: { isTTY?: boolean }; stdout: { isTTY?: boolean } },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const ci = (['CI', 'CONTINUOUS_INTEGRATION'] as const).some((k) => env[k] !== undefined && env[k] !== '0' && env[k] !== 'false');
  return flags.output === undefined && !flags.json && stdio.stdin.isTTY === true && stdio.stdout.isTTY === true && !ci;
}

/**
 * `history` on a terminal: the Ink picker on stdout; a confirmed choice runs the rollback through the same
 * service as `rollback` (helm rollback --wait judged live, verdict in the ledger) with the same live view as
 * `upgrade` on stderr, then prints the result. Returns the report, or undefined when the user left (q/Esc).
 */
export async function runPickerSession(opts: PickerSessionOptions): Promise<RollbackReport | undefined> {
  const { read, release } = opts;
  const { createPickerSource } = await import('../services/picker.js');
  const source = createPickerSource({ releases: read.releases, ledger: read.ledger }, { release, namespace: read.namespace, showSecrets: opts.showSecrets });
  // The listing and the first bodies load while Ink and React are compiled (index() is memoised).
  const early = source.index();
  // The cursor starts on the last known good revision: its diff is what the first frame shows.
  early.then((index) => (index.lastKnownGood === undefined ? undefined : source.details(index.lastKnownGood))).catch(() => undefined); // runPicker reports errors
  const [{ runPicker }, { rollback }, ui, text, { colorEnabled }] = await Promise.all([
    import('../ui/picker/index.js'),
    import('../services/rollback.js'),
    import('../ui/console.js'),
    import('../ui/rollback-text.js'),
    import('../ui/color.js'),
  ]);
  const picked = await runPicker(source, {
    release,
    namespace: read.namespace,
    stdout: process.stdout,
    stdin: process.stdin,
    color: colorEnabled(process.stdout, process.env),
    watchdogKey: opts.onWatchdog !== undefined,
  });
  for (const w of picked.warnings) process.stderr.write(`warning: ${w}\n`);
  if (picked.action === 'quit') {
    process.stderr.write('no revision chosen; nothing was changed\n');
    return undefined;
  }
  if (picked.action === 'watchdog') {
    await opts.onWatchdog?.(picked.revision);
    return undefined;
  }
  const ports = await opts.ports();
  const view = await ui.openEventView(opts.live, process.stderr, process.env);
  try {
    const { report } = await rollback({ ...ports, emit: (e) => view.onEvent(e) }, {
      release,
      namespace: ports.namespace,
      revision: picked.revision,
      helmGlobalArgs: ports.helmGlobalArgs,
      helmEnv: ports.helmEnv,
      health: opts.health,
      helmArgs: [],
      dryRun: false,
      showSecrets: opts.showSecrets,
      // The picker's confirmation screen was the question.
      confirm: async () => true,
    });
    await view.end();
    ui.writeLines(process.stderr, text.rollbackReportLines(report), process.env);
    return report;
  } finally {
    await view.end();
  }
}
