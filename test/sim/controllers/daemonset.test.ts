import { daemonPodTolerations, nodeShouldRunDaemonPod, targetNodeName } from '../../../src/sim/controllers/daemonset.js';
import type { KubeObject } from '../../../src/sim/store/types.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, any>;
const status = (o: KubeObject): Json => (o.status ?? {}) as Json;

function node(name: string, spec: Json = {}, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } };
}

function ds(name: string, image: string, spec: Json = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      ...spec,
    },
  };
}

describe('daemon pod placement rules', () => {
  const tolerations = daemonPodTolerations(undefined, false);
  it('tolerates cordoned and not-ready nodes but not foreign NoSchedule taints', () => {
    expect(nodeShouldRunDaemonPod({ tolerations }, node('a', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }))).toBe(true);
    expect(nodeShouldRunDaemonPod({ tolerations }, node('a', { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] }))).toBe(true);
    expect(nodeShouldRunDaemonPod({ tolerations }, node('a', { taints: [{ key: 'gpu', value: 'yes', effect: 'NoSchedule' }] }))).toBe(false);
    expect(nodeShouldRunDaemonPod({ tolerations }, node('a', { taints: [{ key: 'gpu', value: 'yes', effect: 'PreferNoSchedule' }] }))).toBe(true);
  });
  it('honours the template nodeSelector', () => {
    expect(nodeShouldRunDaemonPod({ tolerations, nodeSelector: { disk: 'ssd' } }, node('a', {}, { disk: 'ssd' }))).toBe(true);
    expect(nodeShouldRunDaemonPod({ tolerations, nodeSelector: { disk: 'ssd' } }, node('a'))).toBe(false);
  });
});

describe('DaemonSet controller', () => {
  let h: Harness;
  beforeEach(() => {
    h = startHarness();
  });
  afterEach(() => {
    h.stop();
    expect(h.errors).toEqual([]);
  });
  const nodesOf = () => h.pods().map((p) => targetNodeName(p)).sort();
  const image = (p: KubeObject) => (p.spec as Json).containers[0].image;
  /** Plays the scheduler and kubelet: binds each pod to its target node and makes it ready. */
  const runAll = async () => {
    for (const p of h.pods().filter((p) => status(p).phase !== 'Running')) await h.runPods([p], { node: targetNodeName(p) });
  };

  it('runs one pod per eligible node, pinned by node affinity, and follows nodes coming and going', async () => {
    h.store.create('nodes', node('node-1'));
    h.store.create('nodes', node('node-2'));
    h.store.create('nodes', node('node-3', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }));
    h.store.create('daemonsets.apps', ds('agent', 'agent:1'));
    await h.settle();
    expect(nodesOf()).toEqual(['node-1', 'node-2']);
    const pod = h.pods()[0];
    expect((pod.spec as Json).nodeName).toBeUndefined();
    expect((pod.spec as Json).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: [targetNodeName(pod)] }] },
    ]);
    expect((pod.spec as Json).tolerations).toEqual(expect.arrayContaining([{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }]));
    expect(pod.metadata.labels).toMatchObject({ app: 'agent', 'pod-template-generation': '1' });
    expect(pod.metadata.labels?.['controller-revision-hash']).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(status(h.get('daemonsets.apps', 'agent'))).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 0, numberMisscheduled: 0, numberUnavailable: 2 });

    await runAll();
    expect(status(h.get('daemonsets.apps', 'agent'))).toEqual({
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      numberReady: 2,
      numberMisscheduled: 0,
      numberAvailable: 2,
      updatedNumberScheduled: 2,
      observedGeneration: 1,
    });

    h.store.create('nodes', node('node-4'));
    await h.settle();
    expect(nodesOf()).toEqual(['node-1', 'node-2', 'node-4']);
    h.store.delete('nodes', undefined, 'node-1');
    await h.settle();
    expect(nodesOf()).toEqual(['node-2', 'node-4']);
  });

  it('rolls out a new template one node at a time (maxUnavailable 1)', async () => {
    for (const n of ['node-1', 'node-2', 'node-3']) h.store.create('nodes', node(n));
    h.store.create('daemonsets.apps', ds('agent', 'agent:1'));
    await h.settle();
    await runAll();
    const d = h.get('daemonsets.apps', 'agent');
    const spec = d.spec as Json;
    h.store.update('daemonsets.apps', { ...d, spec: { ...spec, template: { ...spec.template, spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    await h.settle();
    const images = () => h.pods().map(image).sort();
    // One old pod went and its replacement came at the new revision; the others wait for it to be available.
    expect(images()).toEqual(['agent:1', 'agent:1', 'agent:2']);
    await runAll();
    expect(images()).toEqual(['agent:1', 'agent:2', 'agent:2']);
    await runAll();
    expect(images()).toEqual(['agent:2', 'agent:2', 'agent:2']);
    await runAll();
    expect(status(h.get('daemonsets.apps', 'agent'))).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
    expect(h.pods().every((p) => p.metadata.labels?.['pod-template-generation'] === '2')).toBe(true);
  });

  it('with maxSurge starts the new pod next to the old one and removes the old once the new is available', async () => {
    for (const n of ['node-1', 'node-2']) h.store.create('nodes', node(n));
    h.store.create('daemonsets.apps', ds('agent', 'agent:1', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await h.settle();
    await runAll();
    const d = h.get('daemonsets.apps', 'agent');
    const spec = d.spec as Json;
    h.store.update('daemonsets.apps', { ...d, spec: { ...spec, template: { ...spec.template, spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    await h.settle();
    const images = () => h.pods().map(image).sort();
    expect(images()).toEqual(['agent:1', 'agent:1', 'agent:2']);
    await runAll();
    expect(images()).toEqual(['agent:1', 'agent:2', 'agent:2']);
    await runAll();
    expect(images()).toEqual(['agent:2', 'agent:2']);
  });

  it('OnDelete replaces a pod at the new revision only when it is deleted', async () => {
    h.store.create('nodes', node('node-1'));
    h.store.create('daemonsets.apps', ds('agent', 'agent:1', { updateStrategy: { type: 'OnDelete' } }));
    await h.settle();
    await runAll();
    const d = h.get('daemonsets.apps', 'agent');
    const spec = d.spec as Json;
    h.store.update('daemonsets.apps', { ...d, spec: { ...spec, template: { ...spec.template, spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    await h.settle();
    expect(h.pods().map(image)).toEqual(['agent:1']);
    expect(status(h.get('daemonsets.apps', 'agent')).updatedNumberScheduled).toBeUndefined();
    h.store.delete('pods', 'default', h.pods()[0].metadata.name);
    await h.settle();
    expect(h.pods().map(image)).toEqual(['agent:2']);
  });
});
