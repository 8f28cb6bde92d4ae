import type { ClusterSnapshot, UnwatchedKind } from '../domain/health/types.js';

/** A kind found in a release's manifest that has no informer of its own, and the namespaces its objects are in. */
export interface ResourceKind {
  apiVersion: string;
  kind: string;
  namespaces: readonly string[];
}
import type { RevisionSummary } from '../domain/release/release.js';

/**
 * A live, informer-backed view of the release's namespace (and any others added): the workload kinds, their ReplicaSets and Pods, Events, and
 * the release's own storage records (labels only). Adapter: src/kube/cluster-watch.ts; tests use a fake.
 */
export interface ClusterWatch {
  /** Lists and starts watching; resolves once every informer holds its initial list. */
  start(): Promise<void>;
  /** What the informers hold now (a fresh object each call; never mutated afterwards). */
  snapshot(): ClusterSnapshot;
  /** The release's storage records currently known, oldest first (from their labels). */
  releaseRecords(): RevisionSummary[];
  /**
   * Also watches the workload kinds of these namespaces (a release's manifest may name others than its own);
   * resolves once their first lists are in. Namespaces already watched are ignored. Optional: a watch
   * without it sees only the release's namespace.
   */
  watchNamespaces?(namespaces: readonly string[]): Promise<void>;
  /**
   * Narrows the pods watched in `namespace` (already watched) to those `labelSelector` selects, e.g. the labels
   * every pod template of the release shares, so a namespace full of other workloads' pods costs nothing.
   * Called before start(), start() lists only those; after it, resolves once the narrowed list is in (the
   * snapshot keeps the previous pods until then), and on failure the whole namespace stays watched. Optional.
   */
  selectPods?(namespace: string, labelSelector: string): Promise<void>;
  /**
   * Also watches these kinds (custom resources, PersistentVolumeClaims...: discovery, then list + watch per
   * kind and namespace; cluster-scoped kinds cluster-wide); their objects appear in `snapshot().resources`.
   * Resolves once their first lists are in, with the kinds that cannot be watched and why (also in
   * `snapshot().unwatched`): never fails. Optional: without it such kinds are not judged.
   */
  watchResources?(kinds: readonly ResourceKind[]): Promise<UnwatchedKind[]>;
  /**
   * The snapshot as the API server has it now: every watched kind listed afresh (transient failures retried),
   * not read from the informers, which go quiet when the server cannot write or report. For confirming a verdict
   * that rests on a change not having arrived. Optional: without it such verdicts stand as the informers show.
   */
  freshSnapshot?(): Promise<ClusterSnapshot>;
  /** Calls `listener` after any change (possibly many times per burst); returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** Calls `listener` when a watch breaks for good (after retries); returns an unsubscribe function. */
  onError(listener: (err: Error) => void): () => void;
  /** Stops every informer. Idempotent. */
  stop(): void;
}
