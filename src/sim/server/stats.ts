import type { Socket } from 'node:net';

/** Bytes on the wire of some requests: HTTP request line, headers and bodies (chunk framing included). */
export interface ByteCounts {
  /** What the server sent: responses, watch streams included. */
  sent: number;
  /** What the server received: requests with their bodies. */
  received: number;
}

/** Request counters, readable over `GET /sim/stats` so benchmarks can compare clients. */
export interface SimStats {
  /** Every request counted (excluding /sim/*). */
  total: number;
  /** By Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection) or lower-case HTTP method for non-resource paths. */
  byVerb: Record<string, number>;
  /** By resource key plus subresource (`deployments.apps/status`), or `nonResource` paths like `/version`. */
  byResource: Record<string, number>;
  /** By the User-Agent's first token (`helm/v3.17.3`, `kubectl/v1.35.0`). */
  byUserAgent: Record<string, number>;
  /** `verb resource` pairs. */
  byVerbResource: Record<string, number>;
  /** Per user agent, by verb: what each client costs the server. */
  byUserAgentVerb: Record<string, Record<string, number>>;
  /** Answers injected by faults, by HTTP code. */
  faults: Record<string, number>;
  /** Watches open right now. */
  watchesOpen: number;
  /** Watch streams ended by the drop-watch fault. */
  watchesDropped: number;
  /**
   * Bytes of the counted requests and their responses, measured on the connection (each request owns the
   * bytes its connection carried since the previous one ended); open watches count what they sent so far.
   */
  bytes: ByteCounts;
  /** Bytes by verb (as in byVerb). */
  bytesByVerb: Record<string, ByteCounts>;
  /** Bytes by the User-Agent's first token (as in byUserAgent). */
  bytesByUserAgent: Record<string, ByteCounts>;
  /** Bytes per user agent, by verb. */
  bytesByUserAgentVerb: Record<string, Record<string, ByteCounts>>;
}

/** A request whose bytes are being measured. */
interface Exchange {
  socket: Socket;
  /** undefined: not counted (e.g. /sim/*), but its bytes are still taken off the connection. */
  verb?: string;
  ua?: string;
}

/** Where the connection's byte counters stood when its previous request ended. */
interface Marks {
  read: number;
  written: number;
}

/** A mutable counter set behind `SimStats`. */
export class StatsRecorder {
  private data: SimStats = emptyStats();
  private readonly marks = new WeakMap<Socket, Marks>();
  private readonly open = new Set<Exchange>();

  /** Counts one request. */
  record(verb: string, resource: string, userAgent: string | undefined): void {
    const ua = userAgentToken(userAgent);
    this.data.total++;
    bump(this.data.byVerb, verb);
    bump(this.data.byResource, resource);
    bump(this.data.byUserAgent, ua);
    bump(this.data.byVerbResource, `${verb} ${resource}`);
    bump((this.data.byUserAgentVerb[ua] ??= {}), verb);
  }

  /**
   * Measures the bytes of one exchange on `socket` until `done` fires (the response's 'close'): counted under
   * `verb` and the user agent, or, without a verb, only taken off the connection so the next request does not
   * inherit them. HTTP/1.1 runs one exchange at a time per connection, so the delta of the socket's counters
   * since the previous exchange ended is this one's.
   */
  measure(socket: Socket, done: (listener: () => void) => void, verb?: string, userAgent?: string): void {
    const exchange: Exchange = { socket, ...(verb === undefined ? {} : { verb, ua: userAgentToken(userAgent) }) };
    this.open.add(exchange);
    done(() => {
      if (!this.open.delete(exchange)) return;
      const delta = this.delta(exchange);
      this.marks.set(socket, { read: socket.bytesRead, written: socket.bytesWritten });
      this.addBytes(this.data, exchange, delta);
    });
  }

  /** Counts an injected fault answer. */
  fault(code: number): void {
    bump(this.data.faults, String(code));
  }

  /** Counts watches ended by drop-watch. */
  dropped(count: number): void {
    this.data.watchesDropped += count;
  }

  /** A snapshot (watchesOpen supplied by the server). */
  snapshot(watchesOpen: number): SimStats {
    const copy = { ...structuredClone(this.data), watchesOpen };
    for (const exchange of this.open) this.addBytes(copy, exchange, this.delta(exchange));
    return copy;
  }

  /** Starts counting afresh (exchanges still open count from here on). */
  reset(): void {
    this.data = emptyStats();
    for (const { socket } of this.open) this.marks.set(socket, { read: socket.bytesRead, written: socket.bytesWritten });
  }

  private delta({ socket }: Exchange): ByteCounts {
    const mark = this.marks.get(socket) ?? { read: 0, written: 0 };
    return { sent: Math.max(0, socket.bytesWritten - mark.written), received: Math.max(0, socket.bytesRead - mark.read) };
  }

  private addBytes(data: SimStats, { verb, ua }: Exchange, delta: ByteCounts): void {
    if (verb === undefined || ua === undefined) return;
    add(data.bytes, delta);
    add((data.bytesByVerb[verb] ??= zero()), delta);
    add((data.bytesByUserAgent[ua] ??= zero()), delta);
    add(((data.bytesByUserAgentVerb[ua] ??= {})[verb] ??= zero()), delta);
  }
}

/** The User-Agent's first token (`helm/v3.17.3`), or `unknown`. */
function userAgentToken(userAgent: string | undefined): string {
  return (userAgent ?? '').split(' ')[0] || 'unknown';
}

function zero(): ByteCounts {
  return { sent: 0, received: 0 };
}

function add(to: ByteCounts, delta: ByteCounts): void {
  to.sent += delta.sent;
  to.received += delta.received;
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

function emptyStats(): SimStats {
  return { total: 0, byVerb: {}, byResource: {}, byUserAgent: {}, byVerbResource: {}, byUserAgentVerb: {}, faults: {}, watchesOpen: 0, watchesDropped: 0, bytes: zero(), bytesByVerb: {}, bytesByUserAgent: {}, bytesByUserAgentVerb: {} };
}
