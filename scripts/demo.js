#!/usr/bin/env node
// `npm run demo`: helm-autorollback end to end, without a cluster. Starts kube-sim (the embedded Kubernetes
// simulator) in this process, installs examples/webapp with the real helm from the devDependencies, upgrades it
// to a healthy version, then runs `helm autorollback upgrade` to an image that crash-loops: the live view (on a
// terminal) or plain log lines (CI, pipes) show the detection and the rollback to the last known good revision.
// A short watchdog bake then verifies the rollback revision, and the history is shown as the plugin reads it: the
// interactive picker on a terminal (`--no-picker`: the table), the table with verdicts otherwise.
// Exit 0 when all of that happened as expected (the upgrade itself exits 3: failed and rolled back), else 1.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nextSteps } from './demo/next-steps.js';
import { runTool, stopRunningTool, toolEnv } from './demo/processes.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const usage = 'usage: node scripts/demo.js [--helm 3|4] [--time-scale N] [--no-picker]';
const release = 'web';
const namespace = 'demo';
const chart = join(repo, 'examples', 'webapp');
const cli = join(repo, 'bin', 'run.js');
/** The demo must end by itself well within 2 minutes. */
const deadlineMs = 110_000;

const options = parseOptions(process.argv.slice(2));
for (const built of ['dist/sim/index.js', 'dist/toolchain/binaries.js', 'dist/bundle/run.mjs']) {
  if (!existsSync(join(repo, built))) fail(`${built} is missing: run \`npm run build\` first (or use \`npm run demo\`)`);
}
const { startSim } = await import('../dist/sim/index.js');
const { helmBinary, kubectlBinary, layerPackages } = await import('../dist/toolchain/binaries.js');
const { decodeLedger, ledgerConfigMapName } = await import('../dist/domain/rollback/ledger.js');

const bold = process.stdout.isTTY && !process.env.NO_COLOR ? (s) => `\x1b[1m${s}\x1b[22m` : (s) => s;
const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (line) => say(`\n${bold(`==> ${line}`)}`);

const dir = mkdtempSync(join(tmpdir(), 'autorollback-demo-'));
let sim;
let interrupted = false;
let timedOut = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onInterrupt);
const deadline = setTimeout(() => {
  say('demo: FAILED: still running after 110 s; stopping');
  interrupted = timedOut = true;
  stopRunningTool();
}, deadlineMs);

let ok = false;
try {
  ok = await demo();
} catch (error) {
  if (interrupted && !timedOut) say('demo: interrupted');
  else say(`demo: FAILED: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  clearTimeout(deadline);
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = ok ? 0 : interrupted && !timedOut ? 130 : 1;

async function demo() {
  const helm = helmBinary(options.helm);
  sim = await startSim({ kubeconfigPath: join(dir, 'kubeconfig'), timeScale: options.timeScale });
  const env = toolEnv(dir, sim.kubeconfigPath, { HELM_BIN: helm });
  say(`kube-sim is running at ${sim.url} (time scale ${options.timeScale}x); helm ${layerPackages[options.helm].helm} from the devDependencies`);
  const helmStep = async (args, what) => {
    if (interrupted) throw new Error(timedOut ? 'out of time' : 'interrupted');
    const r = await runTool(helm, [...args, '-n', namespace], { env });
    if (r.code !== 0) throw new Error(`${what} failed (helm exit ${r.code}): ${r.stderr.trim().split('\n').pop()}`);
    // The chart's NOTES start with a one-line summary ("web-webapp 1.27 is installed (revision 1).").
    const notes = r.stdout.split('\nNOTES:\n')[1];
    say(notes ? notes.split('\n')[0] : r.stdout.trim().split('\n')[0]);
  };

  step(`helm install ${release} examples/webapp (revision 1, nginx 1.27)`);
  await helmStep(['upgrade', '--install', release, chart, '--create-namespace', '--wait', '--timeout', '60s'], 'install');

  step(`helm upgrade ${release} examples/webapp --set image.tag=1.27.2 (revision 2, healthy)`);
  await helmStep(['upgrade', release, chart, '--set', 'image.tag=1.27.2', '--wait', '--timeout', '60s'], 'healthy upgrade');

  const upgradeArgs = ['upgrade', release, 'examples/webapp', '-n', namespace, '--set', 'image.tag=crashloop'];
  step(`helm autorollback ${upgradeArgs.join(' ')} (revision 3)`);
  const upgrade = await runTool(process.execPath, [cli, ...upgradeArgs], { env: { ...env, HELM_BIN: helm }, inherit: true, cwd: repo });
  if (interrupted) throw new Error(timedOut ? 'the upgrade did not end in time' : 'interrupted');
  if (upgrade.code !== 3) {
    say(`demo: FAILED: helm autorollback upgrade exited ${upgrade.code}; expected 3 (failed and rolled back)`);
    return false;
  }

  // A short bake of the rollback revision: the watchdog verifies it (exit 0) and records it in the ledger.
  const watchdogArgs = ['watchdog', release, '-n', namespace, '--for', '4s'];
  step(`helm autorollback ${watchdogArgs.join(' ')} (bake revision 4)`);
  const watchdog = await runTool(process.execPath, [cli, ...watchdogArgs, '--no-tui'], { env: { ...env, HELM_BIN: helm }, inherit: true, cwd: repo });
  if (interrupted) throw new Error(timedOut ? 'the watchdog did not end in time' : 'interrupted');
  if (watchdog.code !== 0) {
    say(`demo: FAILED: helm autorollback watchdog exited ${watchdog.code}; expected 0 (verified)`);
    return false;
  }

  step(`helm history ${release} -n ${namespace}`);
  const history = await runTool(helm, ['history', release, '-n', namespace], { env });
  process.stdout.write(history.stdout);
  const { problem, failure } = await checkOutcome(helm, env);
  if (problem) {
    say(`demo: FAILED: ${problem}`);
    return false;
  }
  say(`\ndemo: OK: revision 3 failed (${failure.reason}) and was rolled back to revision 2, the last known good, as revision 4.`);

  // The same history as the plugin reads it: on a terminal the interactive picker, else the table with verdicts.
  const historyArgs = ['history', release, '-n', namespace];
  const picker = options.picker && process.stdin.isTTY && process.stdout.isTTY;
  step(`helm autorollback ${historyArgs.join(' ')}${picker ? ' (the history picker)' : ''}`);
  if (picker) {
    say('  ↑/↓ choose a revision, Tab its values/manifest diff, hooks and guards; Enter would ask before rolling back; q leaves');
    clearTimeout(deadline); // the picker waits for the user
    await runTool(process.execPath, [cli, ...historyArgs], { env: { ...env, HELM_BIN: helm }, inherit: true, cwd: repo });
  } else {
    const table = await runTool(process.execPath, [cli, ...historyArgs], { env: { ...env, HELM_BIN: helm }, cwd: repo });
    if (table.code !== 0) {
      say(`demo: FAILED: helm autorollback history exited ${table.code}: ${table.stderr.trim().split('\n').pop()}`);
      return false;
    }
    process.stdout.write(table.stdout);
  }
  step('what to try next');
  for (const line of nextSteps({ helm, kubectl: kubectlBinary(options.helm), cli, chart, release })) say(`  ${line}`);
  return true;
}

/**
 * Checks the end state: revision 3 failed in helm's history and in the ledger, revision 4 is the rollback to 2
 * and deployed. Returns what is wrong (`problem`) or the ledger's verdict for revision 3 (`failure`).
 */
async function checkOutcome(helm, env) {
  const r = await runTool(helm, ['history', release, '-n', namespace, '-o', 'json'], { env });
  const rows = r.code === 0 ? JSON.parse(r.stdout) : [];
  const status = Object.fromEntries(rows.map((row) => [row.revision, row.status]));
  if (status[3] !== 'failed') return { problem: `revision 3 is "${status[3]}" in helm history, expected "failed"` };
  const latest = rows.at(-1);
  if (latest?.revision !== 4 || latest.status !== 'deployed' || !/rollback to 2/i.test(latest.description ?? '')) {
    return { problem: `the newest revision is ${JSON.stringify(latest)}, expected revision 4 "Rollback to 2", deployed` };
  }
  const ledger = sim.store.get('configmaps', namespace, ledgerConfigMapName(release));
  const failure = decodeLedger(ledger?.data).entries.find((e) => e.revision === 3);
  if (failure?.verdict !== 'failed') return { problem: 'the ledger (ConfigMap autorollback-web) has no failed verdict for revision 3' };
  return { failure };
}

/** Reads --helm 3|4 and --time-scale N; bad input ends the demo with one line and exit 2. */
function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { helm: { type: 'string', default: '4' }, 'time-scale': { type: 'string', default: '5' }, 'no-picker': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    fail(`${error.message.split('\n')[0]} (${usage})`);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  if (values.helm !== '3' && values.helm !== '4') fail(`--helm must be 3 or 4, got "${values.helm}"`);
  const timeScale = Number(values['time-scale']);
  if (!(timeScale > 0)) fail(`--time-scale must be a number greater than 0, got "${values['time-scale']}"`);
  return { helm: Number(values.helm), timeScale, picker: !values['no-picker'] };
}

function fail(message) {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(2);
}

function onInterrupt(signal) {
  interrupted = true;
  // A closed terminal (SIGHUP) must not stop the clean-up with write errors.
  if (signal === 'SIGHUP') for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  // Ctrl-C already reached the running child (same process group): `upgrade` then rolls back, and a second signal
  // would make it give up (exit 4). Only a SIGTERM sent to the demo alone (e.g. a cancelled CI job) is passed on.
  if (signal === 'SIGTERM') stopRunningTool();
}
