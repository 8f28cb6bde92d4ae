import type { Release, ReleaseStatus, RevisionSummary } from '../../src/domain/release/release.js';
import { recordName } from '../../src/domain/release/release.js';
import {
  ReleaseNotFoundError,
  RevisionNotFoundError,
  UndecodableRecordError,
  type ReleaseStore,
  type RevisionListing,
} from '../../src/ports/release-store.js';

/** In-memory ReleaseStore for service tests; counts body reads. */
export class FakeReleaseStore implements ReleaseStore {
  readonly driver = 'secret';
  /** Revisions per "<namespace>/<release>"; a revision whose body is `undefined` is undecodable. */
  readonly releases = new Map<string, Array<{ summary: RevisionSummary; body: Release | undefined }>>();
  getRevisionCalls = 0;

  /** Adds revisions 1..count with the given statuses (last one wins for the rest). */
  add(namespace: string, name: string, statuses: ReleaseStatus[], count = statuses.length): this {
    const list = this.releases.get(`${namespace}/${name}`) ?? [];
    for (let revision = 1; revision <= count; revision++) {
      const status = statuses[Math.min(revision - 1, statuses.length - 1)];
      const at = new Date(Date.UTC(2026, 10, 1, 10, 0, revision));
      list.push({
        summary: { recordName: recordName(name, revision), release: name, revision, status, createdAt: at },
        body: {
          name,
          namespace,
          revision,
          status,
          chart: { name: 'demo', version: `1.0.${revision}`, appVersion: '2.0' },
          lastDeployed: at,
          description: revision === 1 ? 'Install complete' : 'Upgrade complete',
          values: {},
          manifest: '',
          hooks: [],
          labels: {},
        },
      });
    }
    this.releases.set(`${namespace}/${name}`, list);
    return this;
  }

  async listHistory(release: string, namespace: string): Promise<RevisionSummary[]> {
    const list = this.releases.get(`${namespace}/${release}`);
    if (!list?.length) throw new ReleaseNotFoundError(release, namespace, this.driver);
    return list.map((r) => r.summary);
  }

  async getRevision(release: string, namespace: string, revision: number): Promise<Release> {
    this.getRevisionCalls++;
    const list = this.releases.get(`${namespace}/${release}`);
    if (!list?.length) throw new ReleaseNotFoundError(release, namespace, this.driver);
    const found = list.find((r) => r.summary.revision === revision);
    if (!found) throw new RevisionNotFoundError(release, namespace, revision);
    if (!found.body) throw new UndecodableRecordError(found.summary.recordName, namespace, 'garbage');
    return found.body;
  }
}

/** FakeReleaseStore that also lists with bodies in one call (like the Kubernetes stores); counts lists and decodes. */
export class BulkFakeReleaseStore extends FakeReleaseStore {
  listWithBodiesCalls = 0;
  decodes = 0;

  async listWithBodies(release: string, namespace: string): Promise<RevisionListing> {
    this.listWithBodiesCalls++;
    const summaries = await this.listHistory(release, namespace);
    const list = this.releases.get(`${namespace}/${release}`)!;
    return {
      summaries,
      decode: (revision) => {
        this.decodes++;
        const found = list.find((r) => r.summary.revision === revision);
        if (!found) throw new RevisionNotFoundError(release, namespace, revision);
        if (!found.body) throw new UndecodableRecordError(found.summary.recordName, namespace, 'garbage');
        return found.body;
      },
    };
  }
}
