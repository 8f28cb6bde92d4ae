import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { ANALYSIS_HELP, analysisFlags, notifyFlags, parseAnalysisFlags, parseNotifyFlags } from '../../cli/analysis-flags.js';
import { helmBinFlag, kubeFlags, parseHealthOptions, positiveInt, tuiFlag, wantsLiveView } from '../../cli/shared-flags.js';
import { BAKE_HELP, bakeFlags, parseBakeDuration, parseBakeOptions } from '../../cli/watchdog-flags.js';
import { validateReleaseName } from '../../domain/release-name.js';
import type { WatchdogReport } from '../../domain/watchdog/report.js';

export default class Watchdog extends BaseCommand {
  static override summary = 'Bake the deployed revision: watch it for a while and roll back to the last known good revision if it degrades.';
  static override description = [
    'Arms a watchdog on the deployed revision of RELEASE for --for (default 10m). One watchdog per release: it holds the Lease autorollback-<release> (coordination.k8s.io/v1) next to the release, renewing it every 2s; a second watchdog stands down, and one that loses its lease stops acting at once.',
    BAKE_HELP,
    ANALYSIS_HELP,
    'On degradation it rolls back (helm rollback --wait, judged like an upgrade\'s rollback) to the last known good revision or --to-revision, records the verdict and its evidence in the ledger (ConfigMap autorollback-<release>) and exits 3. A clean bake records the revision as verified and exits 0. A newer revision appearing (someone deployed) makes it stand down: no rollback, exit 6.',
    '`watchdog disarm RELEASE` (another terminal or CI job), key d, q or Ctrl-C disarm it (exit 0); during a rollback they only warn. Keys on a terminal: d disarm, r roll back now (asks y/n), q quit (disarms).',
    'Exit codes: 0 verified or disarmed; 3 degraded and rolled back; 4 the rollback failed; 6 stood down; 2 bad usage (nothing changed); 5 cluster unreachable.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> watchdog my-app -n prod --for 15m',
    '<%= config.bin %> watchdog my-app --for 10m --to-revision 7 --no-tui --json > verdict.json',
    "<%= config.bin %> watchdog my-app --for 30m --prometheus http://prometheus:9090 --query 'sum(rate(http_requests_total{code=~\"5..\",release=\"{{release}}\"}[2m])) / sum(rate(http_requests_total{release=\"{{release}}\"}[2m]))' --fail-if '> 0.05' --notify https://hooks.slack.com/services/T/B/X",
    '<%= config.bin %> watchdog disarm my-app -n prod',
  ];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = {
    for: Flags.string({ description: 'how long to bake the deployed revision', default: '10m' }),
    'to-revision': Flags.string({ description: 'roll back to this revision instead of the last known good one (validated before arming)' }),
    timeout: Flags.string({ description: 'how long the rollback\'s own rollout may take', default: '5m' }),
    ...bakeFlags,
    ...analysisFlags,
    ...notifyFlags,
    ...kubeFlags,
    ...helmBinFlag,
    ...tuiFlag,
  };

  async run(): Promise<WatchdogReport> {
    const { args, flags } = await this.parse(Watchdog);
    validateReleaseName(args.release);
    const durationMs = parseBakeDuration(flags.for, 'for');
    const bake = parseBakeOptions(flags);
    const health = parseHealthOptions({ timeout: flags.timeout, 'max-restarts': '2', 'unschedulable-grace': '30s', 'unready-grace': '120s' });
    const toRevision = flags['to-revision'] === undefined ? undefined : positiveInt(flags['to-revision'], 'to-revision', `see the revisions with: helm autorollback history ${args.release}`);
    const analysis = parseAnalysisFlags(flags);
    const notify = parseNotifyFlags(flags.notify);
    // Loaded lazily so `--help` and bad input never pay for client-node, the service or Ink.
    const [{ openPorts }, { runWatchdogSession }, { watchdogExitCode }] = await Promise.all([
      import('../../kube/ports.js'),
      import('../../cli/watchdog-session.js'),
      import('../../domain/watchdog/report.js'),
    ]);
    const ports = openPorts({ ...flags, release: args.release });
    const report = await runWatchdogSession({
      ports, release: args.release, durationMs, bake, health, notify,
      ...(toRevision === undefined ? {} : { toRevision }),
      ...(analysis ? { analysis } : {}),
      live: wantsLiveView(flags, process.stderr, process.env),
    });
    process.exitCode = watchdogExitCode(report.outcome);
    return report;
  }
}
