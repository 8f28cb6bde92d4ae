import { Args, Flags } from '@oclif/core';
import { notifyFlags, parseNotifyFlags } from '../cli/analysis-flags.js';
import { BaseCommand } from '../cli/base-command.js';
import { ciFlags } from '../cli/ci-flags.js';
import { healthFlags, helmBinFlag, kubeFlags, parseHealthOptions, positiveInt, tuiFlag } from '../cli/shared-flags.js';
import { parseWatchdogArm, upgradeWatchdogFlags } from '../cli/watchdog-flags.js';
import { validateReleaseName } from '../domain/release-name.js';
import type { UpgradeReport } from '../domain/upgrade/report.js';
import { checkPassthroughFlags, splitUpgradeArgv, wantsWaitForJobs } from '../helm/upgrade-args.js';

export default class Upgrade extends BaseCommand {
  static override summary = 'Run helm upgrade --install, judge the rollout live, and roll back to the last known good revision on failure.';
  static override description = [
    'Every helm flag (-f, --set, --version, --create-namespace, --history-max, --wait-for-jobs, ...) is passed to `helm upgrade --install` unchanged; anything after `--` too.',
    'The rollout is watched from helm\'s first write: CrashLoopBackOff or too many restarts, image pull errors, OOMKilled, config errors, Unschedulable or unready past a grace, ProgressDeadlineExceeded, a failed hook Job or the --timeout fail it at the first signal.',
    'Then helm is stopped (it records the revision as failed) and `helm rollback` goes to the newest earlier revision that was deployed and not judged unhealthy (recorded in the ConfigMap autorollback-<release>); a failed first install is uninstalled.',
    'Ctrl-C (SIGINT) or SIGTERM while helm upgrades stops it the same way and rolls back (reason Interrupted, exit 3); during the rollback it only warns; a second one exits at once (exit 4) saying what state the release may be in and the exact recovery command.',
    '--notify URL (repeatable) POSTs an event when the upgrade rolls back or the rollback fails: generic JSON, Slack\'s incoming-webhook format (hooks.slack.com or slack=URL), or a CDEvents service.rolledback CloudEvent (cdevents=URL). Sent in the background after the outcome is known, retried up to 3 times; waited for at most 10 s before exit; URLs are never printed.',
    '--watchdog 10m arms a watchdog on the new revision right after a healthy upgrade (see `watchdog --help`; its rule and metric flags apply); the exit code is then the watchdog\'s (0 verified, 3 degraded and rolled back, 6 stood down).',
    'Exit codes: 0 healthy; 3 failed and rolled back; 4 failed and not recovered (rollback failed, impossible, or --no-rollback); 2 bad usage (nothing changed); 5 cluster unreachable; 1 unexpected.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> upgrade my-app ./chart -n prod -f values-prod.yaml --set image.tag=1.2.3',
    '<%= config.bin %> upgrade my-app repo/chart --version 2.0.1 --timeout 10m --max-restarts 3',
    '<%= config.bin %> upgrade my-app ./chart --no-tui --json > report.json',
    '<%= config.bin %> upgrade my-app ./chart --to-revision 7 -- --post-renderer ./kustomize.sh',
  ];
  // Helm's flags never reach the parser: run() splits argv first and parses only ours.

  static override args = {
    release: Args.string({ description: 'release name', required: true }),
    chart: Args.string({ description: 'chart: a path, repo/name, an URL or oci:// reference', required: true }),
  };

  static override flags = {
    ...healthFlags,
    'to-revision': Flags.string({ description: 'roll back to this revision instead of the last known good one (validated before anything runs)' }),
    'no-rollback': Flags.boolean({ description: 'only detect and report a failure; change nothing (exit 4)', default: false }),
    'keep-failed-install': Flags.boolean({ description: 'leave a failed first install in place instead of uninstalling it', default: false }),
    'migration-policy': Flags.string({ description: 'when the failed revision ran a migration hook: warn and roll back, or block (do not roll back, exit 4, print the manual command)', options: ['warn', 'block'], default: 'warn' }),
    'recover-pending': Flags.boolean({ description: 'roll back a release stuck in pending-* before upgrading, instead of refusing', default: false }),
    ...notifyFlags,
    ...upgradeWatchdogFlags,
    ...tuiFlag,
    ...helmBinFlag,
    ...kubeFlags,
    ...ciFlags,
  };

  async run(): Promise<UpgradeReport> {
    const split = splitUpgradeArgv(this.argv);
    const { args, flags } = await this.parse(Upgrade, split.own);
    validateReleaseName(args.release);
    checkPassthroughFlags(split.helm);
    const health = parseHealthOptions(flags, { waitForJobs: wantsWaitForJobs(split.helm) });
    const toRevision = flags['to-revision'] === undefined ? undefined : positiveInt(flags['to-revision'], 'to-revision', `see the revisions with: helm autorollback history ${args.release}`);
    const notify = parseNotifyFlags(flags.notify);
    const watchdog = parseWatchdogArm(flags);
    // Loaded lazily so `--help` and bad input never pay for client-node, the service or Ink.
    const { runUpgradeSession } = await import('../cli/upgrade-session.js');
    return runUpgradeSession({
      release: args.release, chart: args.chart, helmArgs: split.helm, flags, health, notify,
      ...(toRevision === undefined ? {} : { toRevision }),
      ...(watchdog ? { watchdog } : {}),
      listenForInterrupts: (onInterrupt) => this.listenForInterrupts(onInterrupt),
      exitNow: (failure) => this.exitNow(failure),
    });
  }
}
