import type { WorkloadProgress } from '../../src/domain/health/types.js';
import { workloadStatus } from '../../src/ui/live/state.js';

const w = (o: Partial<WorkloadProgress>): WorkloadProgress => ({ kind: 'Deployment', name: 'web', desired: 2, updated: 0, ready: 0, available: 0, done: false, present: true, ...o });

describe('workload lines say what the counts cannot show (live view and plain log)', () => {
  it.each([
    ['a paused Deployment', w({ note: 'paused' }), '0/2 ready, 0/2 updated (paused)'],
    ['pods refused by a quota', w({ updated: 0, note: 'cannot create pods: pods "web-x" is forbidden: exceeded quota: compute' }), '0/2 ready, 0/2 updated (cannot create pods: pods "web-x" is forbidden: exceeded quota: compute)'],
    ['a suspended Job', w({ kind: 'Job', desired: 1, note: 'suspended' }), '0/1 succeeded (suspended)'],
    ['a custom resource not ready', w({ kind: 'Widget', desired: 1, note: 'Ready=False: BackendUnavailable' }), 'not ready (Ready=False: BackendUnavailable)'],
    ['a custom resource ready', w({ kind: 'Certificate', desired: 1, ready: 1, done: true, note: 'Ready' }), 'ready (Ready)'],
    ['a claim pending', w({ kind: 'PersistentVolumeClaim', desired: 1, note: 'Pending: storageclass.storage.k8s.io "fast" not found' }), 'not ready (Pending: storageclass.storage.k8s.io "fast" not found)'],
    ['a rolled-out Deployment needs no note', w({ updated: 2, ready: 2, available: 2, done: true }), 'rolled out, 2/2 ready'],
  ])('%s', (_name, progress, line) => {
    expect(workloadStatus(progress)).toBe(line);
  });
});
