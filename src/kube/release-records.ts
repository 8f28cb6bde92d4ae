import {
  customLabels,
  decodeReleasePayload,
  recordName,
  ReleaseDecodeError,
  sortByRevision,
  summaryFromLabels,
  type Release,
  type RevisionSummary,
} from '../domain/release/index.js';
import { UsageError } from '../errors/errors.js';
import {
  ReleaseNotFoundError,
  RevisionNotFoundError,
  UndecodableRecordError,
  type ReleaseStore,
  type RevisionListing,
} from '../ports/release-store.js';

// The driver-independent half of the release store: records in, typed revisions out. Imports no HTTP client,
// so both the client-node sources (release-store.ts) and the light REST reader (rest/) build on it without one
// loading the other.

/** The two storage drivers this plugin reads, as HELM_DRIVER names them. */
export type DriverName = 'secret' | 'configmap';

/** One release record as stored, body still encoded. */
export interface ReleaseRecord {
  name: string;
  labels: Record<string, string>;
  /** `data.release` exactly as the API returned it; undefined when absent. */
  payload: string | undefined;
}

/** Reads raw release records of one kind (Secrets or ConfigMaps). */
export interface RecordSource {
  /** Plural resource name, for messages: "secrets" or "configmaps". */
  readonly resource: string;
  /**
   * All records matching the label selector, in any order; labels only (payload undefined) unless `bodies`,
   * when a server that can send metadata alone is asked for it.
   */
  list(namespace: string, labelSelector: string, options?: { bodies?: boolean }): Promise<ReleaseRecord[]>;
  /** One record by name; undefined when it does not exist (404). */
  get(namespace: string, name: string): Promise<ReleaseRecord | undefined>;
}

/** Options shared by the client-node record sources. */
export interface KubeSourceOptions {
  /** API server URL, for error messages. */
  server: string;
  /** Per-request timeout in milliseconds; default 30000. */
  timeoutMs?: number;
  /** Page size for LIST (`limit`, followed by `continue`); default 500. */
  pageSize?: number;
  /** How long transient failures (5xx, 429, a restarting server) are retried; default 30 s. */
  retryBudgetMs?: number;
}

/** Body decoder; injectable so tests can count decodes. Default decodeReleasePayload. */
export type PayloadDecoder = (payload: string) => Release;

/**
 * ReleaseStore over helm's Kubernetes storage drivers. The driver-specific part (which resource, where the body
 * sits) is a RecordSource; listing reads labels only and never decodes a body.
 */
export class KubeReleaseStore implements ReleaseStore {
  constructor(
    private readonly source: RecordSource,
    /** HELM_DRIVER spelling of the driver, for messages. */
    readonly driver: DriverName,
    private readonly decode: PayloadDecoder = decodeReleasePayload,
  ) {}

  async listHistory(release: string, namespace: string): Promise<RevisionSummary[]> {
    return this.summaries(release, namespace, await this.source.list(namespace, `name=${release},owner=helm`));
  }

  async getRevision(release: string, namespace: string, revision: number): Promise<Release> {
    const record = await this.source.get(namespace, recordName(release, revision));
    if (!record) {
      await this.listHistory(release, namespace); // throws ReleaseNotFoundError when nothing at all exists
      throw new RevisionNotFoundError(release, namespace, revision);
    }
    return this.decodeRecord(release, namespace, revision, record);
  }

  async listWithBodies(release: string, namespace: string): Promise<RevisionListing> {
    const records = await this.source.list(namespace, `name=${release},owner=helm`, { bodies: true });
    const summaries = this.summaries(release, namespace, records);
    const byName = new Map(records.map((r) => [r.name, r]));
    const byRevision = new Map(summaries.map((s) => [s.revision, byName.get(s.recordName)!]));
    return {
      summaries,
      decode: (revision) => {
        const record = byRevision.get(revision);
        if (!record) throw new RevisionNotFoundError(release, namespace, revision);
        return this.decodeRecord(release, namespace, revision, record);
      },
    };
  }

  private summaries(release: string, namespace: string, records: readonly ReleaseRecord[]): RevisionSummary[] {
    const summaries = records
      .map((r) => summaryFromLabels(r.labels, r.name))
      .filter((s): s is RevisionSummary => s !== undefined && s.release === release);
    if (summaries.length === 0) throw new ReleaseNotFoundError(release, namespace, this.driver);
    return sortByRevision(summaries);
  }

  private decodeRecord(release: string, namespace: string, revision: number, record: ReleaseRecord): Release {
    const name = record.name;
    if (record.payload === undefined || record.payload === '') {
      throw new UndecodableRecordError(name, namespace, 'it has no data.release');
    }
    let decoded: Release;
    try {
      decoded = this.decode(record.payload);
    } catch (err) {
      if (err instanceof ReleaseDecodeError) throw new UndecodableRecordError(name, namespace, err.message, { cause: err });
      throw err;
    }
    if (decoded.name !== release || decoded.revision !== revision) {
      throw new UndecodableRecordError(name, namespace, `it holds release "${decoded.name}" revision ${decoded.revision}`);
    }
    return { ...decoded, namespace: decoded.namespace || namespace, labels: customLabels(record.labels) };
  }
}

/**
 * Reads a HELM_DRIVER value: secret|secrets (also empty), configmap|configmaps. helm's other drivers
 * (memory, sql) keep no state in the cluster we could read: a one-line UsageError.
 */
export function parseDriver(value: string | undefined): DriverName {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'secret' || v === 'secrets') return 'secret';
  if (v === 'configmap' || v === 'configmaps') return 'configmap';
  if (v === 'memory' || v === 'sql') {
    throw new UsageError(`HELM_DRIVER=${value} is not supported: helm-autorollback reads releases from Secrets or ConfigMaps`, {
      hint: 'use --driver secret or --driver configmap',
    });
  }
  throw new UsageError(`unknown storage driver "${value}"`, { hint: 'use secret or configmap' });
}
