import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { healthFlags, kubeFlags, parseHealthOptions } from '../cli/shared-flags.js';
import { validateReleaseName } from '../domain/release-name.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { StatusReport } from '../services/status.js';

export default class Status extends BaseCommand {
  static override summary = 'Show the deployed revision, its health right now, the last known good revision and what a rollback now would meet.';
  static override description = [
    'Health is judged with the same rules as upgrade, over one snapshot of the cluster. Also lists the recent verdicts of the autorollback ledger and the guards\' findings for a rollback to the last known good revision right now (migration crossed, config not reverted, GitOps ownership). Reads only.',
    'Exit codes: 0 healthy; 9 not healthy right now (degraded, still rolling out, or stuck in pending-*); 2 bad usage or release not found; 5 cluster unreachable.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> status my-app -n prod', '<%= config.bin %> status my-app -n prod --json | jq .health.state'];
  static override args = { release: Args.string({ description: 'release name', required: true }) };
  static override flags = {
    'migration-policy': Flags.string({ description: 'how the guards rate a crossed migration: warn, or block', options: ['warn', 'block'], default: 'warn' }),
    ...healthFlags,
    ...kubeFlags,
  };

  async run(): Promise<StatusReport> {
    const { args, flags } = await this.parse(Status);
    validateReleaseName(args.release);
    const health = parseHealthOptions(flags);
    const [{ openPorts }, { status }, ui, text] = await Promise.all([
      import('../kube/ports.js'), import('../services/status.js'), import('../ui/console.js'), import('../ui/status-text.js'),
    ]);
    const ports = openPorts({ release: args.release, ...flags });
    const report = await status(ports, {
      release: args.release, namespace: ports.namespace, health, helmGlobalArgs: ports.helmGlobalArgs,
      migrationPolicy: flags['migration-policy'] as 'warn' | 'block',
    });
    if (!this.jsonEnabled()) ui.writeLines(process.stdout, text.statusLines(report), process.env);
    process.exitCode = report.healthy ? ExitCode.Ok : ExitCode.Degraded;
    return report;
  }
}
