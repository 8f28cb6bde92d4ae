import { buildPayload, type NotificationEvent } from '../domain/notify/payloads.js';
import { maskUrl, type NotifyTarget } from '../domain/notify/targets.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier, WebhookPoster } from '../ports/notifier.js';

/** What the notifier needs. */
export interface NotifierDeps {
  poster: WebhookPoster;
  clock: Clock;
  /** Gets one line per delivery given up (the URL masked); never the token. */
  warn?: (line: string) => void;
  /** Event ids (CloudEvents need one); default crypto.randomUUID. */
  newId?: () => string;
}

/** Retry policy; defaults: 3 attempts, 1 s then 2 s between them, 5 s per attempt. */
export interface NotifierOptions {
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

/**
 * A Notifier posting each event to every target in the background: `notify` returns before any network I/O;
 * a 5xx, 429 or network error is retried with exponential backoff up to `attempts` times; another 4xx is not
 * retried. Failures end as one warning line with the URL masked.
 */
export function createNotifier(deps: NotifierDeps, targets: readonly NotifyTarget[], options: NotifierOptions = {}): Notifier {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const newId = deps.newId ?? (() => globalThis.crypto.randomUUID());
  const pending = new Set<Promise<void>>();

  const deliver = async (target: NotifyTarget, body: string, contentType: string, kind: string) => {
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        const { status } = await deps.poster.post(target.url, body, contentType, timeoutMs);
        if (status >= 200 && status < 300) return;
        last = `HTTP ${status}`;
        if (status >= 400 && status < 500 && status !== 429 && status !== 408) break;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      if (attempt < attempts) await deps.clock.sleep(backoffMs * 2 ** (attempt - 1));
    }
    deps.warn?.(`notification (${kind}) to ${maskUrl(target.url)} not delivered: ${last}`);
  };

  return {
    notify(event) {
      const id = newId();
      for (const target of targets) {
        const payload = buildPayload(target.format, event, id);
        if (!payload) continue;
        // Started on a later tick so that not even the request setup runs inside the caller.
        const p: Promise<void> = Promise.resolve()
          .then(() => deliver(target, payload.body, payload.contentType, event.kind))
          .catch(() => {})
          .finally(() => pending.delete(p));
        pending.add(p);
      }
    },
    async flush(ms) {
      if (pending.size === 0) return 0;
      let cancel: () => void = () => {};
      const timeout = new Promise<void>((resolve) => (cancel = deps.clock.at(new Date(deps.clock.now().getTime() + ms), resolve)));
      const drain = (async () => {
        while (pending.size > 0) await Promise.all([...pending]);
      })();
      await Promise.race([drain, timeout]);
      cancel();
      return pending.size;
    },
  };
}
