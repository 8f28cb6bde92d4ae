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
}

/** A mutable counter set behind `SimStats`. */
export class StatsRecorder {
  private data: SimStats = emptyStats();

  /** Counts one request. */
  record(verb: string, resource: string, userAgent: string | undefined): void {
    const ua = (userAgent ?? '').split(' ')[0] || 'unknown';
    this.data.total++;
    bump(this.data.byVerb, verb);
    bump(this.data.byResource, resource);
    bump(this.data.byUserAgent, ua);
    bump(this.data.byVerbResource, `${verb} ${resource}`);
    bump((this.data.byUserAgentVerb[ua] ??= {}), verb);
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
    return { ...structuredClone(this.data), watchesOpen };
  }

  /** Starts counting afresh. */
  reset(): void {
    this.data = emptyStats();
  }
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

function emptyStats(): SimStats {
  return { total: 0, byVerb: {}, byResource: {}, byUserAgent: {}, byVerbResource: {}, byUserAgentVerb: {}, faults: {}, watchesOpen: 0, watchesDropped: 0 };
}
