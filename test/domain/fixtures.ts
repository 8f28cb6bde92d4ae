/**
 * Builders for Kubernetes objects as the controllers and kubelet write them (client-node model shapes, with
 * Date timestamps as client-node deserializes them). Small on purpose: each test states what differs.
 */
import type {
  CoreV1Event,
  V1ContainerStatus,
  V1DaemonSet,
  V1Deployment,
  V1DeploymentCondition,
  V1Job,
  V1JobCondition,
  V1Pod,
  V1PodCondition,
  V1ReplicaSet,
  V1StatefulSet,
} from '@kubernetes/client-node';
import type { ClusterSnapshot } from '../../src/domain/health/types.js';
import type { WorkloadRef } from '../../src/domain/manifest/workload-ref.js';

/** Start of every scenario: the moment the upgrade began. */
export const T0 = new Date('2026-01-01T12:00:00.000Z');
/** T0 plus some seconds. */
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

/** Namespace of every fixture object. */
export const NS = 'prod';

/** A ClusterSnapshot with the given lists, the others empty. */
export function snapshot(parts: Partial<ClusterSnapshot>): ClusterSnapshot {
  return { deployments: [], replicaSets: [], statefulSets: [], daemonSets: [], jobs: [], pods: [], events: [], ...parts };
}

type Owner = { kind: string; name: string; uid: string; apiVersion?: string };

function ownerRef(o: Owner) {
  return [{ apiVersion: o.apiVersion ?? 'apps/v1', kind: o.kind, name: o.name, uid: o.uid, controller: true, blockOwnerDeletion: true }];
}

// ---- container statuses, exactly as the kubelet reports them ----

/** A running container; `ready` false means its readiness probe has not passed. */
export function running(
  name: string,
  startedAt: Date,
  opts: { ready?: boolean; restartCount?: number; lastTerminated?: { exitCode: number; reason: string; startedAt?: Date; finishedAt: Date } } = {},
): V1ContainerStatus {
  return {
    name,
    image: `registry.example.com/${name}:2`,
    imageID: `registry.example.com/${name}@sha256:abc`,
    containerID: `containerd://${name}-1`,
    ready: opts.ready ?? true,
    started: true,
    restartCount: opts.restartCount ?? 0,
    state: { running: { startedAt } },
    lastState: opts.lastTerminated
      ? { terminated: { containerID: `containerd://${name}-0`, ...opts.lastTerminated } }
      : {},
  };
}

/** A container waiting, e.g. CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError. */
export function waiting(
  name: string,
  reason: string,
  message: string | undefined,
  opts: { restartCount?: number; lastTerminated?: { exitCode: number; reason: string; startedAt?: Date; finishedAt: Date } } = {},
): V1ContainerStatus {
  return {
    name,
    image: `registry.example.com/${name}:2`,
    imageID: '',
    ready: false,
    started: false,
    restartCount: opts.restartCount ?? 0,
    state: { waiting: { reason, ...(message ? { message } : {}) } },
    lastState: opts.lastTerminated ? { terminated: opts.lastTerminated } : {},
  };
}

/** A container that has just terminated (before the kubelet restarts it or backs off). */
export function terminated(
  name: string,
  t: { exitCode: number; reason: string; startedAt: Date; finishedAt: Date },
  restartCount = 0,
): V1ContainerStatus {
  return {
    name,
    image: `registry.example.com/${name}:2`,
    imageID: '',
    ready: false,
    started: false,
    restartCount,
    state: { terminated: { containerID: `containerd://${name}-x`, ...t } },
    lastState: {},
  };
}

// ---- pods ----

/** What a test may set on a pod. */
export interface PodOpts {
  name: string;
  owner?: Owner;
  labels?: Record<string, string>;
  created?: Date;
  phase?: string;
  containers?: V1ContainerStatus[];
  initContainers?: V1ContainerStatus[];
  conditions?: V1PodCondition[];
  uid?: string;
  deleting?: Date;
  ready?: boolean;
}

/** A pod; conditions default to what the kubelet sets for its containers' readiness. */
export function pod(o: PodOpts): V1Pod {
  const created = o.created ?? at(1);
  const containers = o.containers ?? [running('app', at(3))];
  const allReady = o.ready ?? containers.every((c) => c.ready);
  const conditions: V1PodCondition[] = o.conditions ?? [
    { type: 'PodReadyToStartContainers', status: 'True', lastTransitionTime: at(2) },
    { type: 'Initialized', status: 'True', lastTransitionTime: at(2) },
    { type: 'Ready', status: allReady ? 'True' : 'False', lastTransitionTime: at(allReady ? 4 : 2), ...(allReady ? {} : { reason: 'ContainersNotReady' }) },
    { type: 'ContainersReady', status: allReady ? 'True' : 'False', lastTransitionTime: at(allReady ? 4 : 2), ...(allReady ? {} : { reason: 'ContainersNotReady' }) },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: created },
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: NS,
      uid: o.uid ?? `uid-${o.name}`,
      creationTimestamp: created,
      labels: o.labels ?? {},
      ...(o.owner ? { ownerReferences: ownerRef(o.owner) } : {}),
      ...(o.deleting ? { deletionTimestamp: o.deleting } : {}),
    },
    spec: { containers: containers.map((c) => ({ name: c.name, image: c.image })), nodeName: 'node-1' },
    status: {
      phase: o.phase ?? (containers.some((c) => c.state?.running) ? 'Running' : 'Pending'),
      conditions,
      hostIP: '10.0.0.1',
      podIP: '10.244.0.5',
      startTime: created,
      containerStatuses: containers,
      ...(o.initContainers ? { initContainerStatuses: o.initContainers } : {}),
      qosClass: 'BestEffort',
    },
  };
}

/** A pod the scheduler could not place, since `since`. */
export function unschedulablePod(o: Omit<PodOpts, 'conditions' | 'containers'> & { since: Date }): V1Pod {
  const p = pod({
    ...o,
    containers: [],
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
        lastTransitionTime: o.since,
      },
    ],
  });
  p.status = { phase: 'Pending', conditions: p.status?.conditions, qosClass: 'Burstable' };
  delete p.spec?.nodeName;
  return p;
}

// ---- events ----

/** A core/v1 Event about `involved`, as the kubelet or a controller records it (Warning by default). */
export function event(o: {
  involved: { kind: string; name: string; uid?: string; fieldPath?: string };
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  first: Date;
  last?: Date;
  count?: number;
}): CoreV1Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${o.involved.name}.${o.reason}.${o.first.getTime()}`, namespace: NS },
    involvedObject: { apiVersion: 'v1', kind: o.involved.kind, name: o.involved.name, namespace: NS, ...(o.involved.uid ? { uid: o.involved.uid } : {}), ...(o.involved.fieldPath ? { fieldPath: o.involved.fieldPath } : {}) },
    reason: o.reason,
    message: o.message,
    type: o.type ?? 'Warning',
    firstTimestamp: o.first,
    lastTimestamp: o.last ?? o.first,
    count: o.count ?? 1,
    source: { component: 'kubelet', host: 'node-1' },
  };
}

// ---- the "web" Deployment scenario: revision 1 (hash aaa) -> revision 2 (hash bbb) ----

/** Identities of the web Deployment and its two ReplicaSets. */
export const WEB_DEPLOYMENT_UID = 'uid-deploy-web';
export const WEB_OLD_RS = { kind: 'ReplicaSet', name: 'web-7d4b9c8f6a', uid: 'uid-rs-old' };
export const WEB_NEW_RS = { kind: 'ReplicaSet', name: 'web-5f6c7d8e9b', uid: 'uid-rs-new' };

/** The ref `workloadsFromManifest` gives for the web Deployment of revision 2. */
export const webRef: WorkloadRef = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: NS,
  name: 'web',
  templateLabels: { app: 'web' },
  templateAnnotations: { 'checksum/config': 'v2' },
  images: { app: 'registry.example.com/app:2' },
  selector: { matchLabels: { app: 'web' } },
};

/** Status (and spec) fields of the web Deployment a test may set. */
export interface DeploymentOpts {
  replicas?: number;
  generation?: number;
  observedGeneration?: number;
  image?: string;
  updated?: number;
  ready?: number;
  available?: number;
  total?: number;
  conditions?: V1DeploymentCondition[];
}

/** The web Deployment; status defaults describe a rollout that just started (nothing updated yet). */
export function webDeployment(o: DeploymentOpts = {}): V1Deployment {
  const replicas = o.replicas ?? 3;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS, uid: WEB_DEPLOYMENT_UID, generation: o.generation ?? 2, creationTimestamp: at(-3600) },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'checksum/config': 'v2' } },
        spec: { containers: [{ name: 'app', image: o.image ?? 'registry.example.com/app:2' }] },
      },
    },
    status: {
      observedGeneration: o.observedGeneration ?? o.generation ?? 2,
      replicas: o.total ?? replicas + 1,
      updatedReplicas: o.updated ?? 1,
      readyReplicas: o.ready ?? replicas,
      availableReplicas: o.available ?? replicas,
      unavailableReplicas: 0,
      conditions: o.conditions ?? [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastTransitionTime: at(-3500), lastUpdateTime: at(-3500) },
        { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-5f6c7d8e9b" is progressing.', lastTransitionTime: at(-3600), lastUpdateTime: at(1) },
      ],
    },
  };
}

/** A fully rolled-out web Deployment status. */
export function webDeploymentHealthy(o: DeploymentOpts = {}): V1Deployment {
  const r = o.replicas ?? 3;
  return webDeployment({ updated: r, ready: r, available: r, total: r, ...o,
    conditions: o.conditions ?? [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastTransitionTime: at(-3500), lastUpdateTime: at(-3500) },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-5f6c7d8e9b" has successfully progressed.', lastTransitionTime: at(-3600), lastUpdateTime: at(20) },
    ] });
}

/** A ReplicaSet of the web Deployment; its template carries the revision's image and checksum annotation. */
export function replicaSet(o: { name: string; uid: string; revision: number; templateRevision?: number; hash: string; replicas: number; ready?: number; available?: number; owner?: Owner; created?: Date }): V1ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: o.name,
      namespace: NS,
      uid: o.uid,
      creationTimestamp: o.created ?? at(-3600 + o.revision),
      labels: { app: 'web', 'pod-template-hash': o.hash },
      annotations: { 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4', 'deployment.kubernetes.io/revision': String(o.revision) },
      ownerReferences: ownerRef(o.owner ?? { kind: 'Deployment', name: 'web', uid: WEB_DEPLOYMENT_UID }),
    },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': o.hash } },
      template: {
        metadata: { labels: { app: 'web', 'pod-template-hash': o.hash }, annotations: { 'checksum/config': `v${o.templateRevision ?? o.revision}` } },
        spec: { containers: [{ name: 'app', image: `registry.example.com/app:${o.templateRevision ?? o.revision}` }] },
      },
    },
    status: { replicas: o.replicas, readyReplicas: o.ready ?? o.replicas, availableReplicas: o.available ?? o.ready ?? o.replicas, fullyLabeledReplicas: o.replicas, observedGeneration: 1 },
  };
}

/** ReplicaSet of revision 1 (image app:1) and of revision 2 (image app:2, the rollout's new one). */
export const webOldRs = (replicas = 3) => replicaSet({ ...WEB_OLD_RS, revision: 1, hash: '7d4b9c8f6a', replicas });
export const webNewRs = (replicas = 1, ready = 0) => replicaSet({ ...WEB_NEW_RS, revision: 2, hash: '5f6c7d8e9b', replicas, ready, created: at(1) });

/** A pod of the new ReplicaSet. */
export function newWebPod(name: string, o: Omit<PodOpts, 'name' | 'owner' | 'labels'> = {}): V1Pod {
  return pod({ name: `web-5f6c7d8e9b-${name}`, owner: WEB_NEW_RS, labels: { app: 'web', 'pod-template-hash': '5f6c7d8e9b' }, ...o });
}

/** A pod of the old ReplicaSet. */
export function oldWebPod(name: string, o: Omit<PodOpts, 'name' | 'owner' | 'labels'> = {}): V1Pod {
  return pod({ name: `web-7d4b9c8f6a-${name}`, owner: WEB_OLD_RS, labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6a' }, created: at(-3000), ...o });
}

// ---- StatefulSet, DaemonSet, Job ----

/** The ref of the db StatefulSet, and builders for it and its pods (controller-revision-hash labels). */
export const dbRef: WorkloadRef = {
  apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: NS, name: 'db',
  templateLabels: { app: 'db' }, images: { db: 'postgres:16' }, selector: { matchLabels: { app: 'db' } },
};

export function statefulSet(o: { replicas?: number; current: string; update: string; ready: number; updated?: number; generation?: number; observedGeneration?: number; partition?: number; onDelete?: boolean }): V1StatefulSet {
  const replicas = o.replicas ?? 2;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: NS, uid: 'uid-sts-db', generation: o.generation ?? 2 },
    spec: {
      replicas,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      updateStrategy: o.onDelete ? { type: 'OnDelete' } : { type: 'RollingUpdate', rollingUpdate: { partition: o.partition ?? 0 } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } },
    },
    status: {
      observedGeneration: o.observedGeneration ?? o.generation ?? 2,
      replicas,
      readyReplicas: o.ready,
      availableReplicas: o.ready,
      currentReplicas: o.current === o.update ? replicas : replicas - (o.updated ?? 0),
      updatedReplicas: o.updated ?? (o.current === o.update ? replicas : 0),
      currentRevision: o.current,
      updateRevision: o.update,
      collisionCount: 0,
    },
  };
}

export function dbPod(ordinal: number, revisionHash: string, o: Omit<PodOpts, 'name' | 'owner' | 'labels'> = {}): V1Pod {
  return pod({
    name: `db-${ordinal}`,
    owner: { kind: 'StatefulSet', name: 'db', uid: 'uid-sts-db' },
    labels: { app: 'db', 'controller-revision-hash': revisionHash, 'statefulset.kubernetes.io/pod-name': `db-${ordinal}`, 'apps.kubernetes.io/pod-index': String(ordinal) },
    containers: [running('db', at(3))],
    ...o,
  });
}

/** The ref of the agent DaemonSet, and builders for it and its pods (pod-template-generation labels). */
export const agentRef: WorkloadRef = {
  apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: NS, name: 'agent',
  templateLabels: { app: 'agent' }, images: { agent: 'agent:2' }, selector: { matchLabels: { app: 'agent' } },
};

export function daemonSet(o: { desired: number; updated: number; ready: number; available?: number; generation?: number; observedGeneration?: number; minReadySeconds?: number }): V1DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: NS, uid: 'uid-ds-agent', generation: o.generation ?? 3 },
    spec: {
      ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
      selector: { matchLabels: { app: 'agent' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:2' }] } },
    },
    status: {
      observedGeneration: o.observedGeneration ?? o.generation ?? 3,
      desiredNumberScheduled: o.desired,
      currentNumberScheduled: o.desired,
      numberMisscheduled: 0,
      updatedNumberScheduled: o.updated,
      numberReady: o.ready,
      numberAvailable: o.available ?? o.ready,
    },
  };
}

export function agentPod(name: string, generation: number, o: Omit<PodOpts, 'name' | 'owner' | 'labels'> = {}): V1Pod {
  return pod({
    name: `agent-${name}`,
    owner: { kind: 'DaemonSet', name: 'agent', uid: 'uid-ds-agent' },
    labels: { app: 'agent', 'controller-revision-hash': `hash${generation}`, 'pod-template-generation': String(generation) },
    containers: [running('agent', at(3))],
    ...o,
  });
}

/** A Job ref, a hook when `hookEvents` is given; `job` and `jobPod` build the live objects. */
export function jobRef(name: string, hookEvents?: string[]): WorkloadRef {
  return {
    apiVersion: 'batch/v1', kind: 'Job', namespace: NS, name,
    ...(hookEvents ? { hook: { events: hookEvents, deletePolicies: ['before-hook-creation'] } } : {}),
  };
}

export function job(name: string, o: { created?: Date; active?: number; succeeded?: number; failed?: number; conditions?: V1JobCondition[] } = {}): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NS, uid: `uid-job-${name}`, generation: 1, creationTimestamp: o.created ?? at(1), labels: {} },
    spec: { backoffLimit: 6, completions: 1, parallelism: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name, image: `${name}:1` }] } } },
    status: {
      startTime: o.created ?? at(1),
      ...(o.active !== undefined ? { active: o.active } : {}),
      ...(o.succeeded !== undefined ? { succeeded: o.succeeded } : {}),
      ...(o.failed !== undefined ? { failed: o.failed } : {}),
      ready: 0,
      terminating: 0,
      uncountedTerminatedPods: {},
      ...(o.conditions ? { conditions: o.conditions } : {}),
    },
  };
}

/** Conditions the Job controller sets when the backoff limit is reached / on success. */
export const jobFailedConditions = (when: Date): V1JobCondition[] => [
  { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: when, lastTransitionTime: when },
  { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: when, lastTransitionTime: when },
];

export const jobCompleteConditions = (when: Date): V1JobCondition[] => [
  { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: when, lastTransitionTime: when },
  { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: when, lastTransitionTime: when },
];

export function jobPod(jobName: string, suffix: string, o: Omit<PodOpts, 'name' | 'owner' | 'labels'> = {}): V1Pod {
  return pod({
    name: `${jobName}-${suffix}`,
    owner: { kind: 'Job', name: jobName, uid: `uid-job-${jobName}`, apiVersion: 'batch/v1' },
    labels: { 'batch.kubernetes.io/controller-uid': `uid-job-${jobName}`, 'batch.kubernetes.io/job-name': jobName, 'controller-uid': `uid-job-${jobName}`, 'job-name': jobName },
    ...o,
  });
}
