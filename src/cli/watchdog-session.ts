// Runs a watchdog for a command (`watchdog RELEASE`, `upgrade --watchdog`): builds its ports, metric checks and
// notifier, picks the live view or plain lines, owns the process signals and the terminal keys. Imported lazily
// from run(), so it may load client-node and Ink.
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { BakeOptions } from '../domain/health/post-rollout.js';
import type { HealthOptions } from '../domain/health/types.js';
import { watchdogNotification } from '../domain/notify/from-watchdog.js';
import type { NotifyTarget } from '../domain/notify/targets.js';
import type { WatchdogRunEvent } from '../domain/watchdog/events.js';
import { watchdogExitCode, type WatchdogReport } from '../domain/watchdog/report.js';
import type { UpgradeReport } from '../domain/upgrade/report.js';
import type { Ports } from '../kube/ports.js';
import { createPrometheusSource } from '../metrics/prometheus.js';
import { openNotifier } from '../notify/open-notifier.js';
import { metricsStarter } from '../services/metric-analysis.js';
import { runWatchdog, type WatchdogControls } from '../services/watchdog.js';
import { colorEnabled } from '../ui/color.js';
import { createWatchdogPlainRenderer } from '../ui/watchdog/plain.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { AnalysisConfig } from './analysis-flags.js';
import { listenForInterrupts } from './terminal-interrupt.js';
import type { WatchdogArmOptions } from './watchdog-flags.js';

/** What a command asks of the watchdog. */
export interface WatchdogSessionInput {
  ports: Ports;
  release: string;
  durationMs: number;
  toRevision?: number;
  bake: BakeOptions;
  health: HealthOptions;
  analysis?: AnalysisConfig;
  notify: readonly NotifyTarget[];
  /** Draw the live view (a terminal); else plain lines on stderr. */
  live: boolean;
}

/** This process's identity in the Lease: who holds the watchdog, for `status` and for the other watchdog. */
export function holderIdentity(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the host and pid still tell holders apart.
  }
  return `${user}@${hostname()}/${process.pid}/${randomBytes(2).toString('hex')}`;
}

/**
 * Arms and runs the watchdog until it ends. The first Ctrl-C / SIGTERM disarms (a running rollback continues);
 * a second one exits at once (exit 4 while helm rolls back: the release may be mid-rollback).
 */
export async function runWatchdogSession(input: WatchdogSessionInput): Promise<WatchdogReport> {
  const { ports } = input;
  const color = colorEnabled(process.stderr, process.env);
  const notifier = openNotifier(input.notify, process.stderr);
  const view = input.live
    ? await (await import('../ui/watchdog/render.js')).renderLiveWatchdog({ stdout: process.stderr, color })
    : { ...createWatchdogPlainRenderer(process.stderr, { color }), controls: undefined as WatchdogControls | undefined, waitUntilExit: async () => {}, unmount() {} };
  const interrupt = new AbortController();
  let rollingBack = false;
  // Ctrl-C is read as a key while we draw on a terminal (terminal-interrupt.ts), so helm never gets it.
  const interrupts = listenForInterrupts({
    terminal: process.stdin.isTTY === true && process.stderr.isTTY === true,
    onInterrupt: (name, count) => {
      if (count === 1) return interrupt.abort(name);
      view.close();
      process.stderr.write(rollingBack ? `interrupted again: exiting now; helm may still be rolling ${input.release} back (check: helm history ${input.release} -n ${ports.namespace})\n` : 'interrupted again: exiting now; the lease expires by itself\n');
      process.exit(rollingBack ? ExitCode.RollbackFailed : ExitCode.Ok);
    },
  });
  const emit = (event: WatchdogRunEvent) => {
    if (event.type === 'degraded') rollingBack = true;
    view.onEvent(event);
  };
  try {
    const metrics = input.analysis;
    const report = await runWatchdog(
      {
        ...ports,
        emit,
        ...(metrics
          ? { startMetrics: (on, revision) => metricsStarter({ metrics: createPrometheusSource(metrics.prometheus), clock: ports.clock }, metrics.checks, { release: input.release, namespace: ports.namespace, revision })(on) }
          : {}),
        notify: (kind, report) => notifier.notify(watchdogNotification(kind, report, ports.clock.now())),
      },
      {
        release: input.release,
        namespace: ports.namespace,
        durationMs: input.durationMs,
        ...(input.toRevision === undefined ? {} : { toRevision: input.toRevision }),
        bake: input.bake,
        health: input.health,
        helmGlobalArgs: ports.helmGlobalArgs,
        helmEnv: ports.helmEnv,
        holder: holderIdentity(),
        ...(metrics ? { onInconclusive: metrics.onInconclusive } : {}),
        interrupt: interrupt.signal,
        ...(view.controls ? { controls: view.controls } : {}),
      },
    );
    await view.waitUntilExit();
    await notifier.finish();
    return report;
  } finally {
    interrupts.dispose();
    view.unmount();
    view.close();
  }
}

/** The `--json` result of `upgrade --watchdog`: the upgrade's report with the watchdog's. */
export type UpgradeWithWatchdog = UpgradeReport & { watchdog?: WatchdogReport };

/**
 * `upgrade --watchdog`: after a healthy upgrade, arms the watchdog on the new revision and returns both
 * reports; the exit code becomes the watchdog's.
 */
export async function armAfterUpgrade(
  report: UpgradeReport,
  arm: WatchdogArmOptions,
  rest: Omit<WatchdogSessionInput, 'release' | 'durationMs' | 'bake' | 'analysis'>,
): Promise<UpgradeWithWatchdog> {
  if (report.outcome !== 'healthy') return report;
  const watchdog = await runWatchdogSession({ ...rest, release: report.release, durationMs: arm.durationMs, bake: arm.bake, ...(arm.analysis ? { analysis: arm.analysis } : {}) });
  process.exitCode = watchdogExitCode(watchdog.outcome);
  return { ...report, watchdog };
}
