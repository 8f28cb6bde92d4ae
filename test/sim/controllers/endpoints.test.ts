import type { KubeObject } from '../../../src/sim/store/types.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, any>;

function pod(name: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] },
  };
}

describe('Endpoints / EndpointSlice controller', () => {
  let h: Harness;
  beforeEach(() => {
    h = startHarness();
  });
  afterEach(() => {
    h.stop();
    expect(h.errors).toEqual([]);
  });

  it('lists ready pod IPs behind a Service, unready ones apart, and follows changes', async () => {
    h.store.create('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    const a = h.store.create('pods', pod('a', { app: 'web' }));
    const b = h.store.create('pods', pod('b', { app: 'web' }));
    h.store.create('pods', pod('other', { app: 'db' }));
    await h.settle();
    expect((h.get('endpoints', 'web') as Json).subsets).toBeUndefined();

    await h.runPods([a]);
    await h.runPods([b], { ready: false });
    const ipA = (h.get('pods', 'a').status as Json).podIP;
    const ipB = (h.get('pods', 'b').status as Json).podIP;
    const ep = h.get('endpoints', 'web') as Json;
    expect(ep.subsets).toEqual([
      {
        addresses: [{ ip: ipA, nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: a.metadata.uid } }],
        notReadyAddresses: [{ ip: ipB, nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: b.metadata.uid } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
    const [slice] = h.store.list('endpointslices.discovery.k8s.io', { namespace: 'default', labelSelector: 'kubernetes.io/service-name=web' }).items as Json[];
    expect(slice.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice.metadata.ownerReferences[0]).toMatchObject({ kind: 'Service', name: 'web', controller: true });
    expect(slice.addressType).toBe('IPv4');
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice.endpoints.map((e: Json) => [e.targetRef.name, e.conditions.ready])).toEqual([
      ['a', true],
      ['b', false],
    ]);

    h.store.delete('pods', 'default', 'a');
    await h.settle();
    expect((h.get('endpoints', 'web') as Json).subsets[0].addresses).toBeUndefined();
    h.store.delete('services', 'default', 'web');
    await h.settle();
    expect(h.store.get('endpoints', 'default', 'web')).toBeUndefined();
    expect(h.store.list('endpointslices.discovery.k8s.io', { namespace: 'default' }).items).toEqual([]);
  });
});
