/**
 * PersistentVolumeClaims and PersistentVolumes: what kube-controller-manager's persistentvolume-controller, the
 * pvc-protection controller and a dynamic (external) provisioner do together on a real cluster.
 * - A Pending claim without storageClassName gets the default StorageClass once one exists (retroactive default
 *   class assignment, Kubernetes >= 1.28); `""` means "no class" and is kept.
 * - A claim binds to a matching Available volume (same class, enough capacity, the access modes, its selector),
 *   or to the volume its spec.volumeName names; otherwise, for a class with a provisioner, a volume
 *   `pvc-<claim uid>` is provisioned (events ExternalProvisioning, Provisioning, ProvisioningSucceeded) and bound:
 *   pv.spec.claimRef + status Bound, pvc.spec.volumeName + bind annotations + status {Bound, accessModes, capacity}.
 *   Classes use Immediate binding here (no WaitForFirstConsumer), so claims bind before any pod needs them.
 * - Claims carry the kubernetes.io/pvc-protection finalizer and volumes kubernetes.io/pv-protection: a deleted
 *   claim stays Terminating while a non-terminated pod uses it; its volume then becomes Released and, with
 *   reclaim policy Delete, is deleted (Retain keeps it Released).
 */
import { randomUUID } from 'node:crypto';
import { recordEvent } from '../events.js';
import { parseQuantity } from '../scheduler/resources.js';
import type { KubeObject, StoreEvent } from '../store/types.js';
import { type Controller, type ControllerContext, R } from './runtime.js';
import { type Json, type LabelSelectorSpec, selectorMatches } from './util.js';

const component = 'persistentvolume-controller';
const pvs = 'persistentvolumes';
const storageClasses = 'storageclasses.storage.k8s.io';

/** The annotation marking the default StorageClass. */
export const defaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
/** Finalizer that keeps a claim while pods use it. */
export const pvcProtectionFinalizer = 'kubernetes.io/pvc-protection';
/** Finalizer that keeps a volume while it is bound. */
export const pvProtectionFinalizer = 'kubernetes.io/pv-protection';
/** Provisioner name that means "no dynamic provisioning" (local static volumes). */
const noProvisioner = 'kubernetes.io/no-provisioner';

interface ClaimSpec {
  accessModes?: string[];
  resources?: { requests?: Record<string, string> };
  storageClassName?: string | null;
  volumeName?: string;
  volumeMode?: string;
  selector?: LabelSelectorSpec;
}

interface VolumeSpec {
  accessModes?: string[];
  capacity?: Record<string, string>;
  storageClassName?: string;
  claimRef?: { kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string; resourceVersion?: string };
  persistentVolumeReclaimPolicy?: string;
  volumeMode?: string;
}

const claimKey = (namespace: string | undefined, name: string) => `pvc:${namespace ?? ''}/${name}`;
const volumeKey = (name: string) => `pv:${name}`;
const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function claimSpec(o: KubeObject): ClaimSpec {
  return (o.spec ?? {}) as ClaimSpec;
}

function volumeSpec(o: KubeObject): VolumeSpec {
  return (o.spec ?? {}) as VolumeSpec;
}

function phaseOf(o: KubeObject): string | undefined {
  return (o.status as { phase?: string } | undefined)?.phase;
}

function isDefaultClass(c: KubeObject): boolean {
  return c.metadata.annotations?.[defaultClassAnnotation] === 'true';
}

/** Whether `volume` can satisfy `claim`: class, volume mode, access modes, capacity and label selector. */
export function volumeFits(volume: KubeObject, claim: KubeObject): boolean {
  const v = volumeSpec(volume);
  const c = claimSpec(claim);
  if ((v.storageClassName ?? '') !== (c.storageClassName ?? '')) return false;
  if ((v.volumeMode ?? 'Filesystem') !== (c.volumeMode ?? 'Filesystem')) return false;
  const modes = v.accessModes ?? [];
  if (!(c.accessModes ?? []).every((m) => modes.includes(m))) return false;
  const want = parseQuantity(c.resources?.requests?.storage) ?? 0;
  const have = parseQuantity(v.capacity?.storage) ?? 0;
  if (have < want) return false;
  if (c.selector && !selectorMatches(c.selector, volume.metadata.labels)) return false;
  return true;
}

/** The claim names (in the pod's namespace) a pod's volumes use. */
function claimsOfPod(pod: KubeObject | undefined): string[] {
  const volumes = ((pod?.spec as { volumes?: Json[] } | undefined)?.volumes ?? []) as Array<{ persistentVolumeClaim?: { claimName?: string } }>;
  return volumes.map((v) => v.persistentVolumeClaim?.claimName).filter((n): n is string => !!n);
}

/** Creates the volume binder / provisioner controller. */
export function persistentVolumeController(ctx: ControllerContext): Controller {
  const { store, clock } = ctx;
  // What an external provisioner reports as its identity: `<provisioner>_<pod>_<instance uuid>`.
  const instance = randomUUID();
  const provisionerComponent = (provisioner: string) => `${provisioner}_${provisioner.split('/').pop()}-provisioner-sim_${instance}`;

  function keysFor(event: StoreEvent): string[] {
    const o = event.object;
    if (event.resource === R.pvcs) {
      // A deleted claim releases its volume.
      const bound = event.type === 'DELETED' ? claimSpec(o).volumeName : undefined;
      return [claimKey(o.metadata.namespace, o.metadata.name), ...(bound ? [volumeKey(bound)] : [])];
    }
    if (event.resource === pvs) {
      const keys = [volumeKey(o.metadata.name)];
      const ref = volumeSpec(o).claimRef;
      if (ref?.name) keys.push(claimKey(ref.namespace, ref.name));
      // A volume that became free may satisfy a waiting claim.
      if (!ref && event.type !== 'DELETED') keys.push(...pendingClaimKeys());
      return keys;
    }
    if (event.resource === storageClasses) return event.type === 'DELETED' ? [] : pendingClaimKeys();
    if (event.resource === R.pods) {
      // Only deleting claims wait for pods (pvc-protection); skip the lookups otherwise.
      const names = new Set([...claimsOfPod(o), ...claimsOfPod(event.previous)]);
      const ns = o.metadata.namespace;
      return [...names].filter((n) => store.get(R.pvcs, ns, n)?.metadata.deletionTimestamp).map((n) => claimKey(ns, n));
    }
    return [];
  }

  function pendingClaimKeys(): string[] {
    return store
      .list(R.pvcs)
      .items.filter((c) => phaseOf(c) !== 'Bound' && !c.metadata.deletionTimestamp)
      .map((c) => claimKey(c.metadata.namespace, c.metadata.name));
  }

  function initialKeys(): string[] {
    return [...store.list(R.pvcs).items.map((c) => claimKey(c.metadata.namespace, c.metadata.name)), ...store.list(pvs).items.map((v) => volumeKey(v.metadata.name))];
  }

  function reconcile(key: string): void {
    if (key.startsWith('pv:')) return syncVolume(key.slice(3));
    const rest = key.slice(4);
    const i = rest.indexOf('/');
    syncClaim(rest.slice(0, i) || undefined, rest.slice(i + 1));
  }

  /** Whether a pod that is not finished uses the claim (the pvc-protection controller's test). */
  function claimInUse(claim: KubeObject): boolean {
    return store
      .list(R.pods, { namespace: claim.metadata.namespace })
      .items.some((p) => {
        const phase = phaseOf(p);
        return phase !== 'Succeeded' && phase !== 'Failed' && claimsOfPod(p).includes(claim.metadata.name);
      });
  }

  function syncClaim(namespace: string | undefined, name: string): void {
    let claim = store.get(R.pvcs, namespace, name);
    if (!claim) return;
    const finalizers = claim.metadata.finalizers ?? [];
    if (claim.metadata.deletionTimestamp) {
      if (finalizers.includes(pvcProtectionFinalizer) && !claimInUse(claim)) {
        const rest = finalizers.filter((f) => f !== pvcProtectionFinalizer);
        const metadata = { ...claim.metadata, finalizers: rest };
        if (rest.length === 0) delete (metadata as { finalizers?: unknown }).finalizers;
        store.update(R.pvcs, { ...claim, metadata });
      }
      return;
    }
    if (!finalizers.includes(pvcProtectionFinalizer)) {
      claim = store.update(R.pvcs, { ...claim, metadata: { ...claim.metadata, finalizers: [...finalizers, pvcProtectionFinalizer] } });
    }
    const spec = claimSpec(claim);
    if (phaseOf(claim) === 'Bound' && spec.volumeName) {
      // Bound: the volume must still exist (and point back), else the claim is Lost.
      const volume = store.get(pvs, undefined, spec.volumeName);
      if (!volume || volumeSpec(volume).claimRef?.uid !== claim.metadata.uid) {
        store.update(R.pvcs, { ...claim, status: { ...(claim.status as Json), phase: 'Lost' } }, { subresource: 'status' });
        recordEvent(store, clock, { involved: claim, type: 'Warning', reason: 'ClaimLost', message: 'Bound claim has lost its PersistentVolume. Data on the volume is lost!', component });
      }
      return;
    }
    if (phaseOf(claim) === 'Lost') return;

    // Retroactive default StorageClass assignment: only for a claim that never named a class.
    if (spec.storageClassName === undefined || spec.storageClassName === null) {
      const byDefault = store
        .list(storageClasses)
        .items.filter(isDefaultClass)
        .sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')))[0];
      if (!byDefault) return; // waits for a default class
      claim = store.update(R.pvcs, { ...claim, spec: { ...(claim.spec as Json), storageClassName: byDefault.metadata.name } });
    }
    const className = claimSpec(claim).storageClassName ?? '';

    // Static binding first: the named volume, or the smallest Available one that fits.
    const volume = findVolume(claim);
    if (volume) return bind(claim, volume);
    if (claimSpec(claim).volumeName) return; // waits for the named volume

    if (className === '') {
      recordEvent(store, clock, { involved: claim, reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set', component });
      return;
    }
    const storageClass = store.get(storageClasses, undefined, className);
    if (!storageClass) {
      recordEvent(store, clock, { involved: claim, type: 'Warning', reason: 'ProvisioningFailed', message: `storageclass.storage.k8s.io "${className}" not found`, component });
      return;
    }
    const provisioner = String(storageClass.provisioner ?? '');
    if (!provisioner || provisioner === noProvisioner) {
      recordEvent(store, clock, { involved: claim, reason: 'WaitForPodScheduled', message: 'waiting for pod to be scheduled', component });
      return;
    }
    provision(claim, storageClass, provisioner);
  }

  function findVolume(claim: KubeObject): KubeObject | undefined {
    const spec = claimSpec(claim);
    const all = store.list(pvs).items.filter((v) => !v.metadata.deletionTimestamp);
    if (spec.volumeName) {
      const v = all.find((x) => x.metadata.name === spec.volumeName);
      const ref = v && volumeSpec(v).claimRef;
      if (!v || (ref && (ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace || (ref.uid && ref.uid !== claim.metadata.uid)))) return undefined;
      return v;
    }
    // A volume pre-bound to this claim (e.g. one we provisioned before a conflict) wins.
    const mine = all.find((v) => volumeSpec(v).claimRef?.uid === claim.metadata.uid);
    if (mine) return mine;
    const free = all.filter((v) => {
      const ref = volumeSpec(v).claimRef;
      if (ref) return ref.name === claim.metadata.name && ref.namespace === claim.metadata.namespace && !ref.uid;
      return phaseOf(v) !== 'Released' && phaseOf(v) !== 'Failed' && volumeFits(v, claim);
    });
    free.sort((a, b) => (parseQuantity(volumeSpec(a).capacity?.storage) ?? 0) - (parseQuantity(volumeSpec(b).capacity?.storage) ?? 0));
    return free[0];
  }

  function provision(claim: KubeObject, storageClass: KubeObject, provisioner: string): void {
    const spec = claimSpec(claim);
    const annotations = claim.metadata.annotations ?? {};
    if (annotations['volume.kubernetes.io/storage-provisioner'] !== provisioner) {
      claim = store.update(R.pvcs, {
        ...claim,
        metadata: {
          ...claim.metadata,
          annotations: { ...annotations, 'volume.beta.kubernetes.io/storage-provisioner': provisioner, 'volume.kubernetes.io/storage-provisioner': provisioner },
        },
      });
    }
    recordEvent(store, clock, {
      involved: claim,
      reason: 'ExternalProvisioning',
      message: `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
      component,
    });
    const by = provisionerComponent(provisioner);
    recordEvent(store, clock, { involved: claim, reason: 'Provisioning', message: `External provisioner is provisioning volume for claim "${claim.metadata.namespace}/${claim.metadata.name}"`, component: by });
    const name = `pvc-${claim.metadata.uid}`;
    const requested = spec.resources?.requests?.storage ?? '1Gi';
    const volume = store.create(pvs, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': provisioner }, finalizers: [pvProtectionFinalizer] },
      spec: {
        accessModes: spec.accessModes ?? ['ReadWriteOnce'],
        capacity: { storage: requested },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claim.metadata.name, namespace: claim.metadata.namespace, resourceVersion: claim.metadata.resourceVersion, uid: claim.metadata.uid },
        hostPath: { path: `/var/local-path-provisioner/${name}_${claim.metadata.namespace}_${claim.metadata.name}`, type: 'DirectoryOrCreate' },
        persistentVolumeReclaimPolicy: String(storageClass.reclaimPolicy ?? 'Delete'),
        storageClassName: storageClass.metadata.name,
        volumeMode: spec.volumeMode ?? 'Filesystem',
      },
      status: { phase: 'Pending' },
    });
    recordEvent(store, clock, { involved: claim, reason: 'ProvisioningSucceeded', message: `Successfully provisioned volume ${name}`, component: by });
    bind(claim, volume);
  }

  function bind(claim: KubeObject, volume: KubeObject): void {
    const now = rfc3339(clock.now());
    const ref = volumeSpec(volume).claimRef;
    if (ref?.uid !== claim.metadata.uid) {
      volume = store.update(pvs, {
        ...volume,
        metadata: { ...volume.metadata, annotations: { ...(volume.metadata.annotations ?? {}), 'pv.kubernetes.io/bound-by-controller': 'yes' } },
        spec: {
          ...(volume.spec as Json),
          claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claim.metadata.name, namespace: claim.metadata.namespace, resourceVersion: claim.metadata.resourceVersion, uid: claim.metadata.uid },
        },
      });
    }
    if (phaseOf(volume) !== 'Bound') {
      volume = store.update(pvs, { ...volume, status: { phase: 'Bound', lastPhaseTransitionTime: now } }, { subresource: 'status' });
    }
    const annotations: Record<string, string> = { ...(claim.metadata.annotations ?? {}), 'pv.kubernetes.io/bind-completed': 'yes' };
    if (!claimSpec(claim).volumeName) annotations['pv.kubernetes.io/bound-by-controller'] = 'yes';
    claim = store.update(R.pvcs, { ...claim, metadata: { ...claim.metadata, annotations }, spec: { ...(claim.spec as Json), volumeName: volume.metadata.name } });
    const v = volumeSpec(volume);
    store.update(
      R.pvcs,
      { ...claim, status: { phase: 'Bound', accessModes: v.accessModes ?? [], capacity: { ...(v.capacity ?? {}) } } },
      { subresource: 'status' },
    );
  }

  function syncVolume(name: string): void {
    let volume = store.get(pvs, undefined, name);
    if (!volume) return;
    const spec = volumeSpec(volume);
    const ref = spec.claimRef;
    const claim = ref?.name ? store.get(R.pvcs, ref.namespace, ref.name) : undefined;
    const claimGone = !!ref?.uid && (!claim || claim.metadata.uid !== ref.uid);
    const finalizers = volume.metadata.finalizers ?? [];
    if (volume.metadata.deletionTimestamp) {
      // pv-protection: a bound volume stays until its claim is gone.
      if (finalizers.includes(pvProtectionFinalizer) && (claimGone || !ref)) {
        const rest = finalizers.filter((f) => f !== pvProtectionFinalizer);
        const metadata = { ...volume.metadata, finalizers: rest };
        if (rest.length === 0) delete (metadata as { finalizers?: unknown }).finalizers;
        store.update(pvs, { ...volume, metadata });
      }
      return;
    }
    if (!finalizers.includes(pvProtectionFinalizer)) {
      volume = store.update(pvs, { ...volume, metadata: { ...volume.metadata, finalizers: [...finalizers, pvProtectionFinalizer] } });
    }
    const now = rfc3339(clock.now());
    const setPhase = (phase: string) => {
      if (phaseOf(volume!) !== phase) store.update(pvs, { ...volume!, status: { phase, lastPhaseTransitionTime: now } }, { subresource: 'status' });
    };
    if (!ref) return setPhase('Available');
    if (!claimGone) return; // binding is the claim side's job
    // The claim was deleted: Released, then reclaimed per policy.
    if ((spec.persistentVolumeReclaimPolicy ?? 'Retain') === 'Delete') {
      try {
        store.delete(pvs, undefined, name);
      } catch (e) {
        if ((e as { code?: number }).code !== 404) throw e;
      }
      return;
    }
    setPhase('Released');
  }

  return { name: component, keysFor, initialKeys, reconcile };
}
