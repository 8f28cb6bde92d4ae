import { UsageError } from '../../src/errors/errors.js';
import { ReleaseNotFoundError } from '../../src/ports/release-store.js';
import { history } from '../../src/services/history.js';
import { renderHistoryFooter, renderHistoryTable } from '../../src/ui/history-view.js';
import { FakeReleaseStore } from './fake-release-store.js';

describe('history service', () => {
  it('reads labels for all revisions but decodes only the newest --max bodies', async () => {
    const store = new FakeReleaseStore().add('team', 'web', ['superseded'], 400);
    const report = await history(store, { release: 'web', namespace: 'team', max: 10 });
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
  });

  it('defaults to 10 rows', async () => {
    const store = new FakeReleaseStore().add('team', 'web', ['superseded'], 25);
    expect((await history(store, { release: 'web', namespace: 'team' })).rows).toHaveLength(10);
  });

  it('prefers the label status (rewritten on every change) and keeps a row for an undecodable body', async () => {
    const store = new FakeReleaseStore().add('team', 'web', ['superseded', 'failed', 'deployed']);
    const list = store.releases.get('team/web')!;
    list[1] = { summary: list[1].summary, body: undefined };
    list[2] = { summary: list[2].summary, body: { ...list[2].body!, status: 'pending-upgrade' } };
    const report = await history(store, { release: 'web', namespace: 'team' });
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
    expect((await history(store, { release: 'web', namespace: 'team' })).rows.map((r) => r.revision)).toEqual([2]);
  });

  it('rejects an invalid name before asking the store, and passes not-found through', async () => {
    const store = new FakeReleaseStore();
    let listed = false;
    store.listHistory = async () => {
      listed = true;
      return [];
    };
    await expect(history(store, { release: 'Bad_Name', namespace: 'team' })).rejects.toThrow(UsageError);
    expect(listed).toBe(false);
    await expect(history(new FakeReleaseStore(), { release: 'web', namespace: 'team' })).rejects.toThrow(ReleaseNotFoundError);
  });
});

describe('history table', () => {
  it('renders helm-history columns in UTC, aligned, without trailing spaces', async () => {
    const store = new FakeReleaseStore().add('team', 'web', ['superseded', 'deployed']);
    const report = await history(store, { release: 'web', namespace: 'team', max: 1 });
    const lines = renderHistoryTable(report).split('\n');
    expect(lines).toEqual([
      'REVISION  UPDATED                  STATUS    CHART       APP VERSION  DESCRIPTION',
      '2         2026-11-01 10:00:02 UTC  deployed  demo-1.0.2  2.0          Upgrade complete',
    ]);
    expect(renderHistoryFooter(report)).toBe('(1 older revision not shown; raise --max to see them)');
    expect(renderHistoryFooter({ ...report, totalRevisions: 1 })).toBeUndefined();
  });
});
