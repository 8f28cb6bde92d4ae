import { AutorollbackError, ClusterUnavailableError, UsageError } from '../errors/errors.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { Release, RevisionSummary } from '../domain/release/release.js';

/**
 * Read access to helm's release storage (Secret or ConfigMap driver). Adapters: src/kube/release-store.ts;
 * an in-memory fake for tests: test/fakes (or any object with these two methods).
 */
export interface ReleaseStore {
  /** The storage driver's name as HELM_DRIVER spells it ("secret", "configmap"), for messages. */
  readonly driver: string;
  /**
   * Every stored revision of `release`, oldest first, read from record labels only (no body decoding), so it
   * stays fast for hundreds of revisions. Throws ReleaseNotFoundError when there is none.
   */
  listHistory(release: string, namespace: string): Promise<RevisionSummary[]>;
  /**
   * One revision, fully decoded. Throws RevisionNotFoundError (the release exists, that revision does not),
   * ReleaseNotFoundError, or UndecodableRecordError.
   */
  getRevision(release: string, namespace: string, revision: number): Promise<Release>;
  /**
   * Optional: every stored revision with its body in one LIST, as `helm history` reads them, for callers that
   * need most bodies (one request instead of one per revision). Bodies stay encoded until `decode` asks for one.
   * Throws ReleaseNotFoundError when there is none. Stores without it are read revision by revision.
   */
  listWithBodies?(release: string, namespace: string): Promise<RevisionListing>;
}

/** A release's revisions listed with their bodies still encoded (ReleaseStore.listWithBodies). */
export interface RevisionListing {
  /** Oldest first, as listHistory returns them. */
  summaries: RevisionSummary[];
  /**
   * One listed revision, decoded now (each call decodes again: keep what you need). Throws UndecodableRecordError,
   * or RevisionNotFoundError for a revision that was not listed.
   */
  decode(revision: number): Release;
}

/** No record of this release exists in the namespace with this driver. Exit 2. */
export class ReleaseNotFoundError extends UsageError {
  constructor(
    readonly release: string,
    readonly namespace: string,
    driver: string,
  ) {
    super(`release "${release}" not found in namespace "${namespace}" (HELM_DRIVER=${driver})`, {
      hint: 'check the release name, -n/--namespace, --kube-context and HELM_DRIVER',
    });
  }
}

/** The release exists but has no record of this revision (never made, or pruned by --history-max). Exit 2. */
export class RevisionNotFoundError extends UsageError {
  constructor(
    readonly release: string,
    readonly namespace: string,
    readonly revision: number,
  ) {
    super(`release "${release}" has no revision ${revision} in namespace "${namespace}"`, {
      hint: `see the stored revisions with: helm history ${release} -n ${namespace}`,
    });
  }
}

/** A release record exists but its body is not a helm release we can read. Exit 1. */
export class UndecodableRecordError extends AutorollbackError {
  readonly exitCode = ExitCode.Unexpected;
  constructor(
    readonly recordName: string,
    readonly namespace: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot decode release record ${namespace}/${recordName}: ${reason}`, {
      hint: 'the record may be corrupt or written by an incompatible tool; compare with helm get all',
      cause: options?.cause,
    });
  }
}

/** The Kubernetes API refused us (401/403). Exit 5. */
export class KubeForbiddenError extends ClusterUnavailableError {}

/** The Kubernetes API could not be reached (connection refused, unknown host, timeout, TLS). Exit 5. */
export class KubeUnreachableError extends ClusterUnavailableError {}
