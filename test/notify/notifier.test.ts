/**
 * The notifier against a local HTTP server (the real node:http adapter): each format arrives; a failing or
 * hanging webhook never holds up the caller; retries are bounded; URLs are never printed.
 */
import type { NotificationEvent } from '../../src/domain/notify/payloads.js';
import { parseNotifyTarget, type NotifyTarget } from '../../src/domain/notify/targets.js';
import { httpWebhookPoster } from '../../src/notify/webhook-poster.js';
import { systemClock } from '../../src/ports/clock.js';
import type { WebhookPoster } from '../../src/ports/notifier.js';
import { createNotifier } from '../../src/services/notifier.js';
import { FakeClock } from '../services/upgrade-fakes.js';
import { startWebhookReceiver as receiver } from './webhook-receiver.js';

const target = (text: string): NotifyTarget => {
  const r = parseNotifyTarget(text);
  if (!r.ok) throw new Error(r.message);
  return r.target;
};

const event: NotificationEvent = {
  kind: 'rolled-back',
  source: 'watchdog',
  release: 'web',
  namespace: 'prod',
  revision: 5,
  toRevision: 4,
  reason: 'MetricFailed',
  message: 'error-rate: 0.5 > 0.05',
  at: new Date('2026-03-01T12:00:00Z'),
};

describe('createNotifier with the node:http adapter', () => {
  it('delivers the generic JSON, Slack and CDEvents formats to their receivers', async () => {
    const r = await receiver();
    try {
      const warnings: string[] = [];
      const n = createNotifier({ poster: httpWebhookPoster, clock: systemClock, warn: (l) => warnings.push(l), newId: () => 'evt-1' }, [
        target(`${r.base}/json-token`),
        target(`slack=${r.base}/slack-token`),
        target(`cdevents=${r.base}/cd-token`),
      ]);
      n.notify(event);
      expect(await n.flush(10_000)).toBe(0);
      const byPath = Object.fromEntries(r.received.map((x) => [x.path, x]));
      expect(Object.keys(byPath).sort()).toEqual(['/cd-token', '/json-token', '/slack-token']);
      expect(byPath['/json-token']!.contentType).toBe('application/json');
      expect(JSON.parse(byPath['/json-token']!.body)).toMatchObject({ type: 'helm-autorollback.rolled-back', release: 'web', toRevision: 4 });
      expect(JSON.parse(byPath['/slack-token']!.body).text).toBe(':rewind: web (prod): revision 5 rolled back to 4 by the watchdog: error-rate: 0.5 > 0.05');
      expect(byPath['/cd-token']!.contentType).toBe('application/cloudevents+json; charset=utf-8');
      expect(JSON.parse(byPath['/cd-token']!.body)).toMatchObject({ specversion: '1.0', id: 'evt-1', type: 'dev.cdevents.service.rolledback.0.2.0' });
      expect(warnings).toEqual([]);
    } finally {
      await r.close();
    }
  });

  it('notify returns before a hanging webhook has even received the request', async () => {
    const r = await receiver(() => true); // never answers
    try {
      const n = createNotifier({ poster: httpWebhookPoster, clock: systemClock }, [target(`${r.base}/hang`)], { attempts: 1, timeoutMs: 60_000 });
      n.notify(event);
      // The caller is back before any request reached the server, let alone an answer.
      expect(r.received).toHaveLength(0);
      await r.until(1);
      // flush gives up at its own deadline and says how many are still pending
      expect(await n.flush(200)).toBe(1);
    } finally {
      await r.close();
    }
  });

  it('a 500 is retried with backoff up to the attempt limit, then one warning with the URL masked', async () => {
    const r = await receiver((_req, res) => (res.writeHead(500).end('boom'), true));
    try {
      const warnings: string[] = [];
      const n = createNotifier({ poster: httpWebhookPoster, clock: systemClock, warn: (l) => warnings.push(l) }, [target(`${r.base}/secret-token`)], { attempts: 3, backoffMs: 20 });
      n.notify(event);
      expect(r.received).toHaveLength(0); // back before the failing server even saw the request
      expect(await n.flush(10_000)).toBe(0);
      expect(r.received).toHaveLength(3);
      expect(warnings).toEqual([`notification (rolled-back) to ${r.base}/… not delivered: HTTP 500`]);
      expect(warnings.join()).not.toContain('secret-token');
    } finally {
      await r.close();
    }
  });

  it('a 4xx other than 408/429 is not retried', async () => {
    const r = await receiver((_req, res) => (res.writeHead(404).end(), true));
    try {
      const warnings: string[] = [];
      const n = createNotifier({ poster: httpWebhookPoster, clock: systemClock, warn: (l) => warnings.push(l) }, [target(`${r.base}/x`)], { attempts: 3, backoffMs: 20 });
      n.notify(event);
      await n.flush(10_000);
      expect(r.received).toHaveLength(1);
      expect(warnings[0]).toMatch(/not delivered: HTTP 404$/);
    } finally {
      await r.close();
    }
  });

  it('an unreachable webhook ends as one warning naming the reason, not the URL path', async () => {
    const r = await receiver();
    const url = `${r.base}/token-abc`;
    await r.close();
    const warnings: string[] = [];
    const n = createNotifier({ poster: httpWebhookPoster, clock: systemClock, warn: (l) => warnings.push(l) }, [target(url)], { attempts: 2, backoffMs: 10 });
    n.notify(event);
    expect(await n.flush(10_000)).toBe(0);
    expect(warnings).toEqual([`notification (rolled-back) to ${r.base}/… not delivered: connection refused`]);
  });
});

describe('createNotifier retry schedule (fake clock)', () => {
  it('waits 1 s, then 2 s between attempts, and does not send non-rollback events to cdevents targets', async () => {
    const clock = new FakeClock(0);
    const calls: Array<{ url: string; at: number }> = [];
    let arrived: () => void = () => {};
    const poster: WebhookPoster = {
      post: (url) => {
        calls.push({ url, at: clock.now().getTime() });
        arrived();
        return Promise.resolve({ status: 503 });
      },
    };
    const next = () => new Promise<void>((resolve) => (arrived = resolve));
    const n = createNotifier({ poster, clock }, [target('http://a.example/x'), target('cdevents=http://b.example/y')]);
    let call = next();
    n.notify({ ...event, kind: 'verified' });
    await call;
    for (const wait of [1000, 2000]) {
      call = next();
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(wait);
      await call;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([
      { url: 'http://a.example/x', at: 0 },
      { url: 'http://a.example/x', at: 1000 },
      { url: 'http://a.example/x', at: 3000 },
    ]);
    expect(await n.flush(0)).toBe(0);
  });
});
