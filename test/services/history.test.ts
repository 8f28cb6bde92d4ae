import { UsageError } from '../../src/errors/errors.js';
import { ReleaseNotFoundError } from '../../src/ports/release-store.js';
import { history } from '../../src/services/history.js';
import { renderHistoryFooter, renderHistoryTable } from '../../src/ui/history-view.js';
import { BulkFakeReleaseStore, FakeReleaseStore } from './fake-release-store.js';
import { bulkReadFrom } from '../../src/services/history.js';
import { FakeLedger } from './upgrade-fakes.js';
import { createRevisionCache } from '../../src/services/revision-cache.js';
import { renderHistoryYaml } from '../../src/ui/history-view.js';
import { load as loadYaml } from 'js-yaml';
import { rollbackOf, verdictLabel } from '../../src/domain/history/index.js';

describe('history service', () => {
  it('reads labels for all revisions but decodes only the newest --max bodies', async () => {
    const store = new FakeReleaseStore().add('team', 'web', ['superseded'], 400);
    const report = await history({ releases: store }, { release: 'web', namespace: 'team', max: 10 });
    expect(store.getRevisionCalls).toBe(10);
    expect(report.totalRevisions).toBe(400);
    expect(report.rows.map((r) => r.revision)).toEqual([391, 392, 393, 394, 395, 396, 397, 398, 399, 400]);
    expect(report.rows[9]).toEqual({
      revision: 400,
      updated: new Date(Date.UTC(2026, 10, 1, 10, 0, 400)).toISOString(),
      status: 'superseded',
      chart: 'demo-1.0.400',
      appVersion: '2.0',
      description: 'Upgrade complete',
    });
    expect(report).not.toHaveProperty('deployedRevision');
  });

  it('reads many rows with one LIST of the bodies instead of a GET each, decoding only the shown rows once', async () => {
    const store = new BulkFakeReleaseStore().add('team', 'web', ['superseded', 'superseded', 'failed', 'deployed'], 500);
    const list = store.releases.get('team/web')!;
    list[498] = { summary: list[498].summary, body: undefined }; // revision 499 undecodable
    const report = await history({ releases: store }, { release: 'web', namespace: 'team', max: 400 });
    expect(store.listWithBodiesCalls).toBe(1);
    expect(store.getRevisionCalls).toBe(0);
    expect(store.decodes).toBe(400);
    expect(report.rows.map((r) => r.revision)).toEqual(Array.from({ length: 400 }, (_, i) => i + 101));
    expect(report.rows[0]).toMatchObject({ chart: 'demo-1.0.101', description: 'Upgrade complete', status: 'deployed' });
    expect(report.rows[398]).toMatchObject({ revision: 499, chart: '', description: expect.stringMatching(/^\(undecodable record: /) });
    expect(report).toMatchObject({ totalRevisions: 500, deployedRevision: 500 });
  });

  it('keeps the labels-only LIST and one GET per row below the bulk threshold, even when the store can list bodies', async () => {
    const store = new BulkFakeReleaseStore().add('team', 'web', ['superseded'], 100);
    const report = await history({ releases: store }, { release: 'web', namespace: 'team', max: bulkReadFrom - 1 });
    expect(store.listWithBodiesCalls).toBe(0);
    expect(store.getRevisionCalls).toBe(bulkReadFrom - 1);
    expect(report.rows).toHaveLength(bulkReadFrom - 1);
    await history({ releases: store }, { release: 'web', namespace: 'team', max: 0 });
    expect(store.listWithBodiesCalls).toBe(1);
  });

  it('defaults to 10 rows', async () => {
    const store = new FakeReleaseStore().add('team', 'web', ['superseded'], 25);
    expect((await history({ releases: store }, { release: 'web', namespace: 'team' })).rows).toHaveLength(10);
  });

  it('prefers the label status (rewritten on every change) and keeps a row for an undecodable body', async () => {
    const store = new FakeReleaseStore().add('team', 'web', ['superseded', 'failed', 'deployed']);
    const list = store.releases.get('team/web')!;
    list[1] = { summary: list[1].summary, body: undefined };
    list[2] = { summary: list[2].summary, body: { ...list[2].body!, status: 'pending-upgrade' } };
    const report = await history({ releases: store }, { release: 'web', namespace: 'team' });
    expect(report.rows.map((r) => r.status)).toEqual(['superseded', 'failed', 'deployed']);
    expect(report.rows[1]).toMatchObject({ chart: '', description: expect.stringMatching(/^\(undecodable record: /) });
  });

  it('drops a revision pruned between list and get', async () => {
    const store = new FakeReleaseStore().add('team', 'web', ['superseded', 'deployed']);
    const list = store.releases.get('team/web')!;
    const original = store.listHistory.bind(store);
    store.listHistory = async (r, n) => {
      const result = await original(r, n);
      list.splice(0, 1); // helm --history-max pruned revision 1 meanwhile
      return result;
    };
    expect((await history({ releases: store }, { release: 'web', namespace: 'team' })).rows.map((r) => r.revision)).toEqual([2]);
  });

  it('rejects an invalid name before asking the store, and passes not-found through', async () => {
    const store = new FakeReleaseStore();
    let listed = false;
    store.listHistory = async () => {
      listed = true;
      return [];
    };
    await expect(history({ releases: store }, { release: 'Bad_Name', namespace: 'team' })).rejects.toThrow(UsageError);
    expect(listed).toBe(false);
    await expect(history({ releases: new FakeReleaseStore() }, { release: 'web', namespace: 'team' })).rejects.toThrow(ReleaseNotFoundError);
  });
});

describe('history table', () => {
  it('renders helm-history columns in UTC, aligned, without trailing spaces', async () => {
    const store = new FakeReleaseStore().add('team', 'web', ['superseded', 'deployed']);
    const report = await history({ releases: store }, { release: 'web', namespace: 'team', max: 1 });
    const lines = renderHistoryTable(report).split('\n');
    expect(lines).toEqual([
      'REVISION  UPDATED                  STATUS    VERDICT  CHART       APP VERSION  DESCRIPTION',
      '2         2026-11-01 10:00:02 UTC  deployed  -        demo-1.0.2  2.0          Upgrade complete',
    ]);
    expect(renderHistoryFooter(report)).toBe('(1 older revision not shown; raise --max to see them)');
    expect(renderHistoryFooter({ ...report, totalRevisions: 1 })).toBeUndefined();
  });
});

describe('history verdicts, rollbacks and marks', () => {
  const decided = new Date('2026-11-01T10:00:00Z');
  function release() {
    // 1 ok, 2 crash-looped (helm still says superseded), 3 failed, 4 = rollback to 1, 5 deployed.
    const store = new FakeReleaseStore().add('team', 'web', ['superseded', 'superseded', 'failed', 'superseded', 'deployed']);
    store.releases.get('team/web')![3].body!.description = 'Rollback to 1';
    const ledger = new FakeLedger();
    ledger.entries = [
      { revision: 1, verdict: 'healthy', decidedAt: decided },
      { revision: 2, verdict: 'failed', reason: 'CrashLoopBackOff', decidedAt: decided },
      { revision: 5, verdict: 'verified', decidedAt: decided },
    ];
    return { store, ledger };
  }

  it('adds the ledger verdict, the rollback target and the deployed / last known good marks', async () => {
    const { store, ledger } = release();
    const report = await history({ releases: store, ledger }, { release: 'web', namespace: 'team' });
    expect(report.rows.map((r) => [r.revision, r.verdict, r.reason, r.rollbackTo])).toEqual([
      [1, 'healthy', undefined, undefined],
      [2, 'failed', 'CrashLoopBackOff', undefined],
      [3, undefined, undefined, undefined],
      [4, undefined, undefined, 1],
      [5, 'verified', undefined, undefined],
    ]);
    // 4 holds revision 1's content and is good; 2 is recorded failed, 3 failed: the target is 4.
    expect(report).toMatchObject({ deployedRevision: 5, lastKnownGood: 4, warnings: [] });
    const table = renderHistoryTable(report).split('\n');
    expect(table[2]).toMatch(/^2 .* superseded {2}failed CrashLoopBackOff {2}demo-1\.0\.2/);
    expect(table[3]).toMatch(/^3 .* failed {6}- {2,}demo/);
    expect(table[5]).toMatch(/ deployed {4}verified /);
  });

  it('skips the revision a deployed rollback went back to when choosing the last known good', async () => {
    const store = new FakeReleaseStore().add('team', 'web', ['superseded', 'superseded', 'failed', 'deployed']);
    store.releases.get('team/web')![3].body!.description = 'Rollback to 2';
    const report = await history({ releases: store }, { release: 'web', namespace: 'team' });
    expect(report).toMatchObject({ deployedRevision: 4, lastKnownGood: 1 });
  });

  it('an unreadable ledger is a warning, not a failure', async () => {
    const { store } = release();
    const ledger = new FakeLedger();
    ledger.read = async () => {
      throw new Error('configmaps "autorollback-web" is forbidden');
    };
    const report = await history({ releases: store, ledger }, { release: 'web', namespace: 'team' });
    expect(report.rows.every((r) => r.verdict === undefined)).toBe(true);
    expect(renderHistoryFooter(report)).toBe('warning: verdicts unknown: cannot read the autorollback ledger (configmaps "autorollback-web" is forbidden)');
  });

  it('-o yaml carries the same document as JSON', async () => {
    const { store, ledger } = release();
    const report = await history({ releases: store, ledger }, { release: 'web', namespace: 'team' });
    expect(loadYaml(renderHistoryYaml(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it.each([
    ['Rollback to 4', 4],
    ['Rollback to 12', 12],
    ['Upgrade complete', undefined],
    ['Rollback "x" failed', undefined],
  ])('rollbackOf(%j) = %j', (description, expected) => {
    expect(rollbackOf(description)).toBe(expected);
  });

  it.each([
    [undefined, '-'],
    [{ verdict: 'healthy' as const }, 'healthy'],
    [{ verdict: 'failed' as const, reason: 'ImagePullBackOff' }, 'failed ImagePullBackOff'],
    [{ verdict: 'failed' as const }, 'failed'],
  ])('verdictLabel(%j) = %s', (entry, expected) => {
    expect(verdictLabel(entry)).toBe(expected);
  });
});

describe('revision cache', () => {
  it('decodes a revision once, shares a read in flight, forgets the least recently used and failed reads', async () => {
    const store = new FakeReleaseStore().add('team', 'web', ['superseded'], 5);
    const cache = createRevisionCache(store, 'web', 'team', 2);
    expect(cache.peek(1)).toBeUndefined();
    const [a, b] = await Promise.all([cache.get(1), cache.get(1)]);
    expect(a).toBe(b);
    expect(store.getRevisionCalls).toBe(1);
    expect(cache.peek(1)).toBe(a);
    await cache.get(2);
    await cache.get(1); // 1 is now the most recently used
    await cache.get(3); // evicts 2
    expect(store.getRevisionCalls).toBe(3);
    expect(cache.peek(2)).toBeUndefined();
    await cache.get(1);
    expect(store.getRevisionCalls).toBe(3);
    await expect(cache.get(9)).rejects.toThrow(/no revision 9/);
    await expect(cache.get(9)).rejects.toThrow(/no revision 9/);
    expect(store.getRevisionCalls).toBe(5);
  });
});
