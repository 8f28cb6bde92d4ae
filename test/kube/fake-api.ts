import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * A tiny fake of the two Kubernetes API endpoints the release stores use (LIST and GET of Secrets/ConfigMaps),
 * for adapter unit tests. Objects are stored exactly as a real API server would return them in JSON.
 */
export interface FakeApi {
  url: string;
  /** Every request path+query seen, in order. */
  requests: string[];
  /** The Accept header of each request, in the same order. */
  accepts: string[];
  /** The Authorization header of each request ('' when none), in the same order. */
  authorizations: string[];
  /** Objects per "<namespace>/<resource>". */
  objects: Map<string, Array<Record<string, unknown>>>;
  /** When set, every request gets this status and a Status body. */
  failWith?: { code: number; reason: string; message: string };
  /** With failWith: fail only this many requests, then answer normally. */
  failTimes?: number;
  /** When true, requests are accepted and never answered. */
  hang: boolean;
  kubeconfigPath: string;
  close(): Promise<void>;
}

/** Starts the fake on a free localhost port, with a kubeconfig file pointing at it. */
export async function startFakeApi(): Promise<FakeApi> {
  const objects = new Map<string, Array<Record<string, unknown>>>();
  const requests: string[] = [];
  const accepts: string[] = [];
  const authorizations: string[] = [];
  const api = { objects, requests, accepts, authorizations, hang: false } as Partial<FakeApi> & { hang: boolean };
  const server: Server = createServer((req, res) => handle(api as FakeApi, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  api.url = `http://127.0.0.1:${port}`;
  api.kubeconfigPath = writeKubeconfig(api.url);
  api.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return api as FakeApi;
}

/** A kubeconfig file (in a fresh temp dir) for `server`, context "fake", optional context namespace. */
export function writeKubeconfig(server: string, namespace?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rs-kubeconfig-'));
  const file = join(dir, 'config');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: fake\n  cluster:\n    server: ${server}`,
      'users:',
      '- name: fake\n  user: {}',
      'contexts:',
      `- name: fake\n  context:\n    cluster: fake\n    user: fake${namespace ? `\n    namespace: ${namespace}` : ''}`,
      'current-context: fake',
      '',
    ].join('\n'),
  );
  return file;
}

/** Release JSON like helm writes it, for revision `revision` of `name`. */
export function releaseJson(name: string, revision: number, status: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    name,
    namespace: 'team',
    version: revision,
    info: { status, first_deployed: '2026-11-01T10:00:00Z', last_deployed: `2026-11-01T10:${String(revision % 60).padStart(2, '0')}:00Z`, description: `rev ${revision}` },
    chart: { metadata: { name: 'demo', version: `1.0.${revision}`, appVersion: '2.0' }, values: { a: 1 } },
    config: { rev: revision },
    manifest: `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-cfg\n`,
    ...extra,
  });
}

/** A release record object in the shape the API returns it, for the secret or configmap driver. */
export function releaseRecord(
  driver: 'secret' | 'configmap',
  name: string,
  revision: number,
  status: string,
  body: string = releaseJson(name, revision, status),
  labels: Record<string, string> = {},
): Record<string, unknown> {
  const helmEncoded = gzipSync(Buffer.from(body)).toString('base64'); // what helm puts in data.release
  const metadata = {
    name: `sh.helm.release.v1.${name}.v${revision}`,
    namespace: 'team',
    labels: { name, owner: 'helm', status, version: String(revision), createdAt: '1764201600', ...labels },
  };
  return driver === 'secret'
    ? // Secret data is []byte, so the JSON API base64s helm's base64 string once more.
      { apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1', metadata, data: { release: Buffer.from(helmEncoded).toString('base64') } }
    : { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { release: helmEncoded } };
}

function handle(api: FakeApi, req: IncomingMessage, res: ServerResponse): void {
  api.requests.push(`${req.method} ${req.url}`);
  api.accepts.push(req.headers.accept ?? '');
  api.authorizations.push(req.headers.authorization ?? '');
  if (api.hang) return;
  const send = (code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const status = (code: number, reason: string, message: string) =>
    send(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  if (api.failWith && (api.failTimes === undefined || api.failTimes-- > 0)) return status(api.failWith.code, api.failWith.reason, api.failWith.message);
  const url = new URL(req.url ?? '/', 'http://x');
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/(secrets|configmaps)(?:\/([^/]+))?$/.exec(url.pathname);
  if (!m || req.method !== 'GET') return status(404, 'NotFound', 'the server could not find the requested resource');
  const [, namespace, resource, name] = m;
  const all = api.objects.get(`${namespace}/${resource}`) ?? [];
  if (name) {
    const obj = all.find((o) => (o.metadata as { name: string }).name === name);
    return obj ? send(200, obj) : status(404, 'NotFound', `${resource} "${name}" not found`);
  }
  const selector = (url.searchParams.get('labelSelector') ?? '').split(',').filter(Boolean).map((p) => p.split('='));
  const matching = all.filter((o) => {
    const labels = ((o.metadata as { labels?: Record<string, string> }).labels ?? {}) as Record<string, string>;
    return selector.every(([k, v]) => labels[k] === v);
  });
  // limit/continue like the real server: continue token = offset.
  const limit = Number(url.searchParams.get('limit') ?? 0);
  const offset = Number(url.searchParams.get('continue') ?? 0);
  const page = limit > 0 ? matching.slice(offset, offset + limit) : matching;
  const next = limit > 0 && offset + limit < matching.length ? String(offset + limit) : undefined;
  send(200, {
    kind: resource === 'secrets' ? 'SecretList' : 'ConfigMapList',
    apiVersion: 'v1',
    metadata: { resourceVersion: '1', ...(next ? { continue: next } : {}) },
    items: page,
  });
}
