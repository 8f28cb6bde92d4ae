import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError } from '../store/errors.js';
import { compileSelectors } from '../store/selectors.js';
import type { HistoryStore, KubeObject, ResourceKey, ResourceType, StoreEvent } from '../store/types.js';

/** Query parameters that shape a watch. */
export interface WatchParams {
  resourceVersion?: string;
  resourceVersionMatch?: string;
  sendInitialEvents?: boolean;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  labelSelector?: string;
  fieldSelector?: string;
}

/** One open watch stream, as the server tracks it for fault injection and shutdown. */
export interface OpenWatch {
  /** Ends the stream cleanly (the client sees EOF and re-watches). */
  close(): void;
  /** Cuts the connection mid-stream (the client sees a connection reset / unexpected EOF). */
  reset(): void;
}

/** Everything serveWatch needs. */
export interface WatchContext {
  req: IncomingMessage;
  res: ServerResponse;
  store: HistoryStore;
  resource: ResourceKey;
  type: ResourceType;
  /** The requested apiVersion (`apps/v1`), written into bookmark objects. */
  apiVersion: string;
  namespace?: string;
  params: WatchParams;
  /** For aliased resources: the stored object as this resource shows it (selectors match the view). */
  view?: (stored: KubeObject) => KubeObject;
  /** Turns a stored object into what this client asked for (apiVersion rewrite, Table, metadata only). */
  render: (object: KubeObject) => unknown;
  /** How often BOOKMARKs are sent when allowed (ms). */
  bookmarkIntervalMs: number;
  /** Registry of open watches; the watch removes itself when it ends. */
  open: Set<OpenWatch>;
  /**
   * While the API server is failing (a 5xx burst), when that ends (ms since the epoch). The simulator's
   * controllers and kubelet write to the store directly, where a real cluster's would fail against the failing
   * server and retry: so live events wait until the end, and no bookmark runs ahead of them.
   */
  outageUntil?: () => number | undefined;
}

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * Serves a watch: headers at once, then one JSON event per line. Initial state (RV unset/0 or
 * sendInitialEvents), replay from a resourceVersion (ERROR 410 Expired when too old), live changes with
 * selector transitions (an object leaving the selector is DELETED), periodic BOOKMARKs, timeoutSeconds.
 */
export function serveWatch(ctx: WatchContext): void {
  const { req, res, store, resource, type, namespace, params } = ctx;
  const matches = compileSelectors(params.labelSelector, params.fieldSelector);
  const inScope = (o: KubeObject) => !type.namespaced || !namespace || o.metadata.namespace === namespace;
  const view = ctx.view ?? ((o: KubeObject) => o);
  const selected = (o: KubeObject | undefined) => o !== undefined && inScope(o) && matches(view(o));
  const render = (o: KubeObject) => ctx.render(view(o));

  if (params.sendInitialEvents && params.resourceVersionMatch !== 'NotOlderThan') {
    throw new StatusError(422, 'Invalid', 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled or resourceVersionMatch is NotOlderThan');
  }
  if (params.sendInitialEvents && !params.allowWatchBookmarks) {
    throw new StatusError(422, 'Invalid', 'ListOptions.meta.k8s.io "" is invalid: allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks=true');
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  let closed = false;
  let lastSent = 0;
  const queue: StoreEvent[] = [];
  let replaying = true;

  const write = (eventType: WatchEventType, object: unknown) => {
    if (closed) return;
    res.write(`${JSON.stringify({ type: eventType, object })}\n`);
  };
  const bookmark = (rv: number, initialEnd = false) =>
    write('BOOKMARK', {
      kind: type.kind,
      apiVersion: ctx.apiVersion,
      metadata: { resourceVersion: String(rv), ...(initialEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}) },
    });

  const deliver = (event: StoreEvent) => {
    if (event.resource !== resource || event.resourceVersion <= lastSent) return;
    lastSent = event.resourceVersion;
    const now = selected(event.object);
    const before = event.type === 'ADDED' ? false : selected(event.previous ?? event.object);
    if (event.type === 'DELETED') {
      if (before || now) write('DELETED', render(event.object));
    } else if (event.type === 'ADDED') {
      if (now) write('ADDED', render(event.object));
    } else if (now && before) write('MODIFIED', render(event.object));
    else if (now) write('ADDED', render(event.object));
    else if (before) write('DELETED', render(event.object));
  };

  // Live events held back while the server is failing, delivered in order once it is back.
  const held: StoreEvent[] = [];
  let holdTimer: NodeJS.Timeout | undefined;
  const releaseHeld = () => {
    holdTimer = undefined;
    if (closed) return;
    const until = ctx.outageUntil?.();
    if (until !== undefined) {
      holdTimer = setTimeout(releaseHeld, Math.max(1, until - Date.now()));
      return;
    }
    for (const e of held.splice(0)) deliver(e);
  };
  const live = (event: StoreEvent) => {
    const until = ctx.outageUntil?.();
    if (until === undefined && held.length === 0) return deliver(event);
    held.push(event);
    holdTimer ??= setTimeout(releaseHeld, Math.max(1, (until ?? Date.now()) - Date.now()));
  };

  const unsubscribe = store.subscribe(
    (event) => {
      if (replaying) queue.push(event);
      else live(event);
    },
    { resources: [resource] },
  );
  const timers: NodeJS.Timeout[] = [];
  const entry: OpenWatch = {
    close: () => finish(),
    reset: () => {
      res.destroy();
      finish();
    },
  };
  ctx.open.add(entry);

  function finish(): void {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    if (holdTimer) clearTimeout(holdTimer);
    ctx.open.delete(entry);
    res.end();
  }
  req.on('close', finish);
  res.on('close', finish);

  const rvParam = params.resourceVersion ?? '';
  const snapshotRv = store.currentResourceVersion();
  if (params.sendInitialEvents || rvParam === '' || rvParam === '0') {
    // Initial state as synthetic ADDED events, then (WatchList) the bookmark marking its end.
    for (const o of store.list(resource, { namespace: type.namespaced ? namespace : undefined }).items) {
      if (selected(o)) write('ADDED', render(o));
    }
    lastSent = snapshotRv;
    if (params.sendInitialEvents) bookmark(snapshotRv, true);
  } else {
    const from = Number(rvParam);
    if (!Number.isInteger(from) || from < 0) {
      replaying = false;
      write('ERROR', new StatusError(400, 'BadRequest', `invalid resource version "${rvParam}"`).toStatus());
      finish();
      return;
    }
    let replay: StoreEvent[];
    try {
      replay = store.eventsSince(from);
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
      // A real API server answers 200 and then an ERROR event carrying the 410, so clients re-list.
      replaying = false;
      write('ERROR', err.toStatus());
      finish();
      return;
    }
    lastSent = from;
    for (const e of replay) deliver(e);
  }
  replaying = false;
  for (const e of queue.splice(0)) live(e);

  if (params.allowWatchBookmarks && ctx.bookmarkIntervalMs > 0) {
    const tick = () => {
      // A bookmark past held events would make a client resuming from it miss them.
      if (held.length === 0 && ctx.outageUntil?.() === undefined) bookmark(Math.max(lastSent, store.currentResourceVersion()));
      timers.push(setTimeout(tick, ctx.bookmarkIntervalMs).unref());
    };
    timers.push(setTimeout(tick, ctx.bookmarkIntervalMs).unref());
  }
  if (params.timeoutSeconds && params.timeoutSeconds > 0) timers.push(setTimeout(finish, params.timeoutSeconds * 1000));
}
