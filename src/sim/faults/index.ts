/**
 * Fault injection for the simulated API server: dropped watches, 429 / 500 answers, 5xx bursts, latency, early
 * resourceVersion expiry and API server restarts (with downtime). Settings come from a spec string
 * (`drop-watch=3s,error-rate=0.05,throttle-rate=0.05,latency=50ms,expire-rv=30s`) or the programmatic API; one-off
 * faults (a burst, a restart, expiring every watch) are triggered programmatically or over /sim/faults/*.
 */

/** The status codes a fault answers with. */
export type FaultCode = 429 | 500 | 503;

/** What the server answers an API request with when a fault hits it. */
export interface PickedFault {
  code: FaultCode;
  /** Retry-After (seconds) sent with a 429 or 503. */
  retryAfterSeconds?: number;
}

/** A burst: every API request is answered `code` until it ends. */
export interface BurstOptions {
  /** How long the burst lasts (ms, real time). */
  forMs: number;
  /** 500 InternalError (default), 503 ServiceUnavailable or 429 TooManyRequests. */
  code?: FaultCode;
  /** Retry-After (seconds) for 429 / 503 answers (default 1 for 429, none for 500 / 503). */
  retryAfterSeconds?: number;
}

/** Active fault settings; absent means off. */
export interface FaultSettings {
  /** Close every open watch stream cleanly this often (ms): clients see EOF, as at a watch timeout. */
  dropWatchMs?: number;
  /** Cut every open watch connection this often (ms): clients see a reset / unexpected EOF. */
  resetWatchMs?: number;
  /** Fraction (0..1) of API requests answered 500 InternalError. */
  errorRate?: number;
  /** Fraction (0..1) of API requests answered 429 TooManyRequests (Retry-After: `retryAfterSeconds`). */
  throttleRate?: number;
  /** Retry-After (whole seconds) of the 429 answers (default 1). */
  retryAfterSeconds?: number;
  /** Start a burst this often (ms): for `burstForMs` every API request is answered `burstCode`. */
  burstEveryMs?: number;
  /** How long each periodic burst lasts (ms, default 2 s). */
  burstForMs?: number;
  /** The periodic bursts' status code (default 500). */
  burstCode?: FaultCode;
  /** Extra latency added to every API request (ms). */
  latencyMs?: number;
  /** Drop the watch history this often (ms), so older resourceVersions get 410 Expired. */
  expireRvMs?: number;
}

/** What the fault controller drives; startSim connects these to the running server and store. */
export interface FaultTargets {
  /** Ends every open watch (cleanly, or cutting the connection when `abrupt`); returns how many were closed. */
  dropWatches(abrupt?: boolean): number;
  /** Expires every resourceVersion older than the current one. */
  expireResourceVersions(): void;
  /** Closes the HTTP server and listens again on the same port after `downMs` (default 0), keeping the store. */
  restartApiServer(downMs?: number): Promise<void>;
}

/** Programmatic fault API handed to tests and the CLI. */
export interface FaultController {
  /** The current settings (a copy). */
  settings(): FaultSettings;
  /** Replaces the settings (a spec string is parsed; a bad one throws a one-line Error). */
  set(spec: string | FaultSettings): void;
  /** Turns every fault off. */
  clear(): void;
  /** For the server: the fault to answer this API request with, if any (after the latency delay). */
  pick(random?: () => number): PickedFault | undefined;
  /** Starts a burst now: every API request is answered with `code` for `forMs` (a running burst is replaced). */
  burst(options: BurstOptions): void;
  /** Whether a burst is running. */
  bursting(): boolean;
  /**
   * While a 500 / 503 burst runs, when it ends (ms since the epoch); otherwise undefined. Such a burst is the
   * API server itself failing (etcd unavailable, say): no write commits, the controllers' and kubelets' own
   * included, so open watches carry no new event until it ends. A 429 burst is throttling (API Priority and
   * Fairness): other clients and open watches go on.
   */
  outageUntil(): number | undefined;
  /** For the server: the latency to add to this API request (ms). */
  latencyMs(): number;
  /** Ends every open watch now (cleanly, or cutting the connection when `abrupt`); returns how many were closed. */
  dropWatches(abrupt?: boolean): number;
  /** Expires every older resourceVersion now. */
  expireResourceVersions(): void;
  /**
   * Expires every older resourceVersion and then cuts every open watch: each client resumes from a
   * resourceVersion the server no longer has and gets 410 Expired, so it must list again. Returns the watches cut.
   */
  expireWatches(): number;
  /**
   * Restarts the API server (same port, same store): clients see their connections closed, then connection
   * refused for `downMs` (default 0), as while a real kube-apiserver restarts.
   */
  restartApiServer(downMs?: number): Promise<void>;
  /** Stops the periodic timers. */
  stop(): void;
}

const knownFaults = ['drop-watch', 'reset-watch', 'error-rate', 'throttle-rate', 'retry-after', 'latency', 'expire-rv', 'burst-every', 'burst-for', 'burst-code'];

/** Parses `50ms`, `3s`, `2m` (a bare number is milliseconds). */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`invalid duration "${text}" (use e.g. 50ms, 3s, 2m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return Math.round(n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000));
}

function parseRate(name: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new Error(`invalid ${name} "${text}" (use a fraction between 0 and 1)`);
  return n;
}

/** Parses a fault spec; throws an Error with a one-line message naming the bad part. */
export function parseFaultSpec(spec: string): FaultSettings {
  const settings: FaultSettings = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    try {
      if (eq < 0) throw new Error(`expected ${key}=VALUE`);
      switch (key) {
        case 'drop-watch':
          settings.dropWatchMs = positive(parseDuration(value));
          break;
        case 'reset-watch':
          settings.resetWatchMs = positive(parseDuration(value));
          break;
        case 'expire-rv':
          settings.expireRvMs = positive(parseDuration(value));
          break;
        case 'latency':
          settings.latencyMs = parseDuration(value);
          break;
        case 'error-rate':
          settings.errorRate = parseRate('error-rate', value);
          break;
        case 'throttle-rate':
          settings.throttleRate = parseRate('throttle-rate', value);
          break;
        case 'retry-after':
          settings.retryAfterSeconds = Math.max(1, Math.round(parseDuration(value.endsWith('s') || value.endsWith('m') ? value : `${value}s`) / 1000));
          break;
        case 'burst-every':
          settings.burstEveryMs = positive(parseDuration(value));
          break;
        case 'burst-for':
          settings.burstForMs = positive(parseDuration(value));
          break;
        case 'burst-code':
          settings.burstCode = parseCode(value);
          break;
        default:
          throw new Error(`unknown fault "${key}" (known: ${knownFaults.join(', ')})`);
      }
    } catch (err) {
      throw new Error(`invalid fault spec "${spec}": ${(err as Error).message}`);
    }
  }
  return settings;
}

function parseCode(text: string): FaultCode {
  const n = Number(text);
  if (n !== 429 && n !== 500 && n !== 503) throw new Error(`invalid burst-code "${text}" (use 429, 500 or 503)`);
  return n;
}

function positive(ms: number): number {
  if (ms <= 0) throw new Error('interval must be greater than 0');
  return ms;
}

/** Creates the fault controller; periodic faults (drop-watch, expire-rv) run on real-time timers. */
export function createFaultController(targets: FaultTargets, initial?: string | FaultSettings): FaultController {
  let settings: FaultSettings = {};
  const timers: NodeJS.Timeout[] = [];
  let burst: { until: number; code: FaultCode; retryAfterSeconds?: number } | undefined;
  const startBurst = (options: BurstOptions) => {
    const code = options.code ?? 500;
    burst = { until: Date.now() + options.forMs, code, retryAfterSeconds: options.retryAfterSeconds ?? (code === 429 ? 1 : undefined) };
  };

  const stopTimers = () => {
    while (timers.length > 0) clearInterval(timers.pop());
  };
  const startTimers = () => {
    stopTimers();
    if (settings.dropWatchMs) timers.push(setInterval(() => targets.dropWatches(), settings.dropWatchMs));
    if (settings.resetWatchMs) timers.push(setInterval(() => targets.dropWatches(true), settings.resetWatchMs));
    if (settings.expireRvMs) timers.push(setInterval(() => targets.expireResourceVersions(), settings.expireRvMs));
    if (settings.burstEveryMs) {
      const forMs = settings.burstForMs ?? 2000;
      const code = settings.burstCode ?? 500;
      timers.push(setInterval(() => startBurst({ forMs, code }), settings.burstEveryMs));
    }
    for (const t of timers) t.unref();
  };

  const controller: FaultController = {
    settings: () => ({ ...settings }),
    set(spec) {
      settings = typeof spec === 'string' ? parseFaultSpec(spec) : { ...spec };
      startTimers();
    },
    clear() {
      settings = {};
      burst = undefined;
      stopTimers();
    },
    pick(random = Math.random) {
      if (burst && Date.now() < burst.until) return burst.retryAfterSeconds === undefined ? { code: burst.code } : { code: burst.code, retryAfterSeconds: burst.retryAfterSeconds };
      burst = undefined;
      if (settings.throttleRate && random() < settings.throttleRate) return { code: 429, retryAfterSeconds: settings.retryAfterSeconds ?? 1 };
      if (settings.errorRate && random() < settings.errorRate) return { code: 500 };
      return undefined;
    },
    burst: startBurst,
    bursting: () => burst !== undefined && Date.now() < burst.until,
    outageUntil: () => (burst !== undefined && burst.code !== 429 && Date.now() < burst.until ? burst.until : undefined),
    latencyMs: () => settings.latencyMs ?? 0,
    dropWatches: (abrupt) => targets.dropWatches(abrupt),
    expireResourceVersions: () => targets.expireResourceVersions(),
    expireWatches() {
      targets.expireResourceVersions();
      return targets.dropWatches(true);
    },
    restartApiServer: (downMs) => targets.restartApiServer(downMs),
    stop: stopTimers,
  };
  if (initial !== undefined && initial !== '') controller.set(initial);
  return controller;
}
