/**
 * The simulator's Kubernetes API server (node:http). What it serves:
 * - `/version`, `/healthz`, `/readyz`, `/livez`; legacy discovery `/api`, `/api/v1`, `/apis`, `/apis/<g>`,
 *   `/apis/<g>/<v>` (built-in groups plus CRD groups); `/openapi/v2` as a minimal protobuf document and
 *   `/openapi/v3` as `{"paths":{}}` (helm 3 and 4 then validate client-side against an empty schema: measured).
 * - Resources `/api/v1/...`, `/apis/<g>/<v>/...` (namespaced and cluster-scoped, `/status`, `/scale`): get, list
 *   (label/field selectors, limit/continue), watch (`?watch=true` and legacy `/watch/`), create, update, patch (via
 *   src/sim/patch), delete (DeleteOptions body or query), deletecollection; `?dryRun=All`. Request bodies JSON,
 *   YAML or Kubernetes protobuf; responses JSON, a meta/v1 Table (`as=Table`) or PartialObjectMetadata(List).
 *   events.k8s.io/v1 Events are a view of core/v1 Events. Errors are meta/v1 Status bodies.
 * - `/sim/stats` (GET; DELETE resets) and `/sim/faults` (see faultEndpoint).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import yaml from 'js-yaml';
import { groupVersion, servedVersions } from '../api/catalog.js';
import { type RequestCredentials, unauthorized, type UserInfo } from '../auth/authenticator.js';
import { authorize, forbidden, type RbacSource, type RequestAttributes } from '../auth/rbac.js';
import { toTable } from '../api/tables.js';
import { realClock } from '../clock.js';
import { type FaultController, type PickedFault, parseDuration } from '../faults/index.js';
import { applyJsonPatch, applyMergePatch, applyPatch, schemaFor, trackUpdate } from '../patch/index.js';
import { badRequest, notFound, StatusError } from '../store/errors.js';
import { compileSelectors } from '../store/selectors.js';
import type { DeleteOptions, HistoryStore, KubeObject, ListOptions, ResourceType, SimClock } from '../store/types.js';
import { resourceKey } from '../store/types.js';
import { aliasFor } from './aliases.js';
import { apiGroupDoc, apiGroupList, apiResourceList, apiVersions, simVersion } from './discovery.js';
import { applyFieldPath, decodeProtobuf, type FieldPathStep, goFieldPath, inspectFields, jsonFieldPath, minimalOpenApiV2, protobufContentType } from './protobuf.js';
import { parseResourcePath, type ResourceRequest } from './request-info.js';
import { type SimStats, StatsRecorder } from './stats.js';
import { type OpenWatch, serveWatch } from './watch.js';

/** Options of `createApiServer`. */
export interface ApiServerOptions {
  store: HistoryStore;
  /** Clock for Table ages and patch timestamps (default: real time). */
  clock?: SimClock;
  /** The fault controller consulted on every API request (a getter, since it is created after the server). */
  faults?: () => FaultController | undefined;
  /** Where requests are counted (default: a new recorder). */
  stats?: StatsRecorder;
  /** Interval of watch BOOKMARK events when clients allow them (ms, default 30,000). */
  bookmarkIntervalMs?: number;
  /** `--rbac`: serve HTTPS, authenticate every API request (401 otherwise) and authorize it with RBAC (403). */
  auth?: ApiServerAuth;
}

/** Authentication and authorization of an API server with `--rbac`. */
export interface ApiServerAuth {
  /** Serving key and certificate, and the CA client certificates must chain to (PEM). */
  tls: { key: string; cert: string; ca: string };
  authenticate(creds: RequestCredentials): UserInfo | undefined;
  rbac: RbacSource;
}

/** The simulator's Kubernetes API server over HTTP. */
export interface ApiServer {
  /** Starts listening (default 127.0.0.1, port 0 = any free port); resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Ends every watch, closes every connection and stops listening. */
  close(): Promise<void>;
  /** Closes and listens again on the same host and port after `downMs` (default 0); the store is untouched. */
  restart(downMs?: number): Promise<void>;
  /** Ends every open watch stream (cleanly, or with `abrupt` by cutting the connection); returns how many there were. */
  dropWatches(abrupt?: boolean): number;
  /** The request counters. */
  stats(): SimStats;
  /** The base URL (after listen). */
  readonly url: string;
}

const maxBody = 16 * 1024 * 1024;
type Negotiated = 'json' | 'table' | 'partial';


function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

function sendStatus(res: ServerResponse, err: StatusError): void {
  if (err.code === 429) res.setHeader('Retry-After', String(err.details?.retryAfterSeconds ?? 1));
  else if (err.code === 503 && err.details?.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.details.retryAfterSeconds));
  sendJson(res, err.code, err.toStatus());
}

/** The Status a picked fault is answered with, worded as kube-apiserver words these answers. */
function faultStatus(fault: PickedFault): StatusError {
  const retry = fault.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: fault.retryAfterSeconds };
  if (fault.code === 429) return new StatusError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: fault.retryAfterSeconds ?? 1 });
  if (fault.code === 503) return new StatusError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', retry);
  return new StatusError(500, 'InternalError', 'Internal error occurred: injected fault (kube-sim)', {});
}

function notServed(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

function methodNotAllowed(method: string | undefined): StatusError {
  return new StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method ?? ''})`, {});
}

/** Picks the representation from Accept: a meta/v1 Table, PartialObjectMetadata, or plain JSON; 406 when none fits. */
export function negotiate(accept: string | undefined): Negotiated {
  if (!accept || accept.trim() === '') return 'json';
  for (const range of accept.split(',')) {
    const [mediaType, ...paramParts] = range.split(';').map((p) => p.trim());
    const params = Object.fromEntries(paramParts.map((p) => p.split('=').map((s) => s.trim())).filter((kv) => kv.length === 2));
    const type = mediaType.toLowerCase();
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*' && type !== 'application/yaml') continue;
    if (!params.as) return 'json';
    if (params.as === 'Table' && (params.g ?? 'meta.k8s.io') === 'meta.k8s.io' && (params.v ?? 'v1') === 'v1') return 'table';
    if ((params.as === 'PartialObjectMetadata' || params.as === 'PartialObjectMetadataList') && (params.v ?? 'v1') === 'v1') return 'partial';
  }
  throw new StatusError(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/yaml`, {});
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBody) throw new StatusError(413, 'BadRequest', 'the request body is too large', {});
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
}

function decodeBody(body: Buffer, mediaType: string): Record<string, unknown> {
  if (mediaType === protobufContentType) return decodeProtobuf(body);
  let parsed: unknown;
  try {
    if (mediaType === 'application/json' || mediaType === '') parsed = JSON.parse(body.toString('utf8'));
    else if (mediaType === 'application/yaml') parsed = yaml.load(body.toString('utf8'));
    else throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${protobufContentType}`, {});
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw badRequest(`the object provided is unrecognized: ${(err as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('the object provided is unrecognized (must be a JSON object)');
  return parsed as Record<string, unknown>;
}

function labelSelectorString(selector: unknown): string {
  const s = (selector ?? {}) as { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

function toScale(o: KubeObject): KubeObject {
  const spec = (o.spec ?? {}) as { replicas?: number; selector?: unknown };
  const status = (o.status ?? {}) as { replicas?: number };
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: labelSelectorString(spec.selector) },
  };
}

/** A list page: `limit` items after the `continue` token's position, with the first page's resourceVersion. */
function paginate(items: KubeObject[], resourceVersion: string, query: URLSearchParams): { items: KubeObject[]; resourceVersion: string; metadata: Record<string, unknown> } {
  const limit = Number(query.get('limit') ?? '0');
  const token = query.get('continue');
  let start = 0;
  let rv = resourceVersion;
  if (token) {
    let decoded: { rv?: string; after?: string };
    try {
      decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv?: string; after?: string };
    } catch {
      throw badRequest(`continue key is not valid: ${token}`);
    }
    if (typeof decoded.after !== 'string' || typeof decoded.rv !== 'string') throw badRequest(`continue key is not valid: ${token}`);
    const after = decoded.after;
    rv = decoded.rv;
    start = items.findIndex((o) => keyOf(o) > after);
    if (start < 0) start = items.length;
  }
  if (!Number.isInteger(limit) || limit <= 0 || start + limit >= items.length) {
    return { items: items.slice(start), resourceVersion: rv, metadata: { resourceVersion: rv } };
  }
  const pageItems = items.slice(start, start + limit);
  const next = Buffer.from(JSON.stringify({ rv, after: keyOf(pageItems[pageItems.length - 1]) })).toString('base64url');
  return { items: pageItems, resourceVersion: rv, metadata: { resourceVersion: rv, continue: next, remainingItemCount: items.length - start - limit } };
}

/** The sort key of lists (namespace, then name), matching the store's order. */
function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;
}

/** A copy of `object` without the given field paths. */
function pruneFields(object: KubeObject, paths: FieldPathStep[][]): KubeObject {
  const copy = structuredClone(object);
  for (const path of paths) {
    let cur: unknown = copy;
    for (const step of path.slice(0, -1)) {
      if (cur === null || typeof cur !== 'object') break;
      cur = typeof step === 'string' ? (cur as Record<string, unknown>)[step] : (cur as unknown[])[step.index];
    }
    const last = path[path.length - 1];
    if (cur && typeof cur === 'object' && typeof last === 'string') delete (cur as Record<string, unknown>)[last];
  }
  return copy;
}

/** Creates the API server over a store; call `listen` to serve. */
export function createApiServer(options: ApiServerOptions): ApiServer {
  const { store } = options;
  const clock = options.clock ?? realClock();
  const stats = options.stats ?? new StatsRecorder();
  const bookmarkIntervalMs = options.bookmarkIntervalMs ?? 30_000;
  const openWatches = new Set<OpenWatch>();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let host = '127.0.0.1';
  let port = 0;
  let url = '';
  let warnedTrack = false;
  let restarting: Promise<void> = Promise.resolve();

  const track = (before: KubeObject | undefined, after: KubeObject, manager: string, type: ResourceType, subresource?: 'status'): KubeObject => {
    try {
      return trackUpdate({ before, after, manager, schema: schemaFor(type), hasStatus: type.subresources.includes('status'), now: clock.now(), subresource });
    } catch (err) {
      if (!warnedTrack) process.stderr.write(`kube-sim: managedFields tracking failed (${(err as Error).message}); continuing without\n`);
      warnedTrack = true;
      return after;
    }
  };

  /** `?fieldManager=`, if given. */
  function managerOf(query: URLSearchParams): string | undefined {
    return query.get('fieldManager') ?? undefined;
  }
  function defaultManager(req: IncomingMessage): string {
    const ua = req.headers['user-agent'] ?? '';
    return ua.split('/')[0].split(' ')[0] || 'unknown';
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const measure = (verb?: string) => stats.measure(req.socket, (listener) => res.once('close', listener), verb, req.headers['user-agent']);
    if (path === '/sim/stats' || path === '/sim/faults' || path.startsWith('/sim/faults/')) measure();
    if (path === '/sim/stats') {
      if (req.method === 'DELETE') {
        stats.reset();
        return sendJson(res, 200, stats.snapshot(openWatches.size));
      }
      return sendJson(res, 200, stats.snapshot(openWatches.size));
    }
    if (path === '/sim/faults' || path.startsWith('/sim/faults/')) return faultEndpoint(path, req, res);
    const info = parseResourcePath(path);
    const verb = info ? verbOf(req.method, info, url.searchParams) : (req.method ?? 'GET').toLowerCase();
    const statKey = info ? `${resourceKey(info.group, info.resource)}${info.subresource ? `/${info.subresource}` : ''}` : path;
    stats.record(verb, statKey, req.headers['user-agent']);
    measure(verb);
    const user = options.auth ? checkAccess(options.auth, req, info, verb, path, url.searchParams) : undefined;
    if (options.auth && user && info?.group === 'authorization.k8s.io' && info.resource === 'selfsubjectaccessreviews' && !info.name) {
      return selfSubjectAccessReview(options.auth, user, info, verb, req, res);
    }

    if (path === '/api' || path.startsWith('/api/') || path === '/apis' || path.startsWith('/apis/')) {
      const faults = options.faults?.();
      if (faults) {
        const latency = faults.latencyMs();
        if (latency > 0) await new Promise((r) => setTimeout(r, latency));
        const fault = faults.pick();
        if (fault) {
          stats.fault(fault.code);
          req.resume();
          return sendStatus(res, faultStatus(fault));
        }
      }
    }
    if (!info) return nonResource(path, req, res);
    return resourceRequest(info, verb, url.searchParams, req, res);
  }

  /**
   * Fault control for a simulator in another process (`helm autorollback sim`): GET/PUT/DELETE /sim/faults
   * (PUT body: a fault spec as text, or FaultSettings JSON), POST /sim/faults/drop-watches, /reset-watches, /expire-rv,
   * /expire-watches, /burst?for=3s&code=503, /restart?down=2s.
   */
  async function faultEndpoint(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const faults = options.faults?.();
    if (!faults) throw notServed();
    const action = path.slice('/sim/faults'.length);
    if (action === '') {
      if (req.method === 'GET') return sendJson(res, 200, faults.settings());
      if (req.method === 'DELETE') {
        faults.clear();
        return sendJson(res, 200, faults.settings());
      }
      if (req.method === 'PUT' || req.method === 'POST') {
        const text = (await readBody(req)).toString('utf8').trim();
        try {
          faults.set(text.startsWith('{') ? (JSON.parse(text) as Parameters<FaultController['set']>[0]) : text);
        } catch (err) {
          throw badRequest((err as Error).message.split('\n')[0]);
        }
        return sendJson(res, 200, faults.settings());
      }
      throw methodNotAllowed(req.method);
    }
    if (req.method !== 'POST') throw methodNotAllowed(req.method);
    if (action === '/drop-watches') return sendJson(res, 200, { dropped: faults.dropWatches() });
    if (action === '/reset-watches') return sendJson(res, 200, { dropped: faults.dropWatches(true) });
    if (action === '/expire-rv') {
      faults.expireResourceVersions();
      return sendJson(res, 200, { expiredThrough: String(store.currentResourceVersion()) });
    }
    if (action === '/restart') {
      const down = await durationParam(req, 'down');
      // Answer first: the restart closes this very connection.
      res.on('finish', () => setImmediate(() => void faults.restartApiServer(down)));
      return sendJson(res, 202, { restarting: true, downMs: down });
    }
    if (action === '/expire-watches') return sendJson(res, 200, { dropped: faults.expireWatches() });
    if (action === '/burst') {
      const forMs = (await durationParam(req, 'for')) || 2000;
      const codeText = new URL(req.url ?? '/', 'http://sim.local').searchParams.get('code') ?? '500';
      const code = Number(codeText);
      if (code !== 429 && code !== 500 && code !== 503) throw badRequest(`invalid code "${codeText}" (use 429, 500 or 503)`);
      faults.burst({ forMs, code });
      return sendJson(res, 200, { code, forMs });
    }
    throw notServed();
  }

  /** A duration query parameter (`?down=3s`, `?for=500ms`) in ms; 0 when absent. */
  async function durationParam(req: IncomingMessage, name: string): Promise<number> {
    req.resume();
    const text = new URL(req.url ?? '/', 'http://sim.local').searchParams.get(name);
    if (text === null) return 0;
    try {
      return parseDuration(text);
    } catch (err) {
      throw badRequest((err as Error).message);
    }
  }

  /** Throws the API server's 401 for an unauthenticated request and its 403 for one RBAC does not allow. */
  /**
   * `kubectl auth can-i`: answers a SelfSubjectAccessReview (create only) with the authorizer's decision for the
   * requesting user; served only with `--rbac`.
   */
  async function selfSubjectAccessReview(auth: ApiServerAuth, user: UserInfo, info: ResourceRequest, verb: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (verb !== 'create') throw methodNotAllowed(req.method);
    if (info.version !== 'v1') throw notServed();
    const body = decodeBody(await readBody(req), mediaTypeOf(req)) as { metadata?: Record<string, unknown>; spec?: Record<string, Record<string, string> | undefined> };
    const spec = body.spec ?? {};
    const ra = spec.resourceAttributes;
    const nra = spec.nonResourceAttributes;
    if (!ra && !nra) throw new StatusError(422, 'Invalid', 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified', {});
    const attrs: RequestAttributes = ra
      ? {
          user,
          verb: ra.verb ?? '',
          resourceRequest: true,
          apiGroup: ra.group ?? '',
          resource: ra.resource ?? '',
          ...(ra.subresource ? { subresource: ra.subresource } : {}),
          ...(ra.namespace ? { namespace: ra.namespace } : {}),
          ...(ra.name ? { name: ra.name } : {}),
        }
      : { user, verb: nra?.verb ?? '', resourceRequest: false, path: nra?.path ?? '' };
    const decision = authorize(attrs, auth.rbac);
    return sendJson(res, 201, {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { ...(body.metadata ?? {}), creationTimestamp: null },
      spec,
      status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
    });
  }

  function checkAccess(auth: ApiServerAuth, req: IncomingMessage, info: ResourceRequest | undefined, verb: string, path: string, query: URLSearchParams): UserInfo {
    const socket = req.socket as Partial<TLSSocket>;
    const peer = typeof socket.getPeerCertificate === 'function' ? { authorized: socket.authorized === true, subject: socket.getPeerCertificate().subject as unknown as Record<string, string | string[] | undefined> } : undefined;
    const user = auth.authenticate({ authorization: req.headers.authorization, peer });
    if (!user) throw unauthorized();
    const attrs = requestAttributes(user, info, verb, path, query);
    const decision = authorize(attrs, auth.rbac);
    if (!decision.allowed) throw forbidden(attrs, decision.reason);
    return user;
  }

  function verbOf(method: string | undefined, info: ResourceRequest, query: URLSearchParams): string {
    switch (method) {
      case 'GET':
        if (info.legacyWatch || query.get('watch') === 'true' || query.get('watch') === '1') return 'watch';
        return info.name ? 'get' : 'list';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return info.name ? 'delete' : 'deletecollection';
      default:
        return (method ?? 'unknown').toLowerCase();
    }
  }

  function nonResource(path: string, req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req.method);
    const types = store.resourceTypes();
    if (path === '/version') return sendJson(res, 200, simVersion);
    if (/^\/(healthz|readyz|livez)(\/.*)?$/.test(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('ok');
      return;
    }
    if (path === '/api') return sendJson(res, 200, apiVersions(`${host}:${port}`));
    if (path === '/apis') return sendJson(res, 200, apiGroupList(types));
    if (path === '/openapi/v2') {
      // Protobuf with a plain Content-Type: what helm's client-side validation accepts (measured).
      const doc = minimalOpenApiV2('Kubernetes', simVersion.gitVersion);
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': doc.length });
      res.end(doc);
      return;
    }
    if (path === '/openapi/v3') return sendJson(res, 200, { paths: {} });
    const parts = path.split('/').filter((p) => p !== '');
    if (parts[0] === 'api' && parts.length === 2) {
      const doc = apiResourceList(types, '', parts[1]);
      if (doc) return sendJson(res, 200, doc);
    }
    if (parts[0] === 'apis' && parts.length === 2) {
      const doc = apiGroupDoc(types, parts[1]);
      if (doc) return sendJson(res, 200, doc);
    }
    if (parts[0] === 'apis' && parts.length === 3) {
      const doc = apiResourceList(types, parts[1], parts[2]);
      if (doc) return sendJson(res, 200, doc);
    }
    throw notServed();
  }

  async function resourceRequest(info: ResourceRequest, verb: string, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const key = resourceKey(info.group, info.resource);
    const type = store.resourceType(key);
    if (!type || !servedVersions(type).includes(info.version)) throw notServed();
    if (!type.namespaced && info.namespace && info.resource !== 'namespaces') throw notServed();
    const namespace = type.namespaced ? info.namespace : undefined;
    if (key === 'pods' && info.subresource === 'log' && info.name && namespace) {
      if (req.method !== 'GET') throw methodNotAllowed(req.method);
      return servePodLog(namespace, info.name, query, res);
    }
    if (info.subresource && !type.subresources.includes(info.subresource as 'status' | 'scale')) throw notServed();
    if (info.subresource && (!info.name || verb === 'watch' || verb === 'create' || verb === 'delete')) throw methodNotAllowed(req.method);
    const apiVersion = groupVersion(info.group, info.version);
    // events.k8s.io Events are a view of the stored core/v1 Events.
    const alias = aliasFor(key);
    const target = alias?.target ?? key;
    const view = (o: KubeObject) => (alias ? alias.view(o) : o);
    const toStored = (o: KubeObject) => (alias ? alias.toStored(o) : o);
    const db = {
      get: (ns: string | undefined, name: string) => {
        const o = store.get(target, ns, name);
        return o && view(o);
      },
      list: (opts: ListOptions) => {
        if (!alias) return store.list(target, opts);
        const match = compileSelectors(opts.labelSelector, opts.fieldSelector);
        const all = store.list(target, { namespace: opts.namespace });
        return { items: all.items.map(view).filter(match), resourceVersion: all.resourceVersion };
      },
      create: (o: KubeObject) => view(store.create(target, toStored(o))),
      update: (o: KubeObject, opts?: { subresource?: 'status' }) => view(store.update(target, toStored(o), opts)),
      delete: (ns: string | undefined, name: string, opts?: DeleteOptions) => view(store.delete(target, ns, name, opts)),
    };
    const dryRun = query.getAll('dryRun').includes('All');
    const accept = req.method === 'GET' || verb === 'watch' ? negotiate(req.headers.accept) : negotiateOrJson(req.headers.accept);
    const now = () => clock.now();

    const renderOne = (o: KubeObject): unknown => {
      const object = { ...o, apiVersion };
      if (accept === 'table') return tableOf([object]);
      if (accept === 'partial') return { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: object.metadata };
      return object;
    };
    const tableOf = (objects: KubeObject[], resourceVersion?: string): KubeObject => {
      const table = toTable(type, objects, now());
      const includeObject = query.get('includeObject') ?? 'Metadata';
      const rows = (table.rows as Array<Record<string, unknown>> | undefined) ?? [];
      rows.forEach((row, i) => {
        if (includeObject === 'Object') row.object = objects[i];
        else if (includeObject === 'None') delete row.object;
      });
      return { ...table, metadata: { ...(table.metadata ?? {}), ...(resourceVersion ? { resourceVersion } : {}) } as KubeObject['metadata'] };
    };

    const requireName = () => {
      if (!info.name) throw methodNotAllowed(req.method);
      return info.name;
    };
    const current = () => {
      const name = requireName();
      const o = db.get(namespace, name);
      if (!o) throw notFound(key, name, type.group, type.plural);
      return o;
    };

    switch (verb) {
      case 'get': {
        const o = current();
        return sendJson(res, 200, info.subresource === 'scale' ? toScale(o) : renderOne(o));
      }
      case 'list': {
        const { items, resourceVersion } = db.list({
          namespace,
          labelSelector: query.get('labelSelector') ?? undefined,
          fieldSelector: query.get('fieldSelector') ?? undefined,
        });
        const page = paginate(items, resourceVersion, query);
        const objects = page.items.map((o) => ({ ...o, apiVersion }));
        if (accept === 'table') return sendJson(res, 200, tableOf(objects, page.resourceVersion));
        if (accept === 'partial') {
          return sendJson(res, 200, {
            apiVersion: 'meta.k8s.io/v1',
            kind: 'PartialObjectMetadataList',
            metadata: page.metadata,
            items: objects.map((o) => ({ apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: o.metadata })),
          });
        }
        return sendJson(res, 200, { kind: type.listKind, apiVersion, metadata: page.metadata, items: objects });
      }
      case 'watch': {
        const timeout = query.get('timeoutSeconds');
        // A watch on a named object (`.../configmaps/NAME?watch=true`, legacy `/watch/.../NAME`) selects it by name.
        const fieldSelector = [query.get('fieldSelector'), info.name ? `metadata.name=${info.name}` : undefined].filter((x) => x).join(',') || undefined;
        return serveWatch({
          req,
          res,
          store,
          resource: target,
          type,
          view: alias?.view,
          apiVersion,
          namespace,
          params: {
            resourceVersion: query.get('resourceVersion') ?? undefined,
            resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
            sendInitialEvents: query.get('sendInitialEvents') === 'true',
            allowWatchBookmarks: query.get('allowWatchBookmarks') === 'true',
            timeoutSeconds: timeout ? Number(timeout) : undefined,
            labelSelector: query.get('labelSelector') ?? undefined,
            fieldSelector,
          },
          render: renderOne,
          bookmarkIntervalMs,
          open: openWatches,
          outageUntil: () => options.faults?.()?.outageUntil(),
        });
      }
      case 'create': {
        if (info.name) throw methodNotAllowed(req.method);
        const body = decodeBody(await readBody(req), mediaTypeOf(req)) as unknown as KubeObject;
        const object = checkFields(prepareIncoming(body, type, apiVersion, namespace), query, res);
        if (type.subresources.includes('status')) delete object.status;
        if (key === 'pods') object.status = { phase: 'Pending' };
        const tracked = track(undefined, object, managerOf(query) ?? defaultManager(req), type);
        if (dryRun) return sendJson(res, 201, renderOne(dryRunCreate(target, type, tracked)));
        return sendJson(res, 201, renderOne(db.create(tracked)));
      }
      case 'update': {
        const name = requireName();
        const body = decodeBody(await readBody(req), mediaTypeOf(req)) as unknown as KubeObject;
        const existing = current();
        if (info.subresource === 'scale') {
          const replicas = (body.spec as { replicas?: number } | undefined)?.replicas;
          if (typeof replicas !== 'number') throw badRequest('Scale.autoscaling "" is invalid: spec.replicas: Required value');
          const next = { ...existing, spec: { ...(existing.spec as object), replicas }, metadata: { ...existing.metadata, resourceVersion: body.metadata?.resourceVersion || existing.metadata.resourceVersion } };
          return sendJson(res, 200, toScale(dryRun ? next : db.update(next)));
        }
        const object = info.subresource === 'status' ? prepareIncoming(body, type, apiVersion, namespace) : checkFields(prepareIncoming(body, type, apiVersion, namespace), query, res);
        if (object.metadata.name !== name) throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
        const manager = managerOf(query) ?? defaultManager(req);
        if (info.subresource === 'status') {
          const next = track(existing, { ...existing, status: object.status, metadata: { ...existing.metadata, resourceVersion: object.metadata.resourceVersion } }, manager, type, 'status');
          if (dryRun) return sendJson(res, 200, renderOne(next));
          return sendJson(res, 200, renderOne(db.update(next, { subresource: 'status' })));
        }
        // The main resource of a type with a status subresource ignores status changes, as a real server does.
        if (type.subresources.includes('status')) {
          if (existing.status === undefined) delete object.status;
          else object.status = existing.status;
        }
        const next = track(existing, object, manager, type);
        if (dryRun) return sendJson(res, 200, renderOne({ ...next, metadata: { ...next.metadata, uid: existing.metadata.uid, creationTimestamp: existing.metadata.creationTimestamp } }));
        return sendJson(res, 200, renderOne(db.update(next)));
      }
      case 'patch': {
        const name = requireName();
        const mediaType = mediaTypeOf(req);
        const raw = (await readBody(req)).toString('utf8');
        let patch: unknown;
        try {
          patch = mediaType === 'application/apply-patch+yaml' ? yaml.load(raw) : JSON.parse(raw);
        } catch (err) {
          throw badRequest(`error decoding patch: ${(err as Error).message.split('\n')[0]}`);
        }
        const existing = db.get(namespace, name);
        const manager = managerOf(query) ?? (mediaType === 'application/apply-patch+yaml' ? undefined : defaultManager(req));
        if (info.subresource === 'scale') {
          if (!existing) throw notFound(key, name, type.group, type.plural);
          const scale = toScale(existing);
          const patched = mediaType === 'application/json-patch+json' ? applyJsonPatch(scale as never, patch as never) : applyMergePatch(scale as never, patch as never);
          const replicas = ((patched as unknown as KubeObject).spec as { replicas?: number }).replicas;
          const next = { ...existing, spec: { ...(existing.spec as object), replicas } };
          return sendJson(res, 200, toScale(dryRun ? next : db.update(next)));
        }
        if (!existing && mediaType !== 'application/apply-patch+yaml') throw notFound(key, name, type.group, type.plural);
        if (mediaType === 'application/apply-patch+yaml' && patch && typeof patch === 'object' && info.subresource !== 'status') {
          // Server-side apply converts the applied object to its typed schema: an undeclared field fails it (500 up to 1.32).
          const report = inspectFields(apiVersion, type.kind, patch as Record<string, unknown>);
          const problem = report?.undeclared.length
            ? `${applyFieldPath(report.undeclared[0])}: field not declared in schema`
            : report?.typeError
              ? `${applyFieldPath(report.typeError.path)}: expected ${report.typeError.applyExpected}, got ${report.typeError.got}`
              : undefined;
          if (problem) {
            throw new StatusError(500, 'InternalError', `failed to create typed patch object (${namespace ? `${namespace}/` : '/'}${name}; ${info.group}/${info.version}, Kind=${type.kind}): ${problem}`);
          }
        }
        const patchedRaw = applyPatch({ contentType: mediaType, current: existing, patch, fieldManager: manager, force: query.get('force') === 'true', resource: type, now: now() });
        if (!existing) {
          const object = prepareIncoming(patchedRaw, type, apiVersion, namespace);
          object.metadata.name = name;
          if (type.subresources.includes('status')) delete object.status;
          if (key === 'pods') object.status = { phase: 'Pending' };
          if (dryRun) return sendJson(res, 201, renderOne(dryRunCreate(target, type, object)));
          return sendJson(res, 201, renderOne(db.create(object)));
        }
        const patched = mediaType === 'application/apply-patch+yaml' || info.subresource === 'status' ? prepareIncoming(patchedRaw, type, apiVersion, namespace) : checkFields(prepareIncoming(patchedRaw, type, apiVersion, namespace), query, res);
        if (patched.metadata.name !== name) throw badRequest(`the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`);
        patched.metadata.resourceVersion ||= existing.metadata.resourceVersion;
        const tracked = mediaType === 'application/apply-patch+yaml' ? patched : track(existing, patched, manager ?? 'unknown', type, info.subresource === 'status' ? 'status' : undefined);
        if (info.subresource === 'status') {
          const next = { ...existing, status: tracked.status, metadata: { ...existing.metadata, managedFields: tracked.metadata.managedFields, resourceVersion: tracked.metadata.resourceVersion } };
          if (dryRun) return sendJson(res, 200, renderOne(next));
          return sendJson(res, 200, renderOne(db.update(next, { subresource: 'status' })));
        }
        if (type.subresources.includes('status')) {
          if (existing.status === undefined) delete tracked.status;
          else tracked.status = existing.status;
        }
        if (dryRun) return sendJson(res, 200, renderOne(tracked));
        return sendJson(res, 200, renderOne(db.update(tracked)));
      }
      case 'delete': {
        const name = requireName();
        const opts = await deleteOptionsOf(req, query);
        const existing = current();
        if (dryRun || opts.dryRun) return sendJson(res, 200, renderOne(existing));
        const result = db.delete(namespace, name, opts.options);
        if (db.get(namespace, name)) return sendJson(res, 200, renderOne(result));
        return sendJson(res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name, group: type.group, kind: type.plural, uid: existing.metadata.uid },
        });
      }
      case 'deletecollection': {
        if (!type.verbs.includes('deletecollection')) throw methodNotAllowed(req.method);
        const opts = await deleteOptionsOf(req, query);
        const { items } = db.list({ namespace, labelSelector: query.get('labelSelector') ?? undefined, fieldSelector: query.get('fieldSelector') ?? undefined });
        const deleted: KubeObject[] = [];
        for (const o of items) {
          if (dryRun || opts.dryRun) {
            deleted.push(o);
            continue;
          }
          try {
            deleted.push(db.delete(o.metadata.namespace, o.metadata.name, opts.options));
          } catch (err) {
            if (!(err instanceof StatusError && err.code === 404)) throw err; // already collected by GC
          }
        }
        return sendJson(res, 200, { kind: type.listKind, apiVersion, metadata: { resourceVersion: String(store.currentResourceVersion()) }, items: deleted.map((o) => ({ ...o, apiVersion })) });
      }
      default:
        throw methodNotAllowed(req.method);
    }
  }

  /**
   * Unknown fields of built-in kinds, per `?fieldValidation=`: Strict is 400 (strict decoding error), Warn (the
   * default) a Warning header per field, Ignore nothing; like a typed decode, the stored object drops them.
   */
  function checkFields(object: KubeObject, query: URLSearchParams, res: ServerResponse): KubeObject {
    const report = inspectFields(object.apiVersion, object.kind, object as unknown as Record<string, unknown>);
    if (!report) return object;
    const version = object.apiVersion.split('/').pop();
    const typeError = report.typeError;
    if (typeError) {
      // A value of the wrong type fails the typed decode whatever fieldValidation says (encoding/json's wording).
      throw badRequest(
        `${object.kind} in version "${version}" cannot be handled as a ${object.kind}: json: cannot unmarshal ${typeError.got} into Go struct field ${typeError.struct}.${goFieldPath(typeError.path)} of type ${typeError.goType}`,
      );
    }
    const micro = microTimeProblem(object);
    if (micro) throw badRequest(`${object.kind} in version "${version}" cannot be handled as a ${object.kind}: ${micro}`);
    const undeclared = report.undeclared;
    if (undeclared.length === 0) return object;
    const directive = query.get('fieldValidation') ?? 'Warn';
    if (!['Strict', 'Warn', 'Ignore'].includes(directive)) {
      throw badRequest(`fieldValidation: Unsupported value: "${directive}": supported values: "Ignore", "Strict", "Warn"`);
    }
    const paths = undeclared.map(jsonFieldPath);
    if (directive === 'Strict') {
      throw badRequest(`${object.kind} in version "${version}" cannot be handled as a ${object.kind}: strict decoding error: ${paths.map((p) => `unknown field "${p}"`).join(', ')}`);
    }
    if (directive === 'Warn') res.setHeader('Warning', paths.map((p) => `299 - ${JSON.stringify(`unknown field "${p}"`)}`));
    return pruneFields(object, undeclared);
  }

  /**
   * `pods/NAME/log`: the simulator runs no processes, so the log is what the kubelet knows about the container's
   * current (or, with `previous=true`, last) run, one line per event, with the API server's errors for a missing or
   * not yet started container.
   */
  function servePodLog(namespace: string, name: string, query: URLSearchParams, res: ServerResponse): void {
    const pod = store.get('pods', namespace, name);
    if (!pod) throw notFound('pods', name, '', 'pods');
    const spec = (pod.spec ?? {}) as { containers?: Array<{ name: string; image?: string }>; initContainers?: Array<{ name: string; image?: string }> };
    const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    const names = (spec.containers ?? []).map((c) => c.name);
    let container = query.get('container') ?? undefined;
    if (!container) {
      if (names.length !== 1) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
      container = names[0];
    }
    const c = all.find((x) => x.name === container);
    if (!c) throw badRequest(`container ${container} is not valid for pod ${name}`);
    const status = (pod.status ?? {}) as { containerStatuses?: Array<Record<string, any>>; initContainerStatuses?: Array<Record<string, any>> };
    const cs = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])].find((x) => x.name === container);
    const previous = query.get('previous') === 'true';
    // Which run to show, as the kubelet picks it (validateContainerLogStatus).
    type Run = Record<string, Record<string, any>>;
    const current = (cs?.state ?? {}) as Run;
    const last = (cs?.lastState ?? {}) as Run;
    let state: Run;
    if (previous) {
      if (!last.terminated) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
      state = { terminated: last.terminated };
    } else if (current.running || current.terminated) state = current;
    else if (last.terminated) state = { terminated: last.terminated };
    else {
      const reason = (current.waiting?.reason as string | undefined) ?? 'ContainerCreating';
      const why = reason === 'ErrImagePull' ? "image can't be pulled" : reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason;
      throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${why}`);
    }
    const lines: string[] = [];
    const started = state.running?.startedAt ?? state.terminated?.startedAt;
    if (started) lines.push(`${started} kube-sim: container ${container} (image ${c.image ?? cs?.image ?? ''}) started`);
    if (state.terminated) {
      const t = state.terminated;
      lines.push(`${t.finishedAt ?? ''} kube-sim: container ${container} exited with code ${t.exitCode ?? 0}${t.reason ? ` (${t.reason})` : ''}${t.message ? `: ${t.message}` : ''}`);
    }
    const tail = Number(query.get('tailLines') ?? NaN);
    const format = (l: string) => (query.get('timestamps') === 'true' ? l : l.replace(/^\S+ /, ''));
    const body = (Number.isInteger(tail) && tail >= 0 ? lines.slice(Math.max(0, lines.length - tail)) : lines).map(format).join('\n');
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
    if (!(query.get('follow') === 'true' && state.running && !previous)) {
      res.end(body ? `${body}\n` : '');
      return;
    }
    // follow: stream until this run of the container ends or the pod goes away.
    res.write(body ? `${body}\n` : '');
    const startedAt = state.running.startedAt;
    const unsubscribe = store.subscribe((event) => {
      if (event.resource !== 'pods' || event.object.metadata.uid !== pod.metadata.uid) return;
      if (event.type === 'DELETED') return finish();
      const now = (((event.object.status ?? {}) as typeof status).containerStatuses ?? []).find((x) => x.name === container);
      const ended = now?.state?.terminated ?? (now?.lastState?.terminated?.startedAt === startedAt ? now?.lastState?.terminated : undefined);
      if (ended && ended.startedAt === startedAt) {
        res.write(`${format(`${ended.finishedAt ?? ''} kube-sim: container ${container} exited with code ${ended.exitCode ?? 0}${ended.reason ? ` (${ended.reason})` : ''}`)}\n`);
        finish();
      }
    }, { resources: ['pods'] });
    const finish = () => {
      unsubscribe();
      res.end();
    };
    res.on('close', unsubscribe);
  }

  function negotiateOrJson(accept: string | undefined): Negotiated {
    try {
      return negotiate(accept);
    } catch {
      return 'json';
    }
  }

  function prepareIncoming(body: KubeObject, type: ResourceType, apiVersion: string, namespace: string | undefined): KubeObject {
    const object = structuredClone(body);
    if (object.kind && object.kind !== type.kind) {
      throw badRequest(`the kind of the object (${String(object.kind)}) does not match the kind of the resource (${type.kind})`);
    }
    object.apiVersion = apiVersion;
    object.kind = type.kind;
    object.metadata = { ...((object.metadata ?? {}) as KubeObject['metadata']) };
    if (type.namespaced) {
      if (object.metadata.namespace && namespace && object.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      object.metadata.namespace = namespace ?? object.metadata.namespace;
      if (!object.metadata.namespace) throw notServed();
    } else delete object.metadata.namespace;
    return object;
  }

  function dryRunCreate(key: string, type: ResourceType, object: KubeObject): KubeObject {
    const name = object.metadata.name;
    if (type.namespaced && !store.get('namespaces', undefined, object.metadata.namespace!)) throw notFound('namespaces', object.metadata.namespace!, '', 'namespaces');
    if (name && store.get(key, object.metadata.namespace, name)) throw new StatusError(409, 'AlreadyExists', `${key} "${name}" already exists`, { name, group: type.group, kind: type.plural });
    return { ...object, metadata: { ...object.metadata, uid: '00000000-0000-0000-0000-000000000000', creationTimestamp: clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'), generation: 1 } };
  }

  async function deleteOptionsOf(req: IncomingMessage, query: URLSearchParams): Promise<{ options: DeleteOptions; dryRun: boolean }> {
    const body = await readBody(req);
    let parsed: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        parsed = decodeBody(body, mediaTypeOf(req));
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 415)) throw err;
      }
    }
    const policy = (query.get('propagationPolicy') ?? parsed.propagationPolicy) as DeleteOptions['propagationPolicy'] | undefined;
    const orphan = query.get('orphanDependents') === 'true' || parsed.orphanDependents === true;
    const options: DeleteOptions = {};
    if (policy) {
      if (!['Background', 'Foreground', 'Orphan'].includes(policy)) throw badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}"`);
      options.propagationPolicy = policy;
    } else if (orphan) options.propagationPolicy = 'Orphan';
    if (parsed.preconditions) options.preconditions = parsed.preconditions as DeleteOptions['preconditions'];
    const dryRun = Array.isArray(parsed.dryRun) && (parsed.dryRun as string[]).includes('All');
    return { options, dryRun };
  }

  const debug = /^(1|true|yes)$/i.test(process.env.KUBE_SIM_DEBUG ?? '');

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (debug) {
      // KUBE_SIM_DEBUG=1: one stderr line per request, for debugging clients against the simulator.
      const started = Date.now();
      res.on('finish', () => process.stderr.write(`kube-sim: ${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms ${req.headers['user-agent'] ?? ''}\n`));
    }
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (err instanceof StatusError) return sendStatus(res, err);
      process.stderr.write(`kube-sim: ${req.method} ${req.url} failed: ${(err as Error).stack ?? String(err)}\n`);
      sendStatus(res, new StatusError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`, {}));
    });
  }

  function startServer(): Promise<void> {
    const serverOptions = { keepAliveTimeout: 95_000, requestTimeout: 0, headersTimeout: 100_000 };
    const tls = options.auth?.tls;
    // With --rbac: HTTPS, asking for a client certificate but not requiring one (token users send none).
    const s: Server = tls
      ? createHttpsServer({ ...serverOptions, key: tls.key, cert: tls.cert, ca: [tls.ca], requestCert: true, rejectUnauthorized: false }, onRequest)
      : createServer(serverOptions, onRequest);
    s.keepAliveTimeout = 95_000;
    s.timeout = 0;
    s.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server = s;
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, host, () => {
        s.off('error', reject);
        port = (s.address() as AddressInfo).port;
        url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
        resolve();
      });
    });
  }

  function dropWatches(abrupt = false): number {
    const watches = [...openWatches];
    for (const w of watches) (abrupt ? w.reset() : w.close());
    return watches.length;
  }

  async function close(): Promise<void> {
    const s = server;
    if (!s) return;
    server = undefined;
    dropWatches();
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      s.closeAllConnections();
    });
  }

  return {
    async listen(listenPort = 0, listenHost = '127.0.0.1') {
      port = listenPort;
      host = listenHost;
      await startServer();
      return url;
    },
    close,
    restart(downMs = 0) {
      // Restarts queue up: a second one while the first is down waits for it (one listener per port).
      const next = restarting.then(async () => {
        await close();
        // While down, connections are refused, as while a real kube-apiserver restarts.
        if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
        await startServer();
      });
      restarting = next.catch(() => undefined);
      return next;
    },
    dropWatches(abrupt = false) {
      const n = dropWatches(abrupt);
      stats.dropped(n);
      return n;
    },
    stats: () => stats.snapshot(openWatches.size),
    get url() {
      return url;
    },
  };
}

/**
 * The authorizer's view of a request (like the API server's RequestInfo): for a list or watch selecting one
 * object by `fieldSelector=metadata.name=X`, the name is X, so rules with resourceNames can allow it.
 */
export function requestAttributes(user: UserInfo, info: ResourceRequest | undefined, verb: string, path: string, query: URLSearchParams): RequestAttributes {
  if (!info) return { user, verb, resourceRequest: false, path };
  let name = info.name;
  if (!name && (verb === 'list' || verb === 'watch')) {
    for (const term of (query.get('fieldSelector') ?? '').split(',')) {
      const m = /^metadata\.name==?(.*)$/.exec(term.trim());
      if (m) name = m[1];
    }
  }
  return {
    user,
    verb,
    resourceRequest: true,
    apiGroup: info.group,
    apiVersion: info.version,
    resource: info.resource,
    ...(info.subresource ? { subresource: info.subresource } : {}),
    ...(info.namespace ? { namespace: info.namespace } : {}),
    ...(name ? { name } : {}),
  };
}

/** Go's layout for metav1.MicroTime, which the API server parses strictly (exactly six fractional digits). */
const RFC3339_MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;

/**
 * A Lease's acquireTime / renewTime are MicroTime: the real server rejects any other form (e.g. the three
 * fractional digits of JavaScript's toISOString) while decoding, with Go's time.Parse wording.
 */
function microTimeProblem(object: KubeObject): string | undefined {
  if (object.kind !== 'Lease' || !object.apiVersion.startsWith('coordination.k8s.io/')) return undefined;
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  for (const field of ['acquireTime', 'renewTime']) {
    const v = spec[field];
    if (typeof v !== 'string' || RFC3339_MICRO.test(v)) continue;
    const frac = /:\d{2}(\.\d*)?(Z|[+-]\d{2}:\d{2})?$/.exec(v);
    return `parsing time "${v}" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "${frac ? `${frac[1] ?? ''}${frac[2] ?? ''}` : v}" as ".000000"`;
  }
  return undefined;
}
