import { sharedPodSelectors } from '../../../src/domain/manifest/pod-selector.js';
import type { WorkloadRef } from '../../../src/domain/manifest/workload-ref.js';

const w = (kind: string, name: string, templateLabels?: Record<string, string>, extra: Partial<WorkloadRef> = {}): WorkloadRef => ({
  apiVersion: kind === 'Job' ? 'batch/v1' : kind === 'Pod' ? 'v1' : 'apps/v1',
  kind,
  namespace: 'ns',
  name,
  ...(templateLabels ? { templateLabels } : {}),
  ...extra,
});
const inst = (name: string) => ({ 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/name': name });

describe('sharedPodSelectors', () => {
  it.each<[string, WorkloadRef[], Record<string, string>]>([
    ['one Deployment: all its template labels, sorted', [w('Deployment', 'a', { tier: 'web', app: 'a' })], { ns: 'app=a,tier=web' }],
    ['the labels every template shares', [w('Deployment', 'a', inst('a')), w('StatefulSet', 'b', inst('b')), w('Job', 'c', inst('c'), { hook: { events: ['pre-upgrade'], deletePolicies: [] } })], { ns: 'app.kubernetes.io/instance=web' }],
    ['a template without labels: the whole namespace', [w('Deployment', 'a', inst('a')), w('Job', 'hook')], {}],
    ['templates that share nothing: the whole namespace', [w('Deployment', 'a', { app: 'a' }), w('Deployment', 'b', { app: 'b' })], {}],
    ['same key, other value, is not shared', [w('Deployment', 'a', { app: 'x', team: 't' }), w('DaemonSet', 'b', { app: 'y', team: 't' })], { ns: 'team=t' }],
    ['kinds without pods and generic kinds do not count', [w('Deployment', 'a', { app: 'a' }), w('Service', 's'), w('PersistentVolumeClaim', 'c'), w('Widget', 'x', undefined, { generic: true })], { ns: 'app=a' }],
    ['per namespace', [w('Deployment', 'a', { app: 'a' }), w('Deployment', 'b', { app: 'b' }, { namespace: 'other' })], { ns: 'app=a', other: 'app=b' }],
    ['no workloads with pods: nothing to narrow', [w('Service', 's')], {}],
  ])('%s', (_, workloads, expected) => {
    expect(Object.fromEntries(sharedPodSelectors(workloads))).toEqual(expected);
  });
});
