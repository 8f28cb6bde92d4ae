import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
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
    namespace: Flags.string({ char: 'n', description: 'namespace of the release [default: $HELM_NAMESPACE, the context namespace, "default"]' }),
    'kube-context': Flags.string({ description: 'kubeconfig context to use [default: $HELM_KUBECONTEXT, current-context]' }),
    kubeconfig: Flags.string({ description: 'path to the kubeconfig file [default: $KUBECONFIG, ~/.kube/config]' }),
    driver: Flags.string({ description: 'release storage driver: secret or configmap [default: $HELM_DRIVER, secret]' }),
    max: Flags.integer({ description: 'how many of the newest revisions to show', default: 10, min: 1 }),
    output: Flags.string({ char: 'o', description: 'output format', options: ['table', 'json', 'yaml'], default: 'table' }),
  };

  async run(): Promise<HistoryReport> {
    const { args, flags } = await this.parse(History);
    validateReleaseName(args.release); // before touching kubeconfig or cluster
    // Loaded lazily so `--help` and bad input never pay for @kubernetes/client-node.
    const [{ openReleaseStore }, { createKubeLedgerStore }, { history }, view] = await Promise.all([
      import('../kube/open-release-store.js'),
      import('../kube/ledger-store.js'),
      import('../services/history.js'),
      import('../ui/history-view.js'),
    ]);
    const { store, namespace, kube } = openReleaseStore({
      kubeconfig: flags.kubeconfig,
      context: flags['kube-context'],
      namespace: flags.namespace,
      driver: flags.driver,
    });
    const ledger = createKubeLedgerStore({ kubeConfig: kube.kubeConfig, server: kube.server });
    const report = await history({ releases: store, ledger }, { release: args.release, namespace, max: flags.max });
    if (this.jsonEnabled()) return report;
    if (flags.output === 'json') this.log(JSON.stringify(report, null, 2));
    else this.log(flags.output === 'yaml' ? view.renderHistoryYaml(report) : view.renderHistoryTable(report));
    const footer = view.renderHistoryFooter(report);
    if (footer) this.logToStderr(footer);
    return report;
  }
}
