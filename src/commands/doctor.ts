import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { kubeFlags } from '../cli/shared-flags.js';
import type { DoctorReport } from '../domain/doctor/index.js';
import { validateReleaseName } from '../domain/release-name.js';
import { UsageError } from '../errors/errors.js';
import { ExitCode } from '../errors/exit-codes.js';

/** `--json` output: one report per release checked. */
export interface DoctorOutput {
  releases: DoctorReport[];
}

export default class Doctor extends BaseCommand {
  static override summary = 'Check how ready a release is to be rolled back automatically: history, probes, resources, rollback traps, the last known good revision.';
  static override description = [
    'A checklist with a severity, the evidence and the fix for each finding. Reads only; runs no helm.',
    'Without RELEASE: every release in -n NS, or in every namespace with --all-namespaces.',
    'Exit codes: 0 no errors (warnings allowed); 8 at least one error (a CI gate); 2 bad usage; 5 cluster unreachable.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> doctor my-app -n prod',
    '<%= config.bin %> doctor -n prod --json',
    '<%= config.bin %> doctor --all-namespaces --history-max 20',
  ];

  static override args = {
    release: Args.string({ description: 'release name (default: every release in the namespace)', required: false }),
  };

  static override flags = {
    ...kubeFlags,
    'all-namespaces': Flags.boolean({ char: 'A', description: 'check every release in every namespace', default: false }),
    'history-max': Flags.integer({ description: 'history limit to judge against [default: $HELM_MAX_HISTORY, 10]; 0 = unlimited', min: 0 }),
  };

  async run(): Promise<DoctorOutput> {
    const { args, flags } = await this.parse(Doctor);
    if (args.release) validateReleaseName(args.release);
    if (args.release && flags['all-namespaces']) throw new UsageError('--all-namespaces checks every release: give no RELEASE with it', { hint: 'helm autorollback doctor --all-namespaces' });
    const historyMax = flags['history-max'] ?? parseHistoryMax(process.env.HELM_MAX_HISTORY);
    const [{ openPorts }, { doctor }, { renderDoctorText }] = await Promise.all([
      import('../kube/ports.js'),
      import('../services/doctor.js'),
      import('../ui/doctor-text.js'),
    ]);
    const ports = openPorts({ release: args.release ?? '', ...flags });
    const releases = await doctor(ports, { release: args.release, namespace: ports.namespace, allNamespaces: flags['all-namespaces'], historyMax });
    if (releases.some((r) => r.status === 'error')) process.exitCode = ExitCode.DoctorErrors;
    if (this.jsonEnabled()) return { releases };
    if (releases.length === 0) this.logToStderr(`no helm releases found ${flags['all-namespaces'] ? 'in any namespace' : `in namespace "${ports.namespace}"`}`);
    this.log(releases.map(renderDoctorText).join('\n\n'));
    return { releases };
  }
}

/** HELM_MAX_HISTORY as helm reads it (default 10); a value that is not a whole number is a usage error. */
function parseHistoryMax(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 10;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`HELM_MAX_HISTORY must be a whole number, got "${value}"`, { hint: 'unset it or give --history-max N' });
  return Number(value);
}
