/**
 * Server-side printing: meta.k8s.io/v1 Tables as the API server returns them for `kubectl get` (Accept
 * `...;as=Table;g=meta.k8s.io;v=v1`). Columns, cell formats and the pod STATUS / RESTARTS logic follow kubectl's
 * printers (pkg/printers/internalversion/printers.go). Like a real server, every row carries the wide
 * (priority 1) cells too; kubectl hides them unless `-o wide`. Pure: time comes in as `now`.
 */
import type { KubeObject, ResourceType } from '../store/types.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = Record<string, any>;

/** A meta/v1 TableColumnDefinition. */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

/** A meta/v1 TableRow. */
export interface TableRow {
  cells: unknown[];
  object?: Json;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
}

/** Options of `toTable`. */
export interface TableOptions {
  /** The list's resourceVersion (and continue token), copied into the Table's metadata. */
  resourceVersion?: string;
  continue?: string;
  /** `?includeObject=`: None, Metadata (PartialObjectMetadata, the default) or Object (the whole object). */
  includeObject?: 'None' | 'Metadata' | 'Object';
}

const col = (name: string, description: string, priority = 0, type: TableColumn['type'] = 'string', format = ''): TableColumn => ({
  name,
  type,
  format,
  description,
  priority,
});

const NAME = col('Name', 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.', 0, 'string', 'name');
const AGE = col('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.');
const CONTAINERS = col('Containers', 'Names of each container in the template.', 1);
const IMAGES = col('Images', 'Images referenced by each container in the template.', 1);
const SELECTOR = col('Selector', 'Label selector for pods.', 1);

/** `kubectl`'s human duration (k8s.io/apimachinery/pkg/util/duration.HumanDuration). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** Age of a timestamp as kubectl prints it; `<unknown>` when absent. */
export function since(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/** labels.FormatLabels: `k=v,k2=v2` sorted by key, `<none>` when empty. */
function formatLabels(labels: unknown): string {
  if (typeof labels !== 'object' || labels === null) return '<none>';
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${(labels as Json)[k]}`).join(',');
}

/** metav1.LabelSelector as labels.Selector.String() prints it (requirements sorted by key). */
export function formatSelector(selector: unknown): string {
  if (typeof selector !== 'object' || selector === null) return '';
  const s = selector as Json;
  const reqs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) reqs.push([k, `${k}=${v}`]);
  for (const e of (s.matchExpressions ?? []) as Json[]) {
    const values = [...((e.values ?? []) as string[])].sort().join(',');
    switch (e.operator) {
      case 'In':
        reqs.push([e.key, `${e.key} in (${values})`]);
        break;
      case 'NotIn':
        reqs.push([e.key, `${e.key} notin (${values})`]);
        break;
      case 'Exists':
        reqs.push([e.key, e.key]);
        break;
      case 'DoesNotExist':
        reqs.push([e.key, `!${e.key}`]);
        break;
      default:
        break;
    }
  }
  return reqs
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((r) => r[1])
    .join(',');
}

function containerCells(podSpec: Json | undefined): [string, string] {
  const containers: Json[] = podSpec?.containers ?? [];
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];
}

const int = (v: unknown): number => (typeof v === 'number' ? v : 0);

interface Printer {
  columns: TableColumn[];
  cells(o: Json, now: Date): unknown[];
  conditions?(o: Json): TableRow['conditions'];
}

/** The pod row's READY, STATUS and RESTARTS cells, computed as kubectl's printPod does. */
export function podStatusCells(pod: Json, now: Date): { ready: string; status: string; restarts: string } {
  const spec: Json = pod.spec ?? {};
  const status: Json = pod.status ?? {};
  const initSpecs: Json[] = spec.initContainers ?? [];
  const restartable = (name: string): boolean => initSpecs.find((c) => c.name === name)?.restartPolicy === 'Always';
  const total = (spec.containers ?? []).length + initSpecs.filter((c) => c.restartPolicy === 'Always').length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  const phase: string = status.phase ?? '';
  let reason: string = status.reason || phase;
  for (const c of (status.conditions ?? []) as Json[]) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const finishedAt = (cs: Json): number => {
    const t = cs.lastState?.terminated?.finishedAt;
    return typeof t === 'string' ? Date.parse(t) || 0 : 0;
  };

  let initializing = false;
  const initStatuses: Json[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    restarts += int(cs.restartCount);
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    if (restartable(cs.name)) {
      sidecarRestarts += int(cs.restartCount);
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(cs));
    }
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (restartable(cs.name) && cs.started === true) {
      if (cs.ready) ready++;
      continue;
    }
    if (terminated) {
      if (!terminated.reason) reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${int(terminated.exitCode)}`;
      else reason = `Init:${terminated.reason}`;
    } else if (waiting && waiting.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  const initializedTrue = ((status.conditions ?? []) as Json[]).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses: Json[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += int(cs.restartCount);
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      const waiting = cs.state?.waiting;
      const terminated = cs.state?.terminated;
      if (waiting && waiting.reason) reason = waiting.reason;
      else if (terminated && terminated.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${int(terminated.exitCode)}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = ((status.conditions ?? []) as Json[]).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart > 0) restartsText = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

const none = (v: unknown): string => (typeof v === 'string' && v !== '' ? v : '<none>');

function servicePorts(spec: Json): string {
  const ports: Json[] = spec.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`))
    .join(',');
}

function serviceExternalIp(spec: Json, status: Json): string {
  const external: string[] = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ExternalName':
      return spec.externalName ?? '<none>';
    case 'LoadBalancer': {
      const ingress: string[] = ((status.loadBalancer?.ingress ?? []) as Json[]).map((i) => i.ip || i.hostname).filter(Boolean);
      const all = [...ingress, ...external];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    default:
      return external.length > 0 ? external.join(',') : '<none>';
  }
}

function nodeRoles(labels: Json): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(String(v));
  }
  return roles.size > 0 ? [...roles].sort().join(',') : '<none>';
}

function jobStatus(job: Json): string {
  const has = (type: string) => ((job.status?.conditions ?? []) as Json[]).some((c) => c.type === type && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (has('Suspended')) return 'Suspended';
  if (has('FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(job: Json): string {
  const succeeded = int(job.status?.succeeded);
  const { completions, parallelism } = job.spec ?? {};
  if (typeof completions === 'number') return `${succeeded}/${completions}`;
  if (typeof parallelism === 'number' && parallelism > 1) return `${succeeded}/1 of ${parallelism}`;
  return `${succeeded}/1`;
}

function jobDuration(job: Json, now: Date): string {
  const start = job.status?.startTime;
  if (typeof start !== 'string') return '';
  const end = job.status?.completionTime;
  return humanDuration((typeof end === 'string' ? Date.parse(end) : now.getTime()) - Date.parse(start));
}

const ACCESS_MODES: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [
      NAME,
      col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE,
      col('IP', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
      col('Node', 'NodeName indicates in which node this pod is scheduled.', 1),
      col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
      col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
    ],
    cells(o, now) {
      const { ready, status, restarts } = podStatusCells(o, now);
      const gates: Json[] = o.spec?.readinessGates ?? [];
      let readinessGates = '<none>';
      if (gates.length > 0) {
        const conditions: Json[] = o.status?.conditions ?? [];
        const trueCount = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
        readinessGates = `${trueCount}/${gates.length}`;
      }
      const ip = o.status?.podIPs?.[0]?.ip ?? o.status?.podIP;
      return [o.metadata.name, ready, status, restarts, since(o.metadata.creationTimestamp, now), none(ip), none(o.spec?.nodeName), none(o.status?.nominatedNodeName), readinessGates];
    },
    conditions(o) {
      if (o.status?.phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
      if (o.status?.phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
      return undefined;
    },
  },
  'deployments.apps': {
    columns: [
      NAME,
      col('Ready', 'Number of the pod with ready state'),
      col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', 0, 'integer'),
      col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', 0, 'integer'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    cells: (o, now) => [
      o.metadata.name,
      `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas)}`,
      int(o.status?.updatedReplicas),
      int(o.status?.availableReplicas),
      since(o.metadata.creationTimestamp, now),
      ...containerCells(o.spec?.template?.spec),
      formatSelector(o.spec?.selector),
    ],
  },
  'replicasets.apps': {
    columns: [
      NAME,
      col('Desired', 'Replicas is the number of desired replicas.', 0, 'integer'),
      col('Current', 'Replicas is the most recently observed number of replicas.', 0, 'integer'),
      col('Ready', 'The number of ready replicas for this replica set.', 0, 'integer'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    cells: (o, now) => [
      o.metadata.name,
      int(o.spec?.replicas),
      int(o.status?.replicas),
      int(o.status?.readyReplicas),
      since(o.metadata.creationTimestamp, now),
      ...containerCells(o.spec?.template?.spec),
      formatSelector(o.spec?.selector),
    ],
  },
  'statefulsets.apps': {
    columns: [NAME, col('Ready', 'Number of the pod with ready state'), AGE, CONTAINERS, IMAGES],
    cells: (o, now) => [
      o.metadata.name,
      `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas)}`,
      since(o.metadata.creationTimestamp, now),
      ...containerCells(o.spec?.template?.spec),
    ],
  },
  'daemonsets.apps': {
    columns: [
      NAME,
      col('Desired', 'The total number of nodes that should be running the daemon pod.', 0, 'integer'),
      col('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', 0, 'integer'),
      col('Ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', 0, 'integer'),
      col('Up-to-date', 'The total number of nodes that are running updated daemon pod', 0, 'integer'),
      col('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', 0, 'integer'),
      col('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    cells: (o, now) => [
      o.metadata.name,
      int(o.status?.desiredNumberScheduled),
      int(o.status?.currentNumberScheduled),
      int(o.status?.numberReady),
      int(o.status?.updatedNumberScheduled),
      int(o.status?.numberAvailable),
      formatLabels(o.spec?.template?.spec?.nodeSelector),
      since(o.metadata.creationTimestamp, now),
      ...containerCells(o.spec?.template?.spec),
      formatSelector(o.spec?.selector),
    ],
  },
  'jobs.batch': {
    columns: [
      NAME,
      col('Status', 'Status of the job.'),
      col('Completions', 'The desired number of successfully finished pods the job should be run with.'),
      col('Duration', 'Time required to complete the job.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    cells: (o, now) => [
      o.metadata.name,
      jobStatus(o),
      jobCompletions(o),
      jobDuration(o, now),
      since(o.metadata.creationTimestamp, now),
      ...containerCells(o.spec?.template?.spec),
      formatSelector(o.spec?.selector),
    ],
  },
  'cronjobs.batch': {
    columns: [
      NAME,
      col('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
      col('Timezone', 'The time zone name for the given schedule.'),
      col('Suspend', 'This flag tells the controller to suspend subsequent executions.', 0, 'boolean'),
      col('Active', 'A list of pointers to currently running jobs.', 0, 'integer'),
      col('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.schedule ?? '',
      none(o.spec?.timeZone),
      o.spec?.suspend === true,
      (o.status?.active ?? []).length,
      o.status?.lastScheduleTime ? since(o.status.lastScheduleTime, now) : '<none>',
      since(o.metadata.creationTimestamp, now),
      ...containerCells(o.spec?.jobTemplate?.spec?.template?.spec),
      formatSelector(o.spec?.jobTemplate?.spec?.selector),
    ],
  },
  services: {
    columns: [
      NAME,
      col('Type', 'type determines how the Service is exposed.'),
      col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
      col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      col('Port(s)', 'The list of ports that are exposed by this service.'),
      AGE,
      col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', 1),
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.type ?? 'ClusterIP',
      none(o.spec?.clusterIP),
      serviceExternalIp(o.spec ?? {}, o.status ?? {}),
      servicePorts(o.spec ?? {}),
      since(o.metadata.creationTimestamp, now),
      formatLabels(o.spec?.selector),
    ],
  },
  events: {
    columns: [
      col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
      col('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
      col('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
      col('Object', 'The object that this event is about.'),
      col('Subobject', 'The subobject this event is about (fieldPath).', 1),
      col('Source', 'The component reporting this event.', 1),
      col('Message', 'A human-readable description of the status of this operation.'),
      col('First Seen', 'The time at which the event was first recorded.', 1),
      col('Count', 'The number of times this event has occurred.', 1, 'integer'),
      { ...NAME, priority: 1 },
    ],
    cells(o, now) {
      const first = o.firstTimestamp ? since(o.firstTimestamp, now) : since(o.eventTime, now);
      let last = o.lastTimestamp ? since(o.lastTimestamp, now) : first;
      let count = int(o.count);
      if (o.series) {
        last = since(o.series.lastObservedTime, now);
        count = int(o.series.count);
      } else if (count === 0) count = 1;
      const involved: Json = o.involvedObject ?? {};
      const kind = String(involved.kind ?? '').toLowerCase();
      const target = involved.name ? `${kind}/${involved.name}` : kind;
      return [last, o.type ?? '', o.reason ?? '', target, involved.fieldPath ?? '', eventSource(o), String(o.message ?? '').trim(), first, count, o.metadata.name];
    },
  },
  configmaps: {
    columns: [NAME, col('Data', 'Data contains the configuration data.', 0, 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, since(o.metadata.creationTimestamp, now)],
  },
  secrets: {
    columns: [NAME, col('Type', 'The type of the secret'), col('Data', 'The number of entries in the secret', 0, 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, since(o.metadata.creationTimestamp, now)],
  },
  namespaces: {
    columns: [NAME, col('Status', 'The status of the namespace'), AGE],
    cells: (o, now) => [o.metadata.name, o.status?.phase ?? '', since(o.metadata.creationTimestamp, now)],
  },
  nodes: {
    columns: [
      NAME,
      col('Status', 'The status of the node'),
      col('Roles', 'The roles of the node'),
      AGE,
      col('Version', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
      col('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
      col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      col('Kernel-Version', 'Kernel Version reported by the node from \'uname -r\' (e.g. 3.16.0-0.bpo.4-amd64).', 1),
      col('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
    ],
    cells(o, now) {
      const ready = ((o.status?.conditions ?? []) as Json[]).find((c) => c.type === 'Ready');
      const status: string[] = ready ? [ready.status === 'True' ? 'Ready' : 'NotReady'] : ['Unknown'];
      if (o.spec?.unschedulable) status.push('SchedulingDisabled');
      const address = (type: string) => ((o.status?.addresses ?? []) as Json[]).find((a) => a.type === type)?.address;
      const info: Json = o.status?.nodeInfo ?? {};
      return [
        o.metadata.name,
        status.join(','),
        nodeRoles(o.metadata.labels),
        since(o.metadata.creationTimestamp, now),
        info.kubeletVersion ?? '',
        none(address('InternalIP')),
        none(address('ExternalIP')),
        info.osImage ?? '<unknown>',
        info.kernelVersion ?? '<unknown>',
        info.containerRuntimeVersion ?? '<unknown>',
      ];
    },
  },
  'validatingwebhookconfigurations.admissionregistration.k8s.io': {
    columns: [NAME, col('Webhooks', 'Webhooks indicates the number of webhooks in the configuration', 0, 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, (o.webhooks ?? []).length, since(o.metadata.creationTimestamp, now)],
  },
  'mutatingwebhookconfigurations.admissionregistration.k8s.io': {
    columns: [NAME, col('Webhooks', 'Webhooks indicates the number of webhooks in the configuration', 0, 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, (o.webhooks ?? []).length, since(o.metadata.creationTimestamp, now)],
  },
  'validatingadmissionpolicies.admissionregistration.k8s.io': {
    columns: [NAME, col('Validations', 'Validations indicates the number of validation rules', 0, 'integer'), col('ParamKind', 'ParamKind specifies the kind of resources used to parameterize this policy'), AGE],
    cells: (o, now) => [
      o.metadata.name,
      (o.spec?.validations ?? []).length,
      o.spec?.paramKind ? `${o.spec.paramKind.apiVersion}/${o.spec.paramKind.kind}` : '<unset>',
      since(o.metadata.creationTimestamp, now),
    ],
  },
  'validatingadmissionpolicybindings.admissionregistration.k8s.io': {
    columns: [NAME, col('PolicyName', 'PolicyName indicates the policy definition which the policy binding binded to'), col('ParamRef', 'ParamRef indicates the param resource which sets the configration param'), AGE],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.policyName ?? '',
      o.spec?.paramRef ? `${o.spec.paramRef.namespace ? `${o.spec.paramRef.namespace}/` : ''}${o.spec.paramRef.name ?? '*'}` : '<unset>',
      since(o.metadata.creationTimestamp, now),
    ],
  },
  'leases.coordination.k8s.io': {
    columns: [NAME, col('Holder', 'The holder of the lease.'), AGE],
    cells: (o, now) => [o.metadata.name, o.spec?.holderIdentity ?? '', since(o.metadata.creationTimestamp, now)],
  },
  persistentvolumeclaims: {
    columns: [
      NAME,
      col('Status', 'Status of the claim.'),
      col('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
      col('Capacity', 'capacity represents the actual resources of the underlying volume.'),
      col('Access Modes', 'accessModes contains the desired access modes the volume should have.'),
      col('StorageClass', 'storageClassName is the name of the StorageClass required by the claim.'),
      col('VolumeAttributesClass', 'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.'),
      AGE,
      col('VolumeMode', 'volumeMode defines what type of volume is required by the claim.', 1),
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
      o.spec?.volumeName ?? '',
      o.status?.capacity?.storage ?? '',
      ((o.status?.accessModes ?? []) as string[]).map((m) => ACCESS_MODES[m] ?? m).join(','),
      o.spec?.storageClassName ?? '',
      o.spec?.volumeAttributesClassName ?? '<unset>',
      since(o.metadata.creationTimestamp, now),
      o.spec?.volumeMode ?? '',
    ],
  },
  serviceaccounts: {
    columns: [NAME, col('Secrets', 'Secrets is the list of secrets allowed to be used by pods running using this ServiceAccount.', 0, 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, (o.secrets ?? []).length, since(o.metadata.creationTimestamp, now)],
  },
  'horizontalpodautoscalers.autoscaling': {
    columns: [
      NAME,
      col('Reference', 'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.'),
      col('Targets', 'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).'),
      col('MinPods', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
      col('MaxPods', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.', 0, 'integer'),
      col('Replicas', 'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.', 0, 'integer'),
      AGE,
    ],
    cells: (o, now) => [
      o.metadata.name,
      `${o.spec?.scaleTargetRef?.kind ?? ''}/${o.spec?.scaleTargetRef?.name ?? ''}`,
      hpaTargets(o.spec ?? {}, o.status ?? {}),
      typeof o.spec?.minReplicas === 'number' ? String(o.spec.minReplicas) : '<unset>',
      int(o.spec?.maxReplicas),
      int(o.status?.currentReplicas),
      since(o.metadata.creationTimestamp, now),
    ],
  },
  'ingresses.networking.k8s.io': {
    columns: [
      NAME,
      col('Class', 'The name of the IngressClass resource.'),
      col('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
      col('Address', 'Address is a list containing ingress points for the load-balancer'),
      col('Ports', 'Ports of TLS configurations that open'),
      AGE,
    ],
    cells: (o, now) => [
      o.metadata.name,
      none(o.spec?.ingressClassName),
      ingressHosts(o.spec?.rules ?? []),
      loadBalancerAddresses(o.status ?? {}),
      (o.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
      since(o.metadata.creationTimestamp, now),
    ],
  },
  'poddisruptionbudgets.policy': {
    columns: [
      NAME,
      col('Min Available', 'The minimum number of pods that must be available simultaneously.  This can be either an integer or a string specifying a percentage, e.g. "28%".'),
      col('Max Unavailable', 'The maximum number of pods that may be unavailable simultaneously.  This can be either an integer or a string specifying a percentage, e.g. "28%".'),
      col('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', 0, 'integer'),
      AGE,
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.minAvailable !== undefined ? String(o.spec.minAvailable) : 'N/A',
      o.spec?.maxUnavailable !== undefined ? String(o.spec.maxUnavailable) : 'N/A',
      int(o.status?.disruptionsAllowed),
      since(o.metadata.creationTimestamp, now),
    ],
  },
  'customresourcedefinitions.apiextensions.k8s.io': {
    columns: [NAME, col('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', 0, 'date')],
    cells: (o) => [o.metadata.name, rfc3339(o.metadata.creationTimestamp)],
  },
};

function ingressHosts(rules: Json[]): string {
  const hosts = rules.map((r) => r.host).filter((h): h is string => typeof h === 'string' && h !== '');
  if (hosts.length === 0) return '*';
  if (rules.length > 3) return `${hosts.slice(0, 3).join(',')} + ${rules.length - 3} more...`;
  return hosts.join(',');
}

function loadBalancerAddresses(status: Json): string {
  const values = new Set<string>();
  for (const i of (status.loadBalancer?.ingress ?? []) as Json[]) {
    if (i.ip) values.add(i.ip);
    else if (i.hostname) values.add(i.hostname);
  }
  return [...values].sort().join(',');
}

function rfc3339(timestamp: unknown): string {
  if (typeof timestamp !== 'string') return '';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function eventSource(o: Json): string {
  const component: string = o.source?.component || o.reportingComponent || o.reportingController || '';
  const host: string = o.source?.host || o.reportingInstance || '';
  if (!component && !host) return '';
  return host ? `${component}, ${host}` : component;
}

/** An events.k8s.io/v1 Event in core/v1 field names (the printer for both is kubectl's printEvent). */
function asCoreEvent(o: Json): Json {
  return {
    ...o,
    involvedObject: o.regarding ?? {},
    message: o.note ?? '',
    firstTimestamp: o.deprecatedFirstTimestamp,
    lastTimestamp: o.deprecatedLastTimestamp,
    count: o.deprecatedCount,
    source: o.deprecatedSource,
    reportingComponent: o.reportingController,
  };
}

/** HPA TARGETS as kubectl prints them: `cpu: 45%/80%`, `<unknown>` before the first measurement. */
function hpaTargets(spec: Json, status: Json): string {
  const metrics: Json[] = spec.metrics ?? [];
  if (metrics.length === 0) return '<none>';
  const current: Json[] = status.currentMetrics ?? [];
  const parts = metrics.map((m, i) => {
    const cur = current[i];
    if (m.type === 'Resource' || m.type === 'ContainerResource') {
      const key = m.type === 'Resource' ? 'resource' : 'containerResource';
      const r: Json = m[key] ?? {};
      const target: Json = r.target ?? {};
      const c: Json = cur?.[key]?.current ?? {};
      if (target.averageUtilization !== undefined) {
        const now = c.averageUtilization !== undefined ? `${c.averageUtilization}%` : '<unknown>';
        return `${r.name}: ${now}/${target.averageUtilization}%`;
      }
      const value = target.averageValue ?? target.value;
      const now = c.averageValue ?? c.value ?? '<unknown>';
      return `${r.name}: ${now}/${value}`;
    }
    const kind = String(m.type ?? '').charAt(0).toLowerCase() + String(m.type ?? '').slice(1);
    const target: Json = m[kind]?.target ?? {};
    const c: Json = cur?.[kind]?.current ?? {};
    const now = c.averageValue ?? c.value ?? '<unknown>';
    return `${now}/${target.averageValue ?? target.value ?? '<unknown>'}`;
  });
  if (parts.length > 3) return `${parts.slice(0, 3).join(', ')} + ${parts.length - 3} more...`;
  return parts.join(', ');
}

const DEFAULT_PRINTER: Printer = {
  columns: [NAME, AGE],
  cells: (o, now) => [o.metadata.name, since(o.metadata.creationTimestamp, now)],
};

/** The ResourceKey a type is printed by (`deployments.apps`, `pods`). */
function keyOf(type: ResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

/** events.k8s.io Events print like core Events, after renaming their fields. */
const EVENTS_V1: Printer = { columns: PRINTERS.events.columns, cells: (o, now) => PRINTERS.events.cells(asCoreEvent(o), now) };

function printerFor(type: ResourceType): Printer {
  const key = keyOf(type);
  if (key === 'events.events.k8s.io') return EVENTS_V1;
  return PRINTERS[key] ?? DEFAULT_PRINTER;
}

/** The column definitions served for a resource type. */
export function tableColumns(type: ResourceType): TableColumn[] {
  return printerFor(type).columns;
}

function rowObject(o: KubeObject, mode: TableOptions['includeObject']): Json | undefined {
  if (mode === 'None') return undefined;
  if (mode === 'Object') return o as Json;
  const metadata: Json = { ...o.metadata };
  delete metadata.managedFields;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

/**
 * Renders objects as a meta.k8s.io/v1 Table with kubectl's columns for the type (NAME/AGE for types kubectl has
 * no printer for, NAME/CREATED AT for CRDs). Rows carry PartialObjectMetadata unless `includeObject` says otherwise.
 */
export function toTable(type: ResourceType, objects: KubeObject[], now: Date, options: TableOptions = {}): KubeObject {
  const printer = printerFor(type);
  const rows: TableRow[] = objects.map((o) => {
    const row: TableRow = { cells: printer.cells(o as Json, now) };
    const conditions = printer.conditions?.(o as Json);
    if (conditions) row.conditions = conditions;
    const object = rowObject(o, options.includeObject);
    if (object) row.object = object;
    return row;
  });
  const metadata: Json = {};
  if (options.resourceVersion !== undefined) metadata.resourceVersion = options.resourceVersion;
  if (options.continue) metadata.continue = options.continue;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: metadata as KubeObject['metadata'],
    columnDefinitions: printer.columns,
    rows,
  };
}
