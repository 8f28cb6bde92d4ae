import { qosClass } from '../scheduler/resources.js';
import { initComplete, rfc3339, type ContainerRuntime, type PodRuntime, type PodSpecView, type TerminatedState } from './machine.js';

export { rfc3339 };

/**
 * Projects the kubelet's runtime state of a pod onto core/v1 PodStatus, field for field as a v1.32 kubelet
 * writes it: phase per the kubelet's getPhase, conditions PodReadyToStartContainers / Initialized / Ready /
 * ContainersReady / PodScheduled (lastTransitionTime kept while a condition's status holds), container statuses
 * with state, lastState, restartCount, ready, started, image, imageID and containerID.
 */

const kubeletConditions = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

interface Condition {
  type: string;
  status: 'True' | 'False';
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

/** The pod phase the kubelet computes from its containers. */
export function podPhase(rt: PodRuntime): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  const inits = rt.containers.filter((c) => c.init);
  if (inits.some((c) => !c.sidecar && c.done && c.terminated && c.terminated.exitCode !== 0)) return 'Failed';
  if (inits.some((c) => !initSucceeded(c))) return 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of rt.containers.filter((x) => !x.init)) {
    if (c.running) running++;
    else if (c.waiting || !c.terminated) {
      // A container waiting to be restarted counts as stopped, one never started as waiting.
      if (c.terminated || c.lastTerminated) stopped++;
      else waiting++;
    } else {
      stopped++;
      if (c.terminated.exitCode === 0) succeeded++;
    }
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (rt.restartPolicy === 'Always') return 'Running';
    const allDone = rt.containers.filter((x) => !x.init).every((c) => c.done);
    if (stopped === succeeded && allDone) return 'Succeeded';
    if (rt.restartPolicy === 'Never') return 'Failed';
    return allDone ? 'Succeeded' : 'Running';
  }
  return 'Pending';
}

const initSucceeded = initComplete;

function terminatedJson(t: TerminatedState): Record<string, unknown> {
  return {
    containerID: t.containerID,
    exitCode: t.exitCode,
    finishedAt: t.finishedAt,
    ...(t.message ? { message: t.message } : {}),
    reason: t.reason,
    startedAt: t.startedAt,
  };
}

function stripSim(t: TerminatedState & { finishedSimMs?: number }): TerminatedState {
  const { finishedSimMs: _drop, ...rest } = t;
  return rest;
}

/** One entry of containerStatuses / initContainerStatuses. */
export function containerStatus(c: ContainerRuntime, initialized: boolean): Record<string, unknown> {
  let state: Record<string, unknown>;
  let lastState: Record<string, unknown> = {};
  if (c.running) {
    state = { running: { startedAt: c.running.startedAt } };
    if (c.lastTerminated) lastState = { terminated: terminatedJson(c.lastTerminated) };
  } else if (c.waiting) {
    state = { waiting: { ...(c.waiting.message ? { message: c.waiting.message } : {}), reason: c.waiting.reason } };
    const last = c.terminated ? stripSim(c.terminated) : c.lastTerminated;
    if (last) lastState = { terminated: terminatedJson(last) };
  } else if (c.terminated) {
    state = { terminated: terminatedJson(stripSim(c.terminated)) };
    if (c.lastTerminated) lastState = { terminated: terminatedJson(c.lastTerminated) };
  } else {
    // Not created yet: what the kubelet defaults while pulling / before initialisation.
    state = { waiting: { reason: c.init || !initialized ? 'PodInitializing' : 'ContainerCreating' } };
  }
  const ready = c.init && !c.sidecar ? initSucceeded(c) : !!c.running && c.ready;
  const started = c.init && !c.sidecar ? !!c.running : !!c.running && c.started;
  return {
    ...(c.containerID ? { containerID: c.containerID } : {}),
    image: c.imageRef?.normalized ?? c.image,
    imageID: c.imageRef?.id ?? '',
    lastState,
    name: c.name,
    ready,
    restartCount: c.restartCount,
    started,
    state,
  };
}

/**
 * The whole status the kubelet writes. `previous` is the pod's current status (for lastTransitionTime and the
 * scheduler's PodScheduled condition); `now` stamps conditions that change.
 */
export function podStatus(
  spec: PodSpecView | undefined,
  rt: PodRuntime,
  previous: Record<string, unknown> | undefined,
  now: Date,
): Record<string, unknown> {
  const phase = podPhase(rt);
  const apps = rt.containers.filter((c) => !c.init);
  const inits = rt.containers.filter((c) => c.init);
  const initialized = inits.every(initSucceeded);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const previousConditions = (previous?.conditions as Condition[] | undefined) ?? [];
  const at = rfc3339(now);
  const condition = (type: string, ok: boolean, reason?: string, message?: string): Condition => {
    const status = ok ? 'True' : 'False';
    const before = previousConditions.find((p) => p.type === type);
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : at,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    };
  };
  // Sidecars count for readiness alongside the app containers.
  const unready = [...inits.filter((c) => c.sidecar), ...apps].filter((c) => !(c.running && c.ready)).map((c) => c.name);
  const incomplete = inits.filter((c) => !initSucceeded(c)).map((c) => c.name);
  const completed = phase === 'Succeeded';
  // Terminal phases (kubelet since 1.27): ContainersReady False with reason PodCompleted / PodFailed and no
  // message, whatever the containers report (a failed pod's containers may still be terminating).
  const containersReady = terminal
    ? condition('ContainersReady', false, completed ? 'PodCompleted' : 'PodFailed')
    : unready.length === 0
      ? condition('ContainersReady', true)
      : condition('ContainersReady', false, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`);
  // Ready copies ContainersReady's status, reason and message whenever that is not True.
  const ready = containersReady.status === 'True' ? condition('Ready', true) : condition('Ready', false, containersReady.reason, containersReady.message);
  // Once any regular container has run, the pod counts as initialised (restarting sidecars do not undo that).
  const anyStarted = apps.some((c) => c.running || (c.terminated && !c.waiting));
  const scheduled = previousConditions.find((p) => p.type === 'PodScheduled') ?? condition('PodScheduled', true);
  const conditions = [
    condition('PodReadyToStartContainers', rt.sandboxReady && !terminal),
    completed
      ? condition('Initialized', true, 'PodCompleted')
      : incomplete.length === 0 || anyStarted
        ? condition('Initialized', true)
        : condition('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
    ready,
    containersReady,
    scheduled,
    // Conditions other components own (readiness gates, DisruptionTarget) are kept as they are.
    ...previousConditions.filter((p) => !kubeletConditions.has(p.type)),
  ];
  return {
    conditions,
    containerStatuses: apps.map((c) => containerStatus(c, initialized)),
    hostIP: rt.hostIP,
    hostIPs: [{ ip: rt.hostIP }],
    ...(inits.length > 0 ? { initContainerStatuses: inits.map((c) => containerStatus(c, initialized)) } : {}),
    phase,
    ...(rt.sandboxReady ? { podIP: rt.podIP, podIPs: [{ ip: rt.podIP }] } : {}),
    qosClass: (previous?.qosClass as string | undefined) ?? qosClass(spec as Parameters<typeof qosClass>[0]),
    startTime: rt.startTime,
  };
}
