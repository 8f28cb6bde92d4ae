// Runs `upgrade` for the command once its flags are parsed: builds the ports, the view (live, plain or CI), the
// notifier and the interrupt handling, runs the upgrade service, then arms the watchdog when asked. Imported
// lazily from run(), so it may load client-node and Ink.
import type { HealthOptions } from '../domain/health/types.js';
import type { NotifyTarget } from '../domain/notify/targets.js';
import type { MigrationPolicy } from '../domain/guards/index.js';
import { exitCodeForOutcome, type UpgradeReport } from '../domain/upgrade/report.js';
import { ExitCode } from '../errors/exit-codes.js';
import { openPorts } from '../kube/ports.js';
import { openNotifier } from '../notify/open-notifier.js';
import { upgrade } from '../services/upgrade.js';
import { UpgradeInterrupt } from '../services/upgrade-interrupt.js';
import * as ui from '../ui/index.js';
import { ciOutputOptions } from './ci-flags.js';
import type { CliFailure } from './cli-error.js';
import type { KubeFlagValues } from './shared-flags.js';
import { wantsLiveView } from './shared-flags.js';
import type { InterruptListener, InterruptName } from './terminal-interrupt.js';
import type { UpgradeWithWatchdog } from './watchdog-session.js';
import type { WatchdogArmOptions } from './watchdog-flags.js';

/** What the `upgrade` command parsed, and the two process hooks of its BaseCommand. */
export interface UpgradeSessionInput {
  release: string;
  chart: string;
  /** helm's own flags, passed through to `helm upgrade --install`. */
  helmArgs: readonly string[];
  flags: KubeFlagValues & {
    'no-tui': boolean;
    'summary-file'?: string;
    'no-rollback': boolean;
    'keep-failed-install': boolean;
    'recover-pending': boolean;
    'migration-policy': string;
    'force-statefulset-rollback': boolean;
  };
  health: HealthOptions;
  toRevision?: number;
  notify: readonly NotifyTarget[];
  /** `--watchdog`: arm one after a healthy upgrade. */
  watchdog?: WatchdogArmOptions;
  listenForInterrupts: (onInterrupt: (name: InterruptName, count: number) => void) => InterruptListener;
  exitNow: (failure: CliFailure) => never;
}

/** Runs the upgrade (and its watchdog); sets process.exitCode from the outcome and returns the report. */
export async function runUpgradeSession(input: UpgradeSessionInput): Promise<UpgradeReport | UpgradeWithWatchdog> {
  const { flags, release, toRevision } = input;
  // --notify: posted in the background once the report is final; never delays the rollback.
  const notifier = openNotifier(input.notify, process.stderr);
  const ports = openPorts({ release, ...flags });
  const live = wantsLiveView(flags, process.stderr, process.env);
  const color = ui.colorEnabled(process.stderr, process.env);
  const ci = ciOutputOptions(flags, process.env, (line) => process.stderr.write(`${line}\n`));
  const view = live
    ? await ui.renderLiveUpgrade(undefined, { stdout: process.stderr, color })
    : ui.createCiRenderer(process.stderr, { color, ...ci });
  // The live view draws no summary: a silent CI renderer writes --summary-file then.
  const summary = live && ci.onSummary ? ui.createCiRenderer({ write: () => undefined }, { color: false, github: false, onSummary: ci.onSummary }) : undefined;
  const close = () => ('waitUntilExit' in view ? view.unmount() : view.close());
  // Ctrl-C / SIGTERM: the first aborts the upgrade and rolls back (like helm's --atomic on cancel); a second
  // one exits at once, saying what may be left behind and how to recover. On a terminal Ctrl-C is read as a
  // key (raw mode), so helm, which shares the terminal's process group, never gets it.
  const interrupt = new UpgradeInterrupt();
  const interrupts = input.listenForInterrupts((signal, count) => {
    if (count === 1) return interrupt.abort(signal);
    close();
    input.exitNow({ exitCode: ExitCode.RollbackFailed, message: interrupt.abandonMessage() });
  });
  let report: UpgradeReport;
  try {
    report = await upgrade(
      {
        ...ports,
        emit: (event) => {
          view.onEvent(event);
          summary?.onEvent(event);
          notifier.onUpgradeEvent(event);
        },
      },
      {
        release,
        chart: input.chart,
        namespace: ports.namespace,
        helmArgs: input.helmArgs,
        helmGlobalArgs: ports.helmGlobalArgs,
        helmEnv: ports.helmEnv,
        health: input.health,
        ...(toRevision === undefined ? {} : { toRevision }),
        noRollback: flags['no-rollback'],
        keepFailedInstall: flags['keep-failed-install'],
        recoverPending: flags['recover-pending'],
        migrationPolicy: flags['migration-policy'] as MigrationPolicy,
        forceStatefulSetRollback: flags['force-statefulset-rollback'],
        interrupt,
      },
    );
    if ('waitUntilExit' in view) await view.waitUntilExit();
    process.exitCode = exitCodeForOutcome(report.outcome);
  } finally {
    interrupts.dispose();
    close();
    await notifier.finish();
  }
  if (!input.watchdog) return report;
  const { armAfterUpgrade } = await import('./watchdog-session.js');
  // A fresh watch: the upgrade's has been stopped.
  return armAfterUpgrade(report, input.watchdog, { ports: openPorts({ release, ...flags }), health: input.health, notify: input.notify, live, ...(toRevision === undefined ? {} : { toRevision }) });
}
