import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MemoryStore } from '../../src/sim/index.js';
import { helmBinary } from '../../src/toolchain/binaries.js';
import { helm, helmEnv, waitFor, writeChart, type RunResult } from '../sim/helpers.js';
import { restrictedKubeconfig, withRbacSim, type RbacSim } from './rbac-helpers.js';
import { badInputCases, secretValue, type BadInputCase, type BadInputWorld } from './bad-input-cases.js';

// The bad-input matrix (test/e2e/bad-input-cases.ts) against one kube-sim without controllers (nothing in it
// changes unless a client writes) and with RBAC on (rows run as the admin, the 403 rows as a user who may not
// read Secrets), with the real helm 4 (some rows helm 3). Per row: exactly one non-empty
// stderr line `Error: <problem> (<fix>)` (under --json also exactly one JSON error object on stdout), the
// documented exit code, no stack trace or secret, and the same cluster before and after (every object's
// kind/namespace/name/resourceVersion and every release's revisions and statuses).
const runJs = join(process.cwd(), 'bin', 'run.js');
let sim: RbacSim;
let world: BadInputWorld;
/** The plugin's `upgrade` of `web` that holds the release in pending-upgrade while the `running` rows run. */
let holder: Running | undefined;

/** A spawned bin/run.js: its pid (= process group), what it has printed so far, and its end. */
interface Running {
  pid: number;
  stderr: () => string;
  done: Promise<RunResult>;
}

const objectsChart = {
  'Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 1.0.0\n',
  'values.yaml': 'mode: a\nboom: false\ndb:\n  password: ""\n',
  'templates/objects.yaml': [
    '{{- if .Values.boom }}{{ fail "boom requested" }}{{ end }}',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n  mode: {{ .Values.mode | quote }}',
    '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-db\ndata:\n  password: {{ .Values.db.password | b64enc | quote }}',
  ].join('\n'),
};
const webChart = {
  'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
  'values.yaml': 'image: nginx:1.27\n',
  'templates/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: {{ .Release.Name }}}\n  template:\n    metadata:\n      labels: {app: {{ .Release.Name }}}\n    spec:\n      containers:\n        - name: web\n          image: {{ .Values.image }}\n',
};

/** Spawns bin/run.js in its own process group (so the holder and its helm can be killed together). */
function ours(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Running {
  const child = spawn(process.execPath, [runJs, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => killGroup(child.pid), timeoutMs);
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { pid: child.pid ?? -1, stderr: () => stderr, done };
}

function killGroup(pid: number | undefined): void {
  try {
    if (pid !== undefined && pid > 0) process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Every object (kind namespace/name rv) and every release revision (name vN status), sorted. */
function clusterSnapshot(store: MemoryStore): string[] {
  const lines: string[] = [];
  for (const type of store.resourceTypes()) {
    const key = type.group === '' ? type.plural : `${type.plural}.${type.group}`;
    for (const o of store.list(key).items) {
      const m = o.metadata as { namespace?: string; name?: string; resourceVersion?: string; labels?: Record<string, string> };
      lines.push(`${o.kind} ${m.namespace ?? ''}/${m.name} rv=${m.resourceVersion}`);
      if (m.labels?.owner === 'helm' && m.labels.name) lines.push(`release ${m.namespace}/${m.labels.name} v${m.labels.version} ${m.labels.status}`);
    }
  }
  return lines.sort();
}

function envFor(row: BadInputCase): NodeJS.ProcessEnv {
  const base = helmEnv(sim, row.helm ?? 4, { HELM_BIN: helmBinary(row.helm ?? 4) });
  return { ...base, ...(row.env?.(world) ?? {}) };
}

beforeAll(async () => {
  sim = await withRbacSim({ workloads: false });
  const w = (name: string, content: string, mode?: number) => {
    const path = join(sim.dir, name);
    writeFileSync(path, content);
    if (mode) chmodSync(path, mode);
    return path;
  };
  const unreachable = readFileSync(sim.kubeconfigPath, 'utf8').replace(/server: (https?):\/\/127\.0\.0\.1:\d+/, 'server: $1://127.0.0.1:1');
  // A user who may read everything of a release's workloads in "default" but not its Secrets (helm's records).
  const everythingButSecrets = [
    { apiGroups: [''], resources: ['configmaps', 'pods', 'services', 'events', 'serviceaccounts', 'persistentvolumeclaims'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['apps', 'batch', 'coordination.k8s.io'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
  ];
  world = {
    chart: writeChart(sim.dir, 'shop', objectsChart),
    webChart: writeChart(sim.dir, 'web', webChart),
    badValues: w('bad-values.yaml', 'image: [unclosed\n'),
    missing: join(sim.dir, 'does-not-exist'),
    // What a real helm 3.12 prints for `version --short` (and `version`).
    oldHelm: w('old-helm', '#!/bin/sh\nif [ "$2" = "--short" ]; then echo "v3.12.3+g3a31588"; else echo \'version.BuildInfo{Version:"v3.12.3", GitCommit:"3a31588", GitTreeState:"clean", GoVersion:"go1.20.5"}\'; fi\n', 0o755),
    notHelm: w('not-helm', '#!/bin/sh\necho "usage: frobnicate [options]"\nexit 0\n', 0o755),
    unreachableKubeconfig: w('unreachable-kubeconfig', unreachable),
    brokenKubeconfig: w('broken-kubeconfig', 'clusters: [\n'),
    badAnalysis: w('bad-analysis.yaml', 'checks: {error-rate: "sum(rate(x[1m]))"}\n'),
    badSimConfig: w('bad-sim.yaml', 'nodes: 3\n'),
    noSecretsKubeconfig: await restrictedKubeconfig(sim, 'no-secrets', { namespace: 'default', rules: everythingButSecrets }),
  };
  const h4 = async (args: string[]) => {
    const r = await helm(sim, 4, args);
    if (r.code !== 0) throw new Error(`helm ${args.join(' ')}: ${r.stderr}`);
  };
  // shop: two revisions of ConfigMap + Secret; web: one revision of a Deployment (no --wait: nothing runs it).
  await h4(['install', 'shop', world.chart, '-n', 'default', '--set', `db.password=${secretValue}`]);
  await h4(['upgrade', 'shop', world.chart, '-n', 'default', '--set', 'mode=b', '--set', `db.password=${secretValue}`]);
  await h4(['install', 'web', world.webChart, '-n', 'default']);
}, 120_000);

afterAll(async () => {
  killGroup(holder?.pid);
  await holder?.done;
  await sim?.stop();
});

/** What one row did: its output and the cluster around it. */
interface Outcome {
  r: RunResult;
  before: string[];
  after: string[];
}

/** Runs one row, snapshotting the cluster before and after. */
async function runRow(row: BadInputCase): Promise<Outcome> {
  const before = clusterSnapshot(sim.store);
  const r = await ours(row.argv(world), envFor(row)).done;
  return { r, before, after: clusterSnapshot(sim.store) };
}

/**
 * Starts every row, `width` at a time (the machine has two cores); each row's outcome is awaited by its own test.
 * A row that changed the cluster shows in the snapshots of the rows beside it too: a failure either way.
 */
function runAll(rows: readonly BadInputCase[], width: number): Map<BadInputCase, Promise<Outcome>> {
  const lanes: Array<Promise<unknown>> = Array.from({ length: width }, () => Promise.resolve());
  const outcomes = new Map<BadInputCase, Promise<Outcome>>();
  rows.forEach((row, i) => {
    const outcome = (lanes[i % width] as Promise<unknown>).then(() => runRow(row));
    lanes[i % width] = outcome.catch(() => undefined);
    outcomes.set(row, outcome);
  });
  return outcomes;
}

/** Runs one row and checks everything it promises. */
async function check(row: BadInputCase): Promise<void> {
  expectRow(row, await runRow(row));
}

/** Checks everything a row promises. */
function expectRow(row: BadInputCase, { r, before, after }: Outcome): void {
  const shown = `exit ${r.code}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout}`;
  expect({ exit: r.code, shown }).toEqual({ exit: row.exit, shown });
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines).toHaveLength(1);
  const line = lines[0] ?? '';
  expect(line).toMatch(/^Error: /);
  expect(line).toMatch(row.problem);
  expect(line).toMatch(row.fix);
  expect(line).not.toMatch(/\bat .*\.(m?js|ts):\d+/); // no stack frame
  for (const out of [r.stdout, r.stderr]) {
    expect(out).not.toContain(secretValue);
    expect(out).not.toContain(Buffer.from(secretValue).toString('base64'));
    expect(out).not.toMatch(/PRIVATE KEY|client-key-data|BEGIN CERTIFICATE/); // the kubeconfig's credentials
  }
  if (row.json) {
    const report = JSON.parse(r.stdout) as { outcome: string; exitCode: number; message: string; hint?: string };
    expect(report).toMatchObject({ outcome: 'error', exitCode: row.exit });
    expect(`${report.message} (${report.hint ?? ''})`).toMatch(row.problem);
    expect(`Error: ${report.message}${report.hint ? ` (${report.hint})` : ''}`).toBe(line);
  } else {
    expect(r.stdout.trim()).toBe('');
  }
  expect(after).toEqual(before);
}

describe('bad input: one line naming the problem and the fix, the documented exit code, the cluster unchanged', () => {
  const plain = badInputCases.filter((c) => c.phase === undefined);
  let outcomes = new Map<BadInputCase, Promise<Outcome>>();
  beforeAll(() => {
    outcomes = runAll(plain, 2);
  });
  it.each(plain.map((c) => [`${c.command}: ${c.name}`, c] as const))('%s', async (_name, row) => {
    expectRow(row, await (outcomes.get(row) as Promise<Outcome>));
  }, 60_000);

  it('while the plugin upgrades "web" (helm holds it in pending-upgrade), and after that upgrade is killed', async () => {
    const running = badInputCases.filter((c) => c.phase === 'running');
    const stuck = badInputCases.filter((c) => c.phase === 'stuck');
    expect(running.length + stuck.length).toBeGreaterThan(0);
    await Promise.allSettled(outcomes.values()); // the other rows are done: nothing else touches the cluster now
    holder = ours(['upgrade', 'web', world.webChart, '--no-tui', '--set', 'image=nginx:1.28', '--timeout', '10m', '--unready-grace', '10m'], { ...helmEnv(sim, 4), HELM_BIN: helmBinary(4) }, 120_000);
    const up = holder;
    await waitFor('web revision 2 pending-upgrade', () => {
      const s = sim.store.get('secrets', 'default', 'sh.helm.release.v1.web.v2') as { metadata?: { labels?: Record<string, string> } } | undefined;
      return s?.metadata?.labels?.status === 'pending-upgrade';
    }, 30_000);
    // helm has applied revision 2 and waits (nothing runs the Deployment); the plugin watches it.
    await waitFor('the plugin watching Deployment/web of revision 2', () => /Deployment\/web: 0\/1 ready/.test(up.stderr()), 30_000);
    for (const row of running) await check(row);
    // helm and the plugin die together: the release stays pending-upgrade, as after a crash.
    killGroup(holder.pid);
    await holder.done;
    for (const row of stuck) await check(row);
  }, 120_000);

  it('covers every command with at least 30 rows', () => {
    expect(badInputCases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(badInputCases.map((c) => c.command))).toEqual(
      new Set(['upgrade', 'rollback', 'history', 'diff', 'status', 'watchdog', 'watchdog disarm', 'doctor', 'sim', 'version']),
    );
  });
});
