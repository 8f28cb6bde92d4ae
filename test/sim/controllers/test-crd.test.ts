import type { KubeObject } from '../../../src/sim/store/types.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, any>;
const RESOURCE = 'widgets.sim.autorollback.dev';

/** The test CRD, as a chart's crds/ folder would carry it. */
const WIDGET_CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: RESOURCE },
  spec: {
    group: 'sim.autorollback.dev',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

const widget = (name: string, spec: Json): KubeObject => ({ apiVersion: 'sim.autorollback.dev/v1', kind: 'Widget', metadata: { name, namespace: 'default' }, spec });
const conditions = (h: Harness, name: string) =>
  (((h.get(RESOURCE, name).status as Json | undefined)?.conditions ?? []) as Json[]).map((c) => `${c.type}=${c.status}/${c.reason}@${c.observedGeneration}`);

describe('test operator for sim.autorollback.dev resources', () => {
  let h: Harness;
  beforeEach(() => {
    h = startHarness();
    h.store.create('customresourcedefinitions.apiextensions.k8s.io', WIDGET_CRD);
  });
  afterEach(() => {
    h.stop();
    expect(h.errors).toEqual([]);
  });

  it.each([
    ['ready (default)', {}, ['Ready=True/Reconciled@1']],
    ['not-ready', { outcome: 'not-ready', reason: 'BackendUnavailable', message: 'no backend answers' }, ['Ready=False/BackendUnavailable@1']],
    ['stalled', { outcome: 'stalled' }, ['Stalled=True/ReconcileFailed@1', 'Ready=False/ReconcileFailed@1']],
  ])('%s: Reconciling first, then the outcome after readyAfterSeconds', async (_name, spec, outcome) => {
    h.store.create(RESOURCE, widget('w', { readyAfterSeconds: 3, ...spec }));
    await h.settle();
    expect(conditions(h, 'w')).toEqual(['Reconciling=True/Progressing@1', 'Ready=Unknown/Reconciling@1']);
    expect((h.get(RESOURCE, 'w').status as Json).observedGeneration).toBe(1);
    await h.advance(2_500);
    expect(conditions(h, 'w')).toHaveLength(2);
    await h.advance(1_000);
    expect(conditions(h, 'w')).toEqual(outcome);
  });

  it('a new generation is reconciled again (observedGeneration follows)', async () => {
    h.store.create(RESOURCE, widget('w', { readyAfterSeconds: 1 }));
    await h.settle();
    await h.advance(1_200);
    const w = h.get(RESOURCE, 'w');
    h.store.update(RESOURCE, { ...w, spec: { readyAfterSeconds: 1, outcome: 'not-ready' } });
    await h.settle();
    expect(h.get(RESOURCE, 'w').metadata.generation).toBe(2);
    expect(conditions(h, 'w')).toEqual(['Reconciling=True/Progressing@2', 'Ready=Unknown/Reconciling@2']);
    await h.advance(1_200);
    expect(conditions(h, 'w')).toEqual(['Ready=False/ReconcileFailed@2']);
  });
});
