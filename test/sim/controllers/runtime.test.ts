import { type Controller, startRuntime } from '../../../src/sim/controllers/runtime.js';
import { StatusError } from '../../../src/sim/store/errors.js';
import { createMemoryStore } from '../../../src/sim/store/memory-store.js';
import { manualClock } from './fake-clock.js';

describe('controller runtime', () => {
  it('de-duplicates keys, retries conflicts at once, backs off other errors on the clock, and never fails the writer', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    const seen: string[] = [];
    const errors: string[] = [];
    let conflicts = 1;
    let failures = 1;
    const runtime = startRuntime(
      store,
      clock,
      [
        (): Controller => ({
          name: 'test',
          initialKeys: () => [],
          keysFor: (e) => {
            if (e.object.metadata.name === 'explode') throw new Error('mapping bug');
            return e.resource === 'configmaps' ? [e.object.metadata.name, e.object.metadata.name] : [];
          },
          reconcile: (key) => {
            seen.push(key);
            if (key === 'conflict' && conflicts-- > 0) throw new StatusError(409, 'Conflict', 'stale');
            if (key === 'broken' && failures-- > 0) throw new Error('boom');
          },
        }),
      ],
      { onError: (c, k, e) => errors.push(`${c} ${k} ${(e as Error).message}`) },
    );
    const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } });
    store.create('configmaps', cm('a'));
    store.create('configmaps', cm('conflict'));
    store.create('configmaps', cm('broken'));
    expect(() => store.create('configmaps', cm('explode'))).not.toThrow();
    await runtime.whenIdle();
    expect(seen).toEqual(['a', 'conflict', 'broken', 'conflict']);
    expect(errors).toEqual(['test configmaps ADDED mapping bug', 'test broken boom']);
    clock.advance(999);
    await runtime.whenIdle();
    expect(seen).toHaveLength(4);
    clock.advance(1);
    await runtime.whenIdle();
    expect(seen).toEqual(['a', 'conflict', 'broken', 'conflict', 'broken']);
    runtime.stop();
    store.create('configmaps', cm('after-stop'));
    await runtime.whenIdle();
    expect(seen).toHaveLength(5);
  });
});
