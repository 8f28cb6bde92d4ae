/**
 * Server-side defaults as a real kube-apiserver (v1.32) writes them: the SetDefaults_* functions of
 * k8s.io/kubernetes pkg/apis/{core,apps,batch}/v1 plus the few values registry strategies fill in on create
 * (Service IP families, Secret stringData, Namespace finalizers, Pod phase). Pure and idempotent:
 * `applyDefaults(r, applyDefaults(r, x))` equals `applyDefaults(r, x)`; the input is never mutated.
 * Not here (the store does it): uid, resourceVersion, generation, Service clusterIP / nodePort allocation.
 */
import type { KubeObject, ResourceKey } from '../store/types.js';

// The defaulters walk loosely typed JSON; `any` keeps them readable.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = Record<string, any>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `obj[key]` as an object, created when missing. */
function ensure(obj: Json, key: string): Json {
  if (!isObj(obj[key])) obj[key] = {};
  return obj[key] as Json;
}

/** Returns `object` with the defaults a real API server writes for `resource` (a ResourceKey such as `deployments.apps`). */
export function applyDefaults(resource: ResourceKey, object: KubeObject): KubeObject {
  const o = structuredClone(object) as Json;
  switch (resource) {
    case 'pods':
      defaultPod(o);
      break;
    case 'podtemplates':
      if (isObj(o.template)) defaultPodTemplate(o.template);
      break;
    case 'replicationcontrollers':
      workload(o, (spec) => (spec.replicas ??= 1));
      break;
    case 'deployments.apps':
      workload(o, defaultDeploymentSpec);
      break;
    case 'replicasets.apps':
      workload(o, (spec) => (spec.replicas ??= 1));
      break;
    case 'statefulsets.apps':
      workload(o, defaultStatefulSetSpec);
      break;
    case 'daemonsets.apps':
      workload(o, defaultDaemonSetSpec);
      break;
    case 'jobs.batch':
      defaultJob(o);
      break;
    case 'cronjobs.batch':
      defaultCronJob(o);
      break;
    case 'services':
      defaultService(o);
      break;
    case 'secrets':
      defaultSecret(o);
      break;
    case 'persistentvolumeclaims':
      defaultPvcSpec(ensure(o, 'spec'));
      ensure(o, 'status').phase ??= 'Pending';
      break;
    case 'namespaces':
      defaultNamespace(o);
      break;
    case 'horizontalpodautoscalers.autoscaling': {
      const spec = ensure(o, 'spec');
      spec.minReplicas ??= 1;
      if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
        spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
      }
      break;
    }
    case 'networkpolicies.networking.k8s.io':
      defaultNetworkPolicy(ensure(o, 'spec'));
      break;
    case 'validatingwebhookconfigurations.admissionregistration.k8s.io':
    case 'mutatingwebhookconfigurations.admissionregistration.k8s.io':
      if (Array.isArray(o.webhooks)) for (const w of o.webhooks) if (isObj(w)) defaultWebhook(w, resource.startsWith('mutating'));
      break;
    case 'validatingadmissionpolicies.admissionregistration.k8s.io': {
      const spec = ensure(o, 'spec');
      spec.failurePolicy ??= 'Fail';
      if (isObj(spec.matchConstraints)) defaultMatchResources(spec.matchConstraints);
      break;
    }
    case 'validatingadmissionpolicybindings.admissionregistration.k8s.io': {
      const spec = ensure(o, 'spec');
      if (isObj(spec.matchResources)) defaultMatchResources(spec.matchResources);
      break;
    }
    case 'rolebindings.rbac.authorization.k8s.io':
    case 'clusterrolebindings.rbac.authorization.k8s.io':
      if (Array.isArray(o.subjects)) {
        for (const s of o.subjects) {
          if (isObj(s) && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup ??= 'rbac.authorization.k8s.io';
          if (isObj(s) && s.kind === 'ServiceAccount') s.apiGroup ??= '';
        }
      }
      break;
    default:
      break;
  }
  return o as KubeObject;
}

/**
 * The selector and labels the API server derives from a Job's uid when `spec.manualSelector` is not true:
 * `spec.selector.matchLabels` = {batch.kubernetes.io/controller-uid: uid}, and the template gets
 * `batch.kubernetes.io/controller-uid`, `batch.kubernetes.io/job-name`, `controller-uid`, `job-name`.
 * A Job without labels of its own then shows its template's labels (defaulting runs again on every read).
 * The store calls this on create, after assigning the uid. Pure; idempotent.
 */
export function jobSelectorDefaults(job: KubeObject, uid: string): KubeObject {
  const o = structuredClone(job) as Json;
  const spec = ensure(o, 'spec');
  if (spec.manualSelector === true) return o as KubeObject;
  const template = ensure(spec, 'template');
  const meta = ensure(template, 'metadata');
  const labels = ensure(meta, 'labels');
  const name = o.metadata?.name ?? '';
  labels['batch.kubernetes.io/controller-uid'] ??= uid;
  labels['batch.kubernetes.io/job-name'] ??= name;
  labels['controller-uid'] ??= uid;
  labels['job-name'] ??= name;
  spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const jobMeta = ensure(o, 'metadata');
  if (!isObj(jobMeta.labels) || Object.keys(jobMeta.labels).length === 0) jobMeta.labels = { ...labels };
  return o as KubeObject;
}

function workload(o: Json, specDefaults: (spec: Json) => void): void {
  const spec = ensure(o, 'spec');
  specDefaults(spec);
  if (isObj(spec.template)) defaultPodTemplate(spec.template);
}

function defaultDeploymentSpec(spec: Json): void {
  spec.replicas ??= 1;
  const strategy = ensure(spec, 'strategy');
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = ensure(strategy, 'rollingUpdate');
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
}

function defaultStatefulSetSpec(spec: Json): void {
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  const strategy = ensure(spec, 'updateStrategy');
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') ensure(strategy, 'rollingUpdate').partition ??= 0;
  spec.revisionHistoryLimit ??= 10;
  const retention = ensure(spec, 'persistentVolumeClaimRetentionPolicy');
  retention.whenDeleted ??= 'Retain';
  retention.whenScaled ??= 'Retain';
  if (Array.isArray(spec.volumeClaimTemplates)) {
    for (const claim of spec.volumeClaimTemplates) {
      if (!isObj(claim)) continue;
      claim.apiVersion ??= 'v1';
      claim.kind ??= 'PersistentVolumeClaim';
      defaultPvcSpec(ensure(claim, 'spec'));
      ensure(claim, 'status').phase ??= 'Pending';
    }
  }
}

function defaultDaemonSetSpec(spec: Json): void {
  const strategy = ensure(spec, 'updateStrategy');
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = ensure(strategy, 'rollingUpdate');
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
}

function defaultJobSpec(spec: Json): void {
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy !== undefined ? 'Failed' : 'TerminatingOrFailed';
}

function defaultJob(o: Json): void {
  const spec = ensure(o, 'spec');
  defaultJobSpec(spec);
  if (isObj(spec.template)) {
    defaultPodTemplate(spec.template);
    // A Job without labels takes its template's (SetDefaults_Job).
    const templateLabels = spec.template.metadata?.labels;
    const meta = ensure(o, 'metadata');
    if (isObj(templateLabels) && Object.keys(templateLabels).length > 0 && (!isObj(meta.labels) || Object.keys(meta.labels).length === 0)) {
      meta.labels = { ...templateLabels };
    }
  }
}

function defaultCronJob(o: Json): void {
  const spec = ensure(o, 'spec');
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const template = spec.jobTemplate?.spec?.template;
  if (isObj(template)) defaultPodTemplate(template);
}

function defaultPodTemplate(template: Json): void {
  defaultPodSpec(ensure(template, 'spec'));
}

function defaultPod(o: Json): void {
  const spec = ensure(o, 'spec');
  defaultPodSpec(spec);
  // What admission (ServiceAccount, Priority, DefaultTolerationSeconds) adds to every Pod on a real cluster.
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations: Json[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => isObj(t) && t.key === key && (t.effect === 'NoExecute' || t.effect === undefined))) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
  // SetDefaults_Pod: a resource with a limit but no request requests its limit.
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    if (!isObj(c) || !isObj(c.resources?.limits)) continue;
    const requests = ensure(c.resources, 'requests');
    for (const [r, v] of Object.entries(c.resources.limits)) requests[r] ??= v;
  }
  const status = ensure(o, 'status');
  status.phase ??= 'Pending';
  status.qosClass ??= qosClass(spec);
}

function defaultPodSpec(spec: Json): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    if (!Array.isArray(spec[list])) continue;
    for (const c of spec[list]) if (isObj(c)) defaultContainer(c, spec.hostNetwork === true);
  }
  if (Array.isArray(spec.volumes)) for (const v of spec.volumes) if (isObj(v)) defaultVolume(v);
}

/** imagePullPolicy: Always for `:latest` or no tag, else IfNotPresent (digests count as pinned). */
export function defaultPullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  if (!image) return 'Always';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return lastSegment.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Json, hostNetwork: boolean): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.resources ??= {};
  if (Array.isArray(c.ports)) {
    for (const p of c.ports) {
      if (!isObj(p)) continue;
      p.protocol ??= 'TCP';
      if (hostNetwork) p.hostPort ??= p.containerPort;
    }
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) if (isObj(c[probe])) defaultProbe(c[probe]);
  if (isObj(c.lifecycle)) {
    for (const hook of ['postStart', 'preStop']) if (isObj(c.lifecycle[hook]?.httpGet)) defaultHttpGet(c.lifecycle[hook].httpGet);
  }
  if (Array.isArray(c.env)) {
    for (const e of c.env) if (isObj(e?.valueFrom?.fieldRef)) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
}

function defaultProbe(p: Json): void {
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (isObj(p.httpGet)) defaultHttpGet(p.httpGet);
  if (isObj(p.grpc)) p.grpc.service ??= '';
}

function defaultHttpGet(h: Json): void {
  h.path ??= '/';
  h.scheme ??= 'HTTP';
}

function defaultVolume(v: Json): void {
  for (const source of ['configMap', 'secret', 'projected', 'downwardAPI']) if (isObj(v[source])) v[source].defaultMode ??= 420;
  if (isObj(v.hostPath)) v.hostPath.type ??= '';
  if (isObj(v.downwardAPI) && Array.isArray(v.downwardAPI.items)) {
    for (const item of v.downwardAPI.items) if (isObj(item?.fieldRef)) item.fieldRef.apiVersion ??= 'v1';
  }
}

/** admissionregistration/v1 SetDefaults_ValidatingWebhook / _MutatingWebhook (and their rules and service port). */
function defaultWebhook(w: Json, mutating: boolean): void {
  w.failurePolicy ??= 'Fail';
  w.matchPolicy ??= 'Equivalent';
  w.namespaceSelector ??= {};
  w.objectSelector ??= {};
  w.timeoutSeconds ??= 10;
  if (mutating) w.reinvocationPolicy ??= 'Never';
  if (Array.isArray(w.rules)) for (const r of w.rules) if (isObj(r)) r.scope ??= '*';
  if (isObj(w.clientConfig) && isObj(w.clientConfig.service)) w.clientConfig.service.port ??= 443;
}

/** SetDefaults_MatchResources of admission policies and their bindings. */
function defaultMatchResources(m: Json): void {
  m.matchPolicy ??= 'Equivalent';
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
}

function defaultNetworkPolicy(spec: Json): void {
  // SetDefaults_NetworkPolicy: Ingress always; Egress when egress rules exist.
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  for (const rules of [spec.ingress, spec.egress]) {
    if (!Array.isArray(rules)) continue;
    for (const rule of rules) {
      if (!isObj(rule) || !Array.isArray(rule.ports)) continue;
      for (const port of rule.ports) if (isObj(port)) port.protocol ??= 'TCP';
    }
  }
}

function defaultPvcSpec(spec: Json): void {
  spec.volumeMode ??= 'Filesystem';
}

function defaultService(o: Json): void {
  const spec = ensure(o, 'spec');
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP') ensure(ensure(spec, 'sessionAffinityConfig'), 'clientIP').timeoutSeconds ??= 10800;
  if (Array.isArray(spec.ports)) {
    for (const p of spec.ports) {
      if (!isObj(p)) continue;
      p.protocol ??= 'TCP';
      if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
    }
  }
  if (spec.type === 'ExternalName') return;
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  spec.ipFamilyPolicy ??= 'SingleStack';
  spec.ipFamilies ??= ['IPv4'];
}

function defaultSecret(o: Json): void {
  o.type ??= 'Opaque';
  if (isObj(o.stringData)) {
    // stringData wins over data for the same key, and is never stored (v1 -> internal conversion).
    const data = isObj(o.data) ? o.data : {};
    for (const [key, value] of Object.entries(o.stringData)) data[key] = Buffer.from(String(value), 'utf8').toString('base64');
    o.data = data;
  }
  delete o.stringData;
}

function defaultNamespace(o: Json): void {
  const meta = ensure(o, 'metadata');
  const labels = ensure(meta, 'labels');
  if (typeof meta.name === 'string') labels['kubernetes.io/metadata.name'] = meta.name;
  const spec = ensure(o, 'spec');
  if (!Array.isArray(spec.finalizers)) spec.finalizers = ['kubernetes'];
  ensure(o, 'status').phase ??= 'Active';
}

/** The Pod's QoS class from its containers' requests and limits (Guaranteed, Burstable, BestEffort). */
export function qosClass(spec: Json): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Json[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].filter(isObj);
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const requests: Json = c.resources?.requests ?? {};
    const limits: Json = c.resources?.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      const limit = limits[r];
      const request = requests[r] ?? limit;
      if (limit === undefined || String(request) !== String(limit)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
