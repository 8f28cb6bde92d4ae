import { upgradeNotification } from '../domain/notify/from-upgrade.js';
import type { NotificationEvent } from '../domain/notify/payloads.js';
import type { NotifyTarget } from '../domain/notify/targets.js';
import type { UpgradeEvent } from '../domain/upgrade/events.js';
import { systemClock } from '../ports/clock.js';
import { createNotifier } from '../services/notifier.js';
import { httpWebhookPoster } from './webhook-poster.js';

/** A command's notifier: background delivery now, warnings printed at the end (never into a live view). */
export interface CommandNotifier {
  notify(event: NotificationEvent): void;
  /** Feeds an `upgrade` event; the final report of a rollback or failed rollback becomes a notification. */
  onUpgradeEvent(event: UpgradeEvent): void;
  /** Waits up to `timeoutMs` (default 10 s) for deliveries, then prints one warning line per failed one. */
  finish(timeoutMs?: number): Promise<void>;
}

/** Builds the notifier of `--notify` targets over node:http(s); with no targets it does nothing. */
export function openNotifier(targets: readonly NotifyTarget[], stderr: { write(text: string): unknown }): CommandNotifier {
  if (targets.length === 0) return { notify() {}, onUpgradeEvent() {}, finish: async () => {} };
  const warnings: string[] = [];
  const notifier = createNotifier({ poster: httpWebhookPoster, clock: systemClock, warn: (line) => warnings.push(line) }, targets);
  const notify = (event: NotificationEvent) => notifier.notify(event);
  return {
    notify,
    onUpgradeEvent(event) {
      if (event.type !== 'finished') return;
      const n = upgradeNotification(event.report, event.at);
      if (n) notify(n);
    },
    async finish(timeoutMs = 10_000) {
      const left = await notifier.flush(timeoutMs);
      for (const line of warnings) stderr.write(`Warning: ${line}\n`);
      if (left > 0) stderr.write(`Warning: ${left} notification(s) still undelivered after ${timeoutMs / 1000}s; giving up\n`);
    },
  };
}
