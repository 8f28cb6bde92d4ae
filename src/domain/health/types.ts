import type {
  CoreV1Event,
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1Node,
  V1Pod,
  V1ReplicaSet,
  V1StatefulSet,
} from '@kubernetes/client-node';
import type { WorkloadRef } from '../manifest/workload-ref.js';
import type { ResourceObject } from './resource-rules.js';

/**
 * What the informers currently hold for the release's namespace. Objects are client-node models; timestamps
 * may be `Date` (as client-node deserializes them) or RFC 3339 strings (raw JSON) — the evaluator accepts both.
 */
export interface ClusterSnapshot {
  deployments: readonly V1Deployment[];
  replicaSets: readonly V1ReplicaSet[];
  statefulSets: readonly V1StatefulSet[];
  daemonSets: readonly V1DaemonSet[];
  jobs: readonly V1Job[];
  pods: readonly V1Pod[];
  events: readonly CoreV1Event[];
  /**
   * Objects of the other kinds the manifest holds (PersistentVolumeClaims, custom resources...), watched per
   * kind (ClusterWatch.watchResources). Optional: without it those kinds are not judged.
   */
  resources?: readonly ResourceObject[];
  /** Kinds of the manifest that could not be watched (discovery found none, RBAC refused...), and why. */
  unwatched?: readonly UnwatchedKind[];
  /** The cluster's nodes, when they may be listed (cluster-scoped RBAC); without them no pod is called never schedulable. */
  nodes?: readonly V1Node[];
  /**
   * Whether a cluster autoscaler may add nodes: true (seen, or unknown), false (known absent). Only when false
   * is a pod that no node could ever fit unschedulable at once.
   */
  autoscaler?: boolean;
}

/** A kind of the manifest the watch could not list and watch: reported, never fatal. */
export interface UnwatchedKind {
  apiVersion: string;
  kind: string;
  message: string;
}

/** An empty snapshot, handy as a starting value. */
export const EMPTY_SNAPSHOT: ClusterSnapshot = Object.freeze({
  deployments: [],
  replicaSets: [],
  statefulSets: [],
  daemonSets: [],
  jobs: [],
  pods: [],
  events: [],
  resources: [],
  unwatched: [],
});

/** The tunable failure rules, each behind a flag of `helm autorollback upgrade`. */
export interface HealthOptions {
  /** Restarts of one container of a new pod at which we fail (`--max-restarts`, default 2). */
  maxRestarts: number;
  /** How long a new pod may stay unschedulable (`--unschedulable-grace`, default 30 000 ms). */
  unschedulableGraceMs: number;
  /** How long a started container may stay unready (`--unready-grace`, default 120 000 ms). */
  unreadyGraceMs: number;
  /** Overall budget from the start of the upgrade (`--timeout`, default 300 000 ms). */
  timeoutMs: number;
  /** Whether release Jobs must complete before the release is healthy (`--wait-for-jobs`, default false). */
  waitForJobs: boolean;
  /**
   * Whether Services of type LoadBalancer must have an address (`status.loadBalancer.ingress`) before the
   * release is healthy: what helm 3's --wait (and helm 4's --wait=legacy) waits for; helm 4's watcher does not.
   * Default false: such a Service is shown, not waited for.
   */
  waitForLoadBalancers?: boolean;
  /**
   * How long every new pod must have been ready before the rollout counts as healthy (default 5 000 ms).
   * A container that crashes a few seconds after turning ready would otherwise pass as healthy, exactly as
   * it passes helm's own --wait.
   */
  minStableMs: number;
  /**
   * How long a new pod may keep failing to mount its volumes (FailedMount events, e.g. a missing ConfigMap or
   * Secret volume) before the rollout fails (default 30 000 ms).
   */
  mountGraceMs?: number;
  /**
   * Per workload (`Kind/namespace/name`), the longest creation-to-Ready time of its pods in the release's recent
   * healthy revisions (the ledger's learnedStartupMs). With it, a container stays unready at most
   * max(5 s, 2x that, its probes' budget) instead of the fixed unready grace. Ignored with `unreadyGraceExplicit`.
   */
  learnedStartupMs?: Readonly<Record<string, number>>;
  /** Set when `--unready-grace` was given: the flag's grace wins over learned ones. */
  unreadyGraceExplicit?: boolean;
  /** Set when `--unschedulable-grace` was given: the grace stands even for a pod no node could ever fit. */
  unschedulableGraceExplicit?: boolean;
}

/** The defaults of {@link HealthOptions}, matching the flags' documented defaults. */
export const DEFAULT_HEALTH_OPTIONS: Readonly<HealthOptions> = Object.freeze({
  maxRestarts: 2,
  unschedulableGraceMs: 30_000,
  unreadyGraceMs: 120_000,
  timeoutMs: 300_000,
  waitForJobs: false,
  minStableMs: 5_000,
  mountGraceMs: 30_000,
});

/** Why a rollout was judged failed; the codes appear verbatim in the `--json` report. */
export type FailureReason =
  | 'CrashLoopBackOff'
  | 'TooManyRestarts'
  | 'ImagePullBackOff'
  | 'ErrImagePull'
  | 'InvalidImageName'
  | 'OOMKilled'
  | 'CreateContainerConfigError'
  | 'CreateContainerError'
  | 'Unschedulable'
  /** Volumes could not be mounted (missing ConfigMap/Secret volume, ...) for longer than the mount grace. */
  | 'FailedMount'
  | 'Unready'
  | 'ProgressDeadlineExceeded'
  | 'HookFailed'
  | 'JobFailed'
  | 'Timeout'
  /** helm itself failed (e.g. a resource conflict or its own timeout) while the cluster showed no failure. */
  | 'HelmFailed'
  /** The user interrupted the upgrade (SIGINT / SIGTERM): treated as a failure and rolled back. */
  | 'Interrupted'
  /**
   * A controller cannot even create the pods (ReplicaFailure condition / repeated FailedCreate events): a
   * ResourceQuota exceeded, a LimitRange, an admission webhook or policy denial, a missing ServiceAccount.
   */
  | 'FailedCreate'
  /** The Deployment is paused (`spec.paused`): its new template will not roll out until it is resumed. */
  | 'DeploymentPaused'
  /** A Job that must complete is suspended (`spec.suspend`) and was not resumed within the grace. */
  | 'JobSuspended'
  /** A release Pod (not a hook) ended in phase Failed. */
  | 'PodFailed'
  /** An init container exited with an error and keeps failing (kubectl shows `Init:Error`). */
  | 'InitContainerFailed'
  /** An init container is in back-off after failing (kubectl shows `Init:CrashLoopBackOff`). */
  | 'InitCrashLoopBackOff'
  /** The liveness probe failed often enough that the kubelet restarts the container (Unhealthy events). */
  | 'LivenessProbeFailed'
  /** The startup probe failed often enough that the kubelet restarts the container (Unhealthy events). */
  | 'StartupProbeFailed'
  /** A new pod was evicted for its own resource use, or too many new pods were evicted. */
  | 'Evicted'
  /** A PersistentVolumeClaim of the release stays Pending: no provisioner, no matching class or volume. */
  | 'PVCPending'
  /** A custom (or other) resource reports `Stalled=True` or a terminal failure condition (kstatus). */
  | 'ResourceFailed'
  /** A custom (or other) resource reconciled the new generation and stays `Ready=False` past the grace. */
  | 'ResourceNotReady';

/** Every failure reason, in the stable order used to break ties between equally early signals. */
export const FAILURE_REASONS: readonly FailureReason[] = [
  'HookFailed',
  'JobFailed',
  'FailedCreate',
  'ResourceFailed',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'OOMKilled',
  'InitCrashLoopBackOff',
  'InitContainerFailed',
  'CrashLoopBackOff',
  'StartupProbeFailed',
  'LivenessProbeFailed',
  'TooManyRestarts',
  // A more precise container reason found at the same instant names a failed Pod better.
  'PodFailed',
  'Evicted',
  'Unschedulable',
  'FailedMount',
  'PVCPending',
  'DeploymentPaused',
  'JobSuspended',
  'Unready',
  'ResourceNotReady',
  'ProgressDeadlineExceeded',
  'Timeout',
  'HelmFailed',
  'Interrupted',
];

/**
 * Reasons reached because an expected change did not arrive within a grace or the timeout (a pod that never
 * turned ready, never got scheduled, a claim never bound...). A watch gone quiet (an API server outage, a kubelet
 * that could not report) looks the same from the informers, so such a verdict is confirmed on a fresh read of the
 * cluster before anything is rolled back.
 */
const DECIDED_BY_ABSENCE: ReadonlySet<FailureReason> = new Set<FailureReason>(['Unready', 'Unschedulable', 'FailedMount', 'PVCPending', 'ResourceNotReady', 'Timeout']);

/** Whether a failure of this reason rests on something not having happened (see DECIDED_BY_ABSENCE). */
export function decidedByAbsence(reason: FailureReason | (string & {})): boolean {
  return DECIDED_BY_ABSENCE.has(reason as FailureReason);
}

/** The evidence behind a failed verdict. */
export interface Failure {
  reason: FailureReason;
  /** `Kind/name` of the object that showed the signal (a Pod, a Deployment, a hook Job...). */
  object: string;
  /** The container, when the signal belongs to one. */
  container?: string;
  /** Human-readable detail, usually the kubelet's or controller's own message. */
  message: string;
  /** When the evidence first appeared in the cluster (not when we noticed it). */
  firstSignalAt: Date;
  /**
   * How firstSignalAt was derived: `kubernetes-timestamp` (a status or Event time, 1 s resolution, truncated),
   * `first-observed` (that timestamp was earlier than the moment the watch first saw the object, which it
   * cannot precede: clamped to that moment), `plugin-clock` (no cluster evidence: a timeout, helm's own
   * failure, an interrupt). Absent: `kubernetes-timestamp` for cluster evidence.
   */
  firstSignalBasis?: FirstSignalBasis;
}

/** See Failure.firstSignalBasis. */
export type FirstSignalBasis = 'kubernetes-timestamp' | 'first-observed' | 'plugin-clock';

/** Rollout state of one workload, as the UI draws it. */
export interface WorkloadProgress {
  kind: WorkloadRef['kind'];
  name: string;
  /** Desired pods (spec.replicas, desiredNumberScheduled, Job completions, 1 for a Pod). */
  desired: number;
  /** Pods already on the new template. */
  updated: number;
  ready: number;
  available: number;
  /** True once this workload alone counts as rolled out (or, for a Job, complete). */
  done: boolean;
  /** Set for hook Jobs/Pods. */
  hook?: boolean;
  /** Whether the object exists in the cluster yet. */
  present: boolean;
  /**
   * A short state the counts cannot show, said at once in the live view and the log: `paused`, `suspended`,
   * `Pending`, `Ready=False: <reason>`, `cannot create pods: <message>`...
   */
  note?: string;
}

/** One pod of the new revision, as the UI lists it. */
export interface PodProgress {
  name: string;
  /** `Kind/name` of the workload it belongs to. */
  owner: string;
  /** status.phase: Pending, Running, Succeeded, Failed, Unknown. */
  phase: string;
  /** The most telling reason: a waiting/terminated reason, Unschedulable, or undefined when all is well. */
  reason?: string;
  /** Sum of restartCount over the pod's containers. */
  restarts: number;
  /** All containers ready (the Ready condition). */
  ready: boolean;
}

/** A Warning event about one of the release's objects. */
export interface WarningEvent {
  /** `Kind/name` of the involved object. */
  object: string;
  reason: string;
  message: string;
  count: number;
  /** lastTimestamp (or eventTime / firstTimestamp when absent). */
  lastSeen: Date;
}

/** The view model of a rollout: everything a live TUI or a CI log needs, computed from one snapshot. */
export interface RolloutProgress {
  workloads: WorkloadProgress[];
  pods: PodProgress[];
  /** The most recent Warning events, newest last, at most 5. */
  warnings: WarningEvent[];
  /** When the overall timeout fires (startedAt + timeoutMs). */
  deadline: Date;
  /**
   * The nearest deadline before the timeout that can fail the rollout without any cluster change (a grace that
   * ends); absent when only the timeout is pending.
   */
  next?: PendingDeadline;
  /**
   * Once every workload is done: when the pods will have stayed ready for the stable window (or had). Absent
   * with the window disabled. Past it, the verdict is healthy and only helm's own wait can still be running.
   */
  stableAt?: Date;
}

/** A grace period (or another wait) that fails the rollout when it ends: which one, for which object, until when. */
export interface PendingDeadline {
  at: Date;
  /** `Pod/web-1`, `PersistentVolumeClaim/data`... */
  object: string;
  /** `unready grace`, `unschedulable grace`, `FailedMount grace`, or what a workload waits for. */
  what: string;
  container?: string;
}

/**
 * The health verdict for a rollout at one instant. `recheckAt` (progressing only) is the earliest moment a
 * grace period or the timeout could turn this into a failure without any cluster change, so the caller sets
 * a single timer rather than polling.
 */
export type Verdict =
  | {
      state: 'progressing';
      progress: RolloutProgress;
      recheckAt?: Date;
      /** Set when every workload is rolled out and only the stability window remains, until this time. */
      stabilizingUntil?: Date;
    }
  | {
      state: 'healthy';
      progress: RolloutProgress;
      /** Creation-to-Ready ms of the new pods, per workload `Kind/namespace/name` (for the ledger). */
      startup?: Record<string, number[]>;
    }
  | ({ state: 'failed'; progress: RolloutProgress } & Failure);
