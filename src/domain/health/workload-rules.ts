import type { V1ObjectMeta, V1PersistentVolumeClaim, V1Pod, V1PodSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { objectName, type WorkloadRef } from '../manifest/workload-ref.js';
import { assessFailedCreate, type CreateSubject } from './create-rules.js';
import { assessJobStatus } from './job-rules.js';
import { podEnded, podReady, type PodRuleMode } from './pod-rules.js';
import { assessClaim } from './pvc-rules.js';
import { assessResource, type ResourceObject } from './resource-rules.js';
import type { ClusterSnapshot, Failure, HealthOptions, WorkloadProgress } from './types.js';
import { findCondition, floorToSecond, isControlledBy, matchesSelector, toDate } from './kube-util.js';

/** Annotation the deployment controller stamps on each ReplicaSet with its rollout revision. */
export const DEPLOYMENT_REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** What one workload looks like right now, before pod rules are applied. */
export interface WorkloadAssessment {
  ref: WorkloadRef;
  progress: WorkloadProgress;
  /** Pods of the new revision (terminating pods excluded). */
  pods: V1Pod[];
  /** Which pod rules apply to those pods. */
  podRules: PodRuleMode;
  /** Fully rolled out (or complete, or not waited for). */
  done: boolean;
  /** A failure of the workload itself (deadline exceeded, failed Job, pods refused by the API server). */
  failure?: Failure;
  /** Moments when a grace of the workload itself (e.g. an unconfirmed FailedCreate) runs out. */
  dueAt?: Date[];
  /** Names of other objects whose events belong to this workload (e.g. the new ReplicaSet). */
  related: Array<{ kind: string; name: string }>;
  /** Why it is not done yet, for the Timeout message. */
  waitingFor: string;
}

/**
 * `metadata.generation` of each Deployment, StatefulSet and DaemonSet when the rollout started, keyed by
 * {@link baselineKey}. Lets the evaluator see that helm has applied a workload even when an admission webhook
 * rewrote its pod template (e.g. an image-registry mirror policy), so the template no longer equals the chart's.
 */
export type GenerationBaseline = Readonly<Record<string, number>>;

/** Key of a workload in a {@link GenerationBaseline}: `Kind/namespace/name`. */
export function baselineKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** The generations of all Deployments, StatefulSets and DaemonSets in a snapshot taken before helm starts. */
export function generationBaseline(snapshot: ClusterSnapshot): GenerationBaseline {
  const out: Record<string, number> = {};
  const add = (kind: string, list: ReadonlyArray<{ metadata?: V1ObjectMeta }>) => {
    for (const o of list) {
      if (o.metadata?.name) out[baselineKey(kind, o.metadata.namespace ?? '', o.metadata.name)] = o.metadata.generation ?? 0;
    }
  };
  add('Deployment', snapshot.deployments);
  add('StatefulSet', snapshot.statefulSets);
  add('DaemonSet', snapshot.daemonSets);
  return out;
}

/** Context shared by all workloads of one evaluation. */
export interface WorkloadContext {
  snapshot: ClusterSnapshot;
  options: HealthOptions;
  startedAt: Date;
  now: Date;
  baseline?: GenerationBaseline;
}

/**
 * Whether helm has applied this revision to the live object: its pod template carries the revision's labels,
 * annotations and images, or (with a baseline) the object was created or changed since the rollout started.
 */
function applied(
  ref: WorkloadRef,
  live: { metadata?: V1ObjectMeta; spec?: { template?: { metadata?: V1ObjectMeta; spec?: V1PodSpec } } },
  ctx: WorkloadContext,
): boolean {
  if (templateApplied(ref, live.spec?.template?.metadata, live.spec?.template?.spec)) return true;
  if (!ctx.baseline) return false;
  const before = ctx.baseline[baselineKey(ref.kind, live.metadata?.namespace ?? ref.namespace, ref.name)];
  return before === undefined || (live.metadata?.generation ?? 0) > before;
}

/** A ref describing the live object's own pod template, to find the ReplicaSet that copies it. */
function liveTemplateRef(ref: WorkloadRef, template: { metadata?: V1ObjectMeta; spec?: V1PodSpec } | undefined): WorkloadRef {
  const images: Record<string, string> = {};
  for (const c of [...(template?.spec?.initContainers ?? []), ...(template?.spec?.containers ?? [])]) {
    if (c.image !== undefined) images[c.name] = c.image;
  }
  return {
    ...ref,
    templateLabels: { ...(template?.metadata?.labels ?? {}) },
    templateAnnotations: { ...(template?.metadata?.annotations ?? {}) },
    images,
  };
}

/** Assesses one workload of the release against the snapshot. */
export function assessWorkload(ref: WorkloadRef, ctx: WorkloadContext): WorkloadAssessment {
  if (ref.generic) return assessGeneric(ref, ctx);
  switch (ref.kind) {
    case 'Deployment':
      return assessDeployment(ref, ctx);
    case 'StatefulSet':
      return assessStatefulSet(ref, ctx);
    case 'DaemonSet':
      return assessDaemonSet(ref, ctx);
    case 'Job':
      return assessJob(ref, ctx);
    case 'Pod':
      return assessBarePod(ref, ctx);
    case 'PersistentVolumeClaim':
      return assessClaimRef(ref, ctx);
    case 'Service':
      return assessLoadBalancer(ref, ctx);
    default:
      return assessGeneric(ref, ctx);
  }
}

/**
 * The live object of a kind watched per kind (watchResources), or why it cannot be judged: the watch does not
 * list such kinds at all, or could not watch this one (then it is reported, and not waited for).
 */
function liveResource(ref: WorkloadRef, ctx: WorkloadContext): { live?: ResourceObject; unwatched?: string } {
  const group = (v: string | undefined) => (v?.includes('/') ? v.slice(0, v.indexOf('/')) : '');
  if (ctx.snapshot.resources === undefined) return { unwatched: 'not watched' };
  const why = ctx.snapshot.unwatched?.find((u) => u.kind === ref.kind && group(u.apiVersion) === group(ref.apiVersion));
  if (why) return { unwatched: `not watched: ${why.message}` };
  const live = ctx.snapshot.resources.find(
    (o) =>
      o.kind === ref.kind &&
      group(o.apiVersion) === group(ref.apiVersion) &&
      o.metadata?.name === ref.name &&
      (o.metadata?.namespace ?? ref.namespace) === ref.namespace,
  );
  return live ? { live } : {};
}

/** A kind that cannot be judged counts as done, with the reason in the live view (never fatal). */
function notJudged(ref: WorkloadRef, why: string): WorkloadAssessment {
  const a = base(ref, 1, true);
  a.progress.note = why;
  a.waitingFor = why;
  return finish(a, true);
}

/** Any other kind of the manifest (custom resources...), by the kstatus conventions (resource-rules). */
function assessGeneric(ref: WorkloadRef, ctx: WorkloadContext): WorkloadAssessment {
  const { live, unwatched } = liveResource(ref, ctx);
  if (unwatched) return notJudged(ref, unwatched);
  if (!live) return finish(base(ref, 1, false), false);
  const a = base(ref, 1, true);
  const judged = assessResource(live, {
    now: ctx.now,
    unreadyGraceMs: ctx.options.unreadyGraceMs,
    settleMs: ctx.options.minStableMs,
    startedAt: ctx.startedAt,
  });
  a.progress.note = judged.note;
  a.progress.updated = 1;
  a.progress.ready = judged.done ? 1 : 0;
  a.progress.available = a.progress.ready;
  if (judged.dueAt) a.dueAt = [judged.dueAt];
  if (judged.failure) a.failure = { ...judged.failure, object: objectName(ref) };
  a.waitingFor = judged.note;
  return finish(a, judged.done);
}

function assessClaimRef(ref: WorkloadRef, ctx: WorkloadContext): WorkloadAssessment {
  const found = liveResource(ref, ctx);
  if (found.unwatched) return notJudged(ref, found.unwatched);
  const live = found.live as V1PersistentVolumeClaim | undefined;
  if (!live || live.metadata?.deletionTimestamp) return finish(base(ref, 1, false), false);
  const a = base(ref, 1, true);
  const judged = assessClaim(live, { events: ctx.snapshot.events, now: ctx.now, graceMs: ctx.options.unschedulableGraceMs });
  a.progress.note = judged.note;
  a.progress.ready = judged.done ? 1 : 0;
  a.progress.available = a.progress.ready;
  a.progress.updated = 1;
  if (judged.dueAt) a.dueAt = [judged.dueAt];
  if (judged.failure) a.failure = { ...judged.failure, object: objectName(ref) };
  a.waitingFor = `the claim to be bound (${judged.note})`;
  return finish(a, judged.done);
}

/**
 * A Service of type LoadBalancer: done once `status.loadBalancer.ingress` has an address. Waited for only with
 * `waitForLoadBalancers` (what helm's wait of that major covers); otherwise shown and counted done.
 */
function assessLoadBalancer(ref: WorkloadRef, ctx: WorkloadContext): WorkloadAssessment {
  const found = liveResource(ref, ctx);
  if (found.unwatched) return notJudged(ref, found.unwatched);
  const live = found.live as { status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } } } | undefined;
  const waited = ctx.options.waitForLoadBalancers === true;
  if (!live) return finish(base(ref, 1, false), false);
  const a = base(ref, 1, true);
  const addresses = (live.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname).filter((x): x is string => !!x);
  const done = addresses.length > 0 || !waited;
  a.progress.note = addresses.length > 0
    ? `load balancer ${addresses.join(', ')}`
    : waited ? 'no load-balancer address yet' : 'no load-balancer address; not waited for (neither does this helm\'s --wait)';
  a.progress.updated = 1;
  a.progress.ready = addresses.length > 0 ? 1 : 0;
  a.progress.available = a.progress.ready;
  a.waitingFor = 'a load-balancer address (status.loadBalancer.ingress is empty: does the cluster have a load-balancer controller?)';
  return finish(a, done);
}

function base(ref: WorkloadRef, desired: number, present: boolean): WorkloadAssessment {
  return {
    ref,
    progress: {
      kind: ref.kind,
      name: ref.name,
      desired,
      updated: 0,
      ready: 0,
      available: 0,
      done: false,
      present,
      ...(ref.hook ? { hook: true } : {}),
    },
    pods: [],
    podRules: 'none',
    done: false,
    related: [],
    waitingFor: present ? 'rollout' : 'the object to be created',
  };
}

/**
 * Records whether the workload is done. A long-running workload is done only when its controller's counts say
 * so AND each of its new pods is ready by its own status: the counts lag the pods by a controller sync, so a
 * pod whose container has just exited can still be counted ready (see podReady).
 */
function finish(a: WorkloadAssessment, done: boolean): WorkloadAssessment {
  if (done && a.podRules === 'all') {
    const unready = a.pods.find((p) => !podEnded(p) && !podReady(p));
    if (unready) {
      done = false;
      a.waitingFor = `pod ${unready.metadata?.name ?? ''} to be ready`;
    }
  }
  a.done = done;
  a.progress.done = done;
  return a;
}

/**
 * Applies the FailedCreate rule (create-rules) to a workload and the objects that create its pods; a
 * refusal not yet decisive still shows in the live view as the workload's note.
 */
function judgeCreate(a: WorkloadAssessment, subjects: CreateSubject[], ctx: WorkloadContext): void {
  const found = assessFailedCreate(objectName(a.ref), subjects, ctx.snapshot.events, ctx);
  if (found.refusal) a.progress.note = `cannot create pods: ${found.refusal}`;
  if (found.dueAt) (a.dueAt ??= []).push(found.dueAt);
  if (found.failure && !a.failure) a.failure = found.failure;
}

function subject(kind: string, meta: V1ObjectMeta | undefined, namespace: string, conditions?: CreateSubject['conditions']): CreateSubject {
  return { kind, name: meta?.name ?? '', namespace: meta?.namespace ?? namespace, ...(conditions ? { conditions } : {}) };
}

function find<T extends { metadata?: V1ObjectMeta }>(list: readonly T[], ref: WorkloadRef): T | undefined {
  return list.find((o) => o.metadata?.name === ref.name && (o.metadata?.namespace ?? ref.namespace) === ref.namespace);
}

function observed(obj: { metadata?: V1ObjectMeta; status?: { observedGeneration?: number } }): boolean {
  return (obj.status?.observedGeneration ?? 0) >= (obj.metadata?.generation ?? 0);
}

/**
 * Whether the live pod template carries this revision's labels, annotations and images. Until helm has
 * applied the new spec, the live object is the previous revision's and must not be judged (it would look
 * healthy, or its old pods would look like the new rollout's).
 */
export function templateApplied(ref: WorkloadRef, meta: V1ObjectMeta | undefined, spec: V1PodSpec | undefined): boolean {
  const labels = meta?.labels ?? {};
  for (const [k, v] of Object.entries(ref.templateLabels ?? {})) if (labels[k] !== v) return false;
  const annotations = meta?.annotations ?? {};
  for (const [k, v] of Object.entries(ref.templateAnnotations ?? {})) if (annotations[k] !== v) return false;
  const live = new Map<string, string | undefined>();
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) live.set(c.name, c.image);
  for (const [name, image] of Object.entries(ref.images ?? {})) if (live.get(name) !== image) return false;
  return true;
}

function livePods(ctx: WorkloadContext, namespace: string): V1Pod[] {
  return ctx.snapshot.pods.filter(
    (p) => (p.metadata?.namespace ?? namespace) === namespace && !p.metadata?.deletionTimestamp,
  );
}

function assessDeployment(ref: WorkloadRef, ctx: WorkloadContext): WorkloadAssessment {
  const live = find(ctx.snapshot.deployments, ref);
  if (!live) return finish(base(ref, 0, false), false);
  const desired = live.spec?.replicas ?? 1;
  const a = base(ref, desired, true);
  const isApplied = applied(ref, live, ctx);
  const isObserved = observed(live);
  if (!isApplied) {
    a.waitingFor = 'helm to apply the new spec';
    return finish(a, false);
  }
  if (!isObserved) {
    a.waitingFor = 'the deployment controller to observe the new generation';
    return finish(a, false);
  }
  // The highest-revision ReplicaSet must also carry the Deployment's current template: for a moment after
  // the Deployment changes, the newest ReplicaSet can still be the previous one, whose pods are not ours.
  const candidate = newReplicaSet(live.metadata, ctx.snapshot.replicaSets, ref.namespace);
  const wanted = liveTemplateRef(ref, live.spec?.template);
  const newRs =
    candidate && templateApplied(wanted, candidate.spec?.template?.metadata, candidate.spec?.template?.spec) ? candidate : undefined;
  if (newRs) {
    a.related.push({ kind: 'ReplicaSet', name: newRs.metadata?.name ?? '' });
    const hash = newRs.metadata?.labels?.['pod-template-hash'];
    a.pods = livePods(ctx, ref.namespace).filter((p) =>
      p.metadata?.ownerReferences?.length
        ? isControlledBy(p.metadata, 'ReplicaSet', newRs.metadata)
        : hash !== undefined &&
          p.metadata?.labels?.['pod-template-hash'] === hash &&
          matchesSelector(p.metadata?.labels, live.spec?.selector),
    );
  }
  a.podRules = 'all';
  const s = live.status ?? {};
  a.progress.updated = s.updatedReplicas ?? 0;
  a.progress.ready = newRs?.status?.readyReplicas ?? 0;
  a.progress.available = newRs?.status?.availableReplicas ?? 0;
  judgeCreate(
    a,
    [
      subject('Deployment', live.metadata, ref.namespace, s.conditions),
      ...(newRs ? [subject('ReplicaSet', newRs.metadata, ref.namespace, newRs.status?.conditions)] : []),
    ],
    ctx,
  );
  if (live.spec?.paused === true) {
    // helm's own --wait passes a paused Deployment as ready; its new template will never roll out by itself.
    const cond = findCondition(s.conditions, 'Progressing');
    a.progress.note = 'paused';
    a.failure ??= {
      reason: 'DeploymentPaused',
      object: objectName(ref),
      message: `Deployment ${ref.name} is paused (spec.paused: true), so its new template is not rolled out; resume it with: kubectl rollout resume deployment/${ref.name} -n ${ref.namespace}`,
      firstSignalAt: (cond?.reason === 'DeploymentPaused' ? toDate(cond.lastTransitionTime) ?? toDate(cond.lastUpdateTime) : undefined) ?? ctx.now,
    };
  }

  const progressing = findCondition(s.conditions, 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    a.failure = {
      reason: 'ProgressDeadlineExceeded',
      object: objectName(ref),
      message: progressing.message ?? `progress deadline of ${live.spec?.progressDeadlineSeconds ?? 600}s exceeded`,
      firstSignalAt: toDate(progressing.lastTransitionTime) ?? toDate(progressing.lastUpdateTime) ?? ctx.now,
    };
  }
  const done =
    (s.updatedReplicas ?? 0) === desired &&
    (s.replicas ?? 0) === desired &&
    (s.readyReplicas ?? 0) === desired &&
    (s.availableReplicas ?? 0) === desired;
  a.waitingFor = `${s.updatedReplicas ?? 0}/${desired} updated, ${s.readyReplicas ?? 0}/${desired} ready, ${s.availableReplicas ?? 0}/${desired} available, ${s.replicas ?? 0} total`;
  return finish(a, done);
}

/**
 * The Deployment's new ReplicaSet: once the controller has observed the current generation, it is the owned
 * ReplicaSet with the highest revision annotation (a rollback to an old template bumps that one's revision).
 */
export function newReplicaSet(
  deployment: V1ObjectMeta | undefined,
  replicaSets: readonly V1ReplicaSet[],
  namespace: string,
): V1ReplicaSet | undefined {
  let best: V1ReplicaSet | undefined;
  let bestRevision = -1;
  for (const rs of replicaSets) {
    if ((rs.metadata?.namespace ?? namespace) !== namespace) continue;
    if (!isControlledBy(rs.metadata, 'Deployment', deployment)) continue;
    const revision = Number(rs.metadata?.annotations?.[DEPLOYMENT_REVISION_ANNOTATION] ?? '0');
    const r = Number.isFinite(revision) ? revision : 0;
    // Ties (no annotations) resolve to the newest object, then by name, so the choice is deterministic.
    if (
      !best ||
      r > bestRevision ||
      (r === bestRevision && compareCreation(rs.metadata, best.metadata) > 0)
    ) {
      best = rs;
      bestRevision = r;
    }
  }
  return best;
}

function compareCreation(a: V1ObjectMeta | undefined, b: V1ObjectMeta | undefined): number {
  const ta = toDate(a?.creationTimestamp)?.getTime() ?? 0;
  const tb = toDate(b?.creationTimestamp)?.getTime() ?? 0;
  if (ta !== tb) return ta - tb;
  return (a?.name ?? '').localeCompare(b?.name ?? '');
}

function assessStatefulSet(ref: WorkloadRef, ctx: WorkloadContext): WorkloadAssessment {
  const live = find(ctx.snapshot.statefulSets, ref);
  if (!live) return finish(base(ref, 0, false), false);
  const desired = live.spec?.replicas ?? 1;
  const a = base(ref, desired, true);
  if (!applied(ref, live, ctx)) {
    a.waitingFor = 'helm to apply the new spec';
    return finish(a, false);
  }
  const s = live.status ?? { replicas: 0 };
  if (!observed(live) || !s.updateRevision) {
    a.waitingFor = 'the statefulset controller to observe the new generation';
    return finish(a, false);
  }
  a.pods = livePods(ctx, ref.namespace).filter(
    (p) =>
      p.metadata?.labels?.['controller-revision-hash'] === s.updateRevision &&
      (p.metadata?.ownerReferences?.length
        ? isControlledBy(p.metadata, 'StatefulSet', live.metadata)
        : matchesSelector(p.metadata?.labels, live.spec?.selector)),
  );
  a.podRules = 'all';
  judgeCreate(a, [subject('StatefulSet', live.metadata, ref.namespace)], ctx);
  const ready = s.readyReplicas ?? 0;
  a.progress.updated = s.updatedReplicas ?? 0;
  a.progress.ready = ready;
  a.progress.available = s.availableReplicas ?? ready;
  const strategy = live.spec?.updateStrategy;
  const partition = strategy?.rollingUpdate?.partition ?? 0;
  let done: boolean;
  if (strategy?.type === 'OnDelete') {
    // Pods only change when someone deletes them: nothing to wait for beyond readiness.
    done = ready === desired;
  } else if (partition > 0) {
    done = (s.updatedReplicas ?? 0) >= desired - partition && ready === desired;
  } else {
    done = s.updateRevision === s.currentRevision && ready === desired && (s.replicas ?? 0) === desired;
  }
  a.waitingFor = `${s.updatedReplicas ?? 0}/${desired} updated, ${ready}/${desired} ready`;
  return finish(a, done);
}

function assessDaemonSet(ref: WorkloadRef, ctx: WorkloadContext): WorkloadAssessment {
  const live = find(ctx.snapshot.daemonSets, ref);
  if (!live) return finish(base(ref, 0, false), false);
  const s = live.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
  const desired = s.desiredNumberScheduled ?? 0;
  const a = base(ref, desired, true);
  if (!applied(ref, live, ctx)) {
    a.waitingFor = 'helm to apply the new spec';
    return finish(a, false);
  }
  if (!observed(live)) {
    a.waitingFor = 'the daemonset controller to observe the new generation';
    return finish(a, false);
  }
  const owned = livePods(ctx, ref.namespace).filter((p) =>
    p.metadata?.ownerReferences?.length
      ? isControlledBy(p.metadata, 'DaemonSet', live.metadata)
      : matchesSelector(p.metadata?.labels, live.spec?.selector),
  );
  a.pods = newDaemonSetPods(owned, live.metadata?.generation);
  a.podRules = 'all';
  judgeCreate(a, [subject('DaemonSet', live.metadata, ref.namespace)], ctx);
  a.progress.updated = s.updatedNumberScheduled ?? 0;
  a.progress.ready = s.numberReady ?? 0;
  a.progress.available = s.numberAvailable ?? 0;
  const ready = s.numberReady ?? 0;
  // Ready is not enough: with minReadySeconds a pod is available only once it stayed ready that long, and
  // kubectl rollout status and kstatus both wait for numberAvailable (as the Deployment rule does).
  const available = s.numberAvailable ?? 0;
  const done =
    (live.spec?.updateStrategy?.type === 'OnDelete' || (s.updatedNumberScheduled ?? 0) === desired) &&
    ready === desired &&
    available === desired;
  a.waitingFor = `${s.updatedNumberScheduled ?? 0}/${desired} updated, ${ready}/${desired} ready, ${available}/${desired} available`;
  return finish(a, done);
}

/**
 * Pods of the DaemonSet's current template: the controller labels them `pod-template-generation` = the
 * DaemonSet's generation. Without that label, the controller-revision-hash of the newest pod stands in.
 */
function newDaemonSetPods(pods: V1Pod[], generation: number | undefined): V1Pod[] {
  if (pods.some((p) => p.metadata?.labels?.['pod-template-generation'] !== undefined)) {
    return pods.filter((p) => p.metadata?.labels?.['pod-template-generation'] === String(generation ?? 0));
  }
  const newest = [...pods].sort((x, y) => compareCreation(y.metadata, x.metadata))[0];
  const hash = newest?.metadata?.labels?.['controller-revision-hash'];
  return hash === undefined ? [] : pods.filter((p) => p.metadata?.labels?.['controller-revision-hash'] === hash);
}

/** A hook object created before this upgrade started is a leftover of an earlier run, not this run's hook. */
function staleHook(ref: WorkloadRef, meta: V1ObjectMeta | undefined, startedAt: Date): boolean {
  if (!ref.hook) return false;
  const created = toDate(meta?.creationTimestamp);
  return created !== undefined && created.getTime() < floorToSecond(startedAt);
}

function assessJob(ref: WorkloadRef, ctx: WorkloadContext): WorkloadAssessment {
  const hook = ref.hook !== undefined;
  const waited = hook || ctx.options.waitForJobs;
  let live = find(ctx.snapshot.jobs, ref);
  if (live && staleHook(ref, live.metadata, ctx.startedAt)) live = undefined;
  if (!live) {
    // A hook Job that is gone either has not been created yet or succeeded and was deleted by its policy;
    // either way it does not block (the release's other workloads cannot be ready before pre-hooks ran).
    const a = base(ref, 1, false);
    return finish(a, hook || !ctx.options.waitForJobs);
  }
  const desired = live.spec?.completions ?? 1;
  const a = base(ref, desired, true);
  const s = live.status ?? {};
  a.progress.updated = (s.active ?? 0) + (s.succeeded ?? 0);
  a.progress.ready = s.ready ?? 0;
  a.progress.available = s.succeeded ?? 0;
  if (waited) {
    a.podRules = 'fatal-only';
    a.pods = livePods(ctx, ref.namespace).filter((p) => isJobPod(p, live.metadata));
  }
  if (!waited) {
    a.waitingFor = `${s.succeeded ?? 0}/${desired} succeeded`;
    return finish(a, true);
  }
  judgeCreate(a, [subject('Job', live.metadata, ref.namespace)], ctx);
  const judged = assessJobStatus(live, { pods: a.pods, now: ctx.now, graceMs: ctx.options.unschedulableGraceMs });
  if (judged.note) a.progress.note = judged.note;
  if (judged.dueAt) (a.dueAt ??= []).push(judged.dueAt);
  if (judged.failure && !a.failure) {
    const reason = judged.failure.reason === 'JobFailed' && hook ? 'HookFailed' : judged.failure.reason;
    a.failure = {
      reason,
      object: objectName(ref),
      message: `${hook ? `${ref.hook?.events.join(',')} hook ` : ''}Job ${ref.name} ${judged.failure.message}`,
      firstSignalAt: judged.failure.firstSignalAt,
    };
  }
  a.waitingFor = judged.waitingFor;
  return finish(a, judged.complete);
}

function isJobPod(pod: V1Pod, job: V1ObjectMeta | undefined): boolean {
  if (pod.metadata?.ownerReferences?.length) return isControlledBy(pod.metadata, 'Job', job);
  const labels = pod.metadata?.labels ?? {};
  const uid = labels['batch.kubernetes.io/controller-uid'] ?? labels['controller-uid'];
  if (uid !== undefined && job?.uid) return uid === job.uid;
  return (labels['batch.kubernetes.io/job-name'] ?? labels['job-name']) === job?.name;
}

function assessBarePod(ref: WorkloadRef, ctx: WorkloadContext): WorkloadAssessment {
  const hook = ref.hook !== undefined;
  let live = find(ctx.snapshot.pods, ref);
  if (live && (staleHook(ref, live.metadata, ctx.startedAt) || live.metadata?.deletionTimestamp)) live = undefined;
  if (!live) return finish(base(ref, 1, false), hook);
  const a = base(ref, 1, true);
  if (!hook && !templateApplied(ref, live.metadata, live.spec)) {
    a.waitingFor = 'helm to apply the new spec';
    return finish(a, false);
  }
  a.pods = [live];
  a.podRules = hook ? 'fatal-only' : 'all';
  const phase = live.status?.phase;
  const ready = findCondition(live.status?.conditions, 'Ready')?.status === 'True';
  a.progress.updated = 1;
  a.progress.ready = ready ? 1 : 0;
  a.progress.available = ready || phase === 'Succeeded' ? 1 : 0;
  // A failed hook Pod fails the release like a failed hook Job; a release Pod that ended in phase Failed
  // (restartPolicy Never or OnFailure run out, or evicted) will never be ready again.
  if (phase === 'Failed') {
    const statuses = [...(live.status?.initContainerStatuses ?? []), ...(live.status?.containerStatuses ?? [])];
    const terminated = (statuses.find((c) => (c.state?.terminated?.exitCode ?? 0) !== 0) ?? statuses.find((c) => c.state?.terminated))
      ?.state?.terminated;
    const why = terminated
      ? `: exit code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ''}`
      : live.status?.reason
        ? `: ${live.status.reason}${live.status.message ? `: ${live.status.message}` : ''}`
        : '';
    a.failure = {
      reason: hook ? 'HookFailed' : 'PodFailed',
      object: objectName(ref),
      message: hook ? `${ref.hook?.events.join(',')} hook Pod ${ref.name} failed${why}` : `Pod ${ref.name} ended in phase Failed${why}`,
      firstSignalAt: toDate(terminated?.finishedAt) ?? toDate(findCondition(live.status?.conditions, 'Ready')?.lastTransitionTime) ?? ctx.now,
    };
  }
  a.waitingFor = hook ? `phase ${phase ?? 'Pending'}` : ready ? 'ready' : 'the pod to be ready';
  return finish(a, phase === 'Succeeded' || (!hook && ready));
}
