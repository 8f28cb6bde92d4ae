import type { QueryResult } from '../domain/analysis/judge.js';

export type { QueryResult, Sample } from '../domain/analysis/judge.js';

/** Where metric checks get their numbers: a Prometheus-compatible HTTP API in production, a fake in tests. */
export interface MetricsSource {
  /**
   * Runs a PromQL instant query, at `at` or (default) the server's now. Rejects with a {@link MetricsError}
   * when the server is unreachable, times out, or refuses the query; `signal` abandons the request.
   */
  instantQuery(promql: string, at?: Date, signal?: AbortSignal): Promise<QueryResult>;
}

/** A query that could not be run; its message is one line and never contains credentials. */
export class MetricsError extends Error {
  constructor(
    message: string,
    /** `unreachable`: no answer at all (refused, DNS, timeout); `rejected`: the server answered with an error. */
    readonly kind: 'unreachable' | 'rejected',
  ) {
    super(message);
    this.name = 'MetricsError';
  }
}
