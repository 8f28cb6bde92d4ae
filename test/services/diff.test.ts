import { UsageError } from '../../src/errors/errors.js';
import { diffRevisions } from '../../src/services/diff.js';
import { FakeReleaseStore } from './fake-release-store.js';
import { FakeLedger } from './upgrade-fakes.js';

/** web in prod: revision r has values { tag: r } and a ConfigMap holding r. */
function store(statuses: Parameters<FakeReleaseStore['add']>[2]) {
  const s = new FakeReleaseStore().add('prod', 'web', statuses);
  for (const { summary, body } of s.releases.get('prod/web')!) {
    body!.values = { tag: summary.revision };
    body!.manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  rev: "${summary.revision}"\n`;
  }
  return s;
}
const pair = async (s: FakeReleaseStore, revisions: number[], ledger?: FakeLedger) => {
  const d = await diffRevisions({ releases: s, ...(ledger ? { ledger } : {}) }, { release: 'web', namespace: 'prod', revisions });
  return [d.from.revision, d.to.revision];
};

const line = (p: Promise<unknown>) => p.then(() => 'no error', (err: UsageError) => err.oneLine());

describe('diff service: which revisions', () => {
  it('default: the deployed revision against the last known good, skipping failed ones and ledger failures', async () => {
    const s = store(['superseded', 'superseded', 'superseded', 'failed', 'deployed']);
    expect(await pair(s, [])).toEqual([5, 3]);
    const ledger = new FakeLedger();
    ledger.entries = [{ revision: 3, verdict: 'failed', reason: 'CrashLoopBackOff', decidedAt: new Date() }];
    expect(await pair(s, [], ledger)).toEqual([5, 2]);
  });

  it('one revision: the deployed one against it; two: the first against the second', async () => {
    const s = store(['superseded', 'superseded', 'deployed']);
    expect(await pair(s, [1])).toEqual([3, 1]);
    expect(await pair(s, [1, 2])).toEqual([1, 2]);
  });

  it('reads only the two bodies it compares (and the deployed one for the default)', async () => {
    const s = store(Array.from({ length: 40 }, (_, i) => (i === 39 ? 'deployed' : 'superseded')));
    await pair(s, [3, 7]);
    expect(s.getRevisionCalls).toBe(2);
  });

  it('no deployed revision and none named: one line saying how to name them', async () => {
    const s = store(['superseded', 'failed']);
    await expect(pair(s, [])).rejects.toThrow(UsageError);
    expect(await line(pair(s, []))).toBe('release "web" has no deployed revision (newest: 2 failed) (name the two revisions to compare: diff web A B)');
  });

  it('no last known good: one line with the reason', async () => {
    expect(await line(pair(store(['failed', 'deployed']), []))).toMatch(/^no last known good revision to compare with: .*\(name the revision: diff web REVISION\)$/);
  });
});
