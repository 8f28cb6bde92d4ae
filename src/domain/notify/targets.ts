/**
 * Where notifications go (`--notify`): a webhook URL and the payload format it expects. Webhook URLs carry
 * their token in the path, so they are only ever shown masked (`https://hooks.slack.com/…`).
 */

/** Payload formats: our generic JSON event, Slack's incoming-webhook message, a CDEvents CloudEvent. */
export type NotifyFormat = 'json' | 'slack' | 'cdevents';

/** One `--notify` target. */
export interface NotifyTarget {
  format: NotifyFormat;
  url: string;
}

const PREFIX = /^(json|slack|cdevents)=(.*)$/s;

/**
 * Parses one `--notify` value: `URL` (Slack format when the host is hooks.slack.com, else generic JSON),
 * or `slack=URL`, `cdevents=URL`, `json=URL`. The message of a rejection never contains the URL. Pure.
 */
export function parseNotifyTarget(text: string): { ok: true; target: NotifyTarget } | { ok: false; message: string } {
  const m = PREFIX.exec(text.trim());
  const explicit = m ? (m[1] as NotifyFormat) : undefined;
  const raw = m ? m[2]!.trim() : text.trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    const looksPrefixed = /^[a-z]+=/.test(text.trim());
    return {
      ok: false,
      message: looksPrefixed && !m
        ? `a --notify value has an unknown format prefix; use slack=URL, cdevents=URL or json=URL`
        : `a --notify value is not a URL; give http(s)://... (optionally as slack=URL, cdevents=URL or json=URL)`,
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `a --notify URL must be http:// or https://, got ${url.protocol} (${maskUrl(url.href)})` };
  }
  const format: NotifyFormat = explicit ?? (url.hostname === 'hooks.slack.com' ? 'slack' : 'json');
  return { ok: true, target: { format, url: url.href } };
}

/** A webhook URL as it may be printed: scheme and host only (`https://hooks.slack.com/…`). */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname === '/' && u.search === '' ? '' : '/…';
    return `${u.protocol}//${u.host}${path}`;
  } catch {
    return '(webhook)';
  }
}
