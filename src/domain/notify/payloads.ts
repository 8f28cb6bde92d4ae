import type { NotifyFormat } from './targets.js';

/** What a notification reports. */
export type NotificationKind = 'rolled-back' | 'rollback-failed' | 'stood-down' | 'verified';

/** One notification: what happened to which release, and why. Times are Dates; payloads print RFC 3339. */
export interface NotificationEvent {
  kind: NotificationKind;
  /** Which command acted: `upgrade` (its own rollback) or `watchdog`. */
  source: 'upgrade' | 'watchdog';
  release: string;
  namespace: string;
  /** The revision judged: the failed one, the verified one, or the one the watchdog stood down on. */
  revision: number | null;
  /** Rollback target, for rolled-back / rollback-failed. */
  toRevision?: number | null;
  /** Revision helm created for the rollback, when known. */
  newRevision?: number | null;
  /** Short reason, e.g. `CrashLoopBackOff` or `metric error-rate`. */
  reason?: string;
  /** One line of evidence, e.g. `error-rate: 0.5 > 0.05 (3 in a row)`. */
  message?: string;
  at: Date;
}

/** A payload ready to POST. */
export interface Payload {
  contentType: string;
  body: string;
}

/** The CDEvents spec version and event type version of the CloudEvents we send. */
export const CDEVENTS_SPEC_VERSION = '0.4.1';
export const CDEVENTS_ROLLEDBACK_TYPE = 'dev.cdevents.service.rolledback.0.2.0';

/** The generic JSON event (format version 1): every field of the event, `at` as RFC 3339. */
export function genericPayload(e: NotificationEvent): Payload {
  const body = {
    type: `helm-autorollback.${e.kind}`,
    formatVersion: 1,
    source: e.source,
    release: e.release,
    namespace: e.namespace,
    revision: e.revision,
    ...(e.toRevision === undefined ? {} : { toRevision: e.toRevision }),
    ...(e.newRevision === undefined ? {} : { newRevision: e.newRevision }),
    ...(e.reason === undefined ? {} : { reason: e.reason }),
    ...(e.message === undefined ? {} : { message: e.message }),
    summary: summaryLine(e),
    at: e.at.toISOString(),
  };
  return { contentType: 'application/json', body: JSON.stringify(body) };
}

/** One sentence for humans, e.g. `web (prod): revision 5 rolled back to 4 by the watchdog: error-rate 0.5 > 0.05`. */
export function summaryLine(e: NotificationEvent): string {
  const who = `${e.release} (${e.namespace})`;
  const by = e.source === 'watchdog' ? 'the watchdog' : 'autorollback upgrade';
  const rev = e.revision === null ? 'the release' : `revision ${e.revision}`;
  const to = e.toRevision === null ? ' (uninstalled)' : e.toRevision === undefined ? '' : ` to ${e.toRevision}`;
  const why = e.message ?? e.reason;
  const tail = why ? `: ${why}` : '';
  switch (e.kind) {
    case 'rolled-back':
      return `${who}: ${rev} rolled back${to} by ${by}${tail}`;
    case 'rollback-failed':
      return `${who}: ${rev} failed and the rollback${to} FAILED (${by}); a human must look now${tail}`;
    case 'stood-down':
      return `${who}: the watchdog on ${rev} stood down${tail}`;
    case 'verified':
      return `${who}: ${rev} verified: the bake ended clean`;
  }
}

const SLACK_EMOJI: Record<NotificationEvent['kind'], string> = {
  'rolled-back': ':rewind:',
  'rollback-failed': ':rotating_light:',
  'stood-down': ':pause_button:',
  verified: ':white_check_mark:',
};

/** Slack's incoming-webhook message: `text` (the fallback and notification line) plus one section block. */
export function slackPayload(e: NotificationEvent): Payload {
  const text = `${SLACK_EMOJI[e.kind]} ${summaryLine(e)}`;
  const body = { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: slackEscape(text) } }] };
  return { contentType: 'application/json', body: JSON.stringify(body) };
}

function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A CloudEvent (structured JSON mode) whose data is a CDEvents `service.rolledback` event: the subject is the
 * release as a service in its namespace as the environment; the artifact is the revision now running
 * (`pkg:generic/<release>@<revision>`); our generic event travels as customData. Only `rolled-back` events
 * have a CDEvents shape; other kinds return undefined (not sent to cdevents targets).
 */
export function cdeventPayload(e: NotificationEvent, id: string): Payload | undefined {
  if (e.kind !== 'rolled-back') return undefined;
  const source = `/helm-autorollback/${e.namespace}/${e.release}`;
  const timestamp = e.at.toISOString();
  const running = e.toRevision ?? e.newRevision ?? e.revision;
  const cdevent = {
    context: { version: CDEVENTS_SPEC_VERSION, id, source, type: CDEVENTS_ROLLEDBACK_TYPE, timestamp },
    subject: {
      id: `${e.namespace}/${e.release}`,
      source,
      type: 'service',
      content: {
        environment: { id: e.namespace },
        artifactId: `pkg:generic/${encodeURIComponent(e.release)}@${running ?? 'unknown'}`,
      },
    },
    customDataContentType: 'application/json',
    customData: JSON.parse(genericPayload(e).body) as unknown,
  };
  const cloudEvent = {
    specversion: '1.0',
    id,
    source,
    type: CDEVENTS_ROLLEDBACK_TYPE,
    subject: cdevent.subject.id,
    time: timestamp,
    datacontenttype: 'application/json',
    data: cdevent,
  };
  return { contentType: 'application/cloudevents+json; charset=utf-8', body: JSON.stringify(cloudEvent) };
}

/** The payload of `format` for the event, or undefined when that format has nothing to say about it. */
export function buildPayload(format: NotifyFormat, e: NotificationEvent, id: string): Payload | undefined {
  switch (format) {
    case 'json':
      return genericPayload(e);
    case 'slack':
      return slackPayload(e);
    case 'cdevents':
      return cdeventPayload(e, id);
  }
}
