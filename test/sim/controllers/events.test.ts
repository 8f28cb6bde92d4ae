import { recordEvent } from '../../../src/sim/events.js';
import { createMemoryStore } from '../../../src/sim/store/memory-store.js';
import { manualClock } from './fake-clock.js';

describe('recordEvent', () => {
  it('creates an Event once and bumps count and lastTimestamp on repeats, per (object, reason, message, source)', () => {
    const clock = manualClock(new Date('2026-01-01T00:00:00.700Z'));
    const store = createMemoryStore({ clock });
    const pod = store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    recordEvent(store, clock, { involved: pod, reason: 'BackOff', message: 'Back-off restarting failed container', type: 'Warning', component: 'kubelet', host: 'n1', fieldPath: 'spec.containers{c}' });
    clock.advance(10_000);
    recordEvent(store, clock, { involved: pod, reason: 'BackOff', message: 'Back-off restarting failed container', type: 'Warning', component: 'kubelet', host: 'n1', fieldPath: 'spec.containers{c}' });
    recordEvent(store, clock, { involved: pod, reason: 'Pulled', message: 'pulled', component: 'kubelet' });
    const events = store.list('events', { namespace: 'default' }).items;
    expect(events).toHaveLength(2);
    const backoff = events.find((e) => e.reason === 'BackOff')!;
    expect(backoff).toMatchObject({
      count: 2,
      type: 'Warning',
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:10Z',
      source: { component: 'kubelet', host: 'n1' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'default', uid: pod.metadata.uid, fieldPath: 'spec.containers{c}' },
    });
    expect(backoff.metadata.name).toMatch(/^p\.[0-9a-f]+$/);
    // A deleted Event is not resurrected: the next repeat starts a new one.
    store.delete('events', 'default', backoff.metadata.name);
    recordEvent(store, clock, { involved: pod, reason: 'BackOff', message: 'Back-off restarting failed container', type: 'Warning', component: 'kubelet', host: 'n1', fieldPath: 'spec.containers{c}' });
    expect(store.list('events', { namespace: 'default' }).items.find((e) => e.reason === 'BackOff')?.count).toBe(1);
  });
});
