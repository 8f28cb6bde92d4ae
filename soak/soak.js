// The fault soak (issue 11): randomized, seeded runs of the plugin against kube-sim under one fault at a time,
// judged from the cluster and helm's history (never from the plugin's own report).
//
// For each fault: one kube-sim (in this process, so faults are triggered mid-run through its API), one release per
// lane in its own namespace, lanes run concurrently (helm and the plugin mostly wait). Run i of a fault is the
// scenario SCENARIOS[i % 4] with parameters drawn from its own seed (printed with every failure):
//   upgrade-healthy   `upgrade` to a healthy image: must end deployed on that image, healthy, no rollback
//   upgrade-crash     `upgrade` to a crash-looping image: exactly one rollback, to the last known good revision
//   watchdog-healthy  `upgrade --watchdog` of a healthy image: the bake must not roll back
//   watchdog-degrade  plain `helm upgrade --wait` of an image that crashes after a while, then `watchdog --for`:
//                     rolled back exactly once, to the last known good revision
// Judging (helm's history decoded from the release Secrets in the simulator's store, and the Deployment):
//   missed          a crashing attempt not immediately followed by a rollback, a rollback to a revision that does not
//                   run the last known good image, or a final deployed revision / Deployment not on that image
//   false rollback  a rollback of a revision that was neither crashing nor left pending by an injected kill
//   double          a rollback of a completed rollback revision
//   errors          anything else that is not the expected end state (a healthy upgrade that did not end deployed
//                   and healthy without a rollback, a setup step that failed)
//   TTD             from the deciding crash of the bad image seen in the store (the last container termination with a
//                   non-zero exit before the rollback) to the rollback revision's release Secret being written by helm
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chart = join(root, 'test', 'charts', 'probe');
const cli = join(root, 'bin', 'run.js');

export const SCENARIOS = ['upgrade-healthy', 'upgrade-crash', 'watchdog-healthy', 'watchdog-degrade'];

/** A small seeded PRNG (mulberry32): the same seed gives the same run parameters. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (lo, hi) => lo + next() * (hi - lo),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The faults. `during(ctx)` runs concurrently with the run's plugin command, triggering sim faults at random
 * moments until ctx.done; `groupSpec` is a standing fault spec for the whole group. Process faults (`process`) are
 * applied by the run itself (they need the plugin's and helm's pids).
 */
export const FAULTS = {
  'drop-watch': {
    describe: 'every open watch ended cleanly (EOF) 1-4 times at random moments',
    async during(ctx) {
      for (let i = ctx.r.int(1, 4); i > 0 && !ctx.done(); i--) {
        await ctx.sleep(ctx.r.between(200, 2500));
        ctx.sim.faults.dropWatches(false);
      }
    },
  },
  'reset-watch': {
    describe: 'every open watch connection cut (reset) 1-4 times at random moments',
    async during(ctx) {
      for (let i = ctx.r.int(1, 4); i > 0 && !ctx.done(); i--) {
        await ctx.sleep(ctx.r.between(200, 2500));
        ctx.sim.faults.dropWatches(true);
      }
    },
  },
  'expire-410': {
    describe: 'watch history dropped and every watch cut, so each resume gets 410 Expired (1-3 times)',
    async during(ctx) {
      for (let i = ctx.r.int(1, 3); i > 0 && !ctx.done(); i--) {
        await ctx.sleep(ctx.r.between(200, 2500));
        ctx.sim.faults.expireWatches();
      }
    },
  },
  'throttle-429': {
    describe: 'bursts of 429 TooManyRequests with Retry-After 1-2 s (0.5-3 s each), on top of 10% of requests throttled',
    groupSpec: 'throttle-rate=0.1',
    async during(ctx) {
      for (let i = ctx.r.int(1, 2); i > 0 && !ctx.done(); i--) {
        await ctx.sleep(ctx.r.between(200, 3000));
        ctx.sim.faults.burst({ forMs: ctx.r.between(500, 3000), code: 429, retryAfterSeconds: ctx.r.int(1, 2) });
      }
    },
  },
  'burst-5xx': {
    describe: 'every request answered 500 or 503 for 1-6 s, then healthy (1-2 bursts)',
    async during(ctx) {
      for (let i = ctx.r.int(1, 2); i > 0 && !ctx.done(); i--) {
        await ctx.sleep(ctx.r.between(200, 3000));
        ctx.sim.faults.burst({ forMs: ctx.r.between(1000, 6000), code: ctx.r.pick([500, 503]) });
      }
    },
  },
  latency: {
    describe: '20-300 ms added to every request (re-drawn at random moments)',
    async during(ctx) {
      while (!ctx.done()) {
        ctx.sim.faults.set({ latencyMs: Math.round(ctx.r.between(20, 300)) });
        await ctx.sleep(ctx.r.between(500, 3000));
      }
    },
  },
  'apiserver-restart': {
    describe: 'the API server restarted mid-rollout: connections closed, refused for 0-3 s, same store after',
    async during(ctx) {
      // Mid-rollout: once the command has written (its revision, or the watchdog's Lease). Before that, a server
      // that never answered is "unreachable" (exit 5, nothing changed), the documented outcome, not this fault's.
      const trigger = await ctx.started();
      await ctx.sleep(ctx.r.between(0, 2500));
      const downMs = Math.round(ctx.r.between(0, 3000));
      if (ctx.done()) return;
      ctx.note(`API server restarted (down ${downMs} ms) after ${trigger}`);
      await ctx.sim.faults.restartApiServer(downMs);
    },
  },
  'helm-sigkill': {
    describe: 'helm SIGKILLed mid-upgrade / mid-rollback (leaves pending-*), then the plugin run again (--recover-pending)',
    process: 'helm',
  },
  'plugin-sigkill': {
    describe: 'the plugin SIGKILLed mid-rollback (or mid-upgrade), alone or with its helm, then run again',
    process: 'plugin',
  },
};

/**
 * Resolves once the command under test has written to the cluster: a release record newer than those there now,
 * or the watchdog's Lease (`autorollback-RELEASE`); or after `timeoutMs`. Resolves to what it saw (for the run's
 * notes).
 */
function commandWrote(store, namespace, release, timeoutMs) {
  const before = Math.max(0, ...[...releaseHistory(store, namespace, release).keys()]);
  const wrote = (e) =>
    (e.resource === 'secrets' && e.object.metadata?.namespace === namespace && e.object.metadata?.labels?.name === release && Number(e.object.metadata.labels.version) > before) ||
    (e.resource === 'leases.coordination.k8s.io' && e.object.metadata?.namespace === namespace && e.object.metadata?.name === `autorollback-${release}`);
  return new Promise((resolve) => {
    let off = () => undefined;
    const timer = setTimeout(() => (off(), resolve(`no write within ${timeoutMs} ms`)), timeoutMs);
    off = store.subscribe((e) => {
      if (e.type !== 'DELETED' && wrote(e)) {
        clearTimeout(timer);
        off();
        const holder = e.object.spec?.holderIdentity;
        resolve(`${e.type} ${e.resource} ${e.object.metadata?.name}${holder ? ` held by ${holder}` : ''}`);
      }
    });
  });
}

/** Decodes helm's release records of `release` in `namespace` from the store: version -> facts. */
export function releaseHistory(store, namespace, release) {
  const out = new Map();
  for (const s of store.list('secrets', { namespace, labelSelector: `name=${release},owner=helm` }).items) {
    try {
      const inner = Buffer.from(s.data.release, 'base64').toString('utf8');
      const rel = JSON.parse(gunzipSync(Buffer.from(inner, 'base64')).toString('utf8'));
      out.set(rel.version, {
        version: rel.version,
        status: rel.info.status,
        description: rel.info.description ?? '',
        image: rel.config?.image ?? 'nginx:1.27',
        rollbackTo: /^Rollback to (\d+)/.exec(rel.info.description ?? '')?.[1] !== undefined ? Number(/^Rollback to (\d+)/.exec(rel.info.description)[1]) : undefined,
      });
    } catch {
      // a record being written: skipped
    }
  }
  return out;
}

const isCrashImage = (image) => /crashloop|crash-after/.test(image);
const isPending = (status) => typeof status === 'string' && status.startsWith('pending');

/**
 * Judges one run from the history before (`before`: max version), the history now, the statuses recorded right
 * after an injected kill (`statusAtKill`), the expected good image and, for healthy scenarios, the new image.
 */
export function judge({ scenario, history, beforeMax, goodImage, newImage, statusAtKill = new Map(), deploymentOk, killedAfterMs = [] }) {
  const verdict = { missed: 0, false: 0, double: 0, errors: [] };
  const statusOf = (v) => statusAtKill.get(v) ?? history.get(v)?.status;
  const versions = [...history.keys()].filter((v) => v > beforeMax).sort((a, b) => a - b);
  let firstRollback;
  for (const v of versions) {
    const rev = history.get(v);
    if (rev.rollbackTo === undefined) continue;
    firstRollback ??= rev;
    const pred = history.get(v - 1);
    if (!pred) continue; // pruned by history-max
    if (pred.rollbackTo !== undefined && !isPending(statusOf(v - 1))) verdict.double++;
    else if (pred.rollbackTo === undefined && !isCrashImage(pred.image) && !isPending(statusOf(v - 1))) verdict.false++;
    const target = history.get(rev.rollbackTo);
    if (target && target.image !== goodImage && rev.image !== goodImage) {
      verdict.missed++;
      verdict.errors.push(`revision ${v} rolled back to revision ${rev.rollbackTo} (${rev.image}), not to the last known good image ${goodImage}`);
    }
  }
  const deployed = [...history.values()].filter((r) => r.status === 'deployed').sort((a, b) => b.version - a.version)[0];
  const crashing = scenario === 'upgrade-crash' || scenario === 'watchdog-degrade';
  if (crashing) {
    for (const v of versions) {
      const rev = history.get(v);
      if (rev.rollbackTo !== undefined || !isCrashImage(rev.image)) continue;
      const next = history.get(v + 1);
      // The same upgrade run again (after helm lost the API server) is one attempt: its last revision is judged.
      if (next && next.rollbackTo === undefined && next.image === rev.image) continue;
      if (!next || next.rollbackTo === undefined) {
        verdict.missed++;
        verdict.errors.push(`crashing revision ${v} (${rev.status}) was not rolled back`);
      }
    }
    // watchdog-degrade: the crashing revision is deployed by plain helm before the run (at beforeMax).
    if (scenario === 'watchdog-degrade' && !firstRollback) {
      verdict.missed++;
      verdict.errors.push('the degraded revision was not rolled back');
    }
    if (!deployed || deployed.image !== goodImage) {
      if (verdict.missed === 0) verdict.missed++;
      verdict.errors.push(`final deployed revision ${deployed?.version ?? 'none'} runs ${deployed?.image ?? 'nothing'}, not the last known good ${goodImage}`);
    }
  } else if (!deployed || deployed.image !== newImage) {
    if (verdict.false === 0) verdict.errors.push(`final deployed revision ${deployed?.version ?? 'none'} runs ${deployed?.image ?? 'nothing'}, not the new ${newImage} (no rollback)`);
    else verdict.errors.push(`rolled back a healthy revision: final deployed ${deployed?.version} runs ${deployed?.image}`);
  }
  if (deploymentOk === false) verdict.errors.push('the Deployment is not rolled out and ready on the final image');
  // A command that never exits hangs a CI job even when the release ends right.
  for (const [n, ms] of killedAfterMs.entries()) if (ms !== undefined) verdict.errors.push(`${n === 0 ? 'the command' : 'its second run'} did not exit: the harness killed it after ${Math.round(ms / 1000)} s`);
  // The table counts runs: a run that missed twice over is one missed run.
  return { ...verdict, missed: Math.min(verdict.missed, 1), false: Math.min(verdict.false, 1), double: Math.min(verdict.double, 1) };
}

/**
 * Runs a command to its end, killing it after `timeoutMs`. With SOAK_REPORT_DIR set, a Node command (the plugin)
 * still running then first writes a diagnostic report there (its stack, open sockets and timers: what it waits
 * on), named after its pid.
 */
function run(cmd, args, env, { timeoutMs = COMMAND_TIMEOUT_MS, onSpawn } = {}) {
  return new Promise((resolve) => {
    const reportDir = cmd === process.execPath ? process.env.SOAK_REPORT_DIR : undefined;
    const childEnv = reportDir ? { ...env, NODE_OPTIONS: `--report-on-signal --report-signal=SIGUSR2 --report-directory=${reportDir}` } : env;
    const child = spawn(cmd, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      if (!reportDir) return child.kill('SIGKILL');
      child.kill('SIGUSR2');
      setTimeout(() => child.kill('SIGKILL'), 2000);
    }, timeoutMs);
    onSpawn?.(child);
    child.on('error', (err) => {
      stderr += String(err);
    });
    const started = Date.now();
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

/** Pids of the direct children of `pid` (from /proc). */
function childrenOf(pid) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function deploymentReady(store, namespace, name, image) {
  const d = store.get('deployments.apps', namespace, name);
  if (!d) return false;
  const s = d.status ?? {};
  const want = d.spec?.replicas ?? 1;
  return (
    d.spec?.template?.spec?.containers?.[0]?.image === image &&
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
    s.updatedReplicas === want &&
    s.readyReplicas === want &&
    s.replicas === want
  );
}

/**
 * Runs the soak. Options: faults (names), runs (per fault), seed, concurrency (lanes per fault), parallelFaults
 * (faults at once, each on its own simulator), timeScale, only (one run index), subset (two runs per fault: healthy and
 * failing, of the upgrade for even-numbered faults and of the watchdog for odd ones), commandTimeoutMs (the cap on one
 * plugin command), log(message). Resolves to { rows, failures, seed, durationMs }.
 */
export async function runSoak(options) {
  const { startSim } = await import(join(root, 'dist', 'sim', 'index.js'));
  const { helmBinary } = await import(join(root, 'dist', 'toolchain', 'binaries.js'));
  const log = options.log ?? (() => undefined);
  const seed = options.seed;
  const rows = new Map();
  const failures = [];
  const started = Date.now();
  const soakFault = async (name) => {
    const fault = FAULTS[name];
    // The fault's place in FAULTS (not in the selection), so a run's seed is the same when run alone.
    const fi = Object.keys(FAULTS).indexOf(name);
    const indices =
      options.only !== undefined ? [options.only] : options.subset ? (fi % 2 === 0 ? [0, 1] : [2, 3]) : Array.from({ length: options.runs }, (_, i) => i);
    if (!fault) throw new Error(`unknown fault ${name} (known: ${Object.keys(FAULTS).join(', ')})`);
    const dir = mkdtempSync(join(tmpdir(), `har-soak-${name}-`));
    const sim = await startSim({ timeScale: options.timeScale ?? 10, kubeconfigPath: join(dir, 'kubeconfig') });
    const tracker = track(sim.store);
    const results = [];
    try {
      const lanes = Math.min(options.concurrency ?? 6, indices.length);
      let nextRun = 0;
      let activeRuns = 0;
      // Every lane is set up before any run starts: a run's fault would otherwise hit another lane's set-up.
      const envs = Array.from({ length: lanes }, (_, lane) => laneEnv(dir, lane, sim));
      const setupStart = Date.now();
      const ready = await Promise.all(envs.map((env, lane) => setupLane({ name, lane, env, helmBinary, sim, log })));
      if (Date.now() - setupStart > 20_000) log(`${name}: set-up of ${lanes} lane(s) took ${((Date.now() - setupStart) / 1000).toFixed(1)} s`);
      const laneWork = async (lane) => {
        const env = envs[lane];
        let state = ready[lane];
        while (nextRun < indices.length && (options.stopAt === undefined || Date.now() < options.stopAt)) {
          const i = indices[nextRun++];
          const runSeed = (seed + fi * 100_003 + i * 7919) >>> 0;
          if (!state) state = await setupLane({ name, lane, env, helmBinary, sim, log, attempt: i });
          if (!state) {
            results.push({ i, runSeed, scenario: SCENARIOS[i % 4], codes: [], history: [], stderr: [], verdict: { missed: 0, false: 0, double: 0, errors: ['lane setup failed'] } });
            continue;
          }
          activeRuns++;
          const runStart = Date.now();
          if (fault.groupSpec && activeRuns === 1) sim.faults.set(fault.groupSpec);
          const result = await oneRun({ name, fault, i, runSeed, scenario: SCENARIOS[i % 4], state, env, sim, tracker, helmBinary, commandTimeoutMs: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS });
          activeRuns--;
          if (activeRuns === 0) sim.faults.clear();
          results.push(result);
          const bad = result.verdict.missed + result.verdict.false + result.verdict.double + result.verdict.errors.length;
          log(`${name} #${i} ${result.scenario} helm ${result.major} seed ${runSeed}: ${bad ? `FAIL ${result.verdict.errors.join('; ') || JSON.stringify(result.verdict)}` : 'ok'}${result.ttdMs !== undefined ? ` (TTD ${result.ttdMs} ms)` : ''}, exit ${result.codes.join(', ')} after ${(result.commandMs ?? []).map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}, run ${((Date.now() - runStart) / 1000).toFixed(1)} s`);
          // A failure's evidence right away (the table and the full evidence come at the end).
          if (bad) log(`  exit ${result.codes.join(', ')}; ${result.history.join(' | ')}\n${(result.notes ?? []).map((n) => `  fault: ${n}\n`).join('')}${result.stderr.map((e) => e.trim().split('\n').slice(-6).join('\n')).join('\n---\n')}`);
          if (bad) {
            failures.push({ fault: name, ...result });
            state = undefined; // a fresh lane: a broken release would poison the next runs
          }
        }
      };
      await Promise.all(Array.from({ length: lanes }, (_, lane) => laneWork(lane)));
    } finally {
      tracker.stop();
      sim.faults.clear();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    const ttds = results.map((r) => r.ttdMs).filter((t) => t !== undefined).sort((a, b) => a - b);
    rows.set(name, {
      fault: name,
      runs: results.length,
      missed: sum(results, (r) => r.verdict.missed),
      false: sum(results, (r) => r.verdict.false),
      double: sum(results, (r) => r.verdict.double),
      errors: results.filter((r) => r.verdict.errors.length > 0 && r.verdict.missed + r.verdict.false + r.verdict.double === 0).length,
      p95TtdMs: ttds.length ? ttds[Math.min(ttds.length - 1, Math.ceil(ttds.length * 0.95) - 1)] : undefined,
      ttdSamples: ttds.length,
    });
  };
  // Faults run side by side, each on its own simulator (`parallelFaults` at a time): helm and the plugin mostly wait.
  const queue = [...options.faults];
  await Promise.all(
    Array.from({ length: Math.min(options.parallelFaults ?? 1, queue.length) }, async () => {
      while (queue.length > 0) await soakFault(queue.shift());
    }),
  );
  return { rows: options.faults.map((f) => rows.get(f)), failures, seed, durationMs: Date.now() - started };
}

const sum = (xs, f) => xs.reduce((n, x) => n + f(x), 0);

/** helm's and kubectl's own folders per lane (nothing of the user's), the simulator's kubeconfig, no colour. */
function laneEnv(dir, lane, sim) {
  const homes = ['HOME', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'HELM_CACHE_HOME', 'HELM_CONFIG_HOME', 'HELM_DATA_HOME', 'KUBECACHEDIR'];
  const env = { PATH: process.env.PATH, KUBECONFIG: sim.kubeconfigPath, CI: '1', NO_COLOR: '1' };
  for (const name of homes) {
    env[name] = join(dir, `lane-${lane}`, name.toLowerCase());
    mkdirSync(env[name], { recursive: true });
  }
  return env;
}

/**
 * The plugin's --timeout: a run takes seconds, so a plugin whose helm hangs ends with its log, inside the harness's
 * cap on a command (COMMAND_TIMEOUT_MS; 150 s in the `npm test` subset).
 */
const UPGRADE_TIMEOUT = '2m';
/** The set-up helm's --timeout: a healthy install of one pod takes seconds. */
const SETUP_TIMEOUT = '45s';
/**
 * The harness's cap on one command (ms): past it the command is killed and the run fails with "did not exit",
 * whatever the release shows. `commandTimeoutMs` in the options (`--command-timeout S`) overrides it.
 */
const COMMAND_TIMEOUT_MS = 300_000;
/** How long the harness's own set-up (plain helm) is tried again while other lanes' faults make it fail. */
const SETUP_RETRY_MS = 60_000;

/**
 * A fresh namespace and release for a lane: revision 1 installed healthy. The first set-up runs before any fault;
 * a lane set up again after a failed run may meet another lane's fault, so each try gets a namespace of its own (a
 * try cut by a 5xx burst can leave its release pending-install, or even exit 0 with the record unwritten) and
 * helm 3, whose --wait polls: helm 4's watcher can stay at status Unknown until its timeout when the read behind
 * one update meets a burst.
 */
async function setupLane({ name, lane, env, helmBinary, sim, log, attempt = 0 }) {
  const release = `r${lane}`;
  for (let tryNo = 0, until = Date.now() + SETUP_RETRY_MS; Date.now() <= until; tryNo++) {
    const namespace = `soak-${name}-${lane}-${attempt}${tryNo ? `-${tryNo}` : ''}`.slice(0, 63);
    const r = await run(helmBinary(3), ['upgrade', '--install', release, chart, '-n', namespace, '--create-namespace', '--wait', '--timeout', SETUP_TIMEOUT, '--set', 'image=nginx:1.27-base', '--set', 'replicas=1'], env);
    const history = releaseHistory(sim.store, namespace, release);
    if (r.code === 0 && [...history.values()].some((h) => h.status === 'deployed')) return { namespace, release };
    log(`${name} lane ${lane}: set-up try ${tryNo + 1} failed (helm exit ${r.code ?? r.signal}): ${r.stderr.trim().split('\n').pop()}`);
    await sleep(1000);
  }
  return undefined;
}

/** Watches the store for crash signals and release records, with the real time each was first seen. */
function track(store) {
  const crashes = new Map(); // `${ns}/${image}` -> real ms of each container termination (non-zero exit) seen
  const seen = new Set();
  const records = new Map(); // `${ns}/${release}/${version}` -> first ms
  const unsubscribe = store.subscribe((e) => {
    const o = e.object;
    const ns = o.metadata?.namespace;
    if (e.resource === 'pods' && e.type !== 'DELETED') {
      for (const c of o.status?.containerStatuses ?? []) {
        const t = c.state?.terminated ?? c.lastState?.terminated;
        if (t && t.exitCode !== 0) {
          const id = `${o.metadata.uid}/${c.name}/${t.finishedAt}/${c.restartCount}`;
          if (seen.has(id)) continue;
          seen.add(id);
          const key = `${ns}/${c.image}`;
          crashes.set(key, [...(crashes.get(key) ?? []), Date.now()]);
        }
      }
    } else if (e.resource === 'secrets' && e.type === 'ADDED' && o.metadata?.labels?.owner === 'helm') {
      const key = `${ns}/${o.metadata.labels.name}/${o.metadata.labels.version}`;
      if (!records.has(key)) records.set(key, Date.now());
    }
  });
  return { crashes, records, stop: unsubscribe };
}

async function oneRun({ name, fault, i, runSeed, scenario, state, env, sim, tracker, helmBinary, commandTimeoutMs }) {
  const r = rng(runSeed);
  const { namespace, release } = state;
  const major = r.pick([3, 4]);
  const helm = helmBinary(major);
  const penv = { ...env, HELM_BIN: helm };
  const replicas = r.int(1, 2);
  const before = releaseHistory(sim.store, namespace, release);
  let beforeMax = Math.max(0, ...before.keys());
  const good = [...before.values()].find((h) => h.status === 'deployed');
  const goodImage = good?.image;
  const tag = `${runSeed.toString(36)}`;
  let newImage;
  let badImage;
  const set = (image) => ['--set', `image=${image}`, '--set', `replicas=${replicas}`, '--timeout', UPGRADE_TIMEOUT];
  const cmdArgs = [];
  if (scenario === 'upgrade-healthy') {
    newImage = `nginx:1.27-h${tag}`;
    cmdArgs.push('upgrade', release, chart, '-n', namespace, ...set(newImage));
  } else if (scenario === 'upgrade-crash') {
    badImage = `nginx:crashloop-${tag}`;
    cmdArgs.push('upgrade', release, chart, '-n', namespace, ...set(badImage));
  } else if (scenario === 'watchdog-healthy') {
    newImage = `nginx:1.27-w${tag}`;
    cmdArgs.push('upgrade', release, chart, '-n', namespace, ...set(newImage), '--watchdog', `${r.int(4, 8)}s`);
  } else {
    badImage = `nginx:crash-after-${r.int(25, 40)}s-${tag}`;
    // Setup, not under test: plain helm deploys the image that degrades later (retried: other lanes' faults hit it).
    let setup;
    for (const until = Date.now() + SETUP_RETRY_MS; ; ) {
      setup = await run(helm, ['upgrade', release, chart, '-n', namespace, '--wait', ...set(badImage)], penv);
      if (setup.code === 0 || Date.now() > until) break;
      await sleep(1000);
      // A setup attempt cut by another lane's fault may leave the release pending-*: its documented recovery first.
      const latest = [...releaseHistory(sim.store, namespace, release).values()].sort((a, b) => b.version - a.version)[0];
      if (latest && isPending(latest.status)) await run(process.execPath, [cli, 'rollback', release, '-n', namespace, '--yes', '--no-tui'], penv);
    }
    const baked = [...releaseHistory(sim.store, namespace, release).values()].find((h) => h.status === 'deployed' && h.image === badImage);
    if (!baked) return { i, runSeed, scenario, major, codes: [setup.code], history: [], stderr: [setup.stderr], verdict: { missed: 0, false: 0, double: 0, errors: [`setup helm upgrade failed: ${setup.stderr.trim().split('\n').pop()}`] } };
    // The degrading revision is where this run's judging starts (failed setup attempts before it are not the plugin's).
    beforeMax = baked.version - 1;
    cmdArgs.push('watchdog', release, '-n', namespace, '--for', '40s');
  }
  const runStart = Date.now();
  let done = false;
  // What the fault did and when (ms into the run), shown with a failed run's evidence.
  const notes = [];
  const note = (message) => notes.push(`${Date.now() - runStart} ms: ${message}${child ? ` (command pid ${child.pid})` : ''}`);
  const ctx = { r: rng(runSeed ^ 0x5eed), sim, done: () => done, sleep: (ms) => sleep(ms), note, started: () => commandWrote(sim.store, namespace, release, 30_000) };
  const during = fault.during ? fault.during(ctx).catch(() => undefined) : Promise.resolve();

  // Process faults: which process to kill, when.
  const statusAtKill = new Map();
  let killNote = '';
  let killAt;
  let child;
  let orphans = [];
  let killer = Promise.resolve();
  if (fault.process) {
    const crashing = badImage !== undefined;
    const killHelmToo = fault.process === 'plugin' && r.chance(0.5);
    const delay = r.between(0, 1500);
    killer = (async () => {
      // The moment to aim at: helm's pending record of this run's own write (the upgrade; with a crash, the rollback).
      const wantRollback = crashing && (fault.process === 'plugin' || scenario === 'watchdog-degrade' || r.chance(0.5));
      const deadline = Date.now() + 120_000;
      while (!done && Date.now() < deadline) {
        const h = releaseHistory(sim.store, namespace, release);
        if ([...h.values()].some((x) => x.version > beforeMax && isPending(x.status) && (wantRollback ? x.rollbackTo !== undefined : x.rollbackTo === undefined))) break;
        await sleep(25);
      }
      await sleep(delay);
      if (done || !child) return;
      const helms = childrenOf(child.pid).filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('helm');
        } catch {
          return false;
        }
      });
      if (fault.process === 'helm') {
        if (helms.length === 0) return;
        for (const pid of helms) process.kill(pid, 'SIGKILL');
        killNote = `helm SIGKILLed ${Date.now() - runStart} ms in`;
      } else {
        child.kill('SIGKILL');
        if (killHelmToo) for (const pid of helms) process.kill(pid, 'SIGKILL');
        else orphans = helms;
        killNote = `plugin SIGKILLed ${Date.now() - runStart} ms in${killHelmToo ? ' with its helm' : ''}`;
      }
      killAt = Date.now();
      await sleep(50);
      for (const [v, h] of releaseHistory(sim.store, namespace, release)) if (isPending(h.status)) statusAtKill.set(v, h.status);
    })();
  }
  const first = await run(process.execPath, [cli, ...cmdArgs, '--json', '--no-tui'], penv, { timeoutMs: commandTimeoutMs, onSpawn: (c) => (child = c) });
  await killer;
  const outputs = [first];
  if (killNote) {
    // An orphaned helm finishes (or dies on its closed pipes) first, as a CI job's next attempt would find it.
    const deadline = Date.now() + 120_000;
    while (orphans.some(alive) && Date.now() < deadline) await sleep(100);
    // What the second run finds: a revision still pending here was left so by the kill, and rolling it back is
    // the documented recovery, not a false or double rollback.
    const found = releaseHistory(sim.store, namespace, release);
    for (const [v, h] of found) if (!isPending(statusAtKill.get(v))) statusAtKill.set(v, h.status);
    const latest = [...found.values()].sort((a, b) => b.version - a.version)[0];
    if (cmdArgs[0] === 'watchdog') {
      // The documented recovery of a release stuck in pending-*: `rollback` (else the watchdog again).
      if (latest && isPending(latest.status)) outputs.push(await run(process.execPath, [cli, 'rollback', release, '-n', namespace, '--yes', '--json', '--no-tui'], penv, { timeoutMs: commandTimeoutMs }));
    } else {
      outputs.push(await run(process.execPath, [cli, ...cmdArgs, '--recover-pending', '--json', '--no-tui'], penv, { timeoutMs: commandTimeoutMs }));
    }
  }
  done = true;
  await during;
  sim.faults.set(fault.groupSpec ?? {});

  // Let the final rollout settle (the plugin exits once it judged it; an orphaned helm may still write).
  const history = releaseHistory(sim.store, namespace, release);
  const deployed = [...history.values()].filter((h) => h.status === 'deployed').sort((a, b) => b.version - a.version)[0];
  const expectImage = badImage ? goodImage : newImage;
  let deploymentOk = false;
  const settle = Date.now() + 30_000;
  while (Date.now() < settle) {
    if (deploymentReady(sim.store, namespace, release, deployed?.image ?? expectImage)) {
      deploymentOk = true;
      break;
    }
    await sleep(200);
  }
  const killedAfterMs = outputs.map((o) => (o.timedOut ? o.ms : undefined));
  const verdict = judge({ scenario, history, beforeMax, goodImage, newImage, statusAtKill, deploymentOk, killedAfterMs });
  let ttdMs;
  if (badImage) {
    // The kubelet reports the normalized reference (docker.io/library/nginx:...). The crash signal is the last
    // termination of the bad image before the rollback: the one the rules decided on (the watchdog tolerates a
    // single restart, so its first crash is not yet a verdict).
    const rb = [...history.values()].filter((h) => h.version > beforeMax && h.rollbackTo !== undefined).sort((a, b) => a.version - b.version)[0];
    const rbAt = rb && tracker.records.get(`${namespace}/${release}/${rb.version}`);
    const terminations = [...tracker.crashes].filter(([key]) => key.startsWith(`${namespace}/`) && key.endsWith(badImage)).flatMap(([, ts]) => ts);
    const crashAt = rbAt === undefined ? undefined : Math.max(...terminations.filter((t) => t <= rbAt), -Infinity);
    // A rollback that only came with the second run measures the harness, not the detection.
    if (crashAt !== undefined && Number.isFinite(crashAt) && rbAt >= crashAt && (killAt === undefined || rbAt < killAt)) ttdMs = rbAt - crashAt;
  }
  return {
    i,
    runSeed,
    scenario,
    major,
    ttdMs,
    killNote,
    verdict,
    codes: outputs.map((o) => o.code ?? o.signal),
    commandMs: outputs.map((o) => o.ms),
    notes,
    history: [...history.values()].sort((a, b) => a.version - b.version).map((h) => `${h.version} ${h.status} ${h.image}${h.rollbackTo ? ` (rollback to ${h.rollbackTo})` : ''}`),
    stderr: outputs.map((o) => o.stderr.split('\n').slice(-25).join('\n')),
  };
}

/** The table the issue asks for. */
export function formatTable(rows) {
  const header = ['fault', 'runs', 'missed', 'false rollbacks', 'double rollbacks', 'p95 TTD', 'errors'];
  const cells = rows.map((r) => [r.fault, r.runs, r.missed, r.false, r.double, r.p95TtdMs === undefined ? '-' : `${(r.p95TtdMs / 1000).toFixed(2)} s`, r.errors].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...cells.map(line)].join('\n');
}
