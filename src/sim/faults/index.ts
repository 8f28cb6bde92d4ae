/**
 * Fault injection for the simulated API server: dropped watches, 429 / 500 answers, latency, early
 * resourceVersion expiry and API server restarts. Settings come from a spec string
 * (`drop-watch=3s,error-rate=0.05,throttle-rate=0.05,latency=50ms,expire-rv=30s`) or the programmatic API.
 */

/** Active fault settings; absent means off. */
export interface FaultSettings {
  /** Close every open watch stream cleanly this often (ms): clients see EOF, as at a watch timeout. */
  dropWatchMs?: number;
  /** Cut every open watch connection this often (ms): clients see a reset / unexpected EOF. */
  resetWatchMs?: number;
  /** Fraction (0..1) of API requests answered 500 InternalError. */
  errorRate?: number;
  /** Fraction (0..1) of API requests answered 429 TooManyRequests (Retry-After: 1). */
  throttleRate?: number;
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
  /** Closes the HTTP server and listens again on the same port, keeping the store. */
  restartApiServer(): Promise<void>;
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
  pick(random?: () => number): { code: 429 | 500 } | undefined;
  /** For the server: the latency to add to this API request (ms). */
  latencyMs(): number;
  /** Ends every open watch now (cleanly, or cutting the connection when `abrupt`); returns how many were closed. */
  dropWatches(abrupt?: boolean): number;
  /** Expires every older resourceVersion now. */
  expireResourceVersions(): void;
  /** Restarts the API server (same port, same store): clients see their connections closed. */
  restartApiServer(): Promise<void>;
  /** Stops the periodic timers. */
  stop(): void;
}

const knownFaults = ['drop-watch', 'reset-watch', 'error-rate', 'throttle-rate', 'latency', 'expire-rv'];

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
        default:
          throw new Error(`unknown fault "${key}" (known: ${knownFaults.join(', ')})`);
      }
    } catch (err) {
      throw new Error(`invalid fault spec "${spec}": ${(err as Error).message}`);
    }
  }
  return settings;
}

function positive(ms: number): number {
  if (ms <= 0) throw new Error('interval must be greater than 0');
  return ms;
}

/** Creates the fault controller; periodic faults (drop-watch, expire-rv) run on real-time timers. */
export function createFaultController(targets: FaultTargets, initial?: string | FaultSettings): FaultController {
  let settings: FaultSettings = {};
  const timers: NodeJS.Timeout[] = [];

  const stopTimers = () => {
    while (timers.length > 0) clearInterval(timers.pop());
  };
  const startTimers = () => {
    stopTimers();
    if (settings.dropWatchMs) timers.push(setInterval(() => targets.dropWatches(), settings.dropWatchMs));
    if (settings.resetWatchMs) timers.push(setInterval(() => targets.dropWatches(true), settings.resetWatchMs));
    if (settings.expireRvMs) timers.push(setInterval(() => targets.expireResourceVersions(), settings.expireRvMs));
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
      stopTimers();
    },
    pick(random = Math.random) {
      if (settings.throttleRate && random() < settings.throttleRate) return { code: 429 };
      if (settings.errorRate && random() < settings.errorRate) return { code: 500 };
      return undefined;
    },
    latencyMs: () => settings.latencyMs ?? 0,
    dropWatches: (abrupt) => targets.dropWatches(abrupt),
    expireResourceVersions: () => targets.expireResourceVersions(),
    restartApiServer: () => targets.restartApiServer(),
    stop: stopTimers,
  };
  if (initial !== undefined && initial !== '') controller.set(initial);
  return controller;
}
