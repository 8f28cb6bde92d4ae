import type { WorkloadProgress } from '../../../src/domain/health/types.js';
import { holdBack, type HoldBackInput } from '../../../src/domain/rollback/hold-back.js';
import { workloadsFromManifest } from '../../../src/domain/manifest/workloads.js';
import { at } from '../fixtures.js';

const w = (kind: WorkloadProgress['kind'], name: string, done: boolean, note?: string): WorkloadProgress => ({ kind, name, desired: 1, updated: 1, ready: done ? 1 : 0, available: 0, done, present: true, ...(note ? { note } : {}) });
const input = (o: Partial<HoldBackInput>): HoldBackInput => ({
  release: 'web',
  namespace: 'prod',
  attemptedRevision: 2,
  failure: { reason: 'CrashLoopBackOff', object: 'Pod/web-1', message: 'back-off', firstSignalAt: at(1) },
  verdictHealthy: false,
  plan: { action: 'rollback', toRevision: 1 },
  targetLoadBalancers: [],
  ...o,
});
const helmFailed = (message: string) => ({ reason: 'HelmFailed' as const, object: 'Release/web.v2', message, firstSignalAt: at(9) });
const lbTimeout = { reason: 'Timeout' as const, object: 'Service/web-lb', message: 'timed out', firstSignalAt: at(30) };
const progress = (workloads: WorkloadProgress[]) => ({ workloads, pods: [], warnings: [], deadline: at(30) });

describe('holdBack', () => {
  it.each<[string, Partial<HoldBackInput>, boolean, RegExp | undefined]>([
    ['a workload failure: recover, nothing to add', {}, false, undefined],
    ['helm failed, workloads healthy: never undo a healthy revision', { failure: helmFailed('helm upgrade failed: context deadline exceeded'), verdictHealthy: true }, true, /are healthy .*but helm upgrade failed: context deadline exceeded\. Not rolling back: a healthy revision is not undone because helm gave up.*helm rollback web 1 -n prod/],
    ['helm failed on a hook, workloads healthy: a failed hook fails the release', { failure: helmFailed('helm upgrade failed: post-upgrade hooks failed: job failed: BackoffLimitExceeded'), verdictHealthy: true }, false, /a failed hook fails the release although its workloads are healthy: rolling back to revision 1/],
    ['helm failed while still rolling out: recover, saying what was pending', { failure: helmFailed('helm upgrade failed: conflict'), progress: progress([w('Deployment', 'web', false, '1/2 ready')]) }, false, /conflict, while the workloads were not healthy yet \(still pending: Deployment\/web \(1\/2 ready\)\): rolling back to revision 1/],
    ['only a LoadBalancer Service pending, the target has it too: hold', { failure: lbTimeout, progress: progress([w('Deployment', 'web', true), w('Service', 'web-lb', false)]), targetLoadBalancers: ['Service/web-lb'] }, true, /only Service\/web-lb still has no load-balancer address.*Not rolling back: revision 1 has the same LoadBalancer Service/],
    ['only a LoadBalancer Service pending, the target lacks it: recover', { failure: lbTimeout, progress: progress([w('Deployment', 'web', true), w('Service', 'web-lb', false)]) }, false, /revision 1 does not have that Service as a LoadBalancer: rolling back to revision 1/],
    ['a first install whose LoadBalancer has no address: not uninstalled', { failure: lbTimeout, plan: { action: 'uninstall' }, progress: progress([w('Service', 'web-lb', false)]) }, true, /Not uninstalling: this is the first install/],
    ['a Deployment pending too: a plain timeout, recover', { failure: lbTimeout, progress: progress([w('Deployment', 'web', false), w('Service', 'web-lb', false)]), targetLoadBalancers: ['Service/web-lb'] }, false, undefined],
  ])('%s', (_what, o, hold, message) => {
    const d = holdBack(input(o));
    expect(d.hold).toBe(hold);
    if (message) expect(d.message).toMatch(message);
    else expect(d.message).toBeUndefined();
    if (hold) expect(d.reason).toBeTruthy();
  });
});

describe('Services in a manifest', () => {
  it('only LoadBalancer Services without externalIPs are waited for', () => {
    const svc = (name: string, spec: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n${spec}\n`;
    const manifest = [
      svc('lb', '  type: LoadBalancer\n  ports: [{port: 80}]'),
      svc('plain', '  ports: [{port: 80}]'),
      svc('fixed', '  type: LoadBalancer\n  externalIPs: [10.0.0.9]\n  ports: [{port: 80}]'),
    ].join('---\n');
    expect(workloadsFromManifest(manifest, 'prod').map((r) => `${r.kind}/${r.name}`)).toEqual(['Service/lb']);
  });
});
