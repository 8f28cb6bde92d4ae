import {
  buildPayload,
  CDEVENTS_ROLLEDBACK_TYPE,
  maskUrl,
  parseNotifyTarget,
  summaryLine,
  upgradeNotification,
  watchdogNotification,
  type NotificationEvent,
} from '../../../src/domain/notify/index.js';
import type { UpgradeReport } from '../../../src/domain/upgrade/report.js';
import type { WatchdogReport } from '../../../src/domain/watchdog/report.js';
import type { WatchdogNoticeKind } from '../../../src/domain/watchdog/types.js';

const at = new Date('2026-03-01T12:00:00.000Z');
const rolledBack: NotificationEvent = {
  kind: 'rolled-back',
  source: 'watchdog',
  release: 'web',
  namespace: 'prod',
  revision: 5,
  toRevision: 4,
  newRevision: 6,
  reason: 'MetricFailed',
  message: 'error-rate: 0.5 > 0.05',
  at,
};

describe('maskUrl', () => {
  it.each([
    ['https://hooks.slack.com/services/T0/B0/XXXX', 'https://hooks.slack.com/…'],
    ['http://127.0.0.1:8080/hook?token=abc', 'http://127.0.0.1:8080/…'],
    ['https://user:pw@example.com/x', 'https://example.com/…'],
    ['https://example.com', 'https://example.com'],
    ['nonsense', '(webhook)'],
  ])('%s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });
});

describe('parseNotifyTarget', () => {
  it.each([
    ['https://hooks.slack.com/services/a', { format: 'slack', url: 'https://hooks.slack.com/services/a' }],
    ['slack=http://x.example/a', { format: 'slack', url: 'http://x.example/a' }],
    ['cdevents=http://x.example/a', { format: 'cdevents', url: 'http://x.example/a' }],
    [' json=http://x.example/a ', { format: 'json', url: 'http://x.example/a' }],
    ['http://x.example/a', { format: 'json', url: 'http://x.example/a' }],
  ])('%s', (text, target) => {
    expect(parseNotifyTarget(text)).toEqual({ ok: true, target });
  });
});

describe('summaryLine', () => {
  it.each<[string, Partial<NotificationEvent>, string]>([
    ['a watchdog rollback', {}, 'web (prod): revision 5 rolled back to 4 by the watchdog: error-rate: 0.5 > 0.05'],
    ['an upgrade rollback', { source: 'upgrade', message: undefined, reason: 'CrashLoopBackOff' }, 'web (prod): revision 5 rolled back to 4 by autorollback upgrade: CrashLoopBackOff'],
    ['an uninstall of a first install', { source: 'upgrade', toRevision: null, message: undefined, reason: undefined }, 'web (prod): revision 5 rolled back (uninstalled) by autorollback upgrade'],
    ['a failed rollback', { kind: 'rollback-failed' }, 'web (prod): revision 5 failed and the rollback to 4 FAILED (the watchdog); a human must look now: error-rate: 0.5 > 0.05'],
    ['a stand-down', { kind: 'stood-down', toRevision: undefined, message: 'revision 6 appeared' }, 'web (prod): the watchdog on revision 5 stood down: revision 6 appeared'],
    ['verified', { kind: 'verified', toRevision: undefined, message: undefined }, 'web (prod): revision 5 verified: the bake ended clean'],
  ])('%s', (_name, patch, line) => {
    expect(summaryLine({ ...rolledBack, ...patch })).toBe(line);
  });
});

describe('payloads', () => {
  it('generic JSON carries every field and an RFC 3339 time', () => {
    const p = buildPayload('json', rolledBack, 'id-1')!;
    expect(p.contentType).toBe('application/json');
    expect(JSON.parse(p.body)).toEqual({
      type: 'helm-autorollback.rolled-back',
      formatVersion: 1,
      source: 'watchdog',
      release: 'web',
      namespace: 'prod',
      revision: 5,
      toRevision: 4,
      newRevision: 6,
      reason: 'MetricFailed',
      message: 'error-rate: 0.5 > 0.05',
      summary: 'web (prod): revision 5 rolled back to 4 by the watchdog: error-rate: 0.5 > 0.05',
      at: '2026-03-01T12:00:00.000Z',
    });
  });

  it('Slack: text plus one mrkdwn section, with <, > and & escaped in the block', () => {
    const body = JSON.parse(buildPayload('slack', { ...rolledBack, message: 'p99 > 0.5 & rising' }, 'id')!.body);
    expect(body.text).toBe(':rewind: web (prod): revision 5 rolled back to 4 by the watchdog: p99 > 0.5 & rising');
    expect(body.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: ':rewind: web (prod): revision 5 rolled back to 4 by the watchdog: p99 &gt; 0.5 &amp; rising' } }]);
  });

  it('CDEvents: a structured CloudEvent whose data is a service.rolledback event', () => {
    const p = buildPayload('cdevents', rolledBack, '0b7c-id')!;
    expect(p.contentType).toBe('application/cloudevents+json; charset=utf-8');
    const ce = JSON.parse(p.body);
    expect(ce).toMatchObject({
      specversion: '1.0',
      id: '0b7c-id',
      source: '/helm-autorollback/prod/web',
      type: 'dev.cdevents.service.rolledback.0.2.0',
      subject: 'prod/web',
      time: '2026-03-01T12:00:00.000Z',
      datacontenttype: 'application/json',
    });
    expect(ce.data.context).toEqual({ version: '0.4.1', id: '0b7c-id', source: '/helm-autorollback/prod/web', type: CDEVENTS_ROLLEDBACK_TYPE, timestamp: '2026-03-01T12:00:00.000Z' });
    expect(ce.data.subject).toEqual({ id: 'prod/web', source: '/helm-autorollback/prod/web', type: 'service', content: { environment: { id: 'prod' }, artifactId: 'pkg:generic/web@4' } });
    expect(ce.data.customData).toMatchObject({ type: 'helm-autorollback.rolled-back', revision: 5 });
  });

  it.each(['rollback-failed', 'stood-down', 'verified'] as const)('CDEvents has no shape for %s (not sent)', (kind) => {
    expect(buildPayload('cdevents', { ...rolledBack, kind }, 'id')).toBeUndefined();
    expect(buildPayload('json', { ...rolledBack, kind }, 'id')).toBeDefined();
  });
});

describe('upgradeNotification', () => {
  const report = (outcome: UpgradeReport['outcome']): UpgradeReport => ({
    release: 'web',
    namespace: 'prod',
    fromRevision: 3,
    attemptedRevision: 4,
    outcome,
    failure: { reason: 'CrashLoopBackOff', object: 'Deployment/web', message: 'pod web-1 is in CrashLoopBackOff', firstSignalAt: '', detectedAt: '' },
    rollback: { toRevision: 3, newRevision: 5, startedAt: '', completedAt: null },
    timings: { ttdMs: 1, ttrMs: 2 },
  });
  it.each(['healthy', 'failed-no-rollback'] as const)('none for %s', (outcome) => {
    expect(upgradeNotification(report(outcome), at)).toBeUndefined();
  });
  it.each(['rolled-back', 'rollback-failed'] as const)('one for %s', (outcome) => {
    expect(upgradeNotification(report(outcome), at)).toEqual({
      kind: outcome,
      source: 'upgrade',
      release: 'web',
      namespace: 'prod',
      revision: 4,
      toRevision: 3,
      newRevision: 5,
      reason: 'CrashLoopBackOff',
      message: 'pod web-1 is in CrashLoopBackOff',
      at,
    });
  });
});

describe('watchdogNotification', () => {
  const base: WatchdogReport = {
    release: 'web',
    namespace: 'prod',
    revision: 5,
    outcome: 'rolled-back',
    armedAt: '2026-03-01T11:50:00.000Z',
    deadline: '2026-03-01T12:00:00.000Z',
    endedAt: '2026-03-01T11:55:00.000Z',
    holder: 'ci-1',
    metrics: [],
  };
  const failure = { reason: 'MetricFailed' as const, object: 'metric/error-rate', message: 'error-rate = 0.5 (fails if > 0.05): failure limit reached', firstSignalAt: '', detectedAt: '' };
  const rollback = { toRevision: 4, newRevision: 6, startedAt: '', completedAt: null };
  it.each<[string, WatchdogNoticeKind, Partial<WatchdogReport>, Partial<NotificationEvent>]>([
    ['a rollback', 'rolled-back', { failure, rollback }, { toRevision: 4, newRevision: 6, reason: 'MetricFailed', message: 'metric/error-rate: error-rate = 0.5 (fails if > 0.05): failure limit reached' }],
    ['a failed rollback', 'rollback-failed', { outcome: 'rollback-failed', failure, rollback: { ...rollback, newRevision: null } }, { toRevision: 4, newRevision: null, reason: 'MetricFailed', message: 'metric/error-rate: error-rate = 0.5 (fails if > 0.05): failure limit reached' }],
    ['a stand-down', 'stood-down', { outcome: 'stood-down', standDown: { reason: 'newer-revision', detail: 'revision 6 was deployed' } }, { reason: 'newer-revision', message: 'revision 6 was deployed' }],
    ['verified', 'verified', { outcome: 'verified' }, {}],
  ])('%s', (_name, kind, patch, expected) => {
    const n = watchdogNotification(kind, { ...base, ...patch }, at);
    expect(n).toEqual({ kind, source: 'watchdog', release: 'web', namespace: 'prod', revision: 5, at: new Date('2026-03-01T11:55:00.000Z'), ...expected });
  });
  it('uses now when the report has no end yet', () => {
    expect(watchdogNotification('verified', { ...base, endedAt: null }, at).at).toBe(at);
  });
});
