import { describe, expect, it } from '@jest/globals';
import { formatSelector, humanDuration, podStatusCells, toTable } from '../../../src/sim/api/tables.js';
import type { KubeObject, ResourceType } from '../../../src/sim/store/types.js';

const now = new Date('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

const type = (group: string, plural: string, kind: string): ResourceType => ({
  group, version: 'v1', plural, singular: plural.slice(0, -1), kind, listKind: `${kind}List`, namespaced: true, subresources: [], verbs: [],
});
const pods = type('', 'pods', 'Pod');

describe('humanDuration (kubectl AGE)', () => {
  it.each([
    [-5, '<invalid>'], [-1, '0s'], [0, '0s'], [5, '5s'], [119, '119s'], [120, '2m'], [192, '3m12s'], [599, '9m59s'],
    [600, '10m'], [179 * 60, '179m'], [3 * 3600, '3h'], [3 * 3600 + 5 * 60, '3h5m'], [8 * 3600, '8h'], [47 * 3600, '47h'],
    [48 * 3600, '2d'], [50 * 3600, '2d2h'], [8 * 86400, '8d'], [729 * 86400, '729d'], [730 * 86400, '2y'], [800 * 86400, '2y70d'], [9 * 365 * 86400, '9y'],
  ])('%i s -> %s', (seconds, text) => {
    expect(humanDuration(seconds * 1000)).toBe(text);
  });
});

/** A pod with one container per status given. */
function pod(statuses: Array<Record<string, unknown>>, extra: { phase?: string; init?: Array<Record<string, unknown>>; initSpecs?: number; deleting?: boolean; conditions?: unknown[]; reason?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web-1', creationTimestamp: ago(90), ...(extra.deleting ? { deletionTimestamp: ago(1) } : {}) },
    spec: {
      containers: statuses.map((_, i) => ({ name: `c${i}`, image: 'x' })),
      ...(extra.initSpecs ? { initContainers: Array.from({ length: extra.initSpecs }, (_, i) => ({ name: `i${i}`, image: 'x' })) } : {}),
    },
    status: {
      phase: extra.phase ?? 'Running',
      ...(extra.reason ? { reason: extra.reason } : {}),
      conditions: extra.conditions ?? [],
      containerStatuses: statuses.map((s, i) => ({ name: `c${i}`, restartCount: 0, ready: false, ...s })),
      ...(extra.init ? { initContainerStatuses: extra.init.map((s, i) => ({ name: `i${i}`, restartCount: 0, ready: false, ...s })) } : {}),
    },
  };
}

const running = { state: { running: { startedAt: ago(60) } }, ready: true, started: true };
const waiting = (reason: string) => ({ state: { waiting: { reason, message: 'm' } } });
const terminated = (reason: string | undefined, exitCode: number, signal?: number) => ({ state: { terminated: { exitCode, ...(reason ? { reason } : {}), ...(signal ? { signal } : {}), finishedAt: ago(3) } } });

describe('pod READY / STATUS / RESTARTS like kubectl', () => {
  it.each([
    ['running and ready', pod([running]), '1/1', 'Running', '0'],
    ['running not ready', pod([{ state: { running: {} }, ready: false }]), '0/1', 'Running', '0'],
    ['pending unscheduled', pod([], { phase: 'Pending' }), '0/0', 'Pending', '0'],
    ['ContainerCreating', pod([waiting('ContainerCreating')], { phase: 'Pending' }), '0/1', 'ContainerCreating', '0'],
    ['ErrImagePull', pod([waiting('ErrImagePull')], { phase: 'Pending' }), '0/1', 'ErrImagePull', '0'],
    ['ImagePullBackOff', pod([waiting('ImagePullBackOff')], { phase: 'Pending' }), '0/1', 'ImagePullBackOff', '0'],
    ['CreateContainerConfigError', pod([waiting('CreateContainerConfigError')], { phase: 'Pending' }), '0/1', 'CreateContainerConfigError', '0'],
    ['CrashLoopBackOff with restarts and last restart age',
      pod([{ ...waiting('CrashLoopBackOff'), restartCount: 5, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(30) } } }]),
      '0/1', 'CrashLoopBackOff', '5 (30s ago)'],
    ['OOMKilled', pod([{ ...terminated('OOMKilled', 137), restartCount: 1, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: ago(200) } } }]),
      '0/1', 'OOMKilled', '1 (3m20s ago)'],
    ['Completed', pod([terminated('Completed', 0)], { phase: 'Succeeded' }), '0/1', 'Completed', '0'],
    ['Error', pod([terminated('Error', 1)], { phase: 'Failed' }), '0/1', 'Error', '0'],
    ['ExitCode without reason', pod([terminated(undefined, 3)]), '0/1', 'ExitCode:3', '0'],
    ['Signal without reason', pod([terminated(undefined, 137, 9)]), '0/1', 'Signal:9', '0'],
    ['Completed sidecar while another runs -> Running if Ready', pod([running, terminated('Completed', 0)], { conditions: [{ type: 'Ready', status: 'True' }] }), '1/2', 'Running', '0'],
    ['Completed while another runs, pod not Ready -> NotReady', pod([running, terminated('Completed', 0)]), '1/2', 'NotReady', '0'],
    ['two containers, first crashing', pod([waiting('CrashLoopBackOff'), running]), '1/2', 'CrashLoopBackOff', '0'],
    ['Terminating', pod([running], { deleting: true }), '1/1', 'Terminating', '0'],
    ['deleted but Succeeded stays Completed', pod([terminated('Completed', 0)], { phase: 'Succeeded', deleting: true }), '0/1', 'Completed', '0'],
    ['NodeLost while deleting -> Unknown', pod([running], { deleting: true, reason: 'NodeLost' }), '1/1', 'Unknown', '0'],
    ['Evicted (status.reason)', pod([], { phase: 'Failed', reason: 'Evicted' }), '0/0', 'Evicted', '0'],
    ['Init:0/2 while the first init container runs', pod([waiting('PodInitializing')], { phase: 'Pending', initSpecs: 2, init: [{ state: { running: {} } }, waiting('PodInitializing')] }), '0/1', 'Init:0/2', '0'],
    ['Init:1/2 after the first init succeeded', pod([waiting('PodInitializing')], { phase: 'Pending', initSpecs: 2, init: [terminated('Completed', 0), { state: { running: {} } }] }), '0/1', 'Init:1/2', '0'],
    ['Init:CrashLoopBackOff', pod([waiting('PodInitializing')], { phase: 'Pending', initSpecs: 1, init: [{ ...waiting('CrashLoopBackOff'), restartCount: 3, lastState: { terminated: { exitCode: 1, finishedAt: ago(10) } } }] }), '0/1', 'Init:CrashLoopBackOff', '3 (10s ago)'],
    ['Init:Error', pod([waiting('PodInitializing')], { phase: 'Failed', initSpecs: 1, init: [terminated('Error', 1)] }), '0/1', 'Init:Error', '0'],
    ['Init:ExitCode', pod([waiting('PodInitializing')], { phase: 'Pending', initSpecs: 1, init: [terminated(undefined, 2)] }), '0/1', 'Init:ExitCode:2', '0'],
    ['SchedulingGated', pod([], { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), '0/0', 'SchedulingGated', '0'],
  ])('%s', (_name, p, ready, status, restarts) => {
    expect(podStatusCells(p as any, now)).toEqual({ ready, status, restarts });
  });

  it('restartable init containers (sidecars) count towards READY and RESTARTS', () => {
    const p = pod([running], { initSpecs: 1, init: [{ ...running, restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(40) } } }], conditions: [{ type: 'Initialized', status: 'True' }] });
    (p.spec as any).initContainers[0].restartPolicy = 'Always';
    expect(podStatusCells(p as any, now)).toEqual({ ready: '2/2', status: 'Running', restarts: '2 (40s ago)' });
  });
});

describe('toTable', () => {
  it('pods: columns with priorities, wide cells, PartialObjectMetadata without managedFields, resourceVersion', () => {
    const p = pod([running]);
    (p.metadata as any).managedFields = [{ manager: 'x' }];
    (p.spec as any).nodeName = 'node-1';
    (p.status as any).podIP = '10.244.0.5';
    (p.status as any).podIPs = [{ ip: '10.244.0.5' }];
    const table = toTable(pods, [p], now, { resourceVersion: '42' }) as any;
    expect(table.kind).toBe('Table');
    expect(table.apiVersion).toBe('meta.k8s.io/v1');
    expect(table.metadata).toEqual({ resourceVersion: '42' });
    expect(table.columnDefinitions.map((c: any) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1',
    ]);
    expect(table.columnDefinitions[0].format).toBe('name');
    expect(table.rows[0].cells).toEqual(['web-1', '1/1', 'Running', '0', '90s', '10.244.0.5', 'node-1', '<none>', '<none>']);
    expect(table.rows[0].object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'web-1', creationTimestamp: ago(90) } });
    expect(toTable(pods, [p], now, { includeObject: 'None' }).rows).toEqual([{ cells: expect.any(Array) }]);
    expect((toTable(pods, [p], now, { includeObject: 'Object' }) as any).rows[0].object.kind).toBe('Pod');
  });

  it('completed pods carry the Completed row condition', () => {
    const table = toTable(pods, [pod([terminated('Completed', 0)], { phase: 'Succeeded' })], now) as any;
    expect(table.rows[0].conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  });

  const template = { spec: { containers: [{ name: 'app', image: 'nginx:1' }, { name: 'side', image: 'busybox' }] } };
  const meta = (name: string) => ({ name, creationTimestamp: ago(3 * 86400 + 3600) });

  it.each([
    ['deployments', type('apps', 'deployments', 'Deployment'),
      { metadata: meta('web'), spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } },
      ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
      ['web', '2/3', 3, 2, '3d1h', 'app,side', 'nginx:1,busybox', 'app=web']],
    ['replicasets', type('apps', 'replicasets', 'ReplicaSet'),
      { metadata: meta('web-abc'), spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } }, template }, status: { replicas: 3, readyReplicas: 1 } },
      ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector'],
      ['web-abc', 3, 3, 1, '3d1h', 'app,side', 'nginx:1,busybox', 'app=web,pod-template-hash=abc']],
    ['statefulsets', type('apps', 'statefulsets', 'StatefulSet'),
      { metadata: meta('db'), spec: { replicas: 2, template }, status: { readyReplicas: 2 } },
      ['Name', 'Ready', 'Age', 'Containers', 'Images'],
      ['db', '2/2', '3d1h', 'app,side', 'nginx:1,busybox']],
    ['daemonsets', type('apps', 'daemonsets', 'DaemonSet'),
      { metadata: meta('agent'), spec: { template: { spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux', a: 'b' } } }, selector: { matchLabels: { app: 'agent' } } },
        status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 } },
      ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers', 'Images', 'Selector'],
      ['agent', 3, 3, 2, 3, 2, 'a=b,kubernetes.io/os=linux', '3d1h', 'app,side', 'nginx:1,busybox', 'app=agent']],
    ['jobs complete', type('batch', 'jobs', 'Job'),
      { metadata: meta('migrate'), spec: { completions: 1, parallelism: 1, template, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } } },
        status: { succeeded: 1, startTime: ago(100), completionTime: ago(88), conditions: [{ type: 'Complete', status: 'True' }] } },
      ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector'],
      ['migrate', 'Complete', '1/1', '12s', '3d1h', 'app,side', 'nginx:1,busybox', 'batch.kubernetes.io/controller-uid=u']],
    ['jobs running', type('batch', 'jobs', 'Job'),
      { metadata: meta('j'), spec: { parallelism: 3, template }, status: { startTime: ago(30) } },
      undefined,
      ['j', 'Running', '0/1 of 3', '30s', '3d1h', 'app,side', 'nginx:1,busybox', '']],
    ['jobs failed', type('batch', 'jobs', 'Job'),
      { metadata: meta('j'), spec: { completions: 2, template }, status: { failed: 7, conditions: [{ type: 'Failed', status: 'True' }] } },
      undefined,
      ['j', 'Failed', '0/2', '', '3d1h', 'app,side', 'nginx:1,busybox', '']],
    ['services ClusterIP', type('', 'services', 'Service'),
      { metadata: meta('web'), spec: { type: 'ClusterIP', clusterIP: '10.96.0.12', selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } },
      ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'],
      ['web', 'ClusterIP', '10.96.0.12', '<none>', '80/TCP,53/UDP', '3d1h', 'app=web']],
    ['services LoadBalancer pending', type('', 'services', 'Service'),
      { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIP: '10.96.0.13', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] } },
      undefined,
      ['lb', 'LoadBalancer', '10.96.0.13', '<pending>', '80:30080/TCP', '3d1h', '<none>']],
    ['services headless', type('', 'services', 'Service'),
      { metadata: meta('h'), spec: { type: 'ClusterIP', clusterIP: 'None', ports: [] } },
      undefined,
      ['h', 'ClusterIP', 'None', '<none>', '<none>', '3d1h', '<none>']],
    ['events', type('', 'events', 'Event'),
      { metadata: meta('web-1.17f'), involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' }, type: 'Warning', reason: 'BackOff',
        message: 'Back-off restarting failed container app in pod web-1_default(u)\n', firstTimestamp: ago(300), lastTimestamp: ago(5), count: 7, source: { component: 'kubelet', host: 'node-1' } },
      ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name'],
      ['5s', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1', 'Back-off restarting failed container app in pod web-1_default(u)', '5m', 7, 'web-1.17f']],
    ['events (new API: eventTime, series)', type('', 'events', 'Event'),
      { metadata: meta('e'), involvedObject: { kind: 'Deployment', name: 'web' }, type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up',
        eventTime: ago(60), reportingComponent: 'deployment-controller', series: { count: 3, lastObservedTime: ago(2) } },
      undefined,
      ['2s', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up', '60s', 3, 'e']],
    ['events.k8s.io events', type('events.k8s.io', 'events', 'Event'),
      { metadata: meta('e2'), regarding: { kind: 'Pod', name: 'web-1' }, type: 'Normal', reason: 'Pulled', note: 'Successfully pulled image', eventTime: ago(20), reportingController: 'kubelet', reportingInstance: 'node-1' },
      ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name'],
      ['20s', 'Normal', 'Pulled', 'pod/web-1', '', 'kubelet, node-1', 'Successfully pulled image', '20s', 1, 'e2']],
    ['hpa', type('autoscaling', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler'),
      { metadata: meta('web'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }, { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } }] },
        status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45 } } }] } },
      ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age'],
      ['web', 'Deployment/web', 'cpu: 45%/80%, memory: <unknown>/100Mi', '1', 5, 2, '3d1h']],
    ['configmaps', type('', 'configmaps', 'ConfigMap'), { metadata: meta('c'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } },
      ['Name', 'Data', 'Age'], ['c', 3, '3d1h']],
    ['secrets', type('', 'secrets', 'Secret'), { metadata: meta('sh.helm.release.v1.r.v1'), type: 'helm.sh/release.v1', data: { release: 'x' } },
      ['Name', 'Type', 'Data', 'Age'], ['sh.helm.release.v1.r.v1', 'helm.sh/release.v1', 1, '3d1h']],
    ['namespaces', type('', 'namespaces', 'Namespace'), { metadata: meta('default'), status: { phase: 'Active' } },
      ['Name', 'Status', 'Age'], ['default', 'Active', '3d1h']],
    ['nodes', type('', 'nodes', 'Node'),
      { metadata: { ...meta('node-1'), labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'node-1' } },
        spec: { unschedulable: true },
        status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '172.18.0.2' }],
          nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'kube-sim', kernelVersion: '6.1', containerRuntimeVersion: 'sim://1' } } },
      ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime'],
      ['node-1', 'Ready,SchedulingDisabled', 'control-plane', '3d1h', 'v1.32.0', '172.18.0.2', '<none>', 'kube-sim', '6.1', 'sim://1']],
    ['leases', type('coordination.k8s.io', 'leases', 'Lease'), { metadata: meta('lock'), spec: { holderIdentity: 'watchdog-1' } },
      ['Name', 'Holder', 'Age'], ['lock', 'watchdog-1', '3d1h']],
    ['ingresses', type('networking.k8s.io', 'ingresses', 'Ingress'),
      { metadata: meta('web'), spec: { ingressClassName: 'nginx', tls: [{ hosts: ['a.example.com'] }], rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }] },
        status: { loadBalancer: { ingress: [{ ip: '172.18.0.5' }] } } },
      ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age'], ['web', 'nginx', 'a.example.com,b.example.com', '172.18.0.5', '80, 443', '3d1h']],
    ['ingresses without hosts or class', type('networking.k8s.io', 'ingresses', 'Ingress'), { metadata: meta('any'), spec: { rules: [{}] } },
      undefined, ['any', '<none>', '*', '', '80', '3d1h']],
    ['poddisruptionbudgets', type('policy', 'poddisruptionbudgets', 'PodDisruptionBudget'), { metadata: meta('pdb'), spec: { minAvailable: 1 }, status: { disruptionsAllowed: 0 } },
      ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age'], ['pdb', '1', 'N/A', 0, '3d1h']],
    ['crds', type('apiextensions.k8s.io', 'customresourcedefinitions', 'CustomResourceDefinition'),
      { metadata: { name: 'widgets.example.com', creationTimestamp: '2025-12-29T10:00:00.000Z' } },
      ['Name', 'Created At'], ['widgets.example.com', '2025-12-29T10:00:00Z']],
    ['custom resources (default)', type('example.com', 'widgets', 'Widget'), { metadata: meta('w') },
      ['Name', 'Age'], ['w', '3d1h']],
  ])('%s', (_name, resource, object, columns, cells) => {
    const table = toTable(resource, [{ apiVersion: 'v1', kind: resource.kind, ...object } as KubeObject], now) as any;
    if (columns) expect(table.columnDefinitions.map((c: any) => c.name)).toEqual(columns);
    expect(table.rows[0].cells).toEqual(cells);
    expect(table.rows[0].cells).toHaveLength(table.columnDefinitions.length);
  });

  it.each([
    [{ matchLabels: { b: '1', a: '2' } }, 'a=2,b=1'],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'x', operator: 'DoesNotExist' }, { key: 'a', operator: 'Exists' }] }, 'a,env in (dev,prod),!x'],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, 'tier notin (db)'],
    [undefined, ''],
  ])('selector %#', (selector, text) => {
    expect(formatSelector(selector)).toBe(text);
  });
});
