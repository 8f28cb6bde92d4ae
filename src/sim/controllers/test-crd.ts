/**
 * A small operator for test custom resources: every kind of the API group {@link TEST_CRD_GROUP} (define the
 * CRD yourself, with the status subresource, e.g. `widgets.sim.autorollback.dev`). For each new generation it
 * writes `status.observedGeneration`, `Reconciling=True` and `Ready=Unknown`, then, `spec.readyAfterSeconds`
 * (simulated, default 1) later, the outcome `spec.outcome` asks for:
 * - `ready` (default): `Ready=True`, reason `Reconciled`;
 * - `not-ready`: `Ready=False`, reason `spec.reason` (default `ReconcileFailed`), message `spec.message`;
 * - `stalled`: `Stalled=True` and `Ready=False`, same reason and message.
 * Conditions carry `observedGeneration` and `lastTransitionTime` (kept while a condition's status stays).
 */
import type { KubeObject, StoreEvent } from '../store/types.js';
import type { Controller, ControllerContext } from './runtime.js';
import { type Condition, type Json, semanticEqual } from './util.js';

/** The API group whose custom resources this controller reconciles. */
export const TEST_CRD_GROUP = 'sim.autorollback.dev';

const component = 'sim-test-operator';

interface TestSpec {
  outcome?: string;
  readyAfterSeconds?: number;
  reason?: string;
  message?: string;
}

/** The conditions for a generation: in progress, or the outcome its spec asks for. */
export function testResourceConditions(spec: TestSpec, generation: number, done: boolean): Array<Omit<Condition, 'lastTransitionTime'> & { observedGeneration: number }> {
  const g = { observedGeneration: generation };
  if (!done) {
    return [
      { type: 'Reconciling', status: 'True', reason: 'Progressing', message: `reconciling generation ${generation}`, ...g },
      { type: 'Ready', status: 'Unknown', reason: 'Reconciling', message: 'reconciliation in progress', ...g },
    ];
  }
  const reason = spec.reason ?? 'ReconcileFailed';
  const message = spec.message ?? 'the operator could not reconcile the resource';
  switch (spec.outcome) {
    case 'not-ready':
      return [{ type: 'Ready', status: 'False', reason, message, ...g }];
    case 'stalled':
      return [
        { type: 'Stalled', status: 'True', reason, message, ...g },
        { type: 'Ready', status: 'False', reason, message, ...g },
      ];
    default:
      return [{ type: 'Ready', status: 'True', reason: 'Reconciled', message: 'the resource is ready', ...g }];
  }
}

/** Creates the test operator. */
export function testResourceController(ctx: ControllerContext): Controller {
  const { store, clock } = ctx;
  /** Exact instants each key's current generation was first seen (conditions only keep whole seconds). */
  const seen = new Map<string, { generation: number; at: number }>();
  const isTest = (resource: string) => resource.endsWith(`.${TEST_CRD_GROUP}`);
  const keyOf = (resource: string, o: KubeObject) => `${resource}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;

  return {
    name: component,
    keysFor(event: StoreEvent) {
      if (!isTest(event.resource)) return [];
      if (event.type === 'DELETED') {
        seen.delete(keyOf(event.resource, event.object));
        return [];
      }
      return [keyOf(event.resource, event.object)];
    },
    initialKeys: () => [],
    reconcile(key) {
      const [resource, namespace, name] = key.split('|') as [string, string, string];
      const o = store.get(resource, namespace || undefined, name);
      if (!o || o.metadata.deletionTimestamp) return;
      const generation = o.metadata.generation ?? 1;
      const now = clock.now();
      let mark = seen.get(key);
      if (!mark || mark.generation !== generation) {
        mark = { generation, at: now.getTime() };
        seen.set(key, mark);
      }
      const spec = (o.spec ?? {}) as TestSpec;
      const delayMs = Math.max(0, Number(spec.readyAfterSeconds ?? 1)) * 1000;
      const elapsed = (now.getTime() - mark.at) * clock.timeScale;
      const done = elapsed >= delayMs;
      const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
      const previous = ((o.status as Json | undefined)?.conditions ?? []) as Condition[];
      const conditions = testResourceConditions(spec, generation, done).map((c) => {
        const before = previous.find((p) => p.type === c.type);
        return { ...c, lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : stamp };
      });
      const status = { ...((o.status as Json | undefined) ?? {}), observedGeneration: generation, conditions };
      if (!semanticEqual(status, o.status ?? {})) store.update(resource, { ...o, status }, { subresource: 'status' });
      if (!done) ctx.enqueue(key, delayMs - elapsed + 1);
    },
  };
}
