/**
 * A cloud provider's service controller, reduced to what clients can see: each Service of type LoadBalancer gets
 * `status.loadBalancer.ingress: [{ip, ipMode: VIP}]` a short (simulated) while after it appears, with the
 * `EnsuringLoadBalancer` / `EnsuredLoadBalancer` Events; a Service that stops being a LoadBalancer loses its
 * ingress. Addresses come from 172.18.255.200 upwards, one per Service, kept for its lifetime. Turned off by the
 * config (`loadBalancer: {enabled: false}`) to reproduce clusters without one, where such Services stay
 * `<pending>` forever (helm 3's --wait then never ends).
 */
import { recordEvent } from '../events.js';
import { type Controller, type ControllerContext, R } from './runtime.js';
import { type Json, objectKey, splitKey } from './util.js';

const component = 'service-controller';

/** Options of the load-balancer controller. */
export interface LoadBalancerOptions {
  /** Simulated milliseconds from a Service's creation (or change to type LoadBalancer) to its ingress address. */
  delayMs: number;
}

/** Creates the controller. */
export function loadBalancerController(options: LoadBalancerOptions): (ctx: ControllerContext) => Controller {
  return (ctx) => {
    const { store, clock } = ctx;
    /** uid -> true once the delay has passed (false while provisioning). */
    const provisioning = new Map<string, boolean>();
    const addresses = new Map<string, string>();
    const timers = new Set<() => void>();
    let next = 200;

    const addressFor = (uid: string): string => {
      let ip = addresses.get(uid);
      if (!ip) {
        ip = `172.18.${255 - Math.floor((next - 200) / 56)}.${200 + ((next - 200) % 56)}`;
        next += 1;
        addresses.set(uid, ip);
      }
      return ip;
    };

    function reconcile(key: string): void {
      const { namespace, name } = splitKey(key);
      const svc = store.get(R.services, namespace, name);
      if (!svc || svc.metadata.deletionTimestamp) return;
      const uid = svc.metadata.uid ?? key;
      const spec = (svc.spec ?? {}) as Json;
      const status = (svc.status ?? {}) as Json;
      const ingress = ((status.loadBalancer as Json | undefined)?.ingress ?? []) as Json[];
      if (spec.type !== 'LoadBalancer') {
        provisioning.delete(uid);
        if (ingress.length > 0) store.update(R.services, { ...svc, status: { ...status, loadBalancer: {} } }, { subresource: 'status' });
        return;
      }
      if (ingress.length > 0) return;
      const state = provisioning.get(uid);
      if (state === undefined) {
        provisioning.set(uid, false);
        recordEvent(store, clock, { involved: svc, reason: 'EnsuringLoadBalancer', message: 'Ensuring load balancer', component });
        const cancel = clock.after(options.delayMs, () => {
          timers.delete(cancel);
          provisioning.set(uid, true);
          ctx.enqueue(key);
        });
        timers.add(cancel);
        return;
      }
      if (!state) return;
      store.update(R.services, { ...svc, status: { ...status, loadBalancer: { ingress: [{ ip: addressFor(uid), ipMode: 'VIP' }] } } }, { subresource: 'status' });
      recordEvent(store, clock, { involved: svc, reason: 'EnsuredLoadBalancer', message: 'Ensured load balancer', component });
    }

    return {
      name: component,
      keysFor: (event) => (event.resource === R.services && event.type !== 'DELETED' ? [objectKey(event.object)] : []),
      initialKeys: () => store.list(R.services).items.map(objectKey),
      reconcile,
      stop() {
        for (const cancel of timers) cancel();
        timers.clear();
      },
    };
  };
}
