import { ClusterUnavailableError } from '../errors/errors.js';
import { KubeForbiddenError, KubeUnreachableError } from '../ports/release-store.js';

/** What a failed API call was trying to do, for the one-line message. */
export interface KubeCallContext {
  /** API server URL. */
  server: string;
  /** Kubernetes verb: get, list, watch, ... */
  verb: string;
  /** Plural resource: secrets, configmaps, ... */
  resource: string;
  namespace?: string;
}

/** A request that took longer than allowed; thrown by withTimeout and mapped to "unreachable". */
export class KubeTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms / 1000}s`);
    this.name = 'KubeTimeoutError';
  }
}

/** What to do when the API server cannot be reached. */
const unreachableHint = 'check that the cluster is up and the server URL of the kubeconfig context; kubectl cluster-info tries it';

const networkReasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed',
  // node-fetch: the response body ended before it was complete (the connection was cut mid-answer).
  ERR_STREAM_PREMATURE_CLOSE: 'connection closed',
  'Premature close': 'connection closed',
};

/** How long a refused connection is retried on a server that never answered (a restart at start-up, ms). */
export const UNANSWERED_REFUSED_BUDGET_MS = 5_000;

/** HTTP status of a client-node ApiException (or anything shaped like one), else undefined. */
export function httpStatusOf(err: unknown): number | undefined {
  // ApiException carries `code`; a failed watch request (client-node's Watch) carries `statusCode`.
  const e = err as { code?: unknown; statusCode?: unknown } | null;
  const code = typeof e?.code === 'number' ? e.code : e?.statusCode;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
}

/**
 * Turns a client-node failure into the project's errors: network problems and timeouts become
 * KubeUnreachableError ("cannot reach the Kubernetes API at <url>: <reason>"), 401/403 KubeForbiddenError with
 * the verb and resource, other HTTP failures ClusterUnavailableError. 404 is not handled here: callers decide
 * what is missing. Unknown errors are returned unchanged.
 */
export function mapKubeError(err: unknown, ctx: KubeCallContext): unknown {
  const what = `${ctx.verb} ${ctx.resource}${ctx.namespace ? ` in namespace "${ctx.namespace}"` : ''}`;
  if (err instanceof KubeTimeoutError) {
    return new KubeUnreachableError(`cannot reach the Kubernetes API at ${ctx.server}: ${err.message} to ${what}`, { hint: unreachableHint, cause: err });
  }
  const status = httpStatusOf(err);
  if (status === 401) {
    return new KubeForbiddenError(`the Kubernetes API at ${ctx.server} rejected our credentials (401 Unauthorized) to ${what}`, {
      hint: 'check the user in your kubeconfig context',
      cause: err,
    });
  }
  if (status === 403) {
    return new KubeForbiddenError(`forbidden: not allowed to ${what} (403)${statusMessage(err, ' - ')}`, {
      hint: 'ask for RBAC access or use another --kube-context',
      cause: err,
    });
  }
  if (status !== undefined && status < 500 && status !== 429 && !looksLikeKubernetes(err)) {
    // Every answer of a Kubernetes API server is JSON (a Status object on errors); an HTML or plain-text 404
    // means the kubeconfig points at some other HTTP server.
    return new ClusterUnavailableError(`the server at ${ctx.server} does not look like a Kubernetes API server: it answered ${status} without a Kubernetes Status to ${what}`, {
      hint: 'check the server URL of the kubeconfig context',
      cause: err,
    });
  }
  if (status !== undefined && status !== 404 && (status >= 500 || status === 429)) {
    return new ClusterUnavailableError(`the Kubernetes API at ${ctx.server} answered ${status} to ${what}${statusMessage(err, ': ')}`, { cause: err });
  }
  const reason = networkReason(err);
  if (reason !== undefined) {
    return new KubeUnreachableError(`cannot reach the Kubernetes API at ${ctx.server} to ${what}: ${reason}`, { hint: unreachableHint, cause: err });
  }
  return err;
}

/** Runs `call`, rejecting with KubeTimeoutError after `ms` milliseconds; the timer never outlives the call. */
export async function withTimeout<T>(ms: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KubeTimeoutError(ms)), ms);
  });
  try {
    return await Promise.race([call(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long a call keeps retrying transient failures before giving up (ms). */
export const TRANSIENT_RETRY_BUDGET_MS = 30_000;

// The servers that answered a call (or accepted a connection and cut it): one that answered before and now refuses
// connections is restarting, while one that never answered is more likely a wrong URL, which must fail at once.
const answered = new Set<string>();

const readVerbs = new Set(['get', 'list', 'watch']);

/**
 * When a failed call is worth repeating, and after how long (a 429's or 503's Retry-After wins): 429 always;
 * 503 always (the server did not take the request); 500/502/504 only for reads, since a write may have been
 * applied; connection refused for any verb, connection reset or closed only for reads. On a server that never
 * answered (maybe a wrong URL) {@link retryTransient} retries those only within {@link UNANSWERED_REFUSED_BUDGET_MS}.
 */
export function transientRetryAfterMs(err: unknown, verb: string, server = ''): number | undefined {
  const read = readVerbs.has(verb);
  const status = httpStatusOf(err);
  if (status === 429 || status === 503 || (read && (status === 500 || status === 502 || status === 504))) {
    const seconds = retryAfterSeconds(err);
    return seconds === undefined ? 0 : Math.min(seconds, 10) * 1000;
  }
  if (status !== undefined) return undefined;
  const reason = networkReason(err);
  if (reason === 'connection refused') return 0;
  if (read && (reason === 'connection reset' || reason === 'connection closed')) return 0;
  return undefined;
}

function retryAfterSeconds(err: unknown): number | undefined {
  const headers = (err as { headers?: Record<string, string> } | null)?.headers;
  const header = headers?.['retry-after'] ?? headers?.['Retry-After'];
  let seconds = header !== undefined ? Number(header) : undefined;
  if (seconds === undefined || !Number.isFinite(seconds)) {
    let body = (err as { body?: unknown }).body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        body = undefined;
      }
    }
    const fromBody = (body as { details?: { retryAfterSeconds?: unknown } } | undefined)?.details?.retryAfterSeconds;
    seconds = typeof fromBody === 'number' ? fromBody : undefined;
  }
  return seconds !== undefined && seconds >= 0 ? seconds : undefined;
}

/** Options of {@link retryTransient}. */
export interface RetryOptions {
  /** How long to keep retrying (ms, default 30 s). */
  budgetMs?: number;
  /** The API server's URL: a refused connection is retried only when this server answered before. */
  server?: string;
  /** Clock and sleep; tests pass fakes. */
  timing?: RetryTiming;
}

/** Clock and sleep for {@link retryTransient}. */
export interface RetryTiming {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTiming: RetryTiming = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/**
 * Runs `call`, repeating it while it fails transiently (see {@link transientRetryAfterMs}) with a backoff of
 * 200 ms doubling to 2 s (or the server's Retry-After), for at most `budgetMs` (default 30 s), the last try at its
 * end; then the last error is thrown. A 5xx burst or an API server restart of a few seconds is ridden out instead
 * of ending the run.
 */
export async function retryTransient<T>(verb: string, call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { budgetMs = TRANSIENT_RETRY_BUDGET_MS, server = '', timing = realTiming } = options;
  const started = timing.now();
  let delay = 200;
  for (;;) {
    try {
      const result = await call();
      answered.add(server);
      return result;
    } catch (err) {
      const status = httpStatusOf(err);
      // A status, or a connection the server accepted and then cut (a restart under way), says a server is there.
      const reason = status === undefined ? networkReason(err) : undefined;
      if (status !== undefined || reason === 'connection reset' || reason === 'connection closed') answered.add(server);
      const after = transientRetryAfterMs(err, verb, server);
      const wait = after === undefined ? undefined : Math.max(after, delay);
      // A server that never answered may be a wrong URL: only a short wait for it to come up (a restart at start-up).
      const budget = answered.has(server) ? budgetMs : Math.min(budgetMs, UNANSWERED_REFUSED_BUDGET_MS);
      const left = budget - (timing.now() - started);
      // The last pause is cut to what is left of the budget (one last try at its end), unless the server itself
      // asked for a longer wait (Retry-After).
      if (wait === undefined || left <= 0 || (after ?? 0) > left) throw err;
      await timing.sleep(Math.min(wait, left));
      delay = Math.min(delay * 2, 2000);
    }
  }
}

/** For tests: forget which servers answered. */
export function resetAnsweredOnce(): void {
  answered.clear();
}

function networkReason(err: unknown): string | undefined {
  const e = err as { code?: unknown; errno?: unknown; message?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return undefined;
  const code = typeof e.code === 'string' ? e.code : typeof e.errno === 'string' ? e.errno : undefined;
  if (code && networkReasons[code]) return networkReasons[code];
  const message = typeof e.message === 'string' ? e.message : '';
  if (code && /^(CERT_|ERR_TLS|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY)/.test(code)) return `TLS error: ${message || code}`;
  for (const [key, reason] of Object.entries(networkReasons)) if (message.includes(key)) return reason;
  if (e.cause !== undefined && e.cause !== err) return networkReason(e.cause);
  return undefined;
}

/** Whether an HTTP error's body is JSON, as every Kubernetes API answer is (client-node keeps it as a string or object). */
function looksLikeKubernetes(err: unknown): boolean {
  const body = (err as { body?: unknown }).body;
  if (body === undefined || body === null) return true; // nothing to judge by
  if (typeof body === 'object') return true;
  if (typeof body !== 'string') return true;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null;
  } catch {
    return false;
  }
}

// client-node keeps the Status body as a JSON string (or a parsed object); its `message` is the useful part.
function statusMessage(err: unknown, prefix: string): string {
  let body = (err as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return '';
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message !== '' ? `${prefix}${message.split('\n')[0]}` : '';
}
