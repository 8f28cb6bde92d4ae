/**
 * `doctor`: how ready a release is to be rolled back automatically, as a checklist. Pure: everything comes in
 * (history, record sizes, decoded revisions, ledger, `now`); each check returns findings with a severity, the
 * evidence it saw and the fix. The rollback traps reuse the guards of src/domain/guards (one implementation).
 */
import { configDriftFindings, evaluateGuards, gitOpsFindings, migrationSign, rollbackHooks, type GuardFinding } from '../guards/index.js';
import { containersOf, list, metaOf, podSpecOf, record } from '../guards/pod-spec.js';
import { manifestObjects } from '../manifest/workloads.js';
import type { Release, RevisionSummary } from '../release/release.js';
import type { LedgerEntry } from '../rollback/ledger.js';
import { chooseRollbackTarget } from '../rollback/target.js';

/** How much a finding matters; `error` makes `doctor` exit non-zero (a CI gate). */
export type DoctorSeverity = 'error' | 'warn' | 'info';

/** The groups of the checklist. */
export type DoctorCategory = 'history' | 'probes' | 'resources' | 'rollback-traps' | 'rollback-target';

/** One finding: what is wrong, what was seen, what to do. */
export interface DoctorFinding {
  check: DoctorCheckId;
  category: DoctorCategory;
  severity: DoctorSeverity;
  /** One line: the problem. */
  message: string;
  /** What was measured or read that shows it. */
  evidence: string;
  /** What to change. */
  fix?: string;
  /** `Kind/name[/container]` it is about. */
  objects?: string[];
}

/** Every check, in checklist order. */
export const DOCTOR_CHECKS = [
  { id: 'history-size', category: 'history', title: 'history length and size of release records vs --history-max' },
  { id: 'failed-rate', category: 'history', title: 'failed-revision rate' },
  { id: 'pending', category: 'history', title: 'no revision stuck in pending-*' },
  { id: 'readiness-probe', category: 'probes', title: 'every container has a readiness probe' },
  { id: 'liveness-without-readiness', category: 'probes', title: 'no liveness probe without a readiness probe' },
  { id: 'probe-budget', category: 'probes', title: 'probe budgets cover the start-up time observed for this release' },
  { id: 'memory', category: 'resources', title: 'memory requests and limits on every container' },
  { id: 'availability', category: 'resources', title: 'more than one replica, and a rollout that keeps pods available' },
  { id: 'migration-hooks', category: 'rollback-traps', title: 'migration hooks have a pre-rollback counterpart' },
  { id: 'config-drift', category: 'rollback-traps', title: 'config the workloads read is managed by the release' },
  { id: 'gitops', category: 'rollback-traps', title: 'no GitOps controller owns the release objects' },
  { id: 'rollback-target', category: 'rollback-target', title: 'a last known good revision to roll back to' },
] as const satisfies ReadonlyArray<{ id: string; category: DoctorCategory; title: string }>;

/** A check's id. */
export type DoctorCheckId = (typeof DOCTOR_CHECKS)[number]['id'];

/** A checklist row: `pass`, the worst severity of its findings, or `skipped` (no data to judge it). */
export interface DoctorCheckResult {
  id: DoctorCheckId;
  category: DoctorCategory;
  title: string;
  status: 'pass' | 'skipped' | DoctorSeverity;
  /** Why it was skipped. */
  note?: string;
}

/** Everything the checks look at. */
export interface DoctorInput {
  release: string;
  namespace: string;
  now: Date;
  /** Every stored revision (labels only), any order. */
  history: readonly RevisionSummary[];
  /** Bytes of each stored release record's body (`data.release`), by revision. */
  recordBytes: ReadonlyArray<{ revision: number; bytes: number }>;
  /** `--history-max` / `HELM_MAX_HISTORY` (helm's default 10; 0 = unlimited). */
  historyMax: number;
  /** Decoded revisions: at least the newest; older ones make the trap checks see more. */
  decoded: readonly Release[];
  ledger: readonly LedgerEntry[];
  /** Longest start-up observed per workload (`Kind/name` -> ms), from the ledger; empty when none recorded. */
  observedStartupMs?: Readonly<Record<string, number>>;
  /** Live objects of the release, when read (GitOps controllers label what they apply). */
  live?: readonly Record<string, unknown>[];
}

/** The result of one release's checkup: the `--json` shape (see the README). */
export interface DoctorReport {
  release: string;
  namespace: string;
  /** `error` if any finding is an error, else `warn` if any warns, else `pass`. */
  status: 'pass' | 'warn' | 'error';
  counts: { error: number; warn: number; info: number };
  /** The last known good revision (what a failed next upgrade rolls back to), or null when there is none. */
  lastKnownGood: { revision: number; deployedAt: string | null; ageMs: number | null; ledger: string | null } | null;
  checks: DoctorCheckResult[];
  findings: DoctorFinding[];
}

const KIB = 1024;
const MIB = 1024 * KIB;
/** A release record above this is close to the 1 MiB a Secret or ConfigMap can hold. */
const RECORD_WARN_BYTES = 768 * KIB;
/** Fewer stored revisions than this cannot keep a good one past two failed upgrades. */
const MIN_USEFUL_HISTORY = 3;
/** A failed-revision rate at or above this (with at least 2 failures) means timeouts or probes are off. */
const FAILED_RATE_WARN = 0.3;
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

type Emit = (f: Omit<DoctorFinding, 'check' | 'category'>) => void;

/** Runs every check over one release. Pure. */
export function runDoctor(input: DoctorInput): DoctorReport {
  const newest = [...input.decoded].sort((a, b) => b.revision - a.revision)[0];
  const findings: DoctorFinding[] = [];
  const skipped = new Map<DoctorCheckId, string>();
  const emitter = (check: DoctorCheckId): Emit => (f) => {
    const category = DOCTOR_CHECKS.find((c) => c.id === check)!.category;
    findings.push({ check, category, ...f });
  };
  historyChecks(input, emitter);
  const workloads = newest ? workloadsOf(newest) : [];
  probeChecks(workloads, input.observedStartupMs ?? {}, emitter, (id, note) => skipped.set(id, note));
  resourceChecks(workloads, emitter);
  if (newest) trapChecks(input, newest, emitter);
  const lastKnownGood = targetCheck(input, emitter('rollback-target'));

  const checks: DoctorCheckResult[] = DOCTOR_CHECKS.map((c) => {
    const mine = findings.filter((f) => f.check === c.id);
    const worst = (['error', 'warn', 'info'] as const).find((s) => mine.some((f) => f.severity === s));
    const note = skipped.get(c.id);
    return { id: c.id, category: c.category, title: c.title, status: worst ?? (note ? 'skipped' : 'pass'), ...(note ? { note } : {}) };
  });
  const counts = { error: 0, warn: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return {
    release: input.release,
    namespace: input.namespace,
    status: counts.error > 0 ? 'error' : counts.warn > 0 ? 'warn' : 'pass',
    counts,
    lastKnownGood,
    checks,
    findings,
  };
}

function size(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${Math.round(bytes / KIB)} KiB`;
}

function historyChecks(input: DoctorInput, emitter: (c: DoctorCheckId) => Emit): void {
  const { history, historyMax, release, namespace } = input;
  const count = history.length;
  const total = input.recordBytes.reduce((s, r) => s + r.bytes, 0);
  const largest = [...input.recordBytes].sort((a, b) => b.bytes - a.bytes)[0];
  const evidence = `${count} revisions stored, ${size(total)} of release records${largest ? ` (largest: revision ${largest.revision}, ${size(largest.bytes)})` : ''}; --history-max ${historyMax === 0 ? '0 (unlimited)' : historyMax}`;
  const sizeCheck = emitter('history-size');
  if (historyMax === 0) {
    sizeCheck({ severity: 'warn', message: 'history is unlimited: every revision stays in the cluster as a record', evidence, fix: `upgrade with --history-max 10 (or set HELM_MAX_HISTORY); helm prunes on the next upgrade` });
  } else if (count > historyMax) {
    sizeCheck({ severity: 'warn', message: `more revisions are stored than --history-max ${historyMax} keeps: an earlier upgrade ran with a larger limit or none`, evidence, fix: `upgrade with --history-max ${historyMax} every time (HELM_MAX_HISTORY in CI)` });
  } else if (historyMax < MIN_USEFUL_HISTORY) {
    sizeCheck({ severity: 'warn', message: `--history-max ${historyMax} keeps too few revisions: two failed upgrades prune the last known good one`, evidence, fix: 'keep at least 3 (helm\'s default is 10)' });
  }
  if (largest && largest.bytes > RECORD_WARN_BYTES) {
    sizeCheck({ severity: 'warn', message: `revision ${largest.revision}'s record is close to the 1 MiB a ${'Secret/ConfigMap'} can hold: a larger chart will fail to store`, evidence, fix: 'move big files out of the chart (e.g. into an image or a ConfigMap managed elsewhere)' });
  }

  const failed = history.filter((h) => h.status === 'failed');
  const rate = count === 0 ? 0 : failed.length / count;
  const rateText = `${failed.length} of ${count} stored revisions failed (${Math.round(rate * 100)}%)${failed.length ? `: ${failed.map((h) => h.revision).join(', ')}` : ''}`;
  if (failed.length >= 2 && rate >= FAILED_RATE_WARN) {
    emitter('failed-rate')({
      severity: 'warn',
      message: 'many revisions failed: timeouts may be too tight or probes too sensitive',
      evidence: rateText,
      fix: 'compare --timeout and the probes with the real start-up time; see `helm autorollback history` for the reasons',
    });
  }

  const pending = history.filter((h) => h.status.startsWith('pending-'));
  for (const p of pending) {
    emitter('pending')({
      severity: 'error',
      message: `revision ${p.revision} is stuck in ${p.status}: helm refuses every upgrade and rollback until it is resolved`,
      evidence: `revision ${p.revision} status ${p.status}${p.modifiedAt ? ` since ${p.modifiedAt.toISOString()}` : ''}`,
      fix: `helm autorollback rollback ${release} -n ${namespace} (or helm rollback ${release} <last good revision> -n ${namespace})`,
      objects: [`revision ${p.revision}`],
    });
  }
}

interface WorkloadView {
  ref: string;
  kind: string;
  spec: Record<string, unknown>;
  podSpec: Record<string, unknown>;
}

function workloadsOf(rel: Release): WorkloadView[] {
  const out: WorkloadView[] = [];
  for (const obj of manifestObjects(rel.manifest)) {
    if (typeof obj.kind !== 'string' || !WORKLOAD_KINDS.has(obj.kind)) continue;
    const podSpec = podSpecOf(obj);
    if (!podSpec) continue;
    out.push({ ref: `${obj.kind}/${metaOf(obj).name}`, kind: obj.kind, spec: record(obj.spec) ?? {}, podSpec });
  }
  return out;
}

/** Seconds a probe allows before it gives up: initialDelaySeconds + periodSeconds x failureThreshold (Kubernetes' defaults 0, 10, 3). */
export function probeBudgetSeconds(probe: Record<string, unknown>): number {
  const n = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  return n(probe.initialDelaySeconds, 0) + n(probe.periodSeconds, 10) * n(probe.failureThreshold, 3);
}

function probeChecks(workloads: WorkloadView[], startup: Readonly<Record<string, number>>, emitter: (c: DoctorCheckId) => Emit, skip: (id: DoctorCheckId, note: string) => void): void {
  const noReadiness: string[] = [];
  const livenessOnly: string[] = [];
  let budgetsJudged = 0;
  for (const w of workloads) {
    for (const c of list(w.podSpec.containers)) {
      const name = `${w.ref}/${typeof c.name === 'string' ? c.name : '?'}`;
      const readiness = record(c.readinessProbe);
      const liveness = record(c.livenessProbe);
      const startupProbe = record(c.startupProbe);
      if (!readiness && liveness) livenessOnly.push(name);
      else if (!readiness) noReadiness.push(name);
      const observed = startup[w.ref];
      if (observed === undefined || !(liveness || startupProbe)) continue;
      budgetsJudged += 1;
      // The kubelet restarts a container whose startup probe (or, without one, liveness probe) runs out first.
      const guard = startupProbe ?? liveness!;
      const budget = probeBudgetSeconds(guard);
      if (budget * 1000 < observed) {
        emitter('probe-budget')({
          severity: 'error',
          message: `${name}: the ${startupProbe ? 'startup' : 'liveness'} probe gives up after ${budget}s, but this release was seen taking ${(observed / 1000).toFixed(1)}s to start: restarts and a false rollback`,
          evidence: `initialDelaySeconds ${guard.initialDelaySeconds ?? 0} + periodSeconds ${guard.periodSeconds ?? 10} x failureThreshold ${guard.failureThreshold ?? 3} = ${budget}s < observed start-up ${(observed / 1000).toFixed(1)}s`,
          fix: `add a startupProbe (or raise failureThreshold) so that it allows at least ${Math.ceil((observed / 1000) * 1.5)}s`,
          objects: [name],
        });
      }
    }
  }
  if (noReadiness.length) {
    emitter('readiness-probe')({
      severity: 'warn',
      message: 'containers without a readiness probe count as ready the moment they start: a broken version gets traffic and passes helm --wait',
      evidence: `no readinessProbe: ${noReadiness.join(', ')}`,
      fix: 'add a readinessProbe that checks the app can serve',
      objects: noReadiness,
    });
  }
  if (livenessOnly.length) {
    emitter('liveness-without-readiness')({
      severity: 'warn',
      message: 'a liveness probe without a readiness probe restarts a slow pod but never keeps traffic away from it',
      evidence: `livenessProbe but no readinessProbe: ${livenessOnly.join(', ')}`,
      fix: 'add a readinessProbe (usually the same endpoint, a shorter period)',
      objects: livenessOnly,
    });
  }
  if (budgetsJudged === 0) skip('probe-budget', 'no start-up times in the ledger for these workloads yet');
}

/** How many pods a RollingUpdate may take down: maxUnavailable as a number or a percentage (rounded down), Kubernetes' default 25%. */
function maxUnavailable(value: unknown, replicas: number): number {
  if (typeof value === 'number') return value;
  const text = typeof value === 'string' ? value : '25%';
  const m = /^(\d+)%$/.exec(text.trim());
  return m ? Math.floor((replicas * Number(m[1])) / 100) : Number(text) || 0;
}

function resourceChecks(workloads: WorkloadView[], emitter: (c: DoctorCheckId) => Emit): void {
  const noRequest: string[] = [];
  const noLimit: string[] = [];
  for (const w of workloads) {
    for (const c of containersOf(w.podSpec) as Array<Record<string, unknown>>) {
      const name = `${w.ref}/${typeof c.name === 'string' ? c.name : '?'}`;
      const res = record(c.resources);
      if (record(res?.requests)?.memory === undefined) noRequest.push(name);
      if (record(res?.limits)?.memory === undefined) noLimit.push(name);
    }
  }
  const memory = emitter('memory');
  if (noRequest.length) {
    memory({ severity: 'warn', message: 'containers without a memory request are scheduled blind and evicted first under memory pressure', evidence: `no resources.requests.memory: ${noRequest.join(', ')}`, fix: 'set resources.requests.memory to the usual working set', objects: noRequest });
  }
  if (noLimit.length) {
    memory({ severity: 'warn', message: 'containers without a memory limit can take a node\'s memory: OOM kills land on other pods', evidence: `no resources.limits.memory: ${noLimit.join(', ')}`, fix: 'set resources.limits.memory (OOMKilled then points at the right container)', objects: noLimit });
  }

  const single: string[] = [];
  const zero: string[] = [];
  for (const w of workloads) {
    if (w.kind === 'DaemonSet') continue;
    const replicas = typeof w.spec.replicas === 'number' ? w.spec.replicas : 1;
    if (replicas === 1) single.push(w.ref);
    if (w.kind !== 'Deployment' || replicas === 0) continue;
    const strategy = record(w.spec.strategy);
    if (strategy?.type === 'Recreate') zero.push(`${w.ref} (strategy Recreate)`);
    else if (maxUnavailable(record(strategy?.rollingUpdate)?.maxUnavailable, replicas) >= replicas) zero.push(`${w.ref} (maxUnavailable ${String(record(strategy?.rollingUpdate)?.maxUnavailable)} of ${replicas})`);
  }
  const availability = emitter('availability');
  if (single.length) {
    availability({ severity: 'warn', message: 'a single replica: a crash, an eviction or a node drain is an outage, and a rollback replaces the only pod', evidence: `replicas 1: ${single.join(', ')}`, fix: 'run at least 2 replicas (with a PodDisruptionBudget)', objects: single });
  }
  if (zero.length) {
    availability({ severity: 'warn', message: 'the rollout strategy allows zero available pods: users see errors during every rollout and rollback', evidence: zero.join(', '), fix: 'use RollingUpdate with maxUnavailable below the replica count (e.g. 0 with maxSurge 1)', objects: zero.map((z) => z.split(' ')[0]!) });
  }
}

const GUARD_SEVERITY: Record<GuardFinding['severity'], DoctorSeverity> = { block: 'error', warn: 'warn', info: 'info' };

function fromGuard(g: GuardFinding): Omit<DoctorFinding, 'check' | 'category'> {
  return { severity: GUARD_SEVERITY[g.severity], message: g.message, evidence: g.objects?.length ? g.objects.join(', ') : g.message, ...(g.fix ? { fix: g.fix } : {}), ...(g.objects ? { objects: g.objects } : {}) };
}

function trapChecks(input: DoctorInput, newest: Release, emitter: (c: DoctorCheckId) => Emit): void {
  // Migration hooks of the chart as deployed now, and whether a rollback to it would run a pre-rollback hook.
  const preRollback = rollbackHooks(newest).filter((h) => h.events.includes('pre-rollback'));
  for (const hook of newest.hooks) {
    if (!hook.events.some((e) => ['pre-install', 'post-install', 'pre-upgrade', 'post-upgrade'].includes(e))) continue;
    const sign = migrationSign(hook);
    if (!sign || preRollback.length > 0) continue;
    emitter('migration-hooks')({
      severity: 'warn',
      message: `${hook.kind}/${hook.name} looks like a migration (${sign.by}) and the chart has no pre-rollback hook: a rollback never undoes a schema change`,
      evidence: `revision ${newest.revision}: ${hook.kind}/${hook.name} on ${hook.events.join(', ')}; no hook on pre-rollback`,
      fix: 'keep migrations backward-compatible (expand/contract), or add a pre-rollback hook that migrates down',
      objects: [`${hook.kind}/${hook.name}`],
    });
  }
  const others = input.decoded.filter((r) => r.revision !== newest.revision);
  for (const g of configDriftFindings({ target: newest, others })) emitter('config-drift')(fromGuard(g));
  for (const g of gitOpsFindings({ manifests: [newest.manifest], ...(input.live ? { live: input.live } : {}) })) emitter('gitops')(fromGuard(g));
  // When the newest revision is not itself good, the rollback that would run now crosses revisions: the guards judge it.
  const target = chooseRollbackTarget({ history: input.history, attemptedRevision: newest.revision, ledger: input.ledger });
  const targetRel = 'revision' in target ? input.decoded.find((r) => r.revision === target.revision) : undefined;
  if (targetRel && !['deployed'].includes(newest.status)) {
    const crossed = input.decoded.filter((r) => r.revision > targetRel.revision);
    for (const g of evaluateGuards({ target: targetRel, crossed, ledger: input.ledger }).filter((x) => x.guard === 'migration')) emitter('migration-hooks')(fromGuard(g));
  }
}

function targetCheck(input: DoctorInput, emit: Emit): DoctorReport['lastKnownGood'] {
  const latest = Math.max(0, ...input.history.map((h) => h.revision));
  // What a failed next upgrade would roll back to.
  const target = chooseRollbackTarget({ history: input.history, attemptedRevision: latest + 1, ledger: input.ledger });
  if ('none' in target) {
    emit({
      severity: 'error',
      message: 'no rollback target: a failed upgrade cannot be rolled back, only uninstalled or fixed forward',
      evidence: target.none,
      fix: `deploy a revision that works (helm autorollback upgrade ${input.release} ...) so there is a last known good one`,
    });
    return null;
  }
  const summary = input.history.find((h) => h.revision === target.revision);
  const decoded = input.decoded.find((r) => r.revision === target.revision);
  const at = decoded?.lastDeployed ?? summary?.modifiedAt ?? summary?.createdAt;
  const ageMs = at ? Math.max(0, input.now.getTime() - at.getTime()) : null;
  const verdict = input.ledger.find((e) => e.revision === target.revision);
  const ledger = verdict ? verdict.verdict : null;
  const age = ageMs === null ? 'age unknown' : `deployed ${humanAge(ageMs)} ago`;
  emit({
    severity: 'info',
    message: `a failed upgrade rolls back to revision ${target.revision} (${age})`,
    evidence: `revision ${target.revision}: status ${summary?.status ?? '?'}, ledger ${ledger ? `says ${ledger}` : 'has no verdict (deployed by plain helm: healthy as far as helm knows)'}`,
  });
  return { revision: target.revision, deployedAt: at ? at.toISOString() : null, ageMs, ledger };
}

/** `3d4h`, `5h12m`, `42m`, `30s`. */
export function humanAge(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}
