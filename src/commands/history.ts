import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { kubeFlags } from '../cli/shared-flags.js';
import { validateReleaseName } from '../domain/release-name.js';
import type { HistoryReport } from '../services/history.js';

export default class History extends BaseCommand {
  static override summary = 'Show the stored revisions of a release, like helm history.';
  static override description =
    'Reads the release records (Secret or ConfigMap driver) directly from the cluster. Decodes only the newest --max revisions. VERDICT is the autorollback ledger\'s verdict (healthy, failed <reason>, verified, or -).';
  static override examples = [
    '<%= config.bin %> history my-app -n prod',
    '<%= config.bin %> history my-app --max 50 -o json',
    'HELM_DRIVER=configmap <%= config.bin %> history my-app',
  ];

  static override args = {
    release: Args.string({ description: 'release name', required: true }),
  };

  static override flags = {
    ...kubeFlags,
    max: Flags.integer({ description: 'how many of the newest revisions to show', default: 10, min: 1 }),
    output: Flags.string({ char: 'o', description: 'output format', options: ['table', 'json', 'yaml'], default: 'table' }),
  };

  async run(): Promise<HistoryReport> {
    const { args, flags } = await this.parse(History);
    validateReleaseName(args.release); // before touching kubeconfig or cluster
    // Loaded lazily so `--help` and bad input never pay for @kubernetes/client-node.
    const [{ openPorts }, { history }, view] = await Promise.all([
      import('../kube/ports.js'),
      import('../services/history.js'),
      import('../ui/history-view.js'),
    ]);
    const { releases, ledger, namespace } = openPorts({ release: args.release, ...flags });
    const report = await history({ releases, ledger }, { release: args.release, namespace, max: flags.max });
    if (this.jsonEnabled()) return report;
    if (flags.output === 'json') this.log(JSON.stringify(report, null, 2));
    else this.log(flags.output === 'yaml' ? view.renderHistoryYaml(report) : view.renderHistoryTable(report));
    const footer = view.renderHistoryFooter(report);
    if (footer) this.logToStderr(footer);
    return report;
  }
}
