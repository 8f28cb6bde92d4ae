/**
 * A StatefulSet chart with the real helm 3 and 4 over kube-sim (10x): install --wait returns with every ordinal
 * ready (created in order 0, 1, 2), and an upgrade --wait replaces pods from the highest ordinal down, ending
 * with currentRevision == updateRevision and every pod on the new controller-revision-hash.
 */
import type { HelmMajor } from '../../../src/toolchain/binaries.js';
import { helm, kubectl, withSim, writeChart, type TestSim } from '../helpers.js';
import { condition, ok, podsOf, type Json } from './support.js';

const dbChart: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: db\nversion: 0.1.0\n',
  'values.yaml': 'image: postgres:16.1\n',
  'templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
`,
  'templates/statefulset.yaml': `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: postgres
        image: {{ .Values.image }}
        readinessProbe:
          tcpSocket: {port: 5432}
          initialDelaySeconds: 2
          periodSeconds: 2
`,
};

/** Records pod ADDED / DELETED events (by name) while `fn` runs. */
async function podEvents(sim: TestSim, fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const unsubscribe = sim.store.subscribe((e) => {
    if (e.resource === 'pods' && e.type !== 'MODIFIED') seen.push(`${e.type} ${e.object.metadata.name}`);
  });
  try {
    await fn();
  } finally {
    unsubscribe();
  }
  return seen;
}

describe.each([3, 4] as HelmMajor[])('helm %i: a StatefulSet chart', (major) => {
  let sim: TestSim;
  beforeEach(async () => {
    sim = await withSim({ timeScale: 10 });
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('install --wait brings ordinals up in order; upgrade --wait rolls pods from the highest ordinal', async () => {
    const chart = writeChart(sim.dir, 'db', dbChart);
    const created = await podEvents(sim, async () => {
      ok(await helm(sim, major, ['install', 'db', chart, '--wait', '--timeout', '60s']));
    });
    expect(created).toEqual(['ADDED db-0', 'ADDED db-1', 'ADDED db-2']);
    let sts = sim.store.get('statefulsets.apps', 'default', 'db');
    expect(sts?.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3, observedGeneration: sts?.metadata.generation });
    const firstRevision = (sts?.status as Json).updateRevision as string;
    expect(firstRevision).toMatch(/^db-[a-z0-9]+$/);
    expect((sts?.status as Json).currentRevision).toBe(firstRevision);
    expect(podsOf(sim, 'db').every((p) => condition(p, 'Ready')?.status === 'True')).toBe(true);

    const rolled = await podEvents(sim, async () => {
      ok(await helm(sim, major, ['upgrade', 'db', chart, '--set', 'image=postgres:16.2', '--wait', '--timeout', '60s']));
    });
    expect(rolled).toEqual(['DELETED db-2', 'ADDED db-2', 'DELETED db-1', 'ADDED db-1', 'DELETED db-0', 'ADDED db-0']);
    sts = sim.store.get('statefulsets.apps', 'default', 'db');
    const status = sts?.status as Json;
    expect(status.updateRevision).not.toBe(firstRevision);
    expect(status).toMatchObject({ currentRevision: status.updateRevision, updatedReplicas: 3, readyReplicas: 3, currentReplicas: 3 });
    for (const pod of podsOf(sim, 'db')) {
      expect(pod.metadata.labels?.['controller-revision-hash']).toBe(status.updateRevision);
      expect((pod.spec as Json).containers[0].image).toBe('postgres:16.2');
      expect(condition(pod, 'Ready')?.status).toBe('True');
    }
    // The ControllerRevisions behind both revisions exist, as kubectl rollout history reads them.
    const history = ok(await kubectl(sim, ['rollout', 'history', 'statefulset/db'], major));
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    expect(ok(await kubectl(sim, ['rollout', 'status', 'statefulset/db', '--timeout', '20s'], major))).toMatch(
      // The API server defaults rollingUpdate.partition to 0, which makes kubectl word it this way.
      /^partitioned roll out complete: 3 new pods have been updated\.\.\.$/m,
    );
  });
});
