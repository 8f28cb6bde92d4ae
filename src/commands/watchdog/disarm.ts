import { Args, Flags } from '@oclif/core';
import { userInfo, hostname } from 'node:os';
import { BaseCommand } from '../../cli/base-command.js';
import { kubeFlags } from '../../cli/shared-flags.js';
import { validateReleaseName } from '../../domain/release-name.js';
import { parseDuration } from '../../helm/upgrade-args.js';
import type { DisarmReport } from '../../services/watchdog-disarm.js';

export default class WatchdogDisarm extends BaseCommand {
  static override summary = 'Disarm the watchdog of a release, wherever it runs (another terminal, a CI job).';
  static override description = [
    'Writes a disarm request on the release\'s Lease autorollback-<release>; the watchdog sees it at its next renewal (within 2s), stops without changing anything and releases the lease. Waits for that (--wait). A lease whose holder stopped renewing (a crashed watchdog) is removed.',
    'Exit codes: 0 done (the JSON `result` says disarmed, none, expired or not-acknowledged: a watchdog that is rolling back finishes first); 2 bad usage; 5 cluster unreachable.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> watchdog disarm my-app -n prod', '<%= config.bin %> watchdog disarm my-app --json'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = {
    wait: Flags.string({ description: 'how long to wait for the watchdog to let go', default: '30s' }),
    ...kubeFlags,
  };

  async run(): Promise<DisarmReport> {
    const { args, flags } = await this.parse(WatchdogDisarm);
    validateReleaseName(args.release);
    const waitMs = parseDuration(flags.wait, 'wait');
    const [{ openPorts }, { disarmWatchdog }] = await Promise.all([import('../../kube/ports.js'), import('../../services/watchdog-disarm.js')]);
    const ports = openPorts({ ...flags, release: args.release });
    let user = 'unknown';
    try {
      user = userInfo().username;
    } catch {
      // No passwd entry: the host still says where the request came from.
    }
    const report = await disarmWatchdog(ports, { release: args.release, namespace: ports.namespace, by: `${user}@${hostname()}`, waitMs });
    process.stderr.write(`${report.message}\n`);
    return report;
  }
}
