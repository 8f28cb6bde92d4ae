// Shared by the benchmarks that run the plugin and the real helm against kube-sim: spawning with resource
// usage, a small task pool, per-helm environments, percentiles, and the simulator-side evidence recorder that
// gives a "precise TTD" (the millisecond the simulator committed the first failure signal, seen in-process).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cli = join(root, 'bin', 'run.js');
const usageProbe = join(root, 'bench', 'lib', 'usage-probe.js');

/** Throws when dist/ (the CLI bundle and the compiled simulator) is missing. */
export function requireBuild() {
  if (!existsSync(join(root, 'dist', 'bundle', 'run.mjs')) || !existsSync(join(root, 'dist', 'sim', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build`');
  }
}

/** The compiled simulator and toolchain modules ({ startSim, helmBinary }). */
export async function loadSim() {
  requireBuild();
  const { startSim } = await import(join(root, 'dist', 'sim', 'index.js'));
  const { helmBinary } = await import(join(root, 'dist', 'toolchain', 'binaries.js'));
  return { startSim, helmBinary };
}

/**
 * Runs a command; resolves to { code, stdout, stderr, ms, pid }. With `usage: true` on a node command, also
 * { usage: { maxRssKb, userMs, systemMs } } of that node process alone (not its children such as helm), written
 * at its exit by bench/lib/usage-probe.js (loaded with --import).
 */
export function exec(file, args, env, options = {}) {
  return new Promise((resolve) => {
    const usageFile = options.usage ? join(env.HOME ?? '/tmp', `usage-${process.pid}-${Math.random().toString(36).slice(2)}.json`) : undefined;
    const argv = usageFile ? ['--import', usageProbe, ...args] : args;
    const started = performance.now();
    const child = spawn(file, argv, { env: usageFile ? { ...env, BENCH_USAGE_FILE: usageFile } : env, stdio: ['ignore', 'pipe', 'pipe'] });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => {
      stderr += c;
      options.onStderr?.(String(c));
    });
    child.on('close', (code) => {
      const result = { code, stdout, stderr, ms: performance.now() - started, pid: child.pid };
      if (usageFile && existsSync(usageFile)) {
        result.usage = JSON.parse(readFileSync(usageFile, 'utf8'));
        rmSync(usageFile, { force: true });
      }
      resolve(result);
    });
  });
}

/** Runs async task functions at most `limit` at a time; resolves to their results in order. */
export async function pool(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

/** An isolated environment for one helm major under `dir` (own HOME, caches, KUBECACHEDIR), plugin's HELM_BIN set. */
export function helmEnv(dir, kubeconfigPath, major, helmBinary) {
  const home = join(dir, `h${major}`);
  for (const d of ['home', 'cache', 'config', 'data', 'kube']) mkdirSync(join(home, d), { recursive: true });
  return {
    PATH: process.env.PATH,
    HOME: join(home, 'home'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    KUBECACHEDIR: join(home, 'kube'),
    KUBECONFIG: kubeconfigPath,
    HELM_BIN: helmBinary(major),
    CI: '1',
    NO_COLOR: '1',
  };
}

/** The p-th percentile (0-100, nearest rank) of numbers. */
export function percentile(values, p) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Waiting reasons that are decisive at first sight (each is also the failure reason it leads to). */
const WAITING_REASONS = new Set(['CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);

/**
 * The failure reasons a committed simulator write is evidence of (restarts counted against `maxRestarts`,
 * the plugin's --max-restarts default 2). Kubernetes timestamps in the objects have 1 s resolution; the moment
 * of the write itself is known to the millisecond, in-process.
 */
export function evidenceIn(event, maxRestarts = 2) {
  if (event.type === 'DELETED') return [];
  const o = event.object;
  const out = [];
  if (event.resource === 'pods') {
    const conditions = o.status?.conditions ?? [];
    if (conditions.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')) out.push('Unschedulable');
    for (const c of [...(o.status?.initContainerStatuses ?? []), ...(o.status?.containerStatuses ?? [])]) {
      const waiting = c.state?.waiting?.reason;
      if (waiting && WAITING_REASONS.has(waiting)) out.push(waiting);
      if (c.state?.terminated?.reason === 'OOMKilled' || c.lastState?.terminated?.reason === 'OOMKilled') out.push('OOMKilled');
      if ((c.restartCount ?? 0) >= maxRestarts) out.push('TooManyRestarts');
      if (c.state?.running && c.ready !== true) out.push('Unready');
    }
  } else if (event.resource === 'deployments.apps') {
    if ((o.status?.conditions ?? []).some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded')) out.push('ProgressDeadlineExceeded');
  } else if (event.resource === 'events' && o.reason === 'FailedCreate') {
    out.push('FailedCreate');
  } else if (event.resource === 'jobs.batch') {
    if ((o.status?.conditions ?? []).some((c) => c.type === 'Failed' && c.status === 'True')) out.push('HookFailed', 'JobFailed');
  }
  return out;
}

/**
 * Records, per namespace and failure reason, the wall-clock millisecond the simulator first committed evidence
 * of it, counting only from `arm(ns)` (a run's start: a baseline install's pods pass through unready too).
 * `graceMs` adds a rule's fixed grace to its evidence; reasons in `noPrecise` (graces the benchmark cannot
 * know) give no precise time. Events of other namespaces cost one Map lookup.
 */
export function evidenceRecorder(store, { graceMs = {}, noPrecise = new Set(), maxRestarts = 2 } = {}) {
  const armed = new Map();
  const off = store.subscribe((event) => {
    const seen = armed.get(event.object?.metadata?.namespace);
    if (!seen) return;
    const t = Date.now();
    for (const reason of evidenceIn(event, maxRestarts)) if (!seen.has(reason)) seen.set(reason, t);
  });
  return {
    arm: (ns) => armed.set(ns, new Map()),
    disarm: (ns) => armed.delete(ns),
    /** When the evidence deciding `reason` appeared: its first write, plus the grace for grace-bound rules. */
    decisiveAt: (ns, reason) => {
      if (noPrecise.has(reason)) return undefined;
      const first = armed.get(ns)?.get(reason);
      return first === undefined ? undefined : first + (graceMs[reason] ?? 0);
    },
    /** Every reason seen in `ns` so far and when (ms). */
    seen: (ns) => Object.fromEntries(armed.get(ns) ?? []),
    stop: off,
  };
}

/**
 * Our precise TTD of one `upgrade --json` report: its failure's detectedAt minus the moment the simulator
 * committed the deciding evidence (undefined when either is unknown).
 */
export function preciseTtdMs(evidence, ns, report) {
  const reason = report?.failure?.reason;
  const decisive = reason ? evidence.decisiveAt(ns, reason) : undefined;
  const detected = report?.failure?.detectedAt ? Date.parse(report.failure.detectedAt) : undefined;
  return decisive !== undefined && detected !== undefined ? detected - decisive : undefined;
}
