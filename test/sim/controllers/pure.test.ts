import {
  calculateStatus,
  equalIgnoreHash,
  maxSurge,
  maxUnavailable,
  msUntilProgressDeadline,
  newRSNewReplicas,
  newReplicaSetAnnotations,
  proportionalSizes,
  resolveFenceposts,
  rolloutStatus,
  scaledValue,
  setDeploymentCondition,
} from '../../../src/sim/controllers/deployment-util.js';
import { computeHash, fnv1a32, safeEncode } from '../../../src/sim/controllers/hash.js';
import { rankPodsForDeletion } from '../../../src/sim/controllers/replicaset.js';
import { isPodAvailable, semanticEqual } from '../../../src/sim/controllers/util.js';
import type { KubeObject } from '../../../src/sim/store/types.js';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1', ports: [{ containerPort: 80 }] }] } };

describe('template hash', () => {
  it('is FNV-1a 32 (reference vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
  it('encodes onto the safe alphabet, at most 10 characters', () => {
    expect(safeEncode('0123456789')).toBe('456789bcdf');
    const h = computeHash(template);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });
  it('is stable across key order and empty fields, and changes with content', () => {
    const reordered = { spec: { containers: [{ ports: [{ containerPort: 80 }], image: 'nginx:1', name: 'c' }] }, metadata: { annotations: {}, labels: { app: 'web' } } };
    expect(computeHash(reordered)).toBe(computeHash(template));
    expect(computeHash({ ...template, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } })).not.toBe(computeHash(template));
  });
  it('steps with collisionCount', () => {
    expect(computeHash(template, 1)).not.toBe(computeHash(template));
    expect(computeHash(template, 1)).not.toBe(computeHash(template, 2));
    expect(computeHash(template, 0)).toBe(computeHash(template));
  });
});

describe('maxSurge / maxUnavailable', () => {
  it.each([
    ['25%', '25%', 4, 1, 1],
    ['25%', '25%', 3, 1, 0],
    ['25%', '25%', 1, 1, 0],
    ['25%', '25%', 10, 3, 2],
    [0, 0, 3, 0, 1],
    ['0%', '0%', 3, 0, 1],
    [2, '50%', 5, 2, 2],
    ['100%', 0, 3, 3, 0],
  ] as const)('surge %s unavailable %s of %i -> %i / %i', (s, u, n, surge, unavailable) => {
    expect(resolveFenceposts(s, u, n)).toEqual({ surge, unavailable });
  });
  it('rejects a string that is not a percentage', () => {
    expect(() => scaledValue('3', 10, true)).toThrow('not a percentage');
  });
  it('caps maxUnavailable at replicas and is 0 for Recreate', () => {
    const d = (spec: object): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec });
    expect(maxUnavailable(d({ replicas: 2, strategy: { rollingUpdate: { maxUnavailable: 5 } } }))).toBe(2);
    expect(maxUnavailable(d({ replicas: 3, strategy: { type: 'Recreate' } }))).toBe(0);
    expect(maxSurge(d({ replicas: 3, strategy: { type: 'Recreate' } }))).toBe(0);
    expect(maxSurge(d({}))).toBe(1); // replicas default 1, 25% rounds up
  });
});

const rs = (name: string, replicas: number, available = 0, created = '2026-01-01T00:00:00Z'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, creationTimestamp: created },
  spec: { replicas },
  status: { replicas, availableReplicas: available, readyReplicas: available },
});
const dep = (replicas: number, status: object = {}, extra: object = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', generation: 1 },
  spec: { replicas, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, ...extra },
  status,
});

describe('rollout arithmetic', () => {
  it('sizes the new ReplicaSet within replicas + maxSurge', () => {
    const d = dep(10); // surge 3
    expect(newRSNewReplicas(d, [rs('old', 10), rs('new', 0)], rs('new', 0))).toBe(3);
    expect(newRSNewReplicas(d, [rs('old', 8), rs('new', 3)], rs('new', 3))).toBe(5);
    expect(newRSNewReplicas(d, [rs('old', 10), rs('new', 3)], rs('new', 3))).toBe(3);
    expect(newRSNewReplicas(dep(3, {}, { strategy: { type: 'Recreate' } }), [rs('old', 3)], rs('new', 0))).toBe(3);
  });
});

describe('proportional scaling', () => {
  it('spreads new replicas over the active sets by size (the documented 10 -> 15 example)', () => {
    const withMax = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, annotations: { 'deployment.kubernetes.io/max-replicas': '13' } } });
    const d = dep(15, {}, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    const sizes = proportionalSizes(d, [withMax(rs('old', 8, 8)), withMax(rs('new', 5, 0, '2026-01-01T00:01:00Z'))]);
    expect(Object.fromEntries(sizes)).toEqual({ old: 11, new: 7 });
  });
});

describe('ReplicaSet annotations', () => {
  it('raises an old set revision on rollback and keeps the history', () => {
    const d = { ...dep(3), metadata: { name: 'web', annotations: { 'meta.helm.sh/release-name': 'r', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } };
    const { annotations, changed } = newReplicaSetAnnotations(d, { 'deployment.kubernetes.io/revision': '1' }, 3, false);
    expect(changed).toBe(true);
    expect(annotations).toEqual({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1', 'meta.helm.sh/release-name': 'r' });
    expect(newReplicaSetAnnotations(d, annotations, 3, false).changed).toBe(false);
  });
});

describe('conditions', () => {
  const now = new Date('2026-01-01T00:10:00Z');
  it('keeps lastTransitionTime when only the reason changes, and changes nothing on the same status and reason', () => {
    const first = setDeploymentCondition([], { type: 'Progressing', status: 'True', reason: 'A', lastTransitionTime: 't1', lastUpdateTime: 't1' });
    const same = setDeploymentCondition(first, { type: 'Progressing', status: 'True', reason: 'A', lastTransitionTime: 't2', lastUpdateTime: 't2' });
    expect(same).toBe(first);
    const reason = setDeploymentCondition(first, { type: 'Progressing', status: 'True', reason: 'B', lastTransitionTime: 't3', lastUpdateTime: 't3' });
    expect(reason[0]).toMatchObject({ reason: 'B', lastTransitionTime: 't1', lastUpdateTime: 't3' });
    const flipped = setDeploymentCondition(first, { type: 'Progressing', status: 'False', reason: 'C', lastTransitionTime: 't4', lastUpdateTime: 't4' });
    expect(flipped[0]).toMatchObject({ status: 'False', lastTransitionTime: 't4' });
  });

  it('Available follows replicas - maxUnavailable', () => {
    expect(calculateStatus(dep(4), [rs('a', 4, 3)], rs('a', 4, 3), now).conditions?.[0]).toMatchObject({ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(calculateStatus(dep(4), [rs('a', 4, 2)], rs('a', 4, 2), now).conditions?.[0]).toMatchObject({ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' });
  });

  it('Progressing: complete -> NewReplicaSetAvailable; stuck past the deadline -> ProgressDeadlineExceeded', () => {
    const complete = rolloutStatus(dep(2, { replicas: 2, updatedReplicas: 2 }), [rs('a', 2, 2)], rs('a', 2, 2), now, 1);
    expect(complete.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "a" has successfully progressed.' });

    const started = { type: 'Progressing', status: 'True' as const, reason: 'NewReplicaSetCreated', lastUpdateTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' };
    const stuckStatus = { replicas: 2, updatedReplicas: 2, conditions: [started] };
    const stuck = (at: Date, scale = 1) => rolloutStatus(dep(2, stuckStatus, { progressDeadlineSeconds: 600 }), [{ ...rs('a', 2, 0) }], rs('a', 2, 0), at, scale);
    expect(stuck(new Date('2026-01-01T00:09:59Z')).conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetCreated');
    expect(stuck(new Date('2026-01-01T00:10:01Z')).conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "a" has timed out progressing.' });
    // At time scale 10, 61 wall seconds are 610 simulated seconds.
    expect(stuck(new Date('2026-01-01T00:01:01Z'), 10).conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('ProgressDeadlineExceeded');
    expect(msUntilProgressDeadline(dep(2, stuckStatus), stuckStatus, new Date('2026-01-01T00:09:00Z'), 1)).toBe(60_000);
  });
});

describe('pods', () => {
  const pod = (name: string, o: { node?: string; phase?: string; ready?: string; since?: string; restarts?: number; created?: string } = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, creationTimestamp: o.created ?? '2026-01-01T00:00:00Z' },
    spec: { nodeName: o.node },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.ready ? [{ type: 'Ready', status: o.ready, lastTransitionTime: o.since ?? '2026-01-01T00:00:00Z' }] : [],
      containerStatuses: [{ name: 'c', restartCount: o.restarts ?? 0 }],
    },
  });
  it('ranks pods for deletion like the ReplicaSet controller', () => {
    const ranked = rankPodsForDeletion([
      pod('ready-old', { node: 'n', ready: 'True', since: '2026-01-01T00:00:00Z' }),
      pod('unassigned', { phase: 'Pending' }),
      pod('pending', { node: 'n', phase: 'Pending' }),
      pod('ready-new', { node: 'n', ready: 'True', since: '2026-01-01T00:05:00Z' }),
      pod('not-ready', { node: 'n', ready: 'False' }),
      pod('not-ready-restarting', { node: 'n', ready: 'False', restarts: 3 }),
    ]);
    expect(ranked.map((p) => p.metadata.name)).toEqual(['unassigned', 'pending', 'not-ready-restarting', 'not-ready', 'ready-new', 'ready-old']);
  });
  it('is available only after minReadySeconds of simulated time', () => {
    const p = pod('p', { ready: 'True', since: '2026-01-01T00:00:00Z' });
    expect(isPodAvailable(p, 0, new Date('2026-01-01T00:00:00Z'), 1)).toBe(true);
    expect(isPodAvailable(p, 10, new Date('2026-01-01T00:00:10Z'), 1)).toBe(false);
    expect(isPodAvailable(p, 10, new Date('2026-01-01T00:00:11Z'), 1)).toBe(true);
    expect(isPodAvailable(p, 10, new Date('2026-01-01T00:00:02Z'), 10)).toBe(true);
  });
  it('semantic equality ignores key order and empty values', () => {
    expect(semanticEqual({ a: 1, b: {}, c: [] }, { a: 1 })).toBe(true);
    expect(equalIgnoreHash({ metadata: { labels: { app: 'x', 'pod-template-hash': 'abc' } } }, { metadata: { labels: { app: 'x' } } })).toBe(true);
  });
});
