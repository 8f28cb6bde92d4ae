/** The Prometheus adapter's URL validation and error handling, against small local HTTP servers. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../../src/errors/errors.js';
import { createPrometheusSource, decodeQueryResponse, displayUrl, parsePrometheusUrl } from '../../src/metrics/prometheus.js';
import { MetricsError } from '../../src/ports/metrics.js';
import { freePort } from './prometheus-harness.js';

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

const errorOf = async (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as MetricsError);

describe('parsePrometheusUrl', () => {
  it.each([
    ['http://prometheus.monitoring:9090', 'http://prometheus.monitoring:9090'],
    ['https://example.com/prometheus/', 'https://example.com/prometheus'],
    ['http://user:secret@prom:9090', 'http://prom:9090'],
  ])('accepts %s (shown as %s)', (text, shown) => {
    expect(displayUrl(parsePrometheusUrl(text))).toBe(shown);
  });

  it.each([
    ['prometheus:9090', /--prometheus must be an http:\/\/ or https:\/\/ URL, got "prometheus:9090" \(give the Prometheus base URL, e\.g\. http:\/\/prometheus\.monitoring:9090\)/],
    ['not a url', /--prometheus "not a url" is not a URL \(give the Prometheus base URL, e\.g\./],
    ['ftp://prom', /must be an http:\/\/ or https:\/\/ URL, got "ftp:\/\/prom"/],
    ['http://prom:9090/?x=1', /without \?query or #fragment/],
    ['http://prom:9090/api/v1/query', /not an API path \(use http:\/\/prom:9090\)/],
  ])('rejects %p with one line and the fix', (text, message) => {
    let err: unknown;
    try {
      parsePrometheusUrl(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).oneLine()).toMatch(message);
  });
});

describe('createPrometheusSource', () => {
  it('sends GET /api/v1/query under the path prefix with the query, time and timeout; credentials as basic auth', async () => {
    let seen: IncomingMessage | undefined;
    const s = await serve((req, res) => {
      seen = req;
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { a: 'b' }, value: [1, '+Inf'] }] } }));
    });
    try {
      const base = parsePrometheusUrl(s.url.replace('http://', 'http://me:p%40ss@') + '/prom');
      const r = await createPrometheusSource(base, { timeoutMs: 3000 }).instantQuery('up{x="1"}', new Date(1_700_000_000_500));
      expect(r).toEqual({ resultType: 'vector', samples: [{ labels: { a: 'b' }, value: Infinity }] });
      const u = new URL(seen!.url!, 'http://x');
      expect(seen!.method).toBe('GET');
      expect(u.pathname).toBe('/prom/api/v1/query');
      expect(u.searchParams.get('query')).toBe('up{x="1"}');
      expect(u.searchParams.get('time')).toBe('1700000000.500');
      expect(u.searchParams.get('timeout')).toBe('3s');
      expect(seen!.headers.authorization).toBe(`Basic ${Buffer.from('me:p@ss').toString('base64')}`);
    } finally {
      await s.close();
    }
  });

  it('a refused connection is `unreachable`, in one line without credentials', async () => {
    const port = await freePort();
    const err = await errorOf(createPrometheusSource(parsePrometheusUrl(`http://u:topsecret@127.0.0.1:${port}`)).instantQuery('up'));
    expect(err).toBeInstanceOf(MetricsError);
    expect(err.kind).toBe('unreachable');
    expect(err.message).toBe(`Prometheus at http://127.0.0.1:${port} is unreachable: connection refused`);
  });

  it('a server that does not answer in time is `unreachable` after the timeout', async () => {
    const s = await serve(() => {
      /* never answers */
    });
    try {
      const err = await errorOf(createPrometheusSource(parsePrometheusUrl(s.url), { timeoutMs: 300 }).instantQuery('up'));
      expect(err.kind).toBe('unreachable');
      expect(err.message).toBe(`Prometheus at ${s.url} did not answer within 0.3s`);
    } finally {
      await s.close();
    }
  });

  it('an aborted query rejects at once', async () => {
    const s = await serve(() => {});
    try {
      const ac = new AbortController();
      const p = createPrometheusSource(parsePrometheusUrl(s.url), { timeoutMs: 60_000 }).instantQuery('up', undefined, ac.signal);
      ac.abort();
      expect((await errorOf(p)).kind).toBe('unreachable');
    } finally {
      await s.close();
    }
  });
});

describe('decodeQueryResponse', () => {
  const at = 'http://p:9090';
  it.each([
    ['a JSON error', 422, '{"status":"error","errorType":"execution","error":"many-to-many matching\\nnot allowed"}', /^Prometheus at http:\/\/p:9090 rejected the query \(HTTP 422\): execution: many-to-many matching not allowed$/],
    ['an HTML error page from a proxy', 502, '<html>\n<body>Bad Gateway</body>\n</html>', /^Prometheus at http:\/\/p:9090 answered HTTP 502 without JSON: <html> <body>Bad Gateway<\/body> <\/html>$/],
    ['an empty body', 503, '', /answered HTTP 503 without JSON: \(empty body\)$/],
    ['an unknown result type', 200, '{"status":"success","data":{"resultType":"weird"}}', /unexpected result shape \(resultType weird\)/],
    ['a sample without a value', 200, '{"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}}', /unexpected result shape/],
  ])('%s becomes one line', (_name, status, body, message) => {
    let err: unknown;
    try {
      decodeQueryResponse(status, body, at);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MetricsError);
    expect((err as MetricsError).kind).toBe('rejected');
    expect((err as MetricsError).message).toMatch(message);
  });

  it('cuts very long messages', () => {
    let err: MetricsError | undefined;
    try {
      decodeQueryResponse(500, 'x'.repeat(1000), at);
    } catch (e) {
      err = e as MetricsError;
    }
    expect(err!.message.length).toBeLessThan(300);
    expect(err!.message.endsWith('...')).toBe(true);
  });
});
