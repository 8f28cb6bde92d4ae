import { nodeObject, type SimNodeConfig } from '../../../src/sim/config.js';
import { matchesNodeSelection, nodeInfos, placePod, tolerates } from '../../../src/sim/scheduler/fit.js';
import type { KubeObject } from '../../../src/sim/store/types.js';

const now = new Date('2026-01-01T00:00:00Z');
const nodes = (configs: Array<Partial<SimNodeConfig>>) =>
  configs.map((c, i) => nodeObject({ name: `sim-node-${i + 1}`, cpu: '4', memory: '8Gi', pods: 110, ...c }, i, now));

function pod(name: string, spec: Record<string, unknown> = {}, requests?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: name },
    spec: { containers: [{ name: 'app', image: 'nginx', ...(requests ? { resources: { requests } } : {}) }], ...spec },
  };
}

describe('placePod', () => {
  const three = nodes([{}, {}, {}]);

  it('fits a pod and spreads by least allocated', () => {
    const bound = [pod('a', { nodeName: 'sim-node-1' }, { cpu: '2' }), pod('b', { nodeName: 'sim-node-2' }, { cpu: '1' })];
    expect(placePod(pod('p', {}, { cpu: '1' }), nodeInfos(three, bound))).toEqual({ nodeName: 'sim-node-3' });
  });

  it('words Insufficient memory exactly like kube-scheduler', () => {
    expect(placePod(pod('p', {}, { memory: '100Gi' }), nodeInfos(three, []))).toEqual({
      unschedulable:
        '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    });
  });

  it('counts what bound, non-terminal pods request; mixed reasons are sorted', () => {
    const bound = [
      pod('x', { nodeName: 'sim-node-1' }, { cpu: '3500m', memory: '7Gi' }),
      pod('y', { nodeName: 'sim-node-2' }, { cpu: '3500m' }),
      pod('z', { nodeName: 'sim-node-3' }, { memory: '7Gi' }),
      { ...pod('done', { nodeName: 'sim-node-3' }, { cpu: '4' }), status: { phase: 'Succeeded' } },
    ];
    expect(placePod(pod('p', {}, { cpu: '1', memory: '2Gi' }), nodeInfos(three, bound))).toEqual({
      unschedulable:
        '0/3 nodes are available: 2 Insufficient cpu, 2 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    });
  });

  it('Too many pods', () => {
    const one = nodes([{ pods: 1 }]);
    expect(placePod(pod('p'), nodeInfos(one, [pod('a', { nodeName: 'sim-node-1' })]))).toEqual({
      unschedulable: '0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    });
  });

  it('nodeSelector and taints: Preemption is not helpful', () => {
    const ns = nodes([{ labels: { disk: 'ssd' } }, {}, { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }]);
    expect(placePod(pod('p', { nodeSelector: { disk: 'ssd' } }), nodeInfos(ns, []))).toEqual({ nodeName: 'sim-node-1' });
    expect(placePod(pod('p', { nodeSelector: { disk: 'nvme' } }), nodeInfos(ns, []))).toEqual({
      unschedulable:
        "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    });
    const tolerant = pod('p', { nodeSelector: { disk: 'nvme' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
    expect(placePod(tolerant, nodeInfos(ns, []))).toEqual({
      unschedulable:
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    });
  });

  it('mixes unresolvable and resource failures in the preemption part', () => {
    const ns = nodes([{ taints: [{ key: 'k', effect: 'NoSchedule' }] }, {}, {}]);
    expect(placePod(pod('p', {}, { memory: '9Gi' }), nodeInfos(ns, []))).toEqual({
      unschedulable:
        '0/3 nodes are available: 1 node(s) had untolerated taint {k: }, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    });
  });

  it('required node affinity: matchExpressions and matchFields metadata.name', () => {
    const ns = nodes([{ labels: { zone: 'a' } }, { labels: { zone: 'b' } }, {}]);
    const affinity = (terms: unknown[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } }) as Parameters<typeof matchesNodeSelection>[0] & Record<string, unknown>;
    expect(placePod(pod('p', affinity([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }])), nodeInfos(ns, []))).toEqual({ nodeName: 'sim-node-2' });
    expect(placePod(pod('p', affinity([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['sim-node-3'] }] }])), nodeInfos(ns, []))).toEqual({
      nodeName: 'sim-node-3',
    });
    expect(matchesNodeSelection(affinity([{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }]), ns[0])).toBe(false);
    expect(matchesNodeSelection(affinity([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }]), ns[1])).toBe(true);
    expect(matchesNodeSelection(affinity([]), ns[0])).toBe(false);
  });

  it('init containers count by their largest request, limits stand in for requests', () => {
    const ns = nodes([{ memory: '4Gi' }]);
    const p: KubeObject = {
      ...pod('p'),
      spec: {
        initContainers: [{ name: 'i', image: 'x', resources: { limits: { memory: '5Gi' } } }],
        containers: [{ name: 'app', image: 'x', resources: { requests: { memory: '1Gi' } } }],
      },
    };
    expect(placePod(p, nodeInfos(ns, []))).toMatchObject({ unschedulable: expect.stringContaining('1 Insufficient memory') });
  });

  it('no nodes at all', () => {
    expect(placePod(pod('p'), [])).toEqual({ unschedulable: 'no nodes available to schedule pods' });
  });
});

describe('tolerates', () => {
  it.each([
    [{ key: 'k', operator: 'Exists' }, { key: 'k', value: 'v', effect: 'NoSchedule' }, true],
    [{ operator: 'Exists' }, { key: 'any', effect: 'NoExecute' }, true],
    [{ key: 'k', value: 'v' }, { key: 'k', value: 'v', effect: 'NoSchedule' }, true],
    [{ key: 'k', value: 'w' }, { key: 'k', value: 'v', effect: 'NoSchedule' }, false],
    [{ key: 'k', operator: 'Exists', effect: 'NoExecute' }, { key: 'k', effect: 'NoSchedule' }, false],
  ] as const)('%j vs %j -> %s', (t, taint, expected) => {
    expect(tolerates(t as never, taint)).toBe(expected);
  });
});
