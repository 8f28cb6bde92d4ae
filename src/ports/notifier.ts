import type { NotificationEvent } from '../domain/notify/payloads.js';

/** Sends one HTTP POST; the real adapter uses node:http/https, tests use local servers or fakes. */
export interface WebhookPoster {
  /**
   * POSTs `body` to `url` and resolves with the HTTP status once the response has ended, or rejects (network
   * error, timeout after `timeoutMs`) with an Error whose message never contains the URL.
   */
  post(url: string, body: string, contentType: string, timeoutMs: number): Promise<{ status: number }>;
}

/** Sends notifications in the background. */
export interface Notifier {
  /** Queues the event for every target and returns at once; delivery never blocks or fails the caller. */
  notify(event: NotificationEvent): void;
  /** Waits until every queued delivery ended (delivered or given up) or `timeoutMs` passed; resolves with the number still pending. */
  flush(timeoutMs: number): Promise<number>;
}
