import { ensureNodes } from '../../../src/sim/config.js';
import { startScheduler, type Scheduler } from '../../../src/sim/scheduler/index.js';
import { createMemoryStore } from '../../../src/sim/store/memory-store.js';
import type { KubeObject, ObjectStore } from '../../../src/sim/store/types.js';
import { ManualClock, settle } from '../kubelet/manual-clock.js';

function pod(name: string, memory: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25', resources: { requests: { memory } } }], ...extra },
  };
}

const nodeOf = (store: ObjectStore, name: string) => (store.get('pods', 'default', name)!.spec as { nodeName?: string }).nodeName;

describe('scheduler over the memory store', () => {
  let clock: ManualClock;
  let store: ObjectStore;
  let scheduler: Scheduler;

  beforeEach(() => {
    clock = new ManualClock();
    store = createMemoryStore({ clock });
    ensureNodes(store, { nodes: [{ name: 'n1', cpu: '2', memory: '4Gi', pods: 110 }] }, clock.now());
    scheduler = startScheduler(store, clock);
  });
  afterEach(() => scheduler.stop());

  it('binds in creation order until the node is full, then retries when a bound pod goes away', async () => {
    store.create('pods', pod('a', '3Gi'));
    await settle();
    store.create('pods', pod('b', '3Gi'));
    await settle();
    expect(nodeOf(store, 'a')).toBe('n1');
    expect(nodeOf(store, 'b')).toBeUndefined();
    const failed = () => store.list('events', { namespace: 'default' }).items.filter((e) => e.reason === 'FailedScheduling');
    expect(failed().map((e) => [e.message, e.count])).toEqual([
      ['0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.', 1],
    ]);
    // Its own status writes do not make the scheduler retry in a loop.
    await settle();
    expect(failed()[0].count).toBe(1);
    store.delete('pods', 'default', 'a');
    await settle();
    expect(nodeOf(store, 'b')).toBe('n1');
    const b = store.get('pods', 'default', 'b')!;
    expect((b.status as any).conditions).toEqual([
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z' },
    ]);
    expect(store.list('events', { namespace: 'default' }).items.filter((e) => e.reason === 'Scheduled').map((e) => e.message)).toEqual([
      'Successfully assigned default/a to n1',
      'Successfully assigned default/b to n1',
    ]);
  });

  it('a finished pod frees its requests', async () => {
    store.create('pods', pod('job', '3Gi', { restartPolicy: 'Never' }));
    await settle();
    store.create('pods', pod('next', '3Gi'));
    await settle();
    expect(nodeOf(store, 'next')).toBeUndefined();
    const job = store.get('pods', 'default', 'job')!;
    store.update('pods', { ...job, status: { ...(job.status as object), phase: 'Succeeded' } }, { subresource: 'status' });
    await settle();
    expect(nodeOf(store, 'next')).toBe('n1');
  });

  it('leaves pods for other schedulers alone', async () => {
    store.create('pods', pod('other', '1Gi', { schedulerName: 'my-scheduler' }));
    await settle();
    expect(nodeOf(store, 'other')).toBeUndefined();
    expect(store.list('events', { namespace: 'default' }).items).toEqual([]);
  });
});
