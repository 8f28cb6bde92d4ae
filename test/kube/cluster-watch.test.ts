import { loadKubeConfig } from '../../src/kube/kubeconfig.js';
import { createKubeClusterWatch } from '../../src/kube/cluster-watch.js';
import { createKubeLedgerStore } from '../../src/kube/ledger-store.js';
import { ClusterUnavailableError } from '../../src/errors/errors.js';
import type { ClusterWatch } from '../../src/ports/cluster-watch.js';
import { withSim, type TestSim } from '../sim/helpers.js';

let sim: TestSim;
beforeAll(async () => {
  sim = await withSim({ workloads: false });
});
afterAll(async () => {
  await sim?.stop();
});

const kube = () => loadKubeConfig({ kubeconfig: sim.kubeconfigPath, env: {} });
const record = (kind: 'Secret' | 'ConfigMap', release: string, revision: number, status: string) => ({
  apiVersion: 'v1',
  kind,
  metadata: {
    name: `sh.helm.release.v1.${release}.v${revision}`,
    namespace: 'default',
    labels: { name: release, owner: 'helm', status, version: String(revision) },
  },
  data: { release: kind === 'Secret' ? Buffer.from('x').toString('base64') : 'x' },
});

/** Resolves on the first change after which `predicate` holds. */
function changeUntil(watch: ClusterWatch, predicate: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching change within 10 s')), 10_000);
    const off = watch.onChange(() => {
      if (!predicate()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Resolves once `predicate` holds (checked every 20 ms), rejects naming `what` after 5 s. */
async function until(predicate: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 5_000; !predicate(); ) {
    if (Date.now() > deadline) throw new Error(`waited 5 s for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('informer-backed ClusterWatch on kube-sim', () => {
  it('lists on start, then sees pods and the release records (Secret driver) as they change', async () => {
    sim.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'before', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    sim.store.create('secrets', record('Secret', 'web', 1, 'deployed'));
    sim.store.create('secrets', record('Secret', 'other', 1, 'deployed'));
    const k = kube();
    const watch = createKubeClusterWatch({ kubeConfig: k.kubeConfig, server: k.server, namespace: 'default', release: 'web', driver: 'secret' });
    try {
      await watch.start();
      expect(watch.snapshot().pods.map((p) => p.metadata?.name)).toContain('before');
      expect(watch.releaseRecords().map((r) => [r.revision, r.status])).toEqual([[1, 'deployed']]);

      const podSeen = changeUntil(watch, () => watch.snapshot().pods.some((p) => p.metadata?.name === 'after'));
      sim.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'after', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
      await podSeen;

      const revisionSeen = changeUntil(watch, () => watch.releaseRecords().some((r) => r.revision === 2));
      sim.store.create('secrets', record('Secret', 'web', 2, 'pending-upgrade'));
      await revisionSeen;
      expect(watch.releaseRecords().map((r) => [r.revision, r.status])).toEqual([[1, 'deployed'], [2, 'pending-upgrade']]);
    } finally {
      watch.stop();
    }
  });

  it('a fresh snapshot reads the API server itself: during a 5xx outage it waits for the server, and shows a change the quiet informers have not delivered', async () => {
    sim.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fresh', namespace: 'default', labels: { phase: 'old' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const k = kube();
    const watch = createKubeClusterWatch({ kubeConfig: k.kubeConfig, server: k.server, namespace: 'default', release: 'fresh', driver: 'secret' });
    const labelOf = (pods: ReturnType<ClusterWatch['snapshot']>['pods']) => pods.find((p) => p.metadata?.name === 'fresh')?.metadata?.labels?.phase;
    try {
      await watch.start();
      expect(labelOf(watch.snapshot().pods)).toBe('old');
      // The API server fails for 1.5 s: writes made meanwhile (the simulator's own) reach no open watch until it ends.
      const outageEnds = Date.now() + 1500;
      sim.faults.burst({ forMs: 1500, code: 503 });
      const current = sim.store.get('pods', 'default', 'fresh')!;
      sim.store.update('pods', { ...current, metadata: { ...current.metadata, labels: { phase: 'new' } } });
      const fresh = await watch.freshSnapshot!();
      expect(Date.now()).toBeGreaterThanOrEqual(outageEnds);
      expect(labelOf(fresh.pods)).toBe('new');
      expect(fresh.deployments).toEqual([]);
    } finally {
      sim.faults.clear();
      watch.stop();
    }
  });

  it('reads the ConfigMap driver records with the configmap driver', async () => {
    sim.store.create('configmaps', record('ConfigMap', 'cmrel', 3, 'failed'));
    const k = kube();
    const watch = createKubeClusterWatch({ kubeConfig: k.kubeConfig, server: k.server, namespace: 'default', release: 'cmrel', driver: 'configmap' });
    try {
      await watch.start();
      expect(watch.releaseRecords().map((r) => [r.revision, r.status])).toEqual([[3, 'failed']]);
    } finally {
      watch.stop();
    }
  });

  it('watchNamespaces adds the workload kinds of other namespaces the manifest names (release records stay in the release namespace)', async () => {
    const pod = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } });
    sim.store.create('pods', pod('b-before', 'team-b'));
    const k = kube();
    const watch = createKubeClusterWatch({ kubeConfig: k.kubeConfig, server: k.server, namespace: 'default', release: 'multi', driver: 'secret' });
    try {
      await watch.start();
      expect(watch.snapshot().pods.map((p) => p.metadata?.name)).not.toContain('b-before');
      await watch.watchNamespaces?.(['team-b', 'default']);
      expect(watch.snapshot().pods.filter((p) => p.metadata?.namespace === 'team-b').map((p) => p.metadata?.name)).toEqual(['b-before']);
      const seen = changeUntil(watch, () => watch.snapshot().pods.some((p) => p.metadata?.name === 'b-after'));
      sim.store.create('pods', pod('b-after', 'team-b'));
      await seen;
      expect(watch.snapshot().pods.some((p) => p.metadata?.name === 'before' && p.metadata.namespace === 'default')).toBe(true);
    } finally {
      watch.stop();
    }
  });

  it('watchResources lists and watches the manifest\'s other kinds after discovery (custom resources, claims); an unknown kind is reported, not fatal', async () => {
    sim.store.create('customresourcedefinitions.apiextensions.k8s.io', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'databases.db.example.com' },
      spec: {
        group: 'db.example.com',
        scope: 'Namespaced',
        names: { plural: 'databases', singular: 'database', kind: 'Database', listKind: 'DatabaseList' },
        versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    sim.store.create('databases.db.example.com', { apiVersion: 'db.example.com/v1', kind: 'Database', metadata: { name: 'orders', namespace: 'default' }, spec: { size: 1 } });
    sim.store.create('persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    sim.store.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1' }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } });
    const k = kube();
    const watch = createKubeClusterWatch({ kubeConfig: k.kubeConfig, server: k.server, namespace: 'default', release: 'crs', driver: 'secret' });
    try {
      await watch.start();
      const unwatched = await watch.watchResources!([
        { apiVersion: 'db.example.com/v1', kind: 'Database', namespaces: ['default'] },
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespaces: ['default'] },
        { apiVersion: 'nope.example.com/v1', kind: 'Widget', namespaces: ['default'] },
      ]);
      expect(unwatched.map((u) => `${u.kind} ${u.apiVersion}`)).toEqual(['Widget nope.example.com/v1']);
      const names = () => watch.snapshot().resources?.map((o) => `${o.kind}/${o.metadata?.name} ${o.apiVersion}`).sort();
      expect(names()).toEqual(['Database/orders db.example.com/v1', 'PersistentVolumeClaim/data v1']);
      expect(watch.snapshot().unwatched?.map((u) => u.kind)).toEqual(['Widget']);
      // Nodes are listed for the never-schedulable rule; kube-sim runs no cluster autoscaler (no status ConfigMap).
      expect(watch.snapshot().nodes?.map((n) => n.metadata?.name)).toEqual(['worker-1']);
      expect(watch.snapshot().autoscaler).toBe(false);

      const ready = () => watch.snapshot().resources?.find((o) => o.kind === 'Database')?.status?.conditions?.[0]?.status === 'True';
      const seen = changeUntil(watch, ready);
      const live = sim.store.get('databases.db.example.com', 'default', 'orders')!;
      sim.store.update('databases.db.example.com', { ...live, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Up' }] } });
      await seen;
    } finally {
      watch.stop();
    }
  });

  it('holds Warning events only, and selectPods narrows the pods to a label selector (then follows it live)', async () => {
    const ns = 'crowd';
    sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const pod = (name: string, app: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { app } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const event = (name: string, type: string) => ({
      apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: ns }, type, reason: type === 'Warning' ? 'BackOff' : 'Pulled', message: name,
      involvedObject: { kind: 'Pod', name: 'mine-1', namespace: ns },
    });
    sim.store.create('pods', pod('mine-1', 'mine'));
    sim.store.create('pods', pod('other-1', 'other'));
    sim.store.create('events', event('normal-1', 'Normal'));
    sim.store.create('events', event('warning-1', 'Warning'));
    const k = kube();
    const watch = createKubeClusterWatch({ kubeConfig: k.kubeConfig, server: k.server, namespace: ns, release: 'mine', driver: 'secret' });
    const names = (items: ReadonlyArray<{ metadata?: { name?: string } }>) => items.map((o) => o.metadata?.name).sort();
    try {
      await watch.start();
      expect(names(watch.snapshot().events)).toEqual(['warning-1']);
      expect(names(watch.snapshot().pods)).toEqual(['mine-1', 'other-1']);
      await watch.selectPods!(ns, 'app=mine');
      expect(names(watch.snapshot().pods)).toEqual(['mine-1']);
      const seen = changeUntil(watch, () => names(watch.snapshot().pods).includes('mine-2'));
      sim.store.create('pods', pod('other-2', 'other'));
      sim.store.create('pods', pod('mine-2', 'mine'));
      sim.store.create('events', event('normal-2', 'Normal'));
      await seen;
      expect(names(watch.snapshot().pods)).toEqual(['mine-1', 'mine-2']);
      expect(names(watch.snapshot().events)).toEqual(['warning-1']);
    } finally {
      watch.stop();
    }
  });

  it('selectPods before start(): the first list already holds only the selected pods', async () => {
    const ns = 'crowd2';
    sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const [name, app] of [['a-1', 'a'], ['b-1', 'b']]) sim.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { app } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const k = kube();
    const watch = createKubeClusterWatch({ kubeConfig: k.kubeConfig, server: k.server, namespace: ns, release: 'a', driver: 'secret' });
    try {
      await watch.selectPods!(ns, 'app=a');
      const listsBefore = sim.stats().byVerbResource['list pods'] ?? 0;
      await watch.start();
      expect(watch.snapshot().pods.map((p) => p.metadata?.name)).toEqual(['a-1']);
      expect((sim.stats().byVerbResource['list pods'] ?? 0) - listsBefore).toBe(1);
    } finally {
      watch.stop();
    }
  });

  it('stop() while start() is still listing leaves no watch open: the watches opened after the lists are closed at once', async () => {
    // client-node's informer opens its watch once its list returns, even when stopped meanwhile; an open watch keeps
    // the process alive (seen in the fault soak: a plugin that had rolled back and never exited).
    const k = kube();
    const watch = createKubeClusterWatch({ kubeConfig: k.kubeConfig, server: k.server, namespace: 'default', release: 'early-stop', driver: 'secret' });
    await until(() => sim.stats().watchesOpen === 0, 'the earlier tests\' watches to close');
    const watchesBefore = sim.stats().byVerb.watch ?? 0;
    const starting = watch.start();
    watch.stop(); // the informers' lists are in flight
    await starting; // a start() cut short by stop() is not a failure
    // The race was run: the informers did open their watches after the stop...
    expect((sim.stats().byVerb.watch ?? 0) - watchesBefore).toBeGreaterThanOrEqual(8);
    // ...and none of them stays open.
    await until(() => sim.stats().watchesOpen === 0, 'every watch opened after stop() to close');
  });

  it('an unreachable API server fails start() with a cluster-unavailable error (exit 5)', async () => {
    const k = kube();
    k.kubeConfig.clusters[0] = { ...k.kubeConfig.clusters[0]!, server: 'http://127.0.0.1:9' };
    const watch = createKubeClusterWatch({ kubeConfig: k.kubeConfig, server: 'http://127.0.0.1:9', namespace: 'default', release: 'web', driver: 'secret' });
    await expect(watch.start()).rejects.toThrow(ClusterUnavailableError);
    watch.stop();
  });
});

describe('ConfigMap ledger store on kube-sim', () => {
  it('creates the ledger, adds entries, replaces an entry of the same revision', async () => {
    const k = kube();
    const ledger = createKubeLedgerStore({ kubeConfig: k.kubeConfig, server: k.server });
    expect(await ledger.read('led', 'default')).toEqual({ entries: [], warnings: [] });
    await ledger.record('led', 'default', { revision: 2, verdict: 'failed', reason: 'OOMKilled', decidedAt: new Date('2026-01-01T00:00:00Z'), ttdMs: 300 });
    await ledger.record('led', 'default', { revision: 3, verdict: 'healthy', decidedAt: new Date('2026-01-01T00:01:00Z') });
    await ledger.record('led', 'default', { revision: 3, verdict: 'failed', reason: 'Unready', decidedAt: new Date('2026-01-01T00:02:00Z') });
    const { entries } = await ledger.read('led', 'default');
    expect(entries.map((e) => [e.revision, e.verdict, e.reason])).toEqual([[2, 'failed', 'OOMKilled'], [3, 'failed', 'Unready']]);
    const cm = sim.store.get('configmaps', 'default', 'autorollback-led') as { metadata: { labels: Record<string, string> } };
    expect(cm.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'helm-autorollback', 'autorollback.helm.sh/release': 'led' });
  });

  it('concurrent writers do not lose each other\'s entries (optimistic retry on 409)', async () => {
    const k = kube();
    const a = createKubeLedgerStore({ kubeConfig: k.kubeConfig, server: k.server });
    const b = createKubeLedgerStore({ kubeConfig: k.kubeConfig, server: k.server });
    await Promise.all([1, 2, 3, 4].map((rev) => (rev % 2 ? a : b).record('race', 'default', { revision: rev, verdict: 'healthy', decidedAt: new Date() })));
    expect((await a.read('race', 'default')).entries.map((e) => e.revision)).toEqual([1, 2, 3, 4]);
  });
});
