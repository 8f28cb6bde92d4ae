import { startControllers } from '../../../src/sim/controllers/index.js';
import { createMemoryStore } from '../../../src/sim/store/memory-store.js';
import type { KubeObject } from '../../../src/sim/store/types.js';
import { manualClock } from './fake-clock.js';

const service = (name: string, type: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { type, selector: { app: name }, ports: [{ port: 80 }] },
});

function start(loadBalancer: { delayMs: number } | false) {
  const clock = manualClock();
  const store = createMemoryStore({ clock });
  const controllers = startControllers(store, clock, {}, { loadBalancer });
  const settle = async () => {
    await controllers.whenIdle();
    await new Promise((r) => setImmediate(r));
    await controllers.whenIdle();
  };
  const ingress = (name: string) => ((store.get('services', 'default', name)?.status as any)?.loadBalancer?.ingress as unknown[] | undefined) ?? [];
  return { clock, store, controllers, settle, ingress };
}

describe('load-balancer controller', () => {
  it('gives a LoadBalancer Service an ingress address after the delay, with Events; ClusterIP Services get none', async () => {
    const h = start({ delayMs: 2000 });
    h.store.create('services', service('web', 'LoadBalancer'));
    h.store.create('services', service('internal', 'ClusterIP'));
    await h.settle();
    expect(h.ingress('web')).toEqual([]);
    h.clock.advance(1900);
    await h.settle();
    expect(h.ingress('web')).toEqual([]);
    h.clock.advance(200);
    await h.settle();
    expect(h.ingress('web')).toEqual([{ ip: '172.18.255.200', ipMode: 'VIP' }]);
    expect(h.ingress('internal')).toEqual([]);
    const reasons = h.store.list('events', { namespace: 'default' }).items.map((e) => `${(e as any).involvedObject.name} ${(e as any).reason}`);
    expect(reasons).toEqual(['web EnsuringLoadBalancer', 'web EnsuredLoadBalancer']);

    // Changed to ClusterIP: the address goes.
    const web = h.store.get('services', 'default', 'web')!;
    h.store.update('services', { ...web, spec: { ...(web.spec as object), type: 'ClusterIP' } });
    await h.settle();
    expect(h.ingress('web')).toEqual([]);
    h.controllers.stop();
  });

  it('switched off: LoadBalancer Services stay pending', async () => {
    const h = start(false);
    h.store.create('services', service('web', 'LoadBalancer'));
    h.clock.advance(60_000);
    await h.settle();
    expect(h.ingress('web')).toEqual([]);
    h.controllers.stop();
  });
});
