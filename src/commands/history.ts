import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { healthFlags, helmBinFlag, kubeFlags, parseHealthOptions, tuiFlag, wantsLiveView } from '../cli/shared-flags.js';
import { armWatchdogFromPicker, runPickerSession, wantsPicker } from '../cli/history-picker.js';
import { parseBakeDuration } from '../cli/watchdog-flags.js';
import { validateReleaseName } from '../domain/release-name.js';
import type { HistoryReport } from '../services/history.js';

export default class History extends BaseCommand {
  static override summary = 'Show the revisions of a release with their verdicts; on a terminal, pick one to diff or roll back to.';
  static override description = [
    'On a terminal (stdout a TTY, no -o/--json) an interactive picker: j/k, PgUp/PgDn, g/G, / filter; the deployed (D) and last known good (G) revisions marked; tabs with the values and manifest diff against the deployed revision, the hooks a rollback would run and the guards\' findings; Enter to confirm a rollback (run and judged live like `rollback`); w to arm a watchdog (see `watchdog --help`) on the deployed revision for --watchdog, the selected revision as its rollback target; q/Esc to leave without a change.',
    'Otherwise a table like helm history plus VERDICT (the autorollback ledger: healthy, failed <reason>, verified, or -). Reads the release records directly; decodes only the newest --max revisions (the picker: only the rows on screen).',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> history my-app -n prod',
    '<%= config.bin %> history my-app --max 50 -o json',
    'HELM_DRIVER=configmap <%= config.bin %> history my-app -o yaml',
  ];

  static override args = {
    release: Args.string({ description: 'release name', required: true }),
  };

  static override flags = {
    ...kubeFlags,
    max: Flags.integer({ description: 'how many of the newest revisions to show', default: 10, min: 1 }),
    output: Flags.string({ char: 'o', description: 'output format [default: the picker on a terminal, else table]', options: ['table', 'json', 'yaml'] }),
    'show-secrets': Flags.boolean({ description: 'picker: show secret values in the diffs instead of their size', default: false }),
    watchdog: Flags.string({ description: 'picker: key w arms a watchdog for this long on the deployed revision, the selected revision as its rollback target', default: '10m' }),
    ...healthFlags,
    ...tuiFlag,
    ...helmBinFlag,
  };

  async run(): Promise<HistoryReport | undefined> {
    const { args, flags } = await this.parse(History);
    validateReleaseName(args.release); // before touching kubeconfig or cluster
    const picker = wantsPicker({ output: flags.output, json: this.jsonEnabled() }, process, process.env);
    const health = parseHealthOptions(flags);
    const watchdogMs = parseBakeDuration(flags.watchdog, 'watchdog');
    // Read-only ports first (no @kubernetes/client-node for the common kubeconfigs: see kube/read-ports.ts);
    // the full ports only when the picker runs a rollback or a watchdog.
    const [{ openReadPorts }, { history }, view] = await Promise.all([
      import('../kube/read-ports.js'),
      import('../services/history.js'),
      import('../ui/history-view.js'),
    ]);
    const read = await openReadPorts({ release: args.release, ...flags });
    if (picker) {
      const { exitCodeForRollback } = await import('../domain/rollback/manual-report.js');
      const live = wantsLiveView(flags, process.stderr, process.env);
      const ports = async () => (await import('../kube/ports.js')).openPorts({ release: args.release, ...flags });
      const onWatchdog = armWatchdogFromPicker({ release: args.release, ports, health, live, durationMs: watchdogMs });
      const report = await runPickerSession({ release: args.release, read, ports, health, showSecrets: flags['show-secrets'], live, onWatchdog });
      if (report) process.exitCode = exitCodeForRollback(report.outcome);
      return undefined;
    }
    const report = await history({ releases: read.releases, ledger: read.ledger }, { release: args.release, namespace: read.namespace, max: flags.max });
    if (this.jsonEnabled()) return report;
    if (flags.output === 'json') this.log(JSON.stringify(report, null, 2));
    else this.log(flags.output === 'yaml' ? view.renderHistoryYaml(report) : view.renderHistoryTable(report));
    const footer = view.renderHistoryFooter(report);
    if (footer) this.logToStderr(footer);
    return report;
  }
}
