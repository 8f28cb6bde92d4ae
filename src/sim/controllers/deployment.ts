/**
 * The Deployment controller: keeps one ReplicaSet per pod template (`<name>-<pod-template-hash>`), rolls from old
 * sets to the new one under maxSurge/maxUnavailable (or Recreate), and maintains status, the Available and
 * Progressing conditions (ProgressDeadlineExceeded timed with the SimClock), revision annotations, history
 * cleanup and pause, following the upstream controller's sync loop step by step.
 */
import { recordEvent } from '../events.js';
import type { KubeObject, StoreEvent } from '../store/types.js';
import {
  type DeploymentStatus,
  activeReplicaSets,
  compactStatus,
  calculateStatus,
  deploymentComplete,
  deploymentSpec,
  deploymentStatus,
  desiredAnnotation,
  desiredReplicas,
  equalIgnoreHash,
  findActiveOrLatest,
  findNewReplicaSet,
  hasProgressDeadline,
  isRollingUpdate,
  isSaturated,
  maxScaledDown,
  maxUnavailable,
  msUntilProgressDeadline,
  newDeploymentCondition,
  newRSNewReplicas,
  newReplicaSetAnnotations,
  podTemplateHashLabel,
  proportionalSizes,
  reasons,
  replicaCount,
  replicasAnnotations,
  revisionAnnotation,
  revisionOf,
  rolloutStatus,
  rsReplicas,
  rsStatus,
  setDeploymentCondition,
} from './deployment-util.js';
import { claimable, claimObjects } from './claim.js';
import { computeHash } from './hash.js';
import { type Controller, type ControllerContext, R } from './runtime.js';
import { type Json, byCreation, clone, controllerRef, findCondition, isControlledBy, num, objectKey, ownerRefTo, selectorMatches, semanticEqual, splitKey } from './util.js';

const component = 'deployment-controller';

/** Creates the Deployment controller. */
export function deploymentController(ctx: ControllerContext): Controller {
  const { store, clock } = ctx;

  /** Deployment key owning a ReplicaSet (by controller reference), if any. */
  function ownerKeyOfRS(rs: KubeObject | undefined): string | undefined {
    const ref = controllerRef(rs);
    return ref?.kind === 'Deployment' && rs?.metadata.namespace ? `${rs.metadata.namespace}/${ref.name}` : undefined;
  }

  function keysFor(event: StoreEvent): string[] {
    switch (event.resource) {
      case R.deployments:
        if (event.type === 'DELETED') progressStamps.delete(event.object.metadata.uid ?? '');
        return [objectKey(event.object)];
      case R.replicaSets: {
        const keys = [ownerKeyOfRS(event.object), ownerKeyOfRS(event.previous)].filter((k): k is string => k !== undefined);
        // An orphaned ReplicaSet may be adopted by any Deployment whose selector matches it.
        if (event.type !== 'DELETED' && !controllerRef(event.object)) {
          for (const d of store.list(R.deployments, { namespace: event.object.metadata.namespace }).items) {
            if (selectorMatches(deploymentSpec(d).selector, event.object.metadata.labels)) keys.push(objectKey(d));
          }
        }
        return keys;
      }
      case R.pods: {
        // Only Recreate waits on pods (for the old ones to be gone); a pod going away is what it waits for.
        if (event.type !== 'DELETED' && !event.object.metadata.deletionTimestamp) return [];
        const ref = controllerRef(event.object);
        if (ref?.kind !== 'ReplicaSet') return [];
        const rs = store.get(R.replicaSets, event.object.metadata.namespace, ref.name);
        const key = ownerKeyOfRS(rs);
        return key ? [key] : [];
      }
      default:
        return [];
    }
  }

  /** Exact instants behind the second-precision Progressing lastUpdateTime, per Deployment uid. */
  const progressStamps = new Map<string, { stamp: string; ms: number }>();

  function progressSince(d: KubeObject): number | undefined {
    const stamp = findCondition(deploymentStatus(d).conditions, 'Progressing')?.lastUpdateTime;
    const known = progressStamps.get(d.metadata.uid ?? '');
    return known && stamp === known.stamp ? known.ms : undefined;
  }

  function writeStatus(d: KubeObject, status: DeploymentStatus): KubeObject {
    const next = compactStatus(status);
    if (semanticEqual(next, compactStatus(deploymentStatus(d)))) return d;
    const before = findCondition(deploymentStatus(d).conditions, 'Progressing')?.lastUpdateTime;
    const after = findCondition(next.conditions, 'Progressing')?.lastUpdateTime;
    const written = store.update(R.deployments, { ...d, status: next }, { subresource: 'status' });
    if (after && after !== before) progressStamps.set(d.metadata.uid ?? '', { stamp: after, ms: clock.now().getTime() });
    return written;
  }

  function scaleReplicaSet(d: KubeObject, rs: KubeObject, replicas: number): KubeObject {
    const from = rsReplicas(rs);
    const annotations = replicasAnnotations(d, rs);
    if (from === replicas && !annotations) return rs;
    const updated = store.update(R.replicaSets, {
      ...rs,
      metadata: { ...rs.metadata, annotations: annotations ?? rs.metadata.annotations },
      spec: { ...(rs.spec as Json), replicas },
    });
    if (from !== replicas) {
      const direction = replicas > from ? 'up' : 'down';
      recordEvent(store, clock, {
        involved: d,
        reason: 'ScalingReplicaSet',
        message: `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
        component,
      });
    }
    return updated;
  }

  /** Scales only when the size differs (scaleReplicaSetAndRecordEvent). */
  function scaleIfNeeded(d: KubeObject, rs: KubeObject, replicas: number): { rs: KubeObject; scaled: boolean } {
    if (rsReplicas(rs) === replicas) return { rs, scaled: false };
    return { rs: scaleReplicaSet(d, rs, replicas), scaled: true };
  }

  interface Sets {
    d: KubeObject;
    newRS: KubeObject | undefined;
    oldRSs: KubeObject[];
  }

  /** getAllReplicaSetsAndSyncRevision: finds (or creates) the new set and keeps revision annotations in step. */
  function syncRevision(d0: KubeObject, rsList: KubeObject[], create: boolean): Sets {
    let d = d0;
    const existing = findNewReplicaSet(d, rsList);
    const oldRSs = rsList.filter((rs) => rs !== existing);
    const newRevision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;

    if (existing) {
      const { annotations, changed } = newReplicaSetAnnotations(d, existing.metadata.annotations, newRevision, false);
      const minReady = num(deploymentSpec(d).minReadySeconds, 0);
      if (changed || num((existing.spec as Json).minReadySeconds, 0) !== minReady) {
        const rs = store.update(R.replicaSets, {
          ...existing,
          metadata: { ...existing.metadata, annotations },
          spec: { ...(existing.spec as Json), minReadySeconds: minReady },
        });
        return { d, newRS: rs, oldRSs };
      }
      d = setDeploymentRevision(d, existing.metadata.annotations?.[revisionAnnotation]);
      if (hasProgressDeadline(d) && !findCondition(deploymentStatus(d).conditions, 'Progressing')) {
        const cond = newDeploymentCondition('Progressing', 'True', reasons.foundNewReplicaSet, `Found new replica set "${existing.metadata.name}"`, clock.now());
        d = writeStatus(d, { ...deploymentStatus(d), conditions: setDeploymentCondition(deploymentStatus(d).conditions, cond) });
      }
      return { d, newRS: existing, oldRSs };
    }
    if (!create) return { d, newRS: undefined, oldRSs };

    const spec = deploymentSpec(d);
    const collisionCount = deploymentStatus(d).collisionCount;
    const hash = computeHash(spec.template ?? {}, collisionCount);
    const template = clone(spec.template ?? {});
    const meta = (template.metadata ?? {}) as { labels?: Record<string, string> };
    meta.labels = { ...(meta.labels ?? {}), [podTemplateHashLabel]: hash };
    template.metadata = meta;
    const selector = clone(spec.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [podTemplateHashLabel]: hash };
    const draft: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, labels: { ...meta.labels }, ownerReferences: [ownerRefTo(d)] },
      spec: { replicas: 0, minReadySeconds: num(spec.minReadySeconds, 0), selector, template },
    };
    const replicas = newRSNewReplicas(d, [...oldRSs, draft], draft);
    (draft.spec as Json).replicas = replicas;
    draft.metadata.annotations = newReplicaSetAnnotations(d, undefined, newRevision, true).annotations;

    let created: KubeObject;
    let alreadyExisted = false;
    const clash = store.get(R.replicaSets, d.metadata.namespace, draft.metadata.name);
    if (clash) {
      if (isControlledBy(clash, d.metadata.uid) && equalIgnoreHash((clash.spec as Json).template, spec.template)) {
        created = clash;
        alreadyExisted = true;
      } else {
        // A different set holds the name: step the hash with collisionCount and retry on the next pass.
        writeStatus(d, { ...deploymentStatus(d), collisionCount: num(collisionCount, 0) + 1 });
        ctx.enqueue(objectKey(d));
        return { d, newRS: undefined, oldRSs };
      }
    } else {
      created = store.create(R.replicaSets, draft);
    }
    if (!alreadyExisted && replicas > 0) {
      recordEvent(store, clock, {
        involved: d,
        reason: 'ScalingReplicaSet',
        message: `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`,
        component,
      });
    }
    d = setDeploymentRevision(d, String(newRevision));
    if (!alreadyExisted && hasProgressDeadline(d)) {
      const cond = newDeploymentCondition('Progressing', 'True', reasons.newReplicaSetCreated, `Created new replica set "${created.metadata.name}"`, clock.now());
      d = writeStatus(d, { ...deploymentStatus(d), conditions: setDeploymentCondition(deploymentStatus(d).conditions, cond) });
    }
    return { d, newRS: created, oldRSs };
  }

  function setDeploymentRevision(d: KubeObject, revision: string | undefined): KubeObject {
    if (revision === undefined || d.metadata.annotations?.[revisionAnnotation] === revision) return d;
    return store.update(R.deployments, { ...d, metadata: { ...d.metadata, annotations: { ...(d.metadata.annotations ?? {}), [revisionAnnotation]: revision } } });
  }

  /** Progressing=Unknown while paused (checkPausedConditions). */
  function checkPausedConditions(d: KubeObject): KubeObject {
    if (!hasProgressDeadline(d)) return d;
    const cond = findCondition(deploymentStatus(d).conditions, 'Progressing');
    if (cond?.reason === reasons.progressDeadlineExceeded) return d;
    const paused = deploymentSpec(d).paused === true;
    const pausedCond = cond?.reason === reasons.deploymentPaused;
    let next: DeploymentStatus | undefined;
    if (paused && !pausedCond) {
      next = { ...deploymentStatus(d), conditions: setDeploymentCondition(deploymentStatus(d).conditions, newDeploymentCondition('Progressing', 'Unknown', reasons.deploymentPaused, 'Deployment is paused', clock.now())) };
    } else if (!paused && pausedCond) {
      next = { ...deploymentStatus(d), conditions: setDeploymentCondition(deploymentStatus(d).conditions, newDeploymentCondition('Progressing', 'Unknown', reasons.deploymentResumed, 'Deployment is resumed', clock.now())) };
    }
    return next ? writeStatus(d, next) : d;
  }

  /** Scaling without a rollout (DeploymentController.scale): used for paused Deployments and scaling events. */
  function scale(d: KubeObject, newRS: KubeObject | undefined, oldRSs: KubeObject[]): void {
    const desired = desiredReplicas(d);
    const target = findActiveOrLatest(newRS, oldRSs);
    if (target) {
      if (rsReplicas(target) !== desired) scaleReplicaSet(d, target, desired);
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of activeReplicaSets(oldRSs)) scaleIfNeeded(d, old, 0);
      return;
    }
    if (isRollingUpdate(d)) {
      const active = activeReplicaSets([...oldRSs, newRS]);
      const sizes = proportionalSizes(d, active);
      for (const rs of active) scaleReplicaSet(d, rs, sizes.get(rs.metadata.name) ?? rsReplicas(rs));
    }
  }

  function isScalingEvent(d: KubeObject, newRS: KubeObject | undefined, oldRSs: KubeObject[]): boolean {
    const desired = desiredReplicas(d);
    return activeReplicaSets([newRS, ...oldRSs]).some((rs) => {
      const annotated = desiredAnnotation(rs);
      return annotated !== undefined && annotated !== desired;
    });
  }

  /** Deletes old, empty ReplicaSets beyond revisionHistoryLimit, oldest revision first. */
  function cleanup(d: KubeObject, oldRSs: KubeObject[]): void {
    const limit = num(deploymentSpec(d).revisionHistoryLimit, 10);
    const candidates = oldRSs
      .filter((rs) => rsReplicas(rs) === 0 && rsStatus(rs, 'replicas') === 0 && !rs.metadata.deletionTimestamp)
      .sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    const excess = candidates.length - limit;
    for (let i = 0; i < excess; i++) store.delete(R.replicaSets, candidates[i].metadata.namespace, candidates[i].metadata.name, { propagationPolicy: 'Background' });
  }

  /** syncRolloutStatus: writes status and arranges the progress-deadline check. */
  function syncRolloutStatus(d: KubeObject, allRSs: KubeObject[], newRS: KubeObject | undefined): void {
    const now = clock.now();
    const status = rolloutStatus(d, allRSs, newRS, now, clock.timeScale, progressSince(d));
    const written = writeStatus(d, status);
    const wait = msUntilProgressDeadline(written, status, now, clock.timeScale, progressSince(written));
    // One simulated millisecond past the deadline, so the check sees it strictly exceeded.
    if (wait !== undefined) ctx.enqueue(objectKey(d), wait + 1);
  }

  function listOwned(d: KubeObject): KubeObject[] {
    const selector = deploymentSpec(d).selector;
    return claimObjects(store, R.replicaSets, d, store.list(R.replicaSets, { namespace: d.metadata.namespace, filter: claimable(d) }).items, (rs) => selectorMatches(selector, rs.metadata.labels));
  }

  function refresh(list: KubeObject[], changed: KubeObject | undefined): KubeObject[] {
    if (!changed) return list;
    return list.map((rs) => (rs.metadata.uid === changed.metadata.uid ? changed : rs));
  }

  function rolloutRolling(d0: KubeObject, rsList: KubeObject[]): void {
    let { d, newRS, oldRSs } = syncRevision(d0, rsList, true);
    if (!newRS) return;
    let allRSs = [...oldRSs, newRS];

    // Scale up the new set as far as maxSurge allows.
    const desired = desiredReplicas(d);
    let target = rsReplicas(newRS) > desired ? desired : newRSNewReplicas(d, allRSs, newRS);
    if (rsReplicas(newRS) === desired) target = desired;
    const up = scaleIfNeeded(d, newRS, target);
    if (up.scaled) {
      newRS = up.rs;
      allRSs = [...oldRSs, newRS];
      return syncRolloutStatus(d, allRSs, newRS);
    }

    // Scale old sets down as far as maxUnavailable allows (unhealthy pods first).
    const down = reconcileOldReplicaSets(d, allRSs, oldRSs, newRS);
    if (down.scaled) return syncRolloutStatus(d, down.allRSs, newRS);

    if (deploymentComplete(d, deploymentStatus(d))) cleanup(d, oldRSs);
    syncRolloutStatus(d, allRSs, newRS);
  }

  function reconcileOldReplicaSets(d: KubeObject, allRSs0: KubeObject[], oldRSs0: KubeObject[], newRS: KubeObject): { scaled: boolean; allRSs: KubeObject[] } {
    let allRSs = allRSs0;
    let oldRSs = activeReplicaSets(oldRSs0);
    if (replicaCount(oldRSs) === 0) return { scaled: false, allRSs };
    const maxDown = maxScaledDown(d, allRSs, newRS);
    if (maxDown <= 0) return { scaled: false, allRSs };

    // Unhealthy replicas first: they do not count towards availability anyway.
    let cleaned = 0;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (cleaned >= maxDown) break;
      const unhealthy = rsReplicas(rs) - rsStatus(rs, 'availableReplicas');
      if (rsReplicas(rs) === 0 || unhealthy <= 0) continue;
      const count = Math.min(maxDown - cleaned, unhealthy);
      const updated = scaleReplicaSet(d, rs, rsReplicas(rs) - count);
      cleaned += count;
      allRSs = refresh(allRSs, updated);
      oldRSs = refresh(oldRSs, updated);
    }

    // Then healthy ones, keeping replicas - maxUnavailable available.
    const minAvailable = desiredReplicas(d) - maxUnavailable(d);
    const availableCount = allRSs.reduce((n, rs) => n + rsStatus(rs, 'availableReplicas'), 0);
    let scaledDown = 0;
    if (availableCount > minAvailable) {
      const total = availableCount - minAvailable;
      for (const rs of [...oldRSs].sort(byCreation)) {
        if (scaledDown >= total) break;
        if (rsReplicas(rs) === 0) continue;
        const count = Math.min(rsReplicas(rs), total - scaledDown);
        const updated = scaleReplicaSet(d, rs, rsReplicas(rs) - count);
        scaledDown += count;
        allRSs = refresh(allRSs, updated);
      }
    }
    return { scaled: cleaned + scaledDown > 0, allRSs };
  }

  function oldPodsRunning(d: KubeObject, newRS: KubeObject | undefined, oldRSs: KubeObject[]): boolean {
    if (oldRSs.some((rs) => rsStatus(rs, 'replicas') > 0)) return true;
    const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
    return store
      .list(R.pods, { namespace: d.metadata.namespace, filter: (p) => oldUids.has(controllerRef(p)?.uid) })
      .items.some((p) => {
        const ref = controllerRef(p);
        if (!ref || !oldUids.has(ref.uid) || ref.uid === newRS?.metadata.uid) return false;
        const phase = (p.status as Json | undefined)?.phase;
        return phase !== 'Failed' && phase !== 'Succeeded';
      });
  }

  function rolloutRecreate(d0: KubeObject, rsList: KubeObject[]): void {
    let { d, newRS, oldRSs } = syncRevision(d0, rsList, false);
    let allRSs = newRS ? [...oldRSs, newRS] : [...oldRSs];
    let scaled = false;
    for (const rs of activeReplicaSets(oldRSs)) {
      const r = scaleIfNeeded(d, rs, 0);
      if (r.scaled) {
        scaled = true;
        allRSs = refresh(allRSs, r.rs);
      }
    }
    if (scaled) return syncRolloutStatus(d, allRSs, newRS);
    if (oldPodsRunning(d, newRS, oldRSs)) return syncRolloutStatus(d, allRSs, newRS);
    if (!newRS) {
      ({ d, newRS, oldRSs } = syncRevision(d, rsList, true));
      if (!newRS) return;
      allRSs = [...oldRSs, newRS];
    }
    const up = scaleIfNeeded(d, newRS, desiredReplicas(d));
    if (up.scaled) {
      newRS = up.rs;
      allRSs = [...oldRSs, newRS];
    }
    if (deploymentComplete(d, deploymentStatus(d))) cleanup(d, oldRSs);
    syncRolloutStatus(d, allRSs, newRS);
  }

  function reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    let d = store.get(R.deployments, namespace, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const spec = deploymentSpec(d);
    // A Deployment with an empty selector would adopt everything; the real controller refuses it too.
    if (!spec.selector || (Object.keys(spec.selector.matchLabels ?? {}).length === 0 && (spec.selector.matchExpressions ?? []).length === 0)) return;
    const rsList = listOwned(d);

    d = checkPausedConditions(d);
    if (spec.paused) {
      const sets = syncRevision(d, rsList, false);
      scale(sets.d, sets.newRS, sets.oldRSs);
      const fresh = listOwned(sets.d);
      const newRS = fresh.find((rs) => rs.metadata.uid === sets.newRS?.metadata.uid);
      cleanup(sets.d, fresh.filter((rs) => rs !== newRS));
      writeStatus(sets.d, calculateStatus(sets.d, fresh, newRS, clock.now()));
      return;
    }

    const probe = { newRS: findNewReplicaSet(d, rsList), oldRSs: [] as KubeObject[] };
    probe.oldRSs = rsList.filter((rs) => rs !== probe.newRS);
    if (isScalingEvent(d, probe.newRS, probe.oldRSs)) {
      const sets = syncRevision(d, rsList, false);
      scale(sets.d, sets.newRS, sets.oldRSs);
      const fresh = listOwned(sets.d);
      const newRS = fresh.find((rs) => rs.metadata.uid === sets.newRS?.metadata.uid);
      writeStatus(sets.d, calculateStatus(sets.d, fresh, newRS, clock.now()));
      return;
    }

    if (isRollingUpdate(d)) rolloutRolling(d, rsList);
    else rolloutRecreate(d, rsList);
  }

  return {
    name: component,
    keysFor,
    initialKeys: () => store.list(R.deployments).items.map(objectKey),
    reconcile,
    stop: () => progressStamps.clear(),
  };
}
