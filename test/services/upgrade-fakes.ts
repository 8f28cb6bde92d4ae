/**
 * In-memory ports for the upgrade service: a scripted helm, a cluster watch the test feeds, a release store,
 * a ledger and a manual clock. They model just what helm and the cluster do that the service relies on.
 */
import type { ClusterSnapshot } from '../../src/domain/health/types.js';
import { EMPTY_SNAPSHOT } from '../../src/domain/health/types.js';
import { recordName, type Release, type ReleaseStatus, type RevisionSummary } from '../../src/domain/release/release.js';
import { recordVerdict, type LedgerEntry } from '../../src/domain/rollback/ledger.js';
import type { Clock } from '../../src/ports/clock.js';
import type { ClusterWatch } from '../../src/ports/cluster-watch.js';
import type { HelmExit, HelmProcess, HelmRunner, HelmRunOptions } from '../../src/ports/helm-runner.js';
import type { LedgerStore } from '../../src/ports/ledger-store.js';
import type { ReleaseMarker } from '../../src/ports/release-marker.js';
import { ReleaseNotFoundError, RevisionNotFoundError, type ReleaseStore } from '../../src/ports/release-store.js';

/** A manual clock: time moves only through advance(). */
export class FakeClock implements Clock {
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  constructor(private t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  at(at: Date, fn: () => void): () => void {
    const timer = { at: at.getTime(), fn, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.at(new Date(this.t + ms), resolve));
  }
  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.live && x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
  }
  /** Timers still armed. */
  get pending(): number {
    return this.timers.filter((x) => x.live).length;
  }
}

/** Release records, shared by the store (bodies) and the watch (labels). */
export class FakeReleases implements ReleaseStore, ReleaseMarker {
  readonly driver = 'secret';
  readonly revisions: Release[] = [];
  constructor(
    readonly release: string,
    readonly namespace: string,
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** Stores (or replaces) a revision with this manifest and status. */
  put(revision: number, status: ReleaseStatus, manifest = ''): void {
    const i = this.revisions.findIndex((r) => r.revision === revision);
    const rel: Release = {
      name: this.release,
      namespace: this.namespace,
      revision,
      status,
      chart: { name: 'demo', version: '1.0.0', appVersion: '1' },
      description: '',
      values: {},
      manifest: manifest || (i >= 0 ? (this.revisions[i] as Release).manifest : ''),
      // A status change keeps the body, hooks included (as helm's own status updates do).
      hooks: i >= 0 ? (this.revisions[i] as Release).hooks : [],
      labels: {},
    };
    if (i >= 0) this.revisions[i] = rel;
    else this.revisions.push(rel);
    this.onChange();
  }
  readonly marked: Array<{ revision: number; description: string }> = [];
  async markFailed(_release: string, _namespace: string, revision: number, description: string): Promise<void> {
    this.marked.push({ revision, description });
    this.setStatus(revision, 'failed');
  }
  setStatus(revision: number, status: ReleaseStatus): void {
    this.put(revision, status);
  }
  remove(): void {
    this.revisions.length = 0;
    this.onChange();
  }
  status(revision: number): ReleaseStatus | undefined {
    return this.revisions.find((r) => r.revision === revision)?.status;
  }
  summaries(): RevisionSummary[] {
    return [...this.revisions]
      .sort((a, b) => a.revision - b.revision)
      .map((r) => ({ recordName: recordName(r.name, r.revision), release: r.name, revision: r.revision, status: r.status }));
  }
  async listHistory(release: string, namespace: string): Promise<RevisionSummary[]> {
    const s = this.summaries();
    if (s.length === 0) throw new ReleaseNotFoundError(release, namespace, this.driver);
    return s;
  }
  async getRevision(release: string, namespace: string, revision: number): Promise<Release> {
    const r = this.revisions.find((x) => x.revision === revision);
    if (!r) throw new RevisionNotFoundError(release, namespace, revision);
    return r;
  }
}

/** A cluster watch the test drives: set() replaces parts of the snapshot and notifies. */
export class FakeWatch implements ClusterWatch {
  current: ClusterSnapshot = EMPTY_SNAPSHOT;
  started = false;
  stopped = false;
  releases?: FakeReleases;
  private readonly listeners = new Set<() => void>();
  private readonly errorListeners = new Set<(e: Error) => void>();
  /** The fresh read, when a test gives the watch one (absent: verdicts stand as the informers show). */
  freshSnapshot?: () => Promise<ClusterSnapshot>;
  async start(): Promise<void> {
    this.started = true;
  }
  /** Each watchNamespaces call's namespaces. */
  readonly namespacesWatched: string[][] = [];
  async watchNamespaces(namespaces: readonly string[]): Promise<void> {
    this.namespacesWatched.push([...namespaces]);
  }
  snapshot(): ClusterSnapshot {
    return this.current;
  }
  releaseRecords(): RevisionSummary[] {
    return this.releases?.summaries() ?? [];
  }
  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  onError(l: (e: Error) => void): () => void {
    this.errorListeners.add(l);
    return () => this.errorListeners.delete(l);
  }
  stop(): void {
    this.stopped = true;
  }
  set(parts: Partial<ClusterSnapshot>): void {
    this.current = { ...this.current, ...parts };
    this.changed();
  }
  changed(): void {
    for (const l of [...this.listeners]) l();
  }
  fail(err: Error): void {
    for (const l of [...this.errorListeners]) l(err);
  }
}

/** One scripted helm process. */
export class FakeProcess implements HelmProcess {
  readonly exited: Promise<HelmExit>;
  terminated = false;
  private resolve!: (e: HelmExit) => void;
  private done = false;
  /** What SIGTERM does (default: exit 1 after `onTerminate`). */
  onTerminate: () => void = () => undefined;
  constructor(readonly args: readonly string[], readonly options: HelmRunOptions | undefined) {
    this.exited = new Promise((r) => (this.resolve = r));
  }
  exit(code: number, stderr = ''): void {
    if (this.done) return;
    this.done = true;
    if (stderr) this.options?.onLine?.('stderr', stderr);
    this.resolve({ code, signal: null, stdout: '', stderr });
  }
  /** Ends as a process killed by `signal` from outside (the OOM killer, a runner's reaper). */
  killedBy(signal: NodeJS.Signals): void {
    if (this.done) return;
    this.done = true;
    this.resolve({ code: null, signal, stdout: '', stderr: '' });
  }
  terminate(): void {
    this.terminated = true;
    this.onTerminate();
    this.exit(1, 'Error: UPGRADE FAILED: context canceled');
  }
  kill(): void {
    this.exit(137);
  }
}

/** A helm whose processes the test finishes; `script` reacts to each start (e.g. to write a revision). */
export class FakeHelm implements HelmRunner {
  readonly binary = 'fake-helm';
  readonly runs: FakeProcess[] = [];
  private waiters: Array<{ verb: string; resolve: (p: FakeProcess) => void }> = [];
  constructor(private readonly major = 3) {}
  start(args: readonly string[], options?: HelmRunOptions): HelmProcess {
    const p = new FakeProcess(args, options);
    this.runs.push(p);
    for (const w of this.waiters.filter((x) => x.verb === args[0])) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(p);
    }
    return p;
  }
  async majorVersion(): Promise<number> {
    return this.major;
  }
  /** Resolves with the next (or an already started, not yet claimed) process of `verb`. */
  next(verb: string, index = 0): Promise<FakeProcess> {
    const started = this.runs.filter((r) => r.args[0] === verb)[index];
    if (started) return Promise.resolve(started);
    return new Promise((resolve) => this.waiters.push({ verb, resolve }));
  }
  verbs(): string[] {
    return this.runs.map((r) => r.args[0] as string);
  }
}

/** The ledger in memory. */
export class FakeLedger implements LedgerStore {
  entries: LedgerEntry[] = [];
  async read(): Promise<{ entries: LedgerEntry[]; warnings: string[] }> {
    return { entries: [...this.entries], warnings: [] };
  }
  async record(_release: string, _namespace: string, entry: LedgerEntry): Promise<void> {
    this.entries = recordVerdict(this.entries, entry);
  }
}

/** Lets promise callbacks and setImmediate-coalesced evaluations run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}
