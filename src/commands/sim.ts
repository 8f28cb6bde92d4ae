import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { UsageError } from '../errors/errors.js';

/** What `sim` reports once ready. */
export interface SimReady {
  url: string;
  kubeconfig: string;
}

export default class Sim extends BaseCommand {
  static override summary = 'Run the in-process Kubernetes simulator (kube-sim) until SIGINT/SIGTERM.';
  static override description =
    'Starts an API server on 127.0.0.1 with controllers, scheduler and a simulated kubelet, writes a kubeconfig ' +
    '(context autorollback-sim) and prints one line: ready <server-url> <kubeconfig-path>.';
  static override examples = ['<%= config.bin %> sim', '<%= config.bin %> sim --kubeconfig ./sim.kubeconfig --time-scale 10 --faults drop-watch=3s'];
  static override enableJsonFlag = false;

  static override flags = {
    kubeconfig: Flags.string({ description: 'where to write the kubeconfig (default: a temp file)' }),
    port: Flags.integer({ description: 'port to listen on (default: any free port)', min: 0, max: 65535 }),
    config: Flags.string({ description: 'YAML config file: nodes and image behaviour rules' }),
    'time-scale': Flags.string({ description: 'speed-up of simulated durations (default 1 = real time)' }),
    rbac: Flags.boolean({ description: 'serve HTTPS with authentication (client certificates, tokens) and enforce RBAC; the kubeconfig gets one context per user' }),
    faults: Flags.string({ description: 'fault spec, e.g. drop-watch=3s,error-rate=0.05,throttle-rate=0.05,latency=50ms,expire-rv=30s' }),
  };

  async run(): Promise<SimReady> {
    const { flags } = await this.parse(Sim);
    const timeScale = flags['time-scale'] === undefined ? 1 : Number(flags['time-scale']);
    if (!(timeScale > 0)) throw usage(`--time-scale must be a number greater than 0, got "${flags['time-scale']}"`);
    // Loaded lazily so `--help` and other commands never pay for the simulator.
    const { startSim } = await import('../sim/index.js');
    const sim = await startSim({ port: flags.port, kubeconfigPath: flags.kubeconfig, config: flags.config, timeScale, faults: flags.faults, ...(flags.rbac ? { rbac: true } : {}) }).catch((err: Error & { code?: string }) => {
      throw usage(err.message.split('\n')[0] ?? err.message, startHint(err));
    });
    process.stdout.write(`ready ${sim.url} ${sim.kubeconfigPath}\n`);
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await sim.stop();
    return { url: sim.url, kubeconfig: sim.kubeconfigPath };
  }
}

/** Bad flags, an unreadable config, a bad fault spec or a taken port: the user can fix it. */
function usage(message: string, hint?: string): UsageError {
  return new UsageError(message, hint ? { hint } : undefined);
}

/** The fix for a simulator that did not start. */
function startHint(err: Error & { code?: string }): string | undefined {
  if (err.name === 'SimConfigError') return 'check the --config path and its YAML (nodes:, images:; see the README, "The simulator")';
  if (err.code === 'EADDRINUSE') return 'pick another --port, or leave it out for a free one';
  return undefined;
}
