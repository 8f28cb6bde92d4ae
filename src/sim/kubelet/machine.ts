import type { ImageBehaviour } from '../config.js';
import { parseQuantity } from '../scheduler/resources.js';
import { defaultPullPolicy, imageId, imageSize, parseImage, sha256, type ImageReference } from './images.js';

/**
 * The kubelet's per-pod state machine, pure: `initPod` and `handlePod` take the current runtime state plus an
 * input (a timer firing, a referenced ConfigMap/Secret changing, the pod being deleted) and return the next state
 * with effects (Events to record, timers to arm, images now cached, the pod to remove). `podStatus` projects the
 * state onto core/v1 PodStatus exactly as a real kubelet writes it. Time comes in through the context: `simMs` is
 * simulated milliseconds (for backoffs), `now` is the wall-clock time written into timestamps.
 */

/** Initial CrashLoopBackOff / ImagePullBackOff delay (kubelet: 10 s, doubling). */
export const BACKOFF_INITIAL_MS = 10_000;
/** Maximum backoff (kubelet: 5 min). */
export const BACKOFF_MAX_MS = 300_000;
/** Time to create the pod sandbox (network namespace, pause container). */
export const SANDBOX_MS = 500;
/** Delay until the kubelet's next sync notices an exited container or a failed pull (PLEG relist ~1 s). */
export const SYNC_MS = 1_000;
/** Retry interval for a missing ConfigMap/Secret (volume mount or container config); changes retry at once. */
export const CONFIG_RETRY_MS = 10_000;
/** Time a container takes to stop after SIGTERM. */
export const STOP_MS = 500;

/** Read-only view of ConfigMaps and Secrets: the keys they hold, or undefined when absent. */
export type ConfigLookup = (kind: 'ConfigMap' | 'Secret', namespace: string, name: string) => Set<string> | undefined;

/** What the machine may consult besides its own state. */
export interface MachineContext {
  /** Simulated milliseconds since an arbitrary origin; only differences matter. */
  simMs: number;
  /** Wall-clock time for timestamps. */
  now: Date;
  lookup: ConfigLookup;
  /** Whether the node already has this (normalised) image. */
  imagePresent: (normalized: string) => boolean;
}

/** A container's terminated state, as in core/v1 ContainerStateTerminated. */
export interface TerminatedState {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: string;
  finishedAt: string;
  containerID: string;
}

type ProbeKind = 'startup' | 'readiness' | 'liveness';

interface ProbeCounters {
  successes: number;
  failures: number;
}

interface Backoff {
  backoffMs: number;
  lastUpdateMs: number;
}

/** One container's runtime state. */
export interface ContainerRuntime {
  name: string;
  init: boolean;
  image: string;
  behaviour: ImageBehaviour;
  /** Runs to completion (init containers; app containers when restartPolicy is Never or OnFailure). */
  runToCompletion: boolean;
  /** A native sidecar: an init container with restartPolicy Always, running alongside the app containers. */
  sidecar: boolean;
  /** The container has passed startup at least once (what lets the init sequence go past a sidecar). */
  everStarted: boolean;
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string; startedSimMs: number };
  terminated?: TerminatedState & { finishedSimMs: number };
  lastTerminated?: TerminatedState;
  restartCount: number;
  /** Set once the container has been created at least once. */
  containerID?: string;
  /** The normalised image and its imageID, once pulled. */
  imageRef?: { normalized: string; id: string };
  /** Whether the current instance passed its startup probe (or has none). */
  started: boolean;
  ready: boolean;
  /** Finished for good: no restart will follow. */
  done: boolean;
  /** Guards timers: a timer carrying an older token is stale. Bumped on every transition that re-arms timers. */
  token: number;
  crashBackoff?: Backoff;
  pullBackoff?: Backoff;
  probes: Record<ProbeKind, ProbeCounters>;
}

/** One pod's runtime state. */
export interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  nodeName: string;
  hostIP: string;
  /** The IP the sandbox gets (reported once the sandbox exists). */
  podIP: string;
  startTime: string;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  volumesMounted: boolean;
  sandboxReady: boolean;
  /** Init containers first (in order), then app containers. */
  containers: ContainerRuntime[];
  terminating: boolean;
  token: number;
}

/** A timer the machine wants armed; it comes back as input when due. */
export type Timer =
  | { kind: 'mount' | 'sandbox' | 'stopped'; token: number }
  | { kind: 'start' | 'pulled' | 'exit' | 'ready' | 'restart'; container: string; token: number }
  | { kind: 'probe'; probe: ProbeKind; container: string; token: number };

/** What the effectful loop carries out. */
export type Effect =
  | { type: 'event'; reason: string; message: string; warning?: boolean; container?: string; init?: boolean }
  | { type: 'timer'; afterMs: number; timer: Timer }
  | { type: 'pulled'; image: string }
  | { type: 'remove' };

/** Inputs to the machine. */
export type MachineInput =
  | { type: 'timer'; timer: Timer }
  | { type: 'resync' }
  | { type: 'delete' }
  /** The pod's container images changed (the only in-place container change a Pod allows). */
  | { type: 'images'; behaviours: (image: string) => ImageBehaviour };

/** The result of a step. */
export interface Step {
  runtime: PodRuntime;
  effects: Effect[];
}

/** Minimal typed view of the pod fields the machine reads. */
export interface PodView {
  metadata: { name: string; namespace?: string; uid?: string };
  spec?: PodSpecView;
  status?: Record<string, unknown>;
}

interface ProbeView {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
  httpGet?: { port?: number | string; path?: string };
  tcpSocket?: { port?: number | string };
  exec?: { command?: string[] };
  grpc?: { port?: number };
}

interface EnvVarView {
  name: string;
  valueFrom?: {
    configMapKeyRef?: { name?: string; key: string; optional?: boolean };
    secretKeyRef?: { name?: string; key: string; optional?: boolean };
  };
}

interface ContainerView {
  name: string;
  /** Only `Always`, on init containers: a native sidecar. */
  restartPolicy?: string;
  image?: string;
  imagePullPolicy?: string;
  env?: EnvVarView[];
  envFrom?: Array<{ configMapRef?: { name?: string; optional?: boolean }; secretRef?: { name?: string; optional?: boolean } }>;
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
  startupProbe?: ProbeView;
  readinessProbe?: ProbeView;
  livenessProbe?: ProbeView;
}

interface KeyToPath {
  key: string;
}

interface VolumeView {
  name: string;
  configMap?: { name?: string; optional?: boolean; items?: KeyToPath[] };
  secret?: { secretName?: string; optional?: boolean; items?: KeyToPath[] };
  projected?: {
    sources?: Array<{
      configMap?: { name?: string; optional?: boolean; items?: KeyToPath[] };
      secret?: { name?: string; optional?: boolean; items?: KeyToPath[] };
    }>;
  };
}

/** The pod spec fields the machine reads. */
export interface PodSpecView {
  nodeName?: string;
  restartPolicy?: string;
  containers?: ContainerView[];
  initContainers?: ContainerView[];
  volumes?: VolumeView[];
  terminationGracePeriodSeconds?: number;
}

// ---------------------------------------------------------------------------------------------------------------

/** Starts the machine for a pod just bound to a node: the first timer mounts volumes. */
export function initPod(
  pod: PodView,
  node: { name: string; hostIP: string },
  podIP: string,
  behaviours: (image: string) => ImageBehaviour,
  ctx: MachineContext,
): Step {
  const spec = pod.spec ?? {};
  const restartPolicy = (spec.restartPolicy ?? 'Always') as PodRuntime['restartPolicy'];
  const make = (c: ContainerView, init: boolean): ContainerRuntime => ({
    name: c.name,
    init,
    image: c.image ?? '',
    behaviour: behaviours(c.image ?? ''),
    runToCompletion: init ? c.restartPolicy !== 'Always' : restartPolicy !== 'Always',
    sidecar: init && c.restartPolicy === 'Always',
    everStarted: false,
    restartCount: 0,
    started: false,
    ready: false,
    done: false,
    token: 0,
    probes: { startup: zero(), readiness: zero(), liveness: zero() },
  });
  const runtime: PodRuntime = {
    uid: pod.metadata.uid ?? '',
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name,
    nodeName: node.name,
    hostIP: node.hostIP,
    podIP,
    startTime: rfc3339(ctx.now),
    restartPolicy,
    volumesMounted: false,
    sandboxReady: false,
    containers: [...(spec.initContainers ?? []).map((c) => make(c, true)), ...(spec.containers ?? []).map((c) => make(c, false))],
    terminating: false,
    token: 0,
  };
  return new Stepper(pod, runtime, ctx).mount().result();
}

/** Advances the machine by one input. The input runtime is not mutated. */
export function handlePod(pod: PodView, runtime: PodRuntime, input: MachineInput, ctx: MachineContext): Step {
  const s = new Stepper(pod, structuredClone(runtime), ctx);
  if (input.type === 'delete') return s.terminate().result();
  if (runtime.terminating) {
    if (input.type === 'timer' && input.timer.kind === 'stopped' && input.timer.token === runtime.token) s.effects.push({ type: 'remove' });
    return s.result();
  }
  if (input.type === 'resync') return s.resync().result();
  if (input.type === 'images') return s.imagesChanged(input.behaviours).result();
  return s.timer(input.timer).result();
}

/** metav1.Time as it serialises: RFC 3339 with second precision. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function zero(): ProbeCounters {
  return { successes: 0, failures: 0 };
}

/** Go's time.Duration formatting for whole milliseconds: `812ms`, `2.047s`, `5m0s`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = Math.round((totalSeconds % 60) * 1000) / 1000;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** The CrashLoopBackOff / ImagePullBackOff delays in order: 10 s, 20 s, 40 s, ... capped at 5 min. */
export function backoffSequence(count: number): number[] {
  const out: number[] = [];
  let b = BACKOFF_INITIAL_MS;
  for (let i = 0; i < count; i++) {
    out.push(b);
    b = Math.min(b * 2, BACKOFF_MAX_MS);
  }
  return out;
}

/** client-go flowcontrol.Backoff: an entry expires when untouched for twice the maximum. */
function backoffExpired(entry: Backoff | undefined, eventMs: number): boolean {
  return !entry || eventMs - entry.lastUpdateMs > 2 * BACKOFF_MAX_MS;
}

function inBackoffSince(entry: Backoff | undefined, eventMs: number, nowMs: number): boolean {
  if (!entry || backoffExpired(entry, eventMs)) return false;
  return nowMs - eventMs < entry.backoffMs;
}

function nextBackoff(entry: Backoff | undefined, nowMs: number): Backoff {
  if (!entry || backoffExpired(entry, nowMs)) return { backoffMs: BACKOFF_INITIAL_MS, lastUpdateMs: nowMs };
  return { backoffMs: Math.min(entry.backoffMs * 2, BACKOFF_MAX_MS), lastUpdateMs: nowMs };
}

class Stepper {
  readonly effects: Effect[] = [];

  constructor(
    private readonly pod: PodView,
    private readonly rt: PodRuntime,
    private readonly ctx: MachineContext,
  ) {}

  result(): Step {
    return { runtime: this.rt, effects: this.effects };
  }

  private get iso(): string {
    return rfc3339(this.ctx.now);
  }

  private event(reason: string, message: string, c?: ContainerRuntime, warning = false): void {
    this.effects.push({ type: 'event', reason, message, ...(warning ? { warning } : {}), ...(c ? { container: c.name, init: c.init } : {}) });
  }

  private arm(afterMs: number, timer: Timer): void {
    this.effects.push({ type: 'timer', afterMs: Math.max(0, afterMs), timer });
  }

  private container(name: string): ContainerRuntime | undefined {
    return this.rt.containers.find((c) => c.name === name);
  }

  private spec(c: ContainerRuntime): ContainerView {
    const list = c.init ? this.pod.spec?.initContainers : this.pod.spec?.containers;
    return list?.find((x) => x.name === c.name) ?? { name: c.name, image: c.image };
  }

  private podRef(): string {
    return `${this.rt.name}_${this.rt.namespace}(${this.rt.uid})`;
  }

  // --- pod level -------------------------------------------------------------------------------------------

  /** Volumes first: a missing ConfigMap/Secret keeps the pod ContainerCreating with FailedMount events. */
  mount(): this {
    const errors = volumeErrors(this.pod, this.ctx.lookup);
    if (errors.length > 0) {
      for (const e of errors) this.event('FailedMount', `MountVolume.SetUp failed for volume "${e.volume}" : ${e.message}`, undefined, true);
      this.rt.token++;
      this.arm(CONFIG_RETRY_MS, { kind: 'mount', token: this.rt.token });
      return this;
    }
    this.rt.volumesMounted = true;
    this.rt.token++;
    this.arm(SANDBOX_MS, { kind: 'sandbox', token: this.rt.token });
    return this;
  }

  resync(): this {
    if (!this.rt.volumesMounted) return this.mount();
    for (const c of this.rt.containers) {
      if (c.waiting?.reason === 'CreateContainerConfigError') this.startContainer(c);
    }
    return this;
  }

  /** Containers whose image changed are killed and started again with the new image, with a fresh back-off. */
  imagesChanged(behaviours: (image: string) => ImageBehaviour): this {
    for (const c of this.rt.containers) {
      const image = this.spec(c).image ?? '';
      if (image === c.image) continue;
      c.image = image;
      c.behaviour = behaviours(image);
      // The back-off key includes the container's hash: a changed container starts with none.
      c.crashBackoff = undefined;
      c.pullBackoff = undefined;
      if (c.done) continue; // finished containers (completed init containers, terminal pods) do not run again
      if (c.running) {
        this.event('Killing', `Container ${c.name} definition changed, will be restarted`, c);
        this.exitedForGood(c);
        this.startContainer(c);
      } else if (c.token > 0) {
        this.startContainer(c);
      }
    }
    return this;
  }

  timer(t: Timer): this {
    if (t.kind === 'mount') {
      if (t.token === this.rt.token && !this.rt.volumesMounted) this.mount();
      return this;
    }
    if (t.kind === 'sandbox') {
      if (t.token !== this.rt.token || this.rt.sandboxReady) return this;
      this.rt.sandboxReady = true;
      this.startNext();
      return this;
    }
    if (!('container' in t)) return this;
    const c = this.container(t.container);
    if (!c || t.token !== c.token) return this;
    switch (t.kind) {
      case 'start':
        this.startContainer(c);
        break;
      case 'restart':
        this.restartContainer(c);
        break;
      case 'pulled':
        this.pullFinished(c);
        break;
      case 'exit':
        this.exited(c, containerEnds(c, this.spec(c)));
        break;
      case 'ready':
        c.ready = true;
        break;
      case 'probe':
        this.probe(c, t.probe);
        break;
    }
    return this;
  }

  /** Starts what is due: the next init container, or every app container once initialisation is done. */
  private startNext(): void {
    const inits = this.rt.containers.filter((c) => c.init);
    const pendingInit = inits.find((c) => !initComplete(c));
    if (pendingInit) {
      // Untouched so far (token 0): a failed or restarting init container is driven by its own timers.
      if (pendingInit.token === 0) this.startContainer(pendingInit);
      return;
    }
    for (const c of this.rt.containers.filter((x) => !x.init)) {
      if (c.token === 0) this.startContainer(c);
    }
  }

  terminate(): this {
    if (this.rt.terminating) return this;
    this.rt.terminating = true;
    this.rt.token++;
    for (const c of this.rt.containers) {
      c.token++;
      if (c.running) {
        this.event('Killing', `Stopping container ${c.name}`, c);
        this.exitedForGood(c);
      }
    }
    this.arm(STOP_MS, { kind: 'stopped', token: this.rt.token });
    return this;
  }

  // --- container level -------------------------------------------------------------------------------------

  /** Image, then config, then create and start: the kubelet's startContainer. */
  private startContainer(c: ContainerRuntime): void {
    c.token++;
    const spec = this.spec(c);
    const ref = parseImage(c.image);
    if ('error' in ref || c.behaviour.pull === 'invalid') {
      const why = 'error' in ref ? ref.error : `couldn't parse image name "${c.image}": invalid reference format`;
      const message = `Failed to apply default image tag "${c.image}": ${why}`;
      c.waiting = { reason: 'InvalidImageName', message };
      this.event('InspectFailed', message, c, true);
      this.event('Failed', 'Error: InvalidImageName', c, true);
      return;
    }
    const policy = spec.imagePullPolicy ?? defaultPullPolicy(c.image);
    const present = this.ctx.imagePresent(ref.normalized);
    if (policy === 'Never' && !present) {
      const message = `Container image "${c.image}" is not present with pull policy of Never`;
      c.waiting = { reason: 'ErrImageNeverPull', message };
      this.event('ErrImageNeverPull', message, c, true);
      this.event('Failed', 'Error: ErrImageNeverPull', c, true);
      return;
    }
    if (policy !== 'Always' && present) {
      this.event('Pulled', `Container image "${c.image}" already present on machine`, c);
      this.createAndStart(c, ref);
      return;
    }
    if (inBackoffSince(c.pullBackoff, c.pullBackoff?.lastUpdateMs ?? 0, this.ctx.simMs)) {
      c.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` };
      this.event('BackOff', `Back-off pulling image "${c.image}"`, c);
      this.event('Failed', 'Error: ImagePullBackOff', c, true);
      const b = c.pullBackoff!;
      this.arm(b.lastUpdateMs + b.backoffMs - this.ctx.simMs, { kind: 'start', container: c.name, token: c.token });
      return;
    }
    // While pulling, the last reported reason (ImagePullBackOff, CrashLoopBackOff, ...) stays, as in the kubelet.
    this.event('Pulling', `Pulling image "${c.image}"`, c);
    this.arm(c.behaviour.pullSeconds * 1000, { kind: 'pulled', container: c.name, token: c.token });
  }

  private pullFinished(c: ContainerRuntime): void {
    const ref = parseImage(c.image) as ImageReference;
    if (c.behaviour.pull === 'missing') {
      const err =
        `rpc error: code = NotFound desc = failed to pull and unpack image "${ref.normalized}": ` +
        `failed to resolve reference "${ref.normalized}": ${ref.normalized}: not found`;
      c.waiting = { reason: 'ErrImagePull', message: err };
      this.event('Failed', `Failed to pull image "${c.image}": ${err}`, c, true);
      this.event('Failed', 'Error: ErrImagePull', c, true);
      c.pullBackoff = nextBackoff(c.pullBackoff, this.ctx.simMs);
      c.token++;
      // The next sync finds the image in back-off and reports ImagePullBackOff.
      this.arm(SYNC_MS, { kind: 'start', container: c.name, token: c.token });
      return;
    }
    c.pullBackoff = undefined;
    const ms = Math.round(c.behaviour.pullSeconds * 1000);
    this.event(
      'Pulled',
      `Successfully pulled image "${c.image}" in ${goDuration(ms)} (${goDuration(ms)} including waiting). Image size: ${imageSize(ref)} bytes.`,
      c,
    );
    this.effects.push({ type: 'pulled', image: ref.normalized });
    this.createAndStart(c, ref);
  }

  private createAndStart(c: ContainerRuntime, ref: ImageReference): void {
    const spec = this.spec(c);
    const configError = containerConfigError(spec, this.rt.namespace, this.ctx.lookup);
    if (configError) {
      c.waiting = { reason: 'CreateContainerConfigError', message: configError };
      this.event('Failed', `Error: ${configError}`, c, true);
      c.token++;
      this.arm(CONFIG_RETRY_MS, { kind: 'start', container: c.name, token: c.token });
      return;
    }
    if (c.terminated) {
      c.lastTerminated = stripSim(c.terminated);
      c.restartCount++;
      c.terminated = undefined;
    }
    // Stable per (pod, container, instance) so tests can assert exact IDs.
    c.containerID = `containerd://${sha256(`${this.rt.uid}/${c.name}/${c.restartCount}`)}`;
    c.imageRef = { normalized: ref.normalized, id: imageId(ref) };
    this.event('Created', `Created container: ${c.name}`, c);
    this.event('Started', `Started container ${c.name}`, c);
    c.waiting = undefined;
    c.running = { startedAt: this.iso, startedSimMs: this.ctx.simMs };
    c.token++;
    c.probes = { startup: zero(), readiness: zero(), liveness: zero() };
    c.ready = false;
    const ends = containerEnds(c, spec);
    if (ends) this.arm(ends.afterSeconds * 1000, { kind: 'exit', container: c.name, token: c.token });
    if (c.init && !c.sidecar) {
      c.started = true;
      return;
    }
    if (spec.startupProbe) {
      c.started = false;
      this.arm(probeDelay(spec.startupProbe), { kind: 'probe', probe: 'startup', container: c.name, token: c.token });
    } else {
      this.afterStarted(c, spec);
    }
  }

  /** Startup done: readiness (probe, or the image's own readiness) and liveness begin. */
  private afterStarted(c: ContainerRuntime, spec: ContainerView): void {
    c.started = true;
    const first = !c.everStarted;
    c.everStarted = true;
    if (spec.readinessProbe) {
      this.arm(probeDelay(spec.readinessProbe), { kind: 'probe', probe: 'readiness', container: c.name, token: c.token });
    } else if (c.behaviour.readyAfterSeconds !== null) {
      // Without a probe a container counts as ready once started; slow-start images still script a delay.
      const waitMs = c.behaviour.readyAfterSeconds * 1000 - (this.ctx.simMs - c.running!.startedSimMs);
      if (waitMs <= 0) c.ready = true;
      else this.arm(waitMs, { kind: 'ready', container: c.name, token: c.token });
    }
    if (spec.livenessProbe) {
      this.arm(probeDelay(spec.livenessProbe), { kind: 'probe', probe: 'liveness', container: c.name, token: c.token });
    }
    // A started sidecar lets the next init container (or the app containers) start.
    if (c.sidecar && first) this.startNext();
  }

  private probe(c: ContainerRuntime, kind: ProbeKind): void {
    if (!c.running) return;
    const spec = this.spec(c);
    const probe = kind === 'startup' ? spec.startupProbe : kind === 'readiness' ? spec.readinessProbe : spec.livenessProbe;
    if (!probe) return;
    const elapsedMs = this.ctx.simMs - c.running.startedSimMs;
    const readyAfter = c.behaviour.readyAfterSeconds;
    const appReady = readyAfter !== null && elapsedMs >= readyAfter * 1000;
    const appStarted = readyAfter === null || appReady;
    const ok = kind === 'readiness' ? appReady : kind === 'startup' ? appStarted : !c.behaviour.livenessFails;
    const counters = c.probes[kind];
    const successThreshold = kind === 'readiness' ? (probe.successThreshold ?? 1) : 1;
    const failureThreshold = probe.failureThreshold ?? 3;
    if (ok) {
      counters.successes++;
      counters.failures = 0;
    } else {
      counters.failures++;
      counters.successes = 0;
      const label = kind === 'startup' ? 'Startup' : kind === 'readiness' ? 'Readiness' : 'Liveness';
      this.event('Unhealthy', `${label} probe failed: ${probeFailure(probe, this.rt.podIP)}`, c, true);
    }
    const period = (probe.periodSeconds ?? 10) * 1000;
    if (kind === 'readiness') {
      if (ok && counters.successes >= successThreshold) c.ready = true;
      if (!ok && counters.failures >= failureThreshold) c.ready = false;
      this.arm(period, { kind: 'probe', probe: kind, container: c.name, token: c.token });
      return;
    }
    if (kind === 'startup' && ok) {
      this.afterStarted(c, spec);
      return;
    }
    if (!ok && counters.failures >= failureThreshold) {
      this.event('Killing', `Container ${c.name} failed ${kind} probe, will be restarted`, c);
      this.exited(c, { code: 137, oom: false });
      return;
    }
    this.arm(period, { kind: 'probe', probe: kind, container: c.name, token: c.token });
  }

  private exited(c: ContainerRuntime, how: { code: number; oom: boolean } | undefined): void {
    if (!c.running || !how) return;
    c.terminated = {
      exitCode: how.code,
      reason: how.oom ? 'OOMKilled' : how.code === 0 ? 'Completed' : 'Error',
      startedAt: c.running.startedAt,
      finishedAt: this.iso,
      containerID: c.containerID!,
      finishedSimMs: this.ctx.simMs,
    };
    c.running = undefined;
    c.ready = false;
    c.started = false;
    c.token++;
    const restarts =
      c.sidecar ||
      this.rt.restartPolicy === 'Always' ||
      (this.rt.restartPolicy === 'OnFailure' && how.code !== 0) ||
      (c.init && how.code !== 0 && this.rt.restartPolicy !== 'Never');
    if (c.init && !c.sidecar && how.code === 0) {
      c.done = true;
      this.startNext();
      return;
    }
    if (!restarts) {
      c.done = true;
      if (!c.init) this.stopSidecarsWhenAppsDone();
      return;
    }
    this.arm(SYNC_MS, { kind: 'restart', container: c.name, token: c.token });
  }

  /** Once every app container of a run-to-completion pod is done, the kubelet stops its sidecars. */
  private stopSidecarsWhenAppsDone(): void {
    if (!this.rt.containers.filter((x) => !x.init).every((x) => x.done)) return;
    for (const s of this.rt.containers.filter((x) => x.sidecar)) {
      s.token++;
      s.done = true;
      if (s.running) {
        this.event('Killing', `Stopping container ${s.name}`, s);
        this.exitedForGood(s);
      }
    }
  }

  private exitedForGood(c: ContainerRuntime): void {
    c.terminated = {
      exitCode: 0,
      reason: 'Completed',
      startedAt: c.running!.startedAt,
      finishedAt: this.iso,
      containerID: c.containerID!,
      finishedSimMs: this.ctx.simMs,
    };
    c.running = undefined;
    c.ready = false;
    c.started = false;
  }

  /** The sync after an exit: restart now, or wait out the CrashLoopBackOff. */
  private restartContainer(c: ContainerRuntime): void {
    if (!c.terminated) {
      this.startContainer(c);
      return;
    }
    const finished = c.terminated.finishedSimMs;
    if (inBackoffSince(c.crashBackoff, finished, this.ctx.simMs)) {
      const b = c.crashBackoff!;
      c.waiting = {
        reason: 'CrashLoopBackOff',
        message: `back-off ${goDuration(b.backoffMs)} restarting failed container=${c.name} pod=${this.podRef()}`,
      };
      this.event('BackOff', `Back-off restarting failed container ${c.name} in pod ${this.podRef()}`, c, true);
      c.token++;
      this.arm(finished + b.backoffMs - this.ctx.simMs, { kind: 'restart', container: c.name, token: c.token });
      return;
    }
    c.crashBackoff = nextBackoff(c.crashBackoff, this.ctx.simMs);
    this.startContainer(c);
  }
}

/**
 * How the current instance ends by itself: the image's scripted exit (run-to-completion containers use the
 * completion outcome), or an OOM kill when a config rule's memory use exceeds the container's memory limit.
 */
function containerEnds(c: ContainerRuntime, spec: ContainerView): { code: number; afterSeconds: number; oom: boolean } | undefined {
  const limit = parseQuantity(spec.resources?.limits?.memory);
  if (c.behaviour.memoryBytes !== undefined && limit !== undefined && c.behaviour.memoryBytes > limit) {
    return { code: 137, afterSeconds: c.behaviour.exit?.afterSeconds ?? 1, oom: true };
  }
  return c.runToCompletion ? c.behaviour.completion : c.behaviour.exit;
}

/** An init container is complete when it exited 0, or, for a sidecar, once it has started. */
export function initComplete(c: ContainerRuntime): boolean {
  return c.sidecar ? c.everStarted : c.done && c.terminated?.exitCode === 0;
}

function stripSim(t: TerminatedState & { finishedSimMs?: number }): TerminatedState {
  const { finishedSimMs: _drop, ...rest } = t;
  return rest;
}

function probeDelay(p: ProbeView): number {
  return (p.initialDelaySeconds ?? 0) * 1000;
}

/** The prober's failure output per handler, as the kubelet words it. */
function probeFailure(p: ProbeView, podIP: string): string {
  if (p.httpGet) return 'HTTP probe failed with statuscode: 503';
  if (p.tcpSocket) return `dial tcp ${podIP}:${p.tcpSocket.port ?? 80}: connect: connection refused`;
  if (p.grpc) return `timeout: failed to connect service "${podIP}:${p.grpc.port ?? 0}" within 1s`;
  return '';
}

/** The error that makes the kubelet report CreateContainerConfigError, or undefined when the config resolves. */
export function containerConfigError(c: ContainerView, namespace: string, lookup: ConfigLookup): string | undefined {
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef && !from.configMapRef.optional && !lookup('ConfigMap', namespace, from.configMapRef.name ?? '')) {
      return `configmap "${from.configMapRef.name ?? ''}" not found`;
    }
    if (from.secretRef && !from.secretRef.optional && !lookup('Secret', namespace, from.secretRef.name ?? '')) {
      return `secret "${from.secretRef.name ?? ''}" not found`;
    }
  }
  for (const env of c.env ?? []) {
    const cm = env.valueFrom?.configMapKeyRef;
    if (cm && !cm.optional) {
      const keys = lookup('ConfigMap', namespace, cm.name ?? '');
      if (!keys) return `configmap "${cm.name ?? ''}" not found`;
      if (!keys.has(cm.key)) return `couldn't find key ${cm.key} in ConfigMap ${namespace}/${cm.name ?? ''}`;
    }
    const sec = env.valueFrom?.secretKeyRef;
    if (sec && !sec.optional) {
      const keys = lookup('Secret', namespace, sec.name ?? '');
      if (!keys) return `secret "${sec.name ?? ''}" not found`;
      if (!keys.has(sec.key)) return `couldn't find key ${sec.key} in Secret ${namespace}/${sec.name ?? ''}`;
    }
  }
  return undefined;
}

/** Volumes that cannot be set up because a ConfigMap/Secret (or one of its listed keys) is missing. */
export function volumeErrors(pod: PodView, lookup: ConfigLookup): Array<{ volume: string; message: string }> {
  const namespace = pod.metadata.namespace ?? 'default';
  const out: Array<{ volume: string; message: string }> = [];
  const check = (volume: string, kind: 'ConfigMap' | 'Secret', name: string, optional: boolean | undefined, items: KeyToPath[] | undefined) => {
    const keys = lookup(kind, namespace, name);
    const lower = kind === 'ConfigMap' ? 'configmap' : 'secret';
    if (!keys) {
      if (!optional) out.push({ volume, message: `${lower} "${name}" not found` });
      return;
    }
    const absent = (items ?? []).find((i) => !keys.has(i.key));
    if (absent && !optional) out.push({ volume, message: `${lower} references non-existent ${kind === 'ConfigMap' ? 'config' : 'secret'} key: ${absent.key}` });
  };
  for (const v of pod.spec?.volumes ?? []) {
    if (v.configMap) check(v.name, 'ConfigMap', v.configMap.name ?? '', v.configMap.optional, v.configMap.items);
    if (v.secret) check(v.name, 'Secret', v.secret.secretName ?? '', v.secret.optional, v.secret.items);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap) check(v.name, 'ConfigMap', s.configMap.name ?? '', s.configMap.optional, s.configMap.items);
      if (s.secret) check(v.name, 'Secret', s.secret.name ?? '', s.secret.optional, s.secret.items);
    }
  }
  return out;
}

