import { describe, expect, it } from '@jest/globals';
import { applyDefaults, defaultPullPolicy, jobSelectorDefaults, qosClass } from '../../../src/sim/api/defaults.js';
import type { KubeObject } from '../../../src/sim/store/types.js';

const template = (containers: unknown[], extra: Record<string, unknown> = {}) => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers, ...extra },
});

const defaultedContainer = {
  name: 'app',
  image: 'nginx:1.25',
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  imagePullPolicy: 'IfNotPresent',
  resources: {},
};

const defaultedPodSpecFields = {
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  securityContext: {},
  schedulerName: 'default-scheduler',
  enableServiceLinks: true,
};

describe('applyDefaults', () => {
  it('Deployment: spec defaults and a fully defaulted pod template', () => {
    const out = applyDefaults('deployments.apps', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: template([{ name: 'app', image: 'nginx:1.25' }]) },
    });
    expect(out.spec).toEqual({
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [defaultedContainer], ...defaultedPodSpecFields } },
    });
  });

  it('Deployment with Recreate gets no rollingUpdate; given values are kept', () => {
    const out = applyDefaults('deployments.apps', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: { replicas: 0, strategy: { type: 'Recreate' }, progressDeadlineSeconds: 30, template: template([]) },
    });
    expect((out.spec as any).strategy).toEqual({ type: 'Recreate' });
    expect((out.spec as any).replicas).toBe(0);
    expect((out.spec as any).progressDeadlineSeconds).toBe(30);
  });

  it('containers: pull policy, ports, probes, env fieldRef, volumes', () => {
    const out = applyDefaults('replicasets.apps', {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' },
      spec: { template: template([{
        name: 'app', image: 'nginx',
        ports: [{ containerPort: 80 }],
        readinessProbe: { httpGet: { port: 80 } },
        livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
        env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      }], { volumes: [{ name: 'c', configMap: { name: 'c' } }, { name: 's', secret: { secretName: 's', defaultMode: 256 } }] }) },
    });
    const spec = (out.spec as any).template.spec;
    const c = spec.containers[0];
    expect((out.spec as any).replicas).toBe(1);
    expect(c.imagePullPolicy).toBe('Always');
    expect(c.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(c.readinessProbe).toEqual({ httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(c.livenessProbe.periodSeconds).toBe(5);
    expect(c.env[0].valueFrom.fieldRef).toEqual({ fieldPath: 'metadata.name', apiVersion: 'v1' });
    expect(spec.volumes).toEqual([{ name: 'c', configMap: { name: 'c', defaultMode: 420 } }, { name: 's', secret: { secretName: 's', defaultMode: 256 } }]);
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry:5000/team/app', 'Always'],
    ['registry:5000/team/app:v2', 'IfNotPresent'],
    ['app@sha256:abc', 'IfNotPresent'],
  ])('imagePullPolicy for %s is %s', (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy);
  });

  it('StatefulSet and DaemonSet', () => {
    const sts = applyDefaults('statefulsets.apps', {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
      spec: { serviceName: 'db', template: template([]), volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }] },
    });
    expect(sts.spec).toMatchObject({
      replicas: 1, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    expect((sts.spec as any).volumeClaimTemplates[0]).toEqual({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }, status: { phase: 'Pending' },
    });
    const ds = applyDefaults('daemonsets.apps', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { template: template([]) } });
    expect(ds.spec).toMatchObject({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 });
    expect((ds.spec as any).replicas).toBeUndefined();
  });

  it('Job: spec defaults, restartPolicy as given, labels from the template; selector from the uid', () => {
    const job = applyDefaults('jobs.batch', {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' },
      spec: { template: { metadata: { labels: { app: 'm' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'busybox:1' }] } } },
    });
    expect(job.spec).toMatchObject({
      backoffLimit: 6, completions: 1, parallelism: 1, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed',
    });
    expect((job.spec as any).template.spec.restartPolicy).toBe('Never');
    expect((job.spec as any).manualSelector).toBeUndefined();
    expect(job.metadata.labels).toEqual({ app: 'm' });

    const withUid = jobSelectorDefaults({ ...job, metadata: { name: 'migrate' } }, 'uid-1');
    expect((withUid.spec as any).selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } });
    const labels = { app: 'm', 'batch.kubernetes.io/controller-uid': 'uid-1', 'batch.kubernetes.io/job-name': 'migrate', 'controller-uid': 'uid-1', 'job-name': 'migrate' };
    expect((withUid.spec as any).template.metadata.labels).toEqual(labels);
    expect(withUid.metadata.labels).toEqual(labels);
    expect(jobSelectorDefaults(withUid, 'uid-1')).toEqual(withUid);
  });

  it('Job with parallelism only: completions stays unset; manualSelector keeps the given selector', () => {
    const job = applyDefaults('jobs.batch', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', labels: { own: 'x' } }, spec: { parallelism: 3, template: template([]) } });
    expect((job.spec as any).completions).toBeUndefined();
    expect(job.metadata.labels).toEqual({ own: 'x' });
    const manual = { ...job, spec: { ...(job.spec as object), manualSelector: true, selector: { matchLabels: { a: 'b' } } } };
    expect(jobSelectorDefaults(manual, 'u')).toEqual(manual);
  });

  it('CronJob', () => {
    const cj = applyDefaults('cronjobs.batch', {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' },
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox:1' }] } } } } },
    });
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect((cj.spec as any).jobTemplate.spec.template.spec.containers[0].terminationMessagePath).toBe('/dev/termination-log');
  });

  it('Service: ClusterIP defaults, targetPort from port, no clusterIP allocation', () => {
    const svc = applyDefaults('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 'https', protocol: 'TCP' }] } });
    expect(svc.spec).toEqual({
      type: 'ClusterIP', sessionAffinity: 'None', selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 443, targetPort: 'https', protocol: 'TCP' }],
      internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
    });
    const lb = applyDefaults('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
    expect(lb.spec).toMatchObject({ externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true });
    const ext = applyDefaults('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'ExternalName', externalName: 'x.example.com' } });
    expect(ext.spec).toEqual({ type: 'ExternalName', externalName: 'x.example.com', sessionAffinity: 'None' });
  });

  it('Secret: type Opaque, stringData merged into base64 data (winning) and removed', () => {
    const s = applyDefaults('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'eA==', b: 'eQ==' }, stringData: { b: 'héllo', c: 'z' } } as KubeObject);
    expect(s.type).toBe('Opaque');
    expect(s.data).toEqual({ a: 'eA==', b: Buffer.from('héllo').toString('base64'), c: 'eg==' });
    expect(s.stringData).toBeUndefined();
    const typed = applyDefaults('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'helm.sh/release.v1' } as KubeObject);
    expect(typed.type).toBe('helm.sh/release.v1');
    expect(typed.data).toBeUndefined();
  });

  it('Namespace, PVC, Pod', () => {
    const ns = applyDefaults('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    expect(ns).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels: { 'kubernetes.io/metadata.name': 'team' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    const pvc = applyDefaults('persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: { accessModes: ['ReadWriteOnce'] } });
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' });
    expect(pvc.status).toEqual({ phase: 'Pending' });
    const pod = applyDefaults('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'nginx:1.25', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } });
    expect(pod.spec).toMatchObject({ ...defaultedPodSpecFields, serviceAccountName: 'default', priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
    expect((pod.spec as any).tolerations).toHaveLength(2);
    expect((pod.spec as any).containers[0].resources.requests).toEqual({ cpu: '1', memory: '1Gi' });
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'Guaranteed' });
  });

  it('NetworkPolicy policyTypes and port protocol; RBAC subjects apiGroup; HPA metrics', () => {
    const np = applyDefaults('networkpolicies.networking.k8s.io', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] } });
    expect(np.spec).toEqual({ podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: 'TCP' }] }], policyTypes: ['Ingress'] });
    const egress = applyDefaults('networkpolicies.networking.k8s.io', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, egress: [{}] } });
    expect((egress.spec as any).policyTypes).toEqual(['Ingress', 'Egress']);
    const rb = applyDefaults('rolebindings.rbac.authorization.k8s.io', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'default' }] } as KubeObject);
    expect(rb.subjects).toEqual([{ kind: 'User', name: 'u', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'default', apiGroup: '' }]);
    const hpa = applyDefaults('horizontalpodautoscalers.autoscaling', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { maxReplicas: 3 } });
    expect(hpa.spec).toEqual({ maxReplicas: 3, minReplicas: 1, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] });
  });

  it.each([
    [{ containers: [{ name: 'a' }] }, 'BestEffort'],
    [{ containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }] }, 'Burstable'],
    [{ containers: [{ name: 'a', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }] }, 'Guaranteed'],
    [{ containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }, { name: 'b' }] }, 'Burstable'],
  ])('qosClass %#', (spec, expected) => {
    expect(qosClass(spec)).toBe(expected);
  });

  const samples: Array<[string, KubeObject]> = [
    ['deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: template([{ name: 'a', image: 'x', ports: [{ containerPort: 1 }], readinessProbe: { httpGet: { port: 1 } } }]) } }],
    ['statefulsets.apps', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { template: template([]), volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: {} }] } }],
    ['daemonsets.apps', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { template: template([]) } }],
    ['jobs.batch', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: template([{ name: 'a', image: 'x' }]) } }],
    ['cronjobs.batch', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: template([]) } } } }],
    ['services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 1 }] } }],
    ['secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { a: 'b' } } as KubeObject],
    ['namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }],
    ['pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1' } } }] } }],
    ['persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: {} }],
    ['configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } } as KubeObject],
  ];

  it.each(samples)('%s is idempotent and does not mutate its input', (resource, object) => {
    const before = JSON.stringify(object);
    const once = applyDefaults(resource, object);
    expect(JSON.stringify(object)).toBe(before);
    expect(applyDefaults(resource, once)).toEqual(once);
  });
});
