/**
 * Cross-check of the pure verdicts against kube-sim's real controllers and kubelet: objects are created over
 * HTTP and read back through @kubernetes/client-node (Date timestamps, real pod-template-hash /
 * controller-revision-hash labels, real kubelet reasons), so the table tests' fixtures cannot drift from what
 * the watcher will really see. Every wait is driven by store change events with a bounded timeout.
 */
import { AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { evaluateRollout } from '../../../src/domain/health/evaluate.js';
import { DEFAULT_HEALTH_OPTIONS, type ClusterSnapshot, type HealthOptions, type Verdict } from '../../../src/domain/health/types.js';
import { workloadsFromManifest } from '../../../src/domain/manifest/workloads.js';
import type { WorkloadRef } from '../../../src/domain/manifest/workload-ref.js';
import { startSim, type RunningSim } from '../../../src/sim/index.js';

const NS = 'xcheck';
let sim: RunningSim;
let core: CoreV1Api;
let apps: AppsV1Api;
let batch: BatchV1Api;

beforeAll(async () => {
  sim = await startSim({ timeScale: 10 });
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  batch = kc.makeApiClient(BatchV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
});

afterAll(async () => {
  await sim?.stop();
});

async function snapshotNow(): Promise<ClusterSnapshot> {
  const [deployments, replicaSets, statefulSets, daemonSets, jobs, pods, events] = await Promise.all([
    apps.listNamespacedDeployment({ namespace: NS }),
    apps.listNamespacedReplicaSet({ namespace: NS }),
    apps.listNamespacedStatefulSet({ namespace: NS }),
    apps.listNamespacedDaemonSet({ namespace: NS }),
    batch.listNamespacedJob({ namespace: NS }),
    core.listNamespacedPod({ namespace: NS }),
    core.listNamespacedEvent({ namespace: NS }),
  ]);
  return {
    deployments: deployments.items,
    replicaSets: replicaSets.items,
    statefulSets: statefulSets.items,
    daemonSets: daemonSets.items,
    jobs: jobs.items,
    pods: pods.items,
    events: events.items,
  };
}

/** Re-evaluates on every store change until the verdict is not progressing; fails after `limitMs`. */
function settle(workloads: WorkloadRef[], startedAt: Date, options: Partial<HealthOptions> = {}, limitMs = 20_000): Promise<{ verdict: Verdict; snapshot: ClusterSnapshot }> {
  return new Promise((resolve, reject) => {
    let last: Verdict | undefined;
    let busy = false;
    let again = false;
    let done = false;
    let recheck: NodeJS.Timeout | undefined;
    const check = async (): Promise<void> => {
      if (done) return;
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        const snapshot = await snapshotNow();
        // At 10x time scale the sim's 2 s crash/OOM delay is 0.2 s real: a 1 s stability window covers it.
        last = evaluateRollout({ workloads, snapshot, options: { ...DEFAULT_HEALTH_OPTIONS, minStableMs: 1_000, ...options }, now: new Date(), startedAt });
        if (last.state !== 'progressing') {
          finish();
          resolve({ verdict: last, snapshot });
        } else if (last.recheckAt) {
          // Like the service: one timer for the next moment the verdict can change without cluster activity.
          if (recheck) clearTimeout(recheck);
          recheck = setTimeout(() => void check(), Math.max(0, last.recheckAt.getTime() - Date.now()));
        }
      } catch (err) {
        finish();
        reject(err);
      } finally {
        busy = false;
        if (again && !done) {
          again = false;
          void check();
        }
      }
    };
    const unsubscribe = sim.store.subscribe(() => void check());
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`no verdict within ${limitMs} ms; last: ${JSON.stringify(last && { state: last.state, progress: last.progress })}`));
    }, limitMs);
    function finish(): void {
      done = true;
      unsubscribe();
      clearTimeout(timer);
      if (recheck) clearTimeout(recheck);
    }
    void check();
  });
}

const webManifest = (image: string, extra = '') => `---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${NS}
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: app
          image: ${image}
${extra}`;

/**
 * Runs a read-then-replace again when the API server answers 409 Conflict: a controller updated the object (its
 * status) between the read and the replace, as any client of a real cluster must expect.
 */
async function onConflictRetry(write: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if ((err as { code?: number }).code !== 409 || attempt >= 5) throw err;
    }
  }
}

/** Replaces the object at the live resourceVersion, or creates it; a 409 Conflict re-reads and tries again. */
async function createOrReplace(
  obj: { metadata: { name: string } },
  api: { read: (name: string) => Promise<{ metadata?: { resourceVersion?: string } }>; replace: (name: string, body: object) => Promise<unknown>; create: (body: object) => Promise<unknown> },
): Promise<void> {
  await onConflictRetry(async () => {
    const existing = await api.read(obj.metadata.name).catch(() => undefined);
    if (existing) await api.replace(obj.metadata.name, { ...obj, metadata: { ...obj.metadata, resourceVersion: existing.metadata?.resourceVersion } });
    else await api.create(obj);
  });
}

/** Creates or replaces the objects of a manifest, like helm would, and returns its workloads. */
async function apply(manifest: string): Promise<WorkloadRef[]> {
  for (const doc of yaml.loadAll(manifest)) {
    const obj = doc as { kind: string; metadata: { name: string } };
    if (obj.kind === 'Deployment') {
      await createOrReplace(obj, {
        read: (name) => apps.readNamespacedDeployment({ name, namespace: NS }),
        replace: (name, body) => apps.replaceNamespacedDeployment({ name, namespace: NS, body: body as never }),
        create: (body) => apps.createNamespacedDeployment({ namespace: NS, body: body as never }),
      });
    } else if (obj.kind === 'StatefulSet') {
      await createOrReplace(obj, {
        read: (name) => apps.readNamespacedStatefulSet({ name, namespace: NS }),
        replace: (name, body) => apps.replaceNamespacedStatefulSet({ name, namespace: NS, body: body as never }),
        create: (body) => apps.createNamespacedStatefulSet({ namespace: NS, body: body as never }),
      });
    } else if (obj.kind === 'Job') {
      await batch.createNamespacedJob({ namespace: NS, body: obj as never });
    }
  }
  return workloadsFromManifest(manifest, NS);
}

async function upgrade(manifest: string, options: Partial<HealthOptions> = {}) {
  const startedAt = new Date();
  const workloads = await apply(manifest);
  return settle(workloads, startedAt, options);
}

/** The name of the new ReplicaSet (highest revision) of Deployment web. */
function newestRs(snapshot: ClusterSnapshot): string {
  const sorted = [...snapshot.replicaSets].sort(
    (a, b) => Number(b.metadata?.annotations?.['deployment.kubernetes.io/revision']) - Number(a.metadata?.annotations?.['deployment.kubernetes.io/revision']),
  );
  return sorted[0]?.metadata?.name ?? '';
}

describe('verdicts on kube-sim objects read through client-node', () => {
  it('a good Deployment becomes healthy', async () => {
    const { verdict } = await upgrade(webManifest('registry.example.com/web:1'));
    expect(verdict.state).toBe('healthy');
    expect(verdict.progress.workloads[0]).toMatchObject({ desired: 2, updated: 2, ready: 2, available: 2, done: true });
  });

  it.each([
    ['registry.example.com/web:crashloop', 'CrashLoopBackOff'],
    ['registry.example.com/web:missing', 'ErrImagePull|ImagePullBackOff'],
    ['registry.example.com/web:oom', 'OOMKilled'],
  ])('upgrading to %s fails with %s on a pod of the new ReplicaSet, then rolling back is healthy', async (image, reason) => {
    const { verdict, snapshot } = await upgrade(webManifest(image));
    expect(verdict.state).toBe('failed');
    if (verdict.state !== 'failed') return;
    expect(verdict.reason).toMatch(new RegExp(`^(${reason})$`));
    expect(verdict.object).toMatch(new RegExp(`^Pod/${newestRs(snapshot)}-`));
    expect(verdict.container).toBe('app');
    expect(verdict.firstSignalAt.getTime()).toBeLessThanOrEqual(Date.now());

    // Back to the good template: the old ReplicaSet becomes the new one again; the failing pods go away.
    const back = await upgrade(webManifest('registry.example.com/web:1'));
    expect(back.verdict.state).toBe('healthy');
  });

  it('an unschedulable pod fails once the grace has passed', async () => {
    const huge = '          resources:\n            requests: { cpu: "64" }\n';
    const { verdict } = await upgrade(webManifest('registry.example.com/web:1', huge), { unschedulableGraceMs: 0 });
    expect(verdict).toMatchObject({ state: 'failed', reason: 'Unschedulable' });
    expect(await upgrade(webManifest('registry.example.com/web:1'))).toMatchObject({ verdict: { state: 'healthy' } });
  });

  it.each([
    ['a never-ready container fails Unready after the grace', webManifest('registry.example.com/web:unready'), { unreadyGraceMs: 300 }, 'Unready'],
    [
      'a missing ConfigMap fails CreateContainerConfigError',
      webManifest('registry.example.com/web:1', '          envFrom:\n            - configMapRef: { name: does-not-exist }\n'),
      {},
      'CreateContainerConfigError',
    ],
    [
      'a missing ConfigMap volume fails FailedMount after the grace',
      webManifest('registry.example.com/web:1', '          volumeMounts: [{ name: config, mountPath: /etc/web }]\n      volumes: [{ name: config, configMap: { name: does-not-exist } }]\n'),
      { mountGraceMs: 300 },
      'FailedMount',
    ],
    [
      'a stuck rollout fails ProgressDeadlineExceeded',
      webManifest('registry.example.com/web:unready').replace('  replicas: 2\n', '  replicas: 2\n  progressDeadlineSeconds: 3\n'),
      { unreadyGraceMs: 600_000 },
      'ProgressDeadlineExceeded',
    ],
  ])('%s', async (_name, manifest, options, reason) => {
    const { verdict } = await upgrade(manifest, options);
    expect(verdict).toMatchObject({ state: 'failed', reason });
    expect(await upgrade(webManifest('registry.example.com/web:1'))).toMatchObject({ verdict: { state: 'healthy' } });
  });

  it('a StatefulSet update judges only pods of the update revision', async () => {
    const sts = (image: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: ${NS} }
spec:
  replicas: 2
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers: [{ name: db, image: ${image} }]
`;
    expect(await upgrade(sts('registry.example.com/db:1'))).toMatchObject({ verdict: { state: 'healthy' } });
    const { verdict, snapshot } = await upgrade(sts('registry.example.com/db:crashloop'));
    expect(verdict).toMatchObject({ state: 'failed', reason: 'CrashLoopBackOff', object: 'Pod/db-1', container: 'db' });
    const updateRevision = snapshot.statefulSets[0]?.status?.updateRevision;
    expect(snapshot.pods.find((p) => p.metadata?.name === 'db-1')?.metadata?.labels?.['controller-revision-hash']).toBe(updateRevision);
  });

  it('a failing Job fails with JobFailed when waiting for jobs', async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: { name: seed, namespace: ${NS} }
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: seed, image: registry.example.com/seed:fail }]
`;
    const { verdict } = await upgrade(job, { waitForJobs: true });
    expect(verdict).toMatchObject({ state: 'failed', reason: 'JobFailed', object: 'Job/seed' });
  });
});
