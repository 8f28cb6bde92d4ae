import type { CoreV1Event, V1ContainerStatus, V1Node, V1Pod } from '@kubernetes/client-node';
import { neverSchedulable } from './schedule-rules.js';
import type { Failure, FailureReason, HealthOptions } from './types.js';
import type { PendingDeadline } from './types.js';
import { earliest, findCondition, formatDuration, latestInstant, toDate } from './kube-util.js';

/**
 * Which pod rules apply: `all` for long-running workloads; `fatal-only` for Job pods (a crashing Job pod is
 * retried by the Job controller and judged by the Job's own Failed condition, but a pod that can never start
 * — bad image, missing ConfigMap, unschedulable — will never succeed); `none` for pods nobody waits for.
 */
export type PodRuleMode = 'all' | 'fatal-only' | 'none';

/** What the rules found in one pod: failures now, and times at which a grace period will run out. */
export interface PodAssessment {
  failures: Failure[];
  /** Moments when a pending grace period (unschedulable, unready) expires, all after `now`. */
  dueAt: Date[];
  /** The same moments, each with which grace of which object it ends (for the live view and the CI heartbeat). */
  deadlines: PendingDeadline[];
}

/**
 * Waiting reasons that mean the container cannot start, and the code each fails with at first sight.
 * ErrImageNeverPull (imagePullPolicy Never, image absent on the node) is an image-pull failure too.
 */
const FATAL_WAITING: Readonly<Record<string, FailureReason>> = {
  ImagePullBackOff: 'ImagePullBackOff',
  ErrImagePull: 'ErrImagePull',
  ErrImageNeverPull: 'ErrImagePull',
  InvalidImageName: 'InvalidImageName',
  CreateContainerConfigError: 'CreateContainerConfigError',
  CreateContainerError: 'CreateContainerError',
};

/** Event reasons the kubelet records for each failure, used to date the first signal. */
const EVENT_REASONS: Partial<Record<FailureReason, readonly string[]>> = {
  ImagePullBackOff: ['Failed', 'BackOff', 'ErrImageNeverPull'],
  ErrImagePull: ['Failed', 'BackOff', 'ErrImageNeverPull'],
  InvalidImageName: ['InspectFailed', 'Failed'],
  CreateContainerConfigError: ['Failed'],
  CreateContainerError: ['Failed'],
  CrashLoopBackOff: ['BackOff'],
  InitCrashLoopBackOff: ['BackOff'],
};

/** Context shared by all pods of one evaluation. */
export interface PodRuleContext {
  options: HealthOptions;
  now: Date;
  events: readonly CoreV1Event[];
  /** The longest start-up (creation to Ready) this pod's workload showed in healthy revisions, if known. */
  learnedMs?: number;
  /** The cluster's nodes, when known, and whether an autoscaler may add some (see ClusterSnapshot). */
  nodes?: readonly V1Node[];
  autoscaler?: boolean;
}

/** The least a learned unready grace can be. */
export const LEARNED_GRACE_FLOOR_MS = 5_000;
/** A learned unready grace is this many times the longest start-up seen. */
export const LEARNED_GRACE_FACTOR = 2;

/** Applies the failure rules to one pod of the new revision. */
export function assessPod(pod: V1Pod, mode: PodRuleMode, ctx: PodRuleContext): PodAssessment {
  const result: PodAssessment = { failures: [], dueAt: [], deadlines: [] };
  const due = (at: Date, what: string, container?: string) => {
    result.dueAt.push(at);
    result.deadlines.push({ at, object, what, ...(container === undefined ? {} : { container }) });
  };
  if (mode === 'none') return result;
  const object = `Pod/${pod.metadata?.name ?? ''}`;
  const { options, now } = ctx;

  const scheduled = findCondition(pod.status?.conditions, 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const since = toDate(scheduled.lastTransitionTime) ?? podStart(pod) ?? now;
    // No grace when no node could ever take it and no autoscaler can add one: waiting cannot help.
    const never =
      !options.unschedulableGraceExplicit && ctx.autoscaler === false && ctx.nodes ? neverSchedulable(pod, ctx.nodes) : undefined;
    if (never) {
      result.failures.push({
        reason: 'Unschedulable',
        object,
        message: `${never}, and no cluster autoscaler can add one: ${scheduled.message ?? 'no node fits the pod'}`,
        firstSignalAt: since,
      });
    }
    // Counted from the end of the recorded second, so the grace never ends early (see latestInstant).
    const dueAt = new Date(latestInstant(since) + options.unschedulableGraceMs);
    if (now.getTime() >= dueAt.getTime()) {
      result.failures.push({
        reason: 'Unschedulable',
        object,
        message: `unschedulable for ${formatDuration(now.getTime() - since.getTime())}: ${scheduled.message ?? 'no node fits the pod'}`,
        firstSignalAt: since,
      });
    } else {
      due(dueAt, 'unschedulable grace');
    }
  }

  const mount = assessMount(pod, object, ctx);
  if (mount.failure) result.failures.push(mount.failure);
  if (mount.dueAt) due(mount.dueAt, 'FailedMount grace');

  const statuses: Array<[V1ContainerStatus, boolean]> = [
    ...(pod.status?.initContainerStatuses ?? []).map((c): [V1ContainerStatus, boolean] => [c, true]),
    ...(pod.status?.containerStatuses ?? []).map((c): [V1ContainerStatus, boolean] => [c, false]),
  ];
  for (const [status, isInit] of statuses) {
    const found = assessContainer(pod, object, status, isInit, mode, ctx);
    if (found.failure) result.failures.push(found.failure);
    if (found.dueAt) due(found.dueAt, 'unready grace', status.name);
  }
  return result;
}

function assessContainer(
  pod: V1Pod,
  object: string,
  c: V1ContainerStatus,
  isInit: boolean,
  mode: PodRuleMode,
  ctx: PodRuleContext,
): { failure?: Failure; dueAt?: Date } {
  const container = c.name;
  const waiting = c.state?.waiting;
  const fatal = waiting?.reason ? FATAL_WAITING[waiting.reason] : undefined;
  if (waiting?.reason && fatal) {
    const reason = fatal;
    return {
      failure: {
        reason,
        object,
        container,
        message: waiting.message ? `${waiting.reason}: ${waiting.message}` : waiting.reason,
        firstSignalAt: eventTime(pod, container, reason, ctx.events) ?? fallbackSignal(pod) ?? ctx.now,
      },
    };
  }
  if (mode !== 'all') return {};
  if (isInit && !isSidecar(pod, container)) return assessInitContainer(pod, object, c, ctx);

  // Failed probes usually tell before the state does (see assessProbes); the earlier signal wins.
  const probe = assessProbes(pod, object, c, ctx);
  const state = assessRunningContainer(pod, object, c, ctx);
  if (probe && (!state.failure || probe.firstSignalAt.getTime() < state.failure.firstSignalAt.getTime())) return { failure: probe };
  return state;
}

/** The state rules of an app container (or sidecar): OOM kill, back-off, restarts, readiness. */
function assessRunningContainer(
  pod: V1Pod,
  object: string,
  c: V1ContainerStatus,
  ctx: PodRuleContext,
): { failure?: Failure; dueAt?: Date } {
  const { options, now } = ctx;
  const container = c.name;
  const waiting = c.state?.waiting;
  const terminated = c.state?.terminated;
  const last = c.lastState?.terminated;
  // An OOM kill explains a crash loop better than the loop itself, so it is checked first.
  const oom = terminated?.reason === 'OOMKilled' ? terminated : last?.reason === 'OOMKilled' ? last : undefined;
  if (oom) {
    return {
      failure: {
        reason: 'OOMKilled',
        object,
        container,
        message: `container ${container} was OOM-killed (exit code ${oom.exitCode ?? 137}, restarts ${c.restartCount ?? 0})`,
        firstSignalAt: toDate(oom.finishedAt) ?? toDate(oom.startedAt) ?? fallbackSignal(pod) ?? now,
      },
    };
  }
  if (waiting?.reason === 'CrashLoopBackOff') {
    return {
      failure: {
        reason: 'CrashLoopBackOff',
        object,
        container,
        message: `${waiting.message ?? 'back-off restarting failed container'}${lastExit(last)}`,
        firstSignalAt:
          earliest(toDate(last?.finishedAt), eventTime(pod, container, 'CrashLoopBackOff', ctx.events)) ??
          fallbackSignal(pod) ??
          now,
      },
    };
  }
  // A container that has just exited (state.terminated, restartCount not yet raised) is not counted here:
  // the pod is then not ready, so the rollout stays progressing until the kubelet restarts it (and counts the
  // restart) or backs off (CrashLoopBackOff), which names the failure better than a count would.
  const restarts = c.restartCount ?? 0;
  if (restarts > 0 && restarts >= options.maxRestarts) {
    return {
      failure: {
        reason: 'TooManyRestarts',
        object,
        container,
        message: `container ${container} restarted ${restarts} times (max ${options.maxRestarts})${lastExit(last)}`,
        firstSignalAt: toDate(last?.finishedAt) ?? toDate(c.state?.running?.startedAt) ?? fallbackSignal(pod) ?? now,
      },
    };
  }
  // A running-but-unready app container gets a grace period: learned from the release's history when known.
  const startedAt = toDate(c.state?.running?.startedAt);
  if (startedAt && c.ready !== true) {
    const grace = unreadyDue(pod, container, startedAt, ctx);
    const due = new Date(grace.due);
    if (now.getTime() < due.getTime()) return { dueAt: due };
    const probe = latestUnhealthy(pod, container, startedAt, ctx.events);
    return {
      failure: {
        reason: 'Unready',
        object,
        container,
        message: `container ${container} not ready ${formatDuration(now.getTime() - startedAt.getTime())} after it started${grace.why}${probe ? `: ${probe}` : ''}`,
        firstSignalAt: startedAt,
      },
    };
  }
  return {};
}

/**
 * An init container (not a sidecar) that keeps failing: in back-off after an error (`Init:CrashLoopBackOff`),
 * or exited with an error again after a restart, or once when the pod never restarts (`Init:Error`). The pod
 * can never start its app containers; no readiness grace applies.
 */
function assessInitContainer(pod: V1Pod, object: string, c: V1ContainerStatus, ctx: PodRuleContext): { failure?: Failure } {
  const container = c.name;
  const last = c.lastState?.terminated;
  const terminated = c.state?.terminated;
  if (c.state?.waiting?.reason === 'CrashLoopBackOff') {
    return {
      failure: {
        reason: 'InitCrashLoopBackOff',
        object,
        container,
        message: `init container ${container}: ${c.state.waiting.message ?? 'back-off restarting failed container'}${lastExit(last)}`,
        firstSignalAt:
          earliest(toDate(last?.finishedAt), eventTime(pod, container, 'InitCrashLoopBackOff', ctx.events)) ?? fallbackSignal(pod) ?? ctx.now,
      },
    };
  }
  const failedExit = terminated && (terminated.exitCode ?? 0) !== 0 ? terminated : undefined;
  const neverRestarts = pod.spec?.restartPolicy === 'Never' || pod.status?.phase === 'Failed';
  if (failedExit && ((c.restartCount ?? 0) >= 1 || neverRestarts)) {
    return {
      failure: {
        reason: 'InitContainerFailed',
        object,
        container,
        message: `init container ${container} exited with code ${failedExit.exitCode}${failedExit.reason ? ` (${failedExit.reason})` : ''}${
          neverRestarts ? '' : `, restarts ${c.restartCount ?? 0}`
        }${failedExit.message ? `: ${failedExit.message}` : ''}`,
        firstSignalAt: toDate(last?.finishedAt) ?? toDate(failedExit.finishedAt) ?? fallbackSignal(pod) ?? ctx.now,
      },
    };
  }
  return {};
}

/** Whether an init container is a sidecar (restartPolicy Always): it runs beside the app like an app container. */
function isSidecar(pod: V1Pod, name: string): boolean {
  return (pod.spec?.initContainers ?? []).some((c) => c.name === name && c.restartPolicy === 'Always');
}

/**
 * The liveness and startup probe rules: the kubelet records an `Unhealthy` event at each failed probe and kills
 * the container after `failureThreshold` failures in a row. Restarts are counted only once the killed container
 * has stopped (up to terminationGracePeriodSeconds later), so the failed probes tell first: decisive once
 * they add up to `--max-restarts` kills (failureThreshold x max-restarts failures since the pod started).
 */
function assessProbes(pod: V1Pod, object: string, c: V1ContainerStatus, ctx: PodRuleContext): Failure | undefined {
  const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === c.name);
  for (const [kind, probe, reason] of [
    ['Startup', spec?.startupProbe, 'StartupProbeFailed'],
    ['Liveness', spec?.livenessProbe, 'LivenessProbeFailed'],
  ] as const) {
    if (!probe) continue;
    const failures = podEvents(pod, c.name, ctx.events).filter(
      (e) => e.reason === 'Unhealthy' && (e.message ?? '').startsWith(`${kind} probe failed`),
    );
    const count = failures.reduce((n, e) => n + (e.count ?? 1), 0);
    const threshold = (probe.failureThreshold ?? 3) * Math.max(1, ctx.options.maxRestarts);
    if (count < threshold) continue;
    const latest = [...failures].sort((a, b) => (eventLast(b)?.getTime() ?? 0) - (eventLast(a)?.getTime() ?? 0))[0];
    return {
      reason,
      object,
      container: c.name,
      message: `${kind.toLowerCase()} probe of container ${c.name} failed ${count} times (failureThreshold ${probe.failureThreshold ?? 3}, the kubelet restarts it each time): ${latest?.message ?? ''}`,
      firstSignalAt: earliest(...failures.map(eventFirst)) ?? ctx.now,
    };
  }
  return undefined;
}

/** Kubelet eviction messages that blame the pod's own use (above its request or its limit). */
const OWN_USE = /exceeds its request|request is|exceeded its local ephemeral storage limit|usage exceeds the total limit|exceeds the limit/i;

/**
 * The eviction rule, over the new pods of one workload: a pod the kubelet evicted (phase Failed, reason
 * `Evicted`) for its own use is decisive at once; evictions for others' use (node pressure) are replaced by the
 * controller and judged by count: `--max-restarts` evicted new pods fail the rollout.
 */
export function assessEvictions(pods: readonly V1Pod[], ctx: PodRuleContext): Failure | undefined {
  const evicted = pods.filter((p) => p.status?.phase === 'Failed' && p.status.reason === 'Evicted');
  if (evicted.length === 0) return undefined;
  const when = (p: V1Pod) =>
    toDate(findCondition(p.status?.conditions, 'DisruptionTarget')?.lastTransitionTime) ??
    toDate(findCondition(p.status?.conditions, 'Ready')?.lastTransitionTime) ??
    podStart(p) ??
    ctx.now;
  const own = evicted.find((p) => OWN_USE.test(p.status?.message ?? ''));
  const decisive = own ?? (evicted.length >= Math.max(1, ctx.options.maxRestarts) ? evicted[evicted.length - 1] : undefined);
  if (!decisive) return undefined;
  return {
    reason: 'Evicted',
    object: `Pod/${decisive.metadata?.name ?? ''}`,
    message: `${own ? 'evicted for its own resource use' : `${evicted.length} new pods evicted`}: ${decisive.status?.message ?? 'Evicted'}`,
    firstSignalAt: own ? when(own) : earliest(...evicted.map(when)) ?? ctx.now,
  };
}

/**
 * When an unready container fails: the fixed grace after it started (`--unready-grace`, or no history), else
 * the learned one: max(floor, factor x the longest start-up its workload showed) after the pod was created,
 * but never before its probes could have passed (initialDelaySeconds + failureThreshold x periodSeconds of its
 * readiness and startup probes, after it started).
 */
function unreadyDue(pod: V1Pod, container: string, startedAt: Date, ctx: PodRuleContext): { due: number; why: string } {
  const fixed = latestInstant(startedAt) + ctx.options.unreadyGraceMs;
  if (ctx.options.unreadyGraceExplicit || ctx.learnedMs === undefined) return { due: fixed, why: '' };
  const created = toDate(pod.metadata?.creationTimestamp) ?? startedAt;
  const learned = Math.max(LEARNED_GRACE_FLOOR_MS, LEARNED_GRACE_FACTOR * ctx.learnedMs);
  const budget = probeBudgetMs(pod, container);
  const due = Math.max(latestInstant(created) + learned, latestInstant(startedAt) + budget);
  return {
    due,
    why: ` (its healthy revisions were ready within ${formatDuration(ctx.learnedMs)} of creation; learned grace ${formatDuration(learned)}${
      budget > learned ? `, probe budget ${formatDuration(budget)}` : ''
    })`,
  };
}

/** The time a container's readiness and startup probes need before they can pass: the larger budget, in ms. */
export function probeBudgetMs(pod: V1Pod, container: string): number {
  const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === container);
  const budget = (p: { initialDelaySeconds?: number; failureThreshold?: number; periodSeconds?: number } | undefined) =>
    p ? ((p.initialDelaySeconds ?? 0) + (p.failureThreshold ?? 3) * (p.periodSeconds ?? 10)) * 1000 : 0;
  return Math.max(budget(spec?.readinessProbe), budget(spec?.startupProbe));
}

/** Whether a pod has ended (an evicted or finished pod): its controller no longer counts it. */
export function podEnded(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Whether a pod of a long-running workload is ready by its own status, not by its controller's counts (which
 * lag one sync behind): the Ready condition is True and every app container (and sidecar) is running and
 * ready. A container without a readiness probe is ready the moment it starts, so a container that has just
 * exited may still be counted ready by the ReplicaSet; here it is not.
 */
export function podReady(pod: V1Pod): boolean {
  if (findCondition(pod.status?.conditions, 'Ready')?.status !== 'True') return false;
  return longRunning(pod).every((c) => c.state?.running !== undefined && c.ready !== false);
}

/**
 * When a ready pod last changed, in ms, as late as the timestamps allow (see latestInstant): its Ready
 * transition, and every long-running container's start and last exit (a fast restart need not flip Ready).
 * Undefined when nothing dates it.
 */
export function readySince(pod: V1Pod): number | undefined {
  const times = [toDate(findCondition(pod.status?.conditions, 'Ready')?.lastTransitionTime)];
  for (const c of longRunning(pod)) {
    times.push(toDate(c.state?.running?.startedAt), toDate(c.lastState?.terminated?.finishedAt));
  }
  let latest: number | undefined;
  for (const t of times) if (t && (latest === undefined || latestInstant(t) > latest)) latest = latestInstant(t);
  return latest;
}

/** The statuses of the app containers and of the sidecars (init containers with restartPolicy Always). */
function longRunning(pod: V1Pod): V1ContainerStatus[] {
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []).filter((c) => sidecars.has(c.name))];
}

/** Default of {@link HealthOptions.mountGraceMs}. */
const DEFAULT_MOUNT_GRACE_MS = 30_000;

/**
 * A pod whose containers cannot be created because a volume does not mount: the kubelet keeps them in
 * ContainerCreating and records FailedMount warnings. Judged from the first such event of this pod.
 */
function assessMount(pod: V1Pod, object: string, ctx: PodRuleContext): { failure?: Failure; dueAt?: Date } {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const started = statuses.some((c) => c.state?.running || c.state?.terminated);
  if (started || pod.status?.phase !== 'Pending') return {};
  const events = podEvents(pod, '', ctx.events).filter((e) => e.type === 'Warning' && e.reason === 'FailedMount');
  const first = earliest(...events.map(eventFirst));
  if (!first) return {};
  const due = new Date(latestInstant(first) + (ctx.options.mountGraceMs ?? DEFAULT_MOUNT_GRACE_MS));
  if (ctx.now.getTime() < due.getTime()) return { dueAt: due };
  const latest = [...events].sort((a, b) => (eventLast(b)?.getTime() ?? 0) - (eventLast(a)?.getTime() ?? 0))[0];
  return {
    failure: {
      reason: 'FailedMount',
      object,
      message: latest?.message ?? 'volumes could not be mounted',
      firstSignalAt: first,
    },
  };
}

function eventLast(e: CoreV1Event): Date | undefined {
  return toDate(e.lastTimestamp) ?? eventFirst(e);
}

function lastExit(last: { exitCode?: number; reason?: string } | undefined): string {
  if (!last) return '';
  return `; last exit code ${last.exitCode ?? '?'}${last.reason ? ` (${last.reason})` : ''}`;
}

/** When the pod itself started, the weakest evidence of when a failure could first have been seen. */
function podStart(pod: V1Pod): Date | undefined {
  return toDate(pod.status?.startTime) ?? toDate(pod.metadata?.creationTimestamp);
}

/** Best timestamp when no event dates the signal: the pod's ContainersReady=False transition, or its start. */
function fallbackSignal(pod: V1Pod): Date | undefined {
  const cr = findCondition(pod.status?.conditions, 'ContainersReady');
  const crTime = cr?.status === 'False' ? toDate(cr.lastTransitionTime) : undefined;
  return crTime ?? podStart(pod);
}

/** Events about this pod (and, when the event names one, this container) from this pod's lifetime. */
function podEvents(pod: V1Pod, container: string, events: readonly CoreV1Event[]): CoreV1Event[] {
  const name = pod.metadata?.name;
  const uid = pod.metadata?.uid;
  const created = toDate(pod.metadata?.creationTimestamp);
  return events.filter((e) => {
    const io = e.involvedObject;
    if (io?.kind !== 'Pod' || io.name !== name) return false;
    if (io.namespace && pod.metadata?.namespace && io.namespace !== pod.metadata.namespace) return false;
    // A StatefulSet pod keeps its name across revisions: the uid (or, lacking one, the time) tells them apart.
    if (io.uid && uid) {
      if (io.uid !== uid) return false;
    } else if (created) {
      const first = eventFirst(e);
      if (first && first.getTime() < created.getTime()) return false;
    }
    const m = io.fieldPath?.match(/\{(.+)\}/);
    return !m || m[1] === container || container === '';
  });
}

function eventFirst(e: CoreV1Event): Date | undefined {
  return earliest(toDate(e.firstTimestamp), toDate(e.eventTime), toDate(e.lastTimestamp));
}

function eventTime(pod: V1Pod, container: string, reason: FailureReason, events: readonly CoreV1Event[]): Date | undefined {
  const reasons = EVENT_REASONS[reason] ?? [];
  return earliest(
    ...podEvents(pod, container, events)
      .filter((e) => e.type === 'Warning' && reasons.includes(e.reason ?? ''))
      .map(eventFirst),
  );
}

/** The latest failed-readiness message since the container started, for a helpful Unready message. */
function latestUnhealthy(pod: V1Pod, container: string, since: Date, events: readonly CoreV1Event[]): string | undefined {
  let best: { at: number; message: string } | undefined;
  for (const e of podEvents(pod, container, events)) {
    if (e.reason !== 'Unhealthy' || !e.message?.startsWith('Readiness probe')) continue;
    const at = (toDate(e.lastTimestamp) ?? eventFirst(e))?.getTime() ?? 0;
    if (at < since.getTime()) continue;
    if (!best || at > best.at) best = { at, message: e.message };
  }
  return best?.message;
}
