/**
 * The contract between the simulator's parts: the API server (src/sim/server) serves an ObjectStore, and the
 * controllers and kubelet (src/sim/controllers, src/sim/kubelet) read and write the same store and react to
 * its change feed, exactly as real controllers sit behind informers. Nothing in src/sim imports the plugin.
 */

/** Kubernetes object metadata as the simulator stores it (a subset of meta/v1 ObjectMeta, JSON form). */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
}

/** meta/v1 OwnerReference. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object in its JSON form. Typed views (pods, deployments) are cast from this. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/**
 * Names a resource type the way kubectl does: `pods`, `deployments.apps`, `jobs.batch`, `leases.coordination.k8s.io`
 * (plural, then the group unless it is the core group). Build with `resourceKey`.
 */
export type ResourceKey = string;

/** `resourceKey('apps', 'deployments')` is `deployments.apps`; the core group gives just the plural. */
export function resourceKey(group: string, plural: string): ResourceKey {
  return group ? `${plural}.${group}` : plural;
}

/** A resource type the server knows (built in, or from a CustomResourceDefinition). */
export interface ResourceType {
  group: string;
  /** The preferred (and stored) version. */
  version: string;
  /** Every served version, preferred first, when there is more than one (additive: autoscaling v2+v1, multi-version CRDs). */
  versions?: string[];
  /** Plural lower-case name, as in URLs. */
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Subresources served: `status` and/or `scale`. */
  subresources: Array<'status' | 'scale'>;
  verbs: string[];
}

/** One change, as the store's change feed and watch streams carry it. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceKey;
  /** The object after the change (for DELETED: its last state, with the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the change (MODIFIED and DELETED only). */
  previous?: KubeObject;
  /** The global resourceVersion this change was committed at. */
  resourceVersion: number;
}

/** Options for listing. Selectors use Kubernetes syntax (equality and set-based labels; fields `metadata.name`, ...). */
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * In-process callers only: a predicate run on each stored object before it is copied (it must not mutate
   * it), so a controller picking a few objects out of thousands copies only those.
   */
  filter?: (object: KubeObject) => boolean;
}

/** Options of `subscribe`. */
export interface SubscribeOptions {
  /** Only changes of these resources (default: every resource); others are never copied for this listener. */
  resources?: readonly ResourceKey[];
}

/** Options for deletion, as in meta/v1 DeleteOptions. */
export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/**
 * The simulator's object store: one global resourceVersion counter, uid/creationTimestamp/generation
 * bookkeeping, optimistic concurrency and Kubernetes-shaped errors (thrown as StatusError from ./errors).
 * All methods are synchronous; listeners run synchronously after each committed change, in commit order.
 * Returned objects are copies: mutating them never changes the store.
 */
export interface ObjectStore {
  /** The resource types served (built-ins plus CRD-defined kinds). */
  resourceTypes(): ResourceType[];
  /** Looks up a resource type by key (`deployments.apps`). */
  resourceType(resource: ResourceKey): ResourceType | undefined;

  get(resource: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined;
  list(resource: ResourceKey, options?: ListOptions): { items: KubeObject[]; resourceVersion: string };

  /**
   * Creates an object: applies server-side defaults, sets uid, creationTimestamp, generation 1 and a new
   * resourceVersion; honours metadata.generateName. Throws 409 AlreadyExists, 404 for a missing namespace.
   */
  create(resource: ResourceKey, object: KubeObject): KubeObject;

  /**
   * Replaces an object (or its status with `subresource: 'status'`, which keeps the stored spec and bumps no
   * generation). With metadata.resourceVersion set it must match (else 409 Conflict); without, unconditional.
   * generation grows by one only when the spec (everything but metadata and status) changes.
   */
  update(resource: ResourceKey, object: KubeObject, options?: { subresource?: 'status' }): KubeObject;

  /**
   * Deletes an object. Objects with finalizers (or Foreground propagation) get deletionTimestamp and stay until
   * their finalizers are removed; dependents are garbage-collected per propagationPolicy (default Background).
   * Returns the object as last stored.
   */
  delete(resource: ResourceKey, namespace: string | undefined, name: string, options?: DeleteOptions): KubeObject;

  /** The current global resourceVersion. */
  currentResourceVersion(): number;

  /** Subscribes to every committed change (or those of `options.resources`); returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void, options?: SubscribeOptions): () => void;
}

/**
 * Time as the simulator's controllers and kubelet see it. `now()` is wall-clock time (timestamps written into
 * objects stay real); durations passed to `after` are simulated durations, divided by the time scale.
 */
export interface SimClock {
  now(): Date;
  /** Runs `fn` after a simulated duration; returns a cancel function. */
  after(simulatedMs: number, fn: () => void): () => void;
  /** The speed-up factor (1 = real time). */
  readonly timeScale: number;
}

/**
 * Additive to ObjectStore: what the API server's watch streams and the fault injector need on top of the
 * contract above. `createMemoryStore` returns one.
 */
export interface HistoryStore extends ObjectStore {
  /**
   * The committed changes after `resourceVersion`, oldest first, from the bounded event history. Throws
   * StatusError 410 Expired when changes after that version have already been dropped from the history.
   */
  eventsSince(resourceVersion: number): StoreEvent[];
  /** Drops the whole event history: every older resourceVersion becomes too old to watch from (expire-rv fault). */
  compact(): void;
}
