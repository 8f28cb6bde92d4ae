import { customLabels, sortByRevision, summaryFromLabels } from '../../../src/domain/release/labels.js';

describe('summaryFromLabels', () => {
  it.each([
    [
      'labels after helm Create (createdAt)',
      { name: 'web', owner: 'helm', status: 'pending-install', version: '1', createdAt: '1764201600' },
      'sh.helm.release.v1.web.v1',
      { release: 'web', revision: 1, status: 'pending-install', createdAt: new Date(1764201600000) },
    ],
    [
      'labels after helm Update (modifiedAt)',
      { name: 'web', owner: 'helm', status: 'superseded', version: '12', modifiedAt: '1764201700' },
      'sh.helm.release.v1.web.v12',
      { release: 'web', revision: 12, status: 'superseded', modifiedAt: new Date(1764201700000) },
    ],
    [
      'no version label: revision from the record name',
      { name: 'web', owner: 'helm', status: 'deployed' },
      'sh.helm.release.v1.web.v3',
      { release: 'web', revision: 3, status: 'deployed' },
    ],
    [
      'no labels at all: release and revision from the name, status unknown',
      undefined,
      'sh.helm.release.v1.my.app.v4',
      { release: 'my.app', revision: 4, status: 'unknown' },
    ],
    [
      'a status helm does not write',
      { name: 'web', version: '2', status: 'weird' },
      'x',
      { release: 'web', revision: 2, status: 'unknown' },
    ],
  ])('%s', (_what, labels, name, expected) => {
    const s = summaryFromLabels(labels as Record<string, string> | undefined, name);
    expect(s).toEqual({ recordName: name, ...expected });
  });

  it.each([
    ['not a release record', { owner: 'helm' }, 'some-secret'],
    ['revision 0', { name: 'web', version: '0' }, 'x'],
    ['non-numeric version', { name: 'web', version: 'v2' }, 'x'],
  ])('returns undefined for %s', (_what, labels, name) => {
    expect(summaryFromLabels(labels, name)).toBeUndefined();
  });
});

describe('customLabels / sortByRevision', () => {
  it('drops helm system labels only', () => {
    expect(customLabels({ name: 'a', owner: 'helm', status: 'deployed', version: '1', createdAt: '1', modifiedAt: '2', team: 'x' })).toEqual({ team: 'x' });
  });

  it('sorts numerically without mutating the input', () => {
    const input = [{ revision: 10 }, { revision: 2 }, { revision: 1 }];
    expect(sortByRevision(input).map((r) => r.revision)).toEqual([1, 2, 10]);
    expect(input.map((r) => r.revision)).toEqual([10, 2, 1]);
  });
});
