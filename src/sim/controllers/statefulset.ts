/**
 * The StatefulSet controller: stable pods `<name>-<ordinal>` created in order (OrderedReady: the next only when
 * the previous one is Running and Ready) or all at once (Parallel), ControllerRevisions (`<name>-<hash>`) for
 * current/update revisions, RollingUpdate from the highest ordinal down to the partition (delete, then recreate
 * at the update revision), OnDelete, PVCs from volumeClaimTemplates (created Pending; the persistentvolume
 * controller provisions and binds them), and
 * status with currentRevision := updateRevision once the rollout completes.
 */
import { recordEvent } from '../events.js';
import type { KubeObject, StoreEvent } from '../store/types.js';
import { computeHash } from './hash.js';
import { podFromTemplate } from './replicaset.js';
import { type Controller, type ControllerContext, R } from './runtime.js';
import {
  type Json,
  type PodView,
  clone,
  controllerRef,
  createPodOrRecord,
  isControlledBy,
  isPodAvailable,
  isPodRunningAndReady,
  num,
  objectKey,
  ownerRefTo,
  podAvailableAt,
  refusalBackoff,
  semanticEqual,
  splitKey,
} from './util.js';

const component = 'statefulset-controller';

/** Pod label with the name of the ControllerRevision a pod was made from. */
export const revisionLabel = 'controller-revision-hash';
/** Pod label with the pod's own name. */
export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
/** Pod label with the ordinal. */
export const podIndexLabel = 'apps.kubernetes.io/pod-index';
/** ControllerRevision label with the bare hash. */
export const controllerRevisionHashLabel = 'controller.kubernetes.io/hash';

interface StatefulSetSpec {
  replicas?: number;
  serviceName?: string;
  podManagementPolicy?: string;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  ordinals?: { start?: number };
  selector?: { matchLabels?: Record<string, string> };
  template?: Json & { metadata?: { labels?: Record<string, string> }; spec?: Json & { volumes?: Json[] } };
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
  volumeClaimTemplates?: Array<Json & { metadata?: { name?: string; labels?: Record<string, string> }; spec?: Json & { resources?: { requests?: Record<string, string> } } }>;
}

/** The revision data of a StatefulSet or DaemonSet: its template as a replacing patch (what upstream stores). */
export function revisionData(template: unknown): Json {
  return { spec: { template: { ...(clone(template ?? {}) as Json), $patch: 'replace' } } };
}

/** The template stored in a ControllerRevision's data. */
export function templateOfRevision(revision: KubeObject): Json {
  const t = clone((((revision.data as Json | undefined)?.spec as Json | undefined)?.template ?? {}) as Json);
  delete t.$patch;
  return t;
}

/** The ordinal of a pod named `<set>-<n>`, or undefined for a name that does not fit. */
export function ordinalOf(setName: string, podName: string): number | undefined {
  const prefix = `${setName}-`;
  if (!podName.startsWith(prefix)) return undefined;
  const rest = podName.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

/**
 * The ControllerRevision a controller should roll to: an existing one with the same data (its revision number
 * raised to the newest when it is not already, as on a rollback), else a new `<name>-<hash>` at max + 1.
 * Shared by the StatefulSet and DaemonSet controllers. Returns the revision and all revisions after the change.
 */
export function syncUpdateRevision(
  ctx: ControllerContext,
  owner: KubeObject,
  template: unknown,
  collisionCount: number,
): { update: KubeObject; revisions: KubeObject[]; collisionCount: number } {
  const { store } = ctx;
  const ns = owner.metadata.namespace;
  const list = () =>
    store
      .list(R.controllerRevisions, { namespace: ns })
      .items.filter((r) => isControlledBy(r, owner.metadata.uid))
      .sort((a, b) => num(a.revision, 0) - num(b.revision, 0));
  let revisions = list();
  const data = revisionData(template);
  const max = revisions.length ? num(revisions[revisions.length - 1].revision, 0) : 0;
  const equal = revisions.filter((r) => semanticEqual(r.data, data));
  if (equal.length) {
    const latest = equal[equal.length - 1];
    if (num(latest.revision, 0) === max) return { update: latest, revisions, collisionCount };
    const bumped = store.update(R.controllerRevisions, { ...latest, revision: max + 1 });
    return { update: bumped, revisions: list(), collisionCount };
  }
  let count = collisionCount;
  for (;;) {
    const hash = computeHash(data, count);
    const name = `${owner.metadata.name}-${hash}`;
    const clash = store.get(R.controllerRevisions, ns, name);
    if (clash) {
      if (isControlledBy(clash, owner.metadata.uid) && semanticEqual(clash.data, data)) return { update: clash, revisions, collisionCount: count };
      count++;
      continue;
    }
    const labels = { ...(((template as Json | undefined)?.metadata as Json | undefined)?.labels as Record<string, string> | undefined), [controllerRevisionHashLabel]: hash };
    const created = store.create(R.controllerRevisions, {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name, namespace: ns, labels, ownerReferences: [ownerRefTo(owner)] },
      data,
      revision: max + 1,
    });
    revisions = list();
    return { update: created, revisions, collisionCount: count };
  }
}

/** Deletes revisions beyond revisionHistoryLimit that no pod and neither current nor update revision uses. */
export function cleanupRevisions(ctx: ControllerContext, revisions: KubeObject[], inUse: Set<string>, limit: number): void {
  const unused = revisions.filter((r) => !inUse.has(r.metadata.name));
  const excess = unused.length - limit;
  for (let i = 0; i < excess; i++) {
    try {
      ctx.store.delete(R.controllerRevisions, unused[i].metadata.namespace, unused[i].metadata.name);
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }
}

/** Creates the StatefulSet controller. */
export function statefulSetController(ctx: ControllerContext): Controller {
  const { store, clock } = ctx;

  function ownerKey(pod: KubeObject | undefined): string | undefined {
    const ref = controllerRef(pod);
    return ref?.kind === 'StatefulSet' && pod?.metadata.namespace ? `${pod.metadata.namespace}/${ref.name}` : undefined;
  }

  function keysFor(event: StoreEvent): string[] {
    if (event.resource === R.statefulSets) return [objectKey(event.object)];
    if (event.resource === R.pods) return [...new Set([ownerKey(event.object), ownerKey(event.previous)].filter((k): k is string => !!k))];
    return [];
  }

  function ensureClaims(set: KubeObject, spec: StatefulSetSpec, podName: string, ordinal: number): Json[] {
    const volumes: Json[] = [];
    for (const t of spec.volumeClaimTemplates ?? []) {
      const claim = t.metadata?.name;
      if (!claim) continue;
      const claimName = `${claim}-${set.metadata.name}-${ordinal}`;
      volumes.push({ name: claim, persistentVolumeClaim: { claimName } });
      if (store.get(R.pvcs, set.metadata.namespace, claimName)) continue;
      // Created Pending; the persistentvolume controller binds it like any other claim.
      store.create(R.pvcs, {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: claimName, namespace: set.metadata.namespace, labels: { ...(t.metadata?.labels ?? {}), ...(spec.selector?.matchLabels ?? {}) } },
        spec: clone(t.spec ?? {}),
        status: { phase: 'Pending' },
      });
      recordEvent(store, clock, { involved: set, reason: 'SuccessfulCreate', message: `create Claim ${claimName} Pod ${podName} in StatefulSet ${set.metadata.name} success`, component });
    }
    return volumes;
  }

  const backoff = refusalBackoff();

  /** Creates one ordinal's pod; false when the API server refused it (recorded, retried later). */
  function createPod(set: KubeObject, spec: StatefulSetSpec, revision: KubeObject, ordinal: number): boolean {
    const name = `${set.metadata.name}-${ordinal}`;
    const template = templateOfRevision(revision) as Json & { spec?: Json & { volumes?: Json[] } };
    const claimVolumes = ensureClaims(set, spec, name, ordinal);
    const pod = podFromTemplate(set, template, {
      name,
      labels: { [revisionLabel]: revision.metadata.name, [podNameLabel]: name, [podIndexLabel]: String(ordinal) },
    });
    const podSpec = pod.spec as Json & { volumes?: Json[] };
    podSpec.hostname = name;
    if (spec.serviceName) podSpec.subdomain = spec.serviceName;
    if (claimVolumes.length) {
      const names = new Set(claimVolumes.map((v) => v.name));
      podSpec.volumes = [...(podSpec.volumes ?? []).filter((v) => !names.has(v.name)), ...claimVolumes];
    }
    const created = createPodOrRecord(ctx, {
      owner: set,
      pod,
      component,
      key: objectKey(set),
      backoff,
      message: (e) => `create Pod ${name} in StatefulSet ${set.metadata.name} failed error: ${e.message}`,
    });
    if (!created) return false;
    recordEvent(store, clock, { involved: set, reason: 'SuccessfulCreate', message: `create Pod ${name} in StatefulSet ${set.metadata.name} successful`, component });
    return true;
  }

  function deletePod(set: KubeObject, pod: KubeObject): void {
    try {
      store.delete(R.pods, pod.metadata.namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if ((e as { code?: number }).code === 404) return;
      throw e;
    }
    recordEvent(store, clock, { involved: set, reason: 'SuccessfulDelete', message: `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`, component });
  }

  /** One step of the upstream sync: create/replace in order, then scale down, then roll. Returns after any write in ordered mode. */
  function step(set: KubeObject, spec: StatefulSetSpec, current: KubeObject, update: KubeObject, pods: PodView[], key: string): void {
    const replicas = num(spec.replicas, 1);
    const start = num(spec.ordinals?.start, 0);
    const monotonic = (spec.podManagementPolicy ?? 'OrderedReady') !== 'Parallel';
    const minReady = num(spec.minReadySeconds, 0);
    const rolling = (spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition = num(spec.updateStrategy?.rollingUpdate?.partition, 0);
    const byOrdinal = new Map<number, PodView>();
    const condemned: PodView[] = [];
    for (const p of pods) {
      const ord = ordinalOf(set.metadata.name, p.metadata.name);
      if (ord === undefined) continue;
      if (ord >= start && ord < start + replicas) byOrdinal.set(ord, p);
      else condemned.push(p);
    }
    condemned.sort((a, b) => ordinalOf(set.metadata.name, b.metadata.name)! - ordinalOf(set.metadata.name, a.metadata.name)!);
    const healthy = (p: PodView | undefined) => !!p && !p.metadata.deletionTimestamp && isPodRunningAndReady(p);

    for (let i = 0; i < replicas; i++) {
      const ord = start + i;
      const pod = byOrdinal.get(ord);
      if (!pod) {
        // Below the partition (RollingUpdate), pods come back at the current revision.
        const revision = rolling && i < partition ? current : update;
        if (!createPod(set, spec, revision, ord)) return;
        if (monotonic) return;
        continue;
      }
      const phase = pod.status?.phase;
      if ((phase === 'Failed' || phase === 'Succeeded') && !pod.metadata.deletionTimestamp) {
        deletePod(set, pod);
        if (monotonic) return;
        continue;
      }
      if (monotonic && !healthy(pod)) return;
      if (monotonic && minReady > 0 && !isPodAvailable(pod, minReady, clock.now(), clock.timeScale)) {
        const at = podAvailableAt(pod, minReady, clock.timeScale);
        if (at) ctx.enqueue(key, (at.getTime() - clock.now().getTime()) * clock.timeScale + 1);
        return;
      }
    }

    for (const pod of condemned) {
      if (pod.metadata.deletionTimestamp) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && [...byOrdinal.values()].some((p) => !healthy(p))) return;
      deletePod(set, pod);
      if (monotonic) return;
    }

    if (!rolling) return;
    for (let i = replicas - 1; i >= partition; i--) {
      const pod = byOrdinal.get(start + i);
      if (!pod) return;
      if (pod.metadata.labels?.[revisionLabel] !== update.metadata.name && !pod.metadata.deletionTimestamp) {
        deletePod(set, pod);
        return;
      }
      if (!healthy(pod)) return;
    }
  }

  function reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const set = store.get(R.statefulSets, namespace, name);
    if (!set || set.metadata.deletionTimestamp) return;
    const spec = (set.spec ?? {}) as StatefulSetSpec;
    const prev = (set.status ?? {}) as Json & { currentRevision?: string; collisionCount?: number };

    const { update, revisions, collisionCount } = syncUpdateRevision(ctx, set, spec.template, num(prev.collisionCount, 0));
    const current = revisions.find((r) => r.metadata.name === prev.currentRevision) ?? update;
    const owned = () => store.list(R.pods, { namespace, filter: (p) => isControlledBy(p, set.metadata.uid) }).items as PodView[];

    step(set, spec, current, update, owned(), key);

    // Status over the pods as they are now.
    const pods = owned();
    const now = clock.now();
    const minReady = num(spec.minReadySeconds, 0);
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let currentReplicas = 0;
    let updated = 0;
    for (const p of pods) {
      if (p.status?.phase) replicas++;
      if (isPodRunningAndReady(p)) {
        ready++;
        if (isPodAvailable(p, minReady, now, clock.timeScale)) available++;
      }
      if (p.status?.phase && !p.metadata.deletionTimestamp) {
        const rev = p.metadata.labels?.[revisionLabel];
        if (rev === current.metadata.name) currentReplicas++;
        if (rev === update.metadata.name) updated++;
      }
    }
    const status: Json = {
      observedGeneration: set.metadata.generation,
      replicas,
      readyReplicas: ready,
      currentReplicas,
      updatedReplicas: updated,
      availableReplicas: available,
      currentRevision: current.metadata.name,
      updateRevision: update.metadata.name,
      collisionCount,
    };
    // The rollout is complete once every pod runs the update revision and is ready.
    if ((spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && updated === replicas && ready === replicas) {
      status.currentReplicas = updated;
      status.currentRevision = update.metadata.name;
    }
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'] as const) if (!status[k]) delete status[k];
    const conditions = (prev as Json).conditions;
    if (Array.isArray(conditions) && conditions.length) status.conditions = conditions;
    const fresh = store.get(R.statefulSets, namespace, name);
    if (fresh && !semanticEqual(status, fresh.status ?? {})) {
      store.update(R.statefulSets, { ...fresh, status }, { subresource: 'status' });
    }

    const inUse = new Set<string>([String(status.currentRevision), update.metadata.name]);
    for (const p of pods) if (p.metadata.labels?.[revisionLabel]) inUse.add(p.metadata.labels[revisionLabel]);
    cleanupRevisions(ctx, store.list(R.controllerRevisions, { namespace }).items.filter((r) => isControlledBy(r, set.metadata.uid)).sort((a, b) => num(a.revision, 0) - num(b.revision, 0)), inUse, num(spec.revisionHistoryLimit, 10));
  }

  return {
    name: component,
    keysFor,
    initialKeys: () => store.list(R.statefulSets).items.map(objectKey),
    reconcile,
  };
}
