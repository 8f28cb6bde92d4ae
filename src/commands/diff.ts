import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { kubeFlags } from '../cli/shared-flags.js';
import { validateReleaseName } from '../domain/release-name.js';
import { UsageError } from '../errors/errors.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { DiffJson } from '../ui/diff-view.js';

export default class Diff extends BaseCommand {
  static override summary = 'Show what differs between two revisions of a release: values and manifest, per object.';
  static override description =
    'Without revisions: the deployed revision against the last known good one (what `rollback` would change). With one: the deployed revision against it. With two: the first against the second. Secrets (Secret data, values under keys like password/token/key) show only their size unless --show-secrets. Exit 0 when nothing differs, 7 when something does.';
  static override examples = [
    '<%= config.bin %> diff my-app -n prod',
    '<%= config.bin %> diff my-app 4',
    '<%= config.bin %> diff my-app 4 6 -o json',
  ];

  static override args = {
    release: Args.string({ description: 'release name', required: true }),
    revA: Args.string({ description: 'first revision [default: the deployed one]' }),
    revB: Args.string({ description: 'second revision [default: REV_A, compared with the deployed one; else the last known good]' }),
  };

  static override flags = {
    ...kubeFlags,
    output: Flags.string({ char: 'o', description: 'output format', options: ['diff', 'json'], default: 'diff' }),
    'show-secrets': Flags.boolean({ description: 'show secret values instead of their size', default: false }),
  };

  async run(): Promise<DiffJson> {
    const { args, flags } = await this.parse(Diff);
    validateReleaseName(args.release);
    const revisions = [args.revA, args.revB].filter((r): r is string => r !== undefined).map(revisionArg);
    const [{ openPorts }, { diffRevisions }, view, { colorEnabled }] = await Promise.all([
      import('../kube/ports.js'),
      import('../services/diff.js'),
      import('../ui/diff-view.js'),
      import('../ui/color.js'),
    ]);
    const { releases, ledger, namespace } = openPorts({ release: args.release, ...flags });
    const diff = await diffRevisions({ releases, ledger }, { release: args.release, namespace, revisions, showSecrets: flags['show-secrets'] });
    process.exitCode = diff.changed ? ExitCode.DiffChanges : ExitCode.Ok;
    const json = view.diffJson(diff);
    if (this.jsonEnabled()) return json;
    if (flags.output === 'json') this.log(JSON.stringify(json, null, 2));
    else if (diff.changed) this.log(view.renderDiffText(diff, colorEnabled(process.stdout, process.env)));
    for (const w of diff.warnings) this.logToStderr(`warning: ${w}`);
    this.logToStderr(view.renderDiffSummary(diff));
    return json;
  }
}

function revisionArg(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`revision must be a whole number >= 1, got "${text}"`, { hint: 'see the revisions with: helm autorollback history RELEASE' });
  }
  return Number(text);
}
