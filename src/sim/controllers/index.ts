/**
 * The simulator's workload controllers (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, Endpoints) and the
 * persistentvolume binder / provisioner, and a test operator for custom resources of sim.autorollback.dev, driven by
 * the store's change feed like real controllers behind informers. The scheduler, kubelet and garbage collector live
 * elsewhere (src/sim/scheduler, src/sim/kubelet, the store).
 */
import type { ObjectStore, SimClock } from '../store/types.js';
import { daemonSetController } from './daemonset.js';
import { deploymentController } from './deployment.js';
import { endpointsController } from './endpoints.js';
import { jobController } from './job.js';
import { type LoadBalancerOptions, loadBalancerController } from './load-balancer.js';
import { persistentVolumeController } from './persistent-volumes.js';
import { replicaSetController } from './replicaset.js';
import { statefulSetController } from './statefulset.js';
import { testResourceController } from './test-crd.js';
import { type RuntimeOptions, startRuntime } from './runtime.js';

/** Running controllers. */
export interface RunningControllers {
  /** Stops reacting to changes and cancels pending timers. */
  stop(): void;
  /** Resolves once no reconcile is queued (timers may still be pending); for tests and orderly shutdown. */
  whenIdle(): Promise<void>;
}

/** Which optional controllers run. */
export interface ControllerSet {
  /** The load-balancer (cloud service) controller; false: none, as on a cluster without one (default on, 2 s). */
  loadBalancer?: LoadBalancerOptions | false;
}

/** Starts all workload controllers over `store`; `clock` times progress deadlines, minReadySeconds and backoffs. */
export function startControllers(store: ObjectStore, clock: SimClock, options: RuntimeOptions = {}, set: ControllerSet = {}): RunningControllers {
  const lb = set.loadBalancer === undefined ? { delayMs: 2000 } : set.loadBalancer;
  return startRuntime(
    store,
    clock,
    [deploymentController, replicaSetController, statefulSetController, daemonSetController, jobController, endpointsController, persistentVolumeController, testResourceController, ...(lb ? [loadBalancerController(lb)] : [])],
    options,
  );
}
