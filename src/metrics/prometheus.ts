import { parseSampleValue, type QueryResult, type Sample } from '../domain/analysis/judge.js';
import { UsageError } from '../errors/errors.js';
import { MetricsError, type MetricsSource } from '../ports/metrics.js';

/** Options of {@link createPrometheusSource}. */
export interface PrometheusOptions {
  /** Per-request timeout (default 10 s); also sent to Prometheus as the query's `timeout`. */
  timeoutMs?: number;
  /** The fetch to use (default: Node's global fetch). */
  fetch?: typeof fetch;
}

/**
 * Validates `--prometheus URL`: http or https, a host, no query string or fragment; a path prefix (a
 * Prometheus behind a reverse proxy at /prometheus) is kept. Throws a one-line UsageError naming the fix.
 */
export function parsePrometheusUrl(text: string, flag = 'prometheus'): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(`--${flag} "${text}" is not a URL`, { hint: 'give the Prometheus base URL, e.g. http://prometheus.monitoring:9090' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--${flag} must be an http:// or https:// URL, got "${text}"`, { hint: 'give the Prometheus base URL, e.g. http://prometheus.monitoring:9090' });
  }
  if (url.search !== '' || url.hash !== '') {
    throw new UsageError(`--${flag} must be the Prometheus base URL without ?query or #fragment`, { hint: 'e.g. http://prometheus.monitoring:9090' });
  }
  if (/\/api\/v1\/?/.test(url.pathname)) {
    throw new UsageError(`--${flag} must be the Prometheus base URL, not an API path`, { hint: `use ${url.origin}${url.pathname.replace(/\/api\/v1.*$/, '')}` });
  }
  return url;
}

/** The URL as it may be shown: credentials removed. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')}`;
}

/**
 * A MetricsSource over the Prometheus HTTP API (`GET /api/v1/query`, instant queries). Credentials in the URL
 * (`https://user:pass@host`) are sent as basic auth and never appear in messages.
 */
export function createPrometheusSource(base: URL, options: PrometheusOptions = {}): MetricsSource {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  const shown = displayUrl(base);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (base.username !== '' || base.password !== '') {
    const user = decodeURIComponent(base.username);
    const pass = decodeURIComponent(base.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  const endpoint = new URL(base.href);
  endpoint.username = '';
  endpoint.password = '';
  endpoint.pathname = `${endpoint.pathname.replace(/\/$/, '')}/api/v1/query`;

  return {
    async instantQuery(promql, at, signal) {
      const url = new URL(endpoint.href);
      url.searchParams.set('query', promql);
      if (at) url.searchParams.set('time', (at.getTime() / 1000).toFixed(3));
      url.searchParams.set('timeout', `${Math.max(1, Math.floor(timeoutMs / 1000))}s`);
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let res: Response;
      let body: string;
      try {
        res = await doFetch(url, { headers, signal: combined });
        body = await res.text();
      } catch (err) {
        if (timeout.aborted) throw new MetricsError(`Prometheus at ${shown} did not answer within ${timeoutMs / 1000}s`, 'unreachable');
        throw new MetricsError(`Prometheus at ${shown} is unreachable: ${networkReason(err)}`, 'unreachable');
      }
      return decodeQueryResponse(res.status, body, shown);
    },
  };
}

/** Turns an HTTP answer of /api/v1/query into a result, or throws a one-line MetricsError. Exported for tests. */
export function decodeQueryResponse(status: number, body: string, shown: string): QueryResult {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MetricsError(`Prometheus at ${shown} answered HTTP ${status} without JSON: ${oneLine(body) || '(empty body)'}`, 'rejected');
  }
  const o = json as { status?: unknown; error?: unknown; errorType?: unknown; data?: { resultType?: unknown; result?: unknown } };
  if (o.status !== 'success') {
    const what = typeof o.error === 'string' ? oneLine(o.error) : `HTTP ${status}`;
    const type = typeof o.errorType === 'string' ? `${o.errorType}: ` : '';
    throw new MetricsError(`Prometheus at ${shown} rejected the query (HTTP ${status}): ${type}${what}`, 'rejected');
  }
  const data = o.data ?? {};
  const bad = () => new MetricsError(`Prometheus at ${shown} returned an unexpected result shape (resultType ${String(data.resultType)})`, 'rejected');
  switch (data.resultType) {
    case 'vector': {
      if (!Array.isArray(data.result)) throw bad();
      const samples: Sample[] = data.result.map((r: { metric?: Record<string, string>; value?: [unknown, unknown] }) => {
        const value = typeof r.value?.[1] === 'string' ? parseSampleValue(r.value[1]) : undefined;
        if (value === undefined) throw bad();
        return { labels: r.metric ?? {}, value };
      });
      return { resultType: 'vector', samples };
    }
    case 'scalar': {
      const raw = Array.isArray(data.result) ? data.result[1] : undefined;
      const value = typeof raw === 'string' ? parseSampleValue(raw) : undefined;
      if (value === undefined) throw bad();
      return { resultType: 'scalar', value };
    }
    case 'matrix':
    case 'string':
      return { resultType: data.resultType };
    default:
      throw bad();
  }
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code) return code;
  return oneLine(cause?.message ?? (err as Error).message ?? String(err));
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
