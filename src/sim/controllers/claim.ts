/**
 * Adoption and release, as client-go's ControllerRefManager does it: an owner adopts orphans its selector matches
 * (adding itself as controller owner reference) and releases objects it controls that its selector no longer
 * matches (so it replaces them, e.g. a pod relabelled for debugging).
 */
import type { KubeObject, ObjectStore } from '../store/types.js';
import { controllerRef, ownerRefTo } from './util.js';

/**
 * The objects `owner` controls after claiming among `candidates` (same namespace). Writes that lose a race
 * (404 / 409) are skipped: the change they raced with requeues the owner anyway.
 */
export function claimObjects(store: ObjectStore, resource: string, owner: KubeObject, candidates: KubeObject[], matches: (o: KubeObject) => boolean): KubeObject[] {
  const uid = owner.metadata.uid;
  const owned: KubeObject[] = [];
  const ownerDeleting = Boolean(owner.metadata.deletionTimestamp);
  for (const o of candidates) {
    const ref = controllerRef(o);
    try {
      if (ref?.uid === uid) {
        if (matches(o) || ownerDeleting) owned.push(o);
        else {
          const refs = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          const metadata = { ...o.metadata, ownerReferences: refs };
          if (refs.length === 0) delete (metadata as { ownerReferences?: unknown }).ownerReferences;
          store.update(resource, { ...o, metadata });
        }
      } else if (!ref && !ownerDeleting && !o.metadata.deletionTimestamp && matches(o)) {
        owned.push(store.update(resource, { ...o, metadata: { ...o.metadata, ownerReferences: [...(o.metadata.ownerReferences ?? []), ownerRefTo(owner)] } }));
      }
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code !== 404 && code !== 409) throw e;
    }
  }
  return owned;
}

/**
 * The candidates worth reading for `claimObjects` (a store list filter): objects `owner` controls and orphans.
 * Objects another controller owns are never claimed, so a list need not copy them.
 */
export function claimable(owner: KubeObject): (o: KubeObject) => boolean {
  const uid = owner.metadata.uid;
  return (o) => {
    const ref = controllerRef(o);
    return !ref || ref.uid === uid;
  };
}
