import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { healthFlags, helmBinFlag, kubeFlags, parseHealthOptions, positiveInt, tuiFlag, wantsLiveView } from '../cli/shared-flags.js';
import { validateReleaseName } from '../domain/release-name.js';
import type { RollbackReport } from '../domain/rollback/manual-report.js';
import { UsageError } from '../errors/errors.js';
import { ExitCode } from '../errors/exit-codes.js';
import { rollbackHelmArgs } from '../helm/rollback-args.js';

export default class Rollback extends BaseCommand {
  static override summary = 'Roll back to the last known good revision (or REVISION) and judge the rollout live.';
  static override description = [
    'REVISION defaults to the newest earlier deployed/superseded revision not recorded as failed (the one upgrade would pick); runs `helm rollback RELEASE N --wait` and judges the rollout with the same rules as upgrade, recording the verdict.',
    'Before anything changes it shows the plan: the hooks helm will run (only the target\'s pre-rollback/post-rollback hooks), the guards (a database migration crossed, ConfigMaps/Secrets the rollback does not revert, Argo CD/Flux ownership) and what changes. --dry-run stops there. Without a terminal it needs --yes.',
    'Exit codes: 0 healthy (or --dry-run); 4 the rollback or its rollout failed; 2 bad usage, refused target or a guard blocked (nothing changed); 5 cluster unreachable.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> rollback my-app -n prod --dry-run', '<%= config.bin %> rollback my-app 7 -n prod --yes --no-tui',
    '<%= config.bin %> rollback my-app --migration-policy block --json --yes -- --description "back to 7"'];
  static override args = {
    release: Args.string({ description: 'release name', required: true }),
    revision: Args.string({ description: 'revision to roll back to [default: the last known good]' }),
  };
  static override flags = {
    'dry-run': Flags.boolean({ description: 'print the plan (target, hooks, guards, values and manifest diff) and change nothing', default: false }),
    yes: Flags.boolean({ char: 'y', description: 'do not ask for confirmation (needed without a terminal)', default: false }),
    'migration-policy': Flags.string({ description: 'a crossed database migration: warn, or block (refuse, exit 2)', options: ['warn', 'block'], default: 'warn' }),
    'show-secrets': Flags.boolean({ description: 'show secret values in the diff instead of their size', default: false }),
    'cleanup-on-fail': Flags.boolean({ description: 'helm: delete new resources created in this rollback when it fails' }),
    'no-hooks': Flags.boolean({ description: 'helm: do not run the pre-rollback/post-rollback hooks' }),
    force: Flags.boolean({ description: 'helm: force resource updates through a replacement strategy' }),
    'history-max': Flags.integer({ description: 'helm: maximum number of revisions kept in the history', min: 0 }),
    ...healthFlags,
    ...tuiFlag,
    ...helmBinFlag,
    ...kubeFlags,
  };

  async run(): Promise<RollbackReport> {
    const cut = this.argv.indexOf('--');
    const { args, flags } = await this.parse(Rollback, cut < 0 ? this.argv : this.argv.slice(0, cut));
    validateReleaseName(args.release);
    const revision = args.revision === undefined ? undefined : positiveInt(args.revision, 'REVISION', `see the revisions with: helm autorollback history ${args.release}`);
    const health = parseHealthOptions(flags);
    const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
    if (!flags['dry-run'] && !flags.yes && !interactive) throw new UsageError('rollback needs --yes when not run from a terminal (nothing was changed)', { hint: 'add --yes, or --dry-run to see the plan' });
    const helmArgs = rollbackHelmArgs(flags, cut < 0 ? [] : this.argv.slice(cut + 1));
    const [{ openPorts }, { rollback }, ui, text, { exitCodeForRollback }] = await Promise.all([
      import('../kube/ports.js'), import('../services/rollback.js'), import('../ui/console.js'), import('../ui/rollback-text.js'), import('../domain/rollback/manual-report.js'),
    ]);
    const ports = openPorts({ release: args.release, ...flags });
    const json = this.jsonEnabled();
    const view = ui.deferredEventView(wantsLiveView(flags, process.stderr, process.env), process.stderr, process.env);
    let interrupts: { dispose(): void } | undefined;
    try {
      // Without --json the plan, findings included, is printed before the rollback: the log need not repeat them.
      const { report, plan } = await rollback({ ...ports, emit: (e) => (json || e.type !== 'guard-findings') && view.onEvent(e) }, {
        release: args.release, namespace: ports.namespace, revision, helmGlobalArgs: ports.helmGlobalArgs, helmEnv: ports.helmEnv, health, helmArgs,
        dryRun: flags['dry-run'], migrationPolicy: flags['migration-policy'] as 'warn' | 'block', showSecrets: flags['show-secrets'], noHooks: flags['no-hooks'] === true, forceStatefulSetRollback: flags['force-statefulset-rollback'],
        confirm: async (p) => {
          if (!json) ui.writeLines(process.stderr, text.planLines(p, { diff: 'summary' }), process.env);
          const ok = flags.yes || (await ui.askYesNo(`Roll back ${p.release} to revision ${p.toRevision}?`, process.stdin, process.stderr));
          if (ok) await view.open();
          // Ctrl-C: the rollback goes on (helm runs in its own process group); a second one abandons it, loudly.
          if (ok) interrupts = this.listenForInterrupts((name, n) => n === 1 ? view.onEvent({ type: 'notice', level: 'warn', message: `interrupted (${name}): the rollback continues; interrupt again to abandon it (exits at once)`, at: new Date() })
            : this.exitNow({ exitCode: ExitCode.RollbackFailed, message: `interrupted again: abandoned the rollback of "${p.release}" to revision ${p.toRevision}; helm may still be running it: check helm history ${p.release} -n ${p.namespace}` }));
          return ok;
        },
      });
      await view.end();
      if (!json && report.dryRun) ui.writeLines(process.stdout, text.planLines(plan, { diff: 'full' }), process.env);
      if (!json) ui.writeLines(process.stderr, text.rollbackReportLines(report), process.env);
      process.exitCode = exitCodeForRollback(report.outcome);
      return report;
    } finally {
      interrupts?.dispose();
      await view.end();
    }
  }
}
