// The light reader of `history` (src/kube/rest/) over HTTPS: kube-sim --rbac serves TLS with its own CA and
// authenticates client certificates and bearer tokens, like a real API server; answers and 403s must match the
// client-node adapters'.
import { openPorts } from '../../src/kube/ports.js';
import { openReadPorts } from '../../src/kube/read-ports.js';
import { KubeForbiddenError } from '../../src/ports/release-store.js';
import { ensureNamespace, restrictedKubeconfig, withRbacSim, type RbacSim } from '../e2e/rbac-helpers.js';
import { releaseRecord } from './fake-api.js';

let sim: RbacSim;
beforeAll(async () => {
  sim = await withRbacSim();
  ensureNamespace(sim, 'team');
  for (const rev of [1, 2]) sim.store.create('secrets', releaseRecord('secret', 'web', rev, rev === 2 ? 'deployed' : 'superseded') as never);
});
afterAll(async () => {
  await sim?.stop();
});

const read = ['get', 'list'];

describe('light reader over TLS (kube-sim --rbac)', () => {
  it.each(['cert', 'token'] as const)('reads with a %s user exactly what the client-node store reads', async (auth) => {
    const kubeconfig = await restrictedKubeconfig(sim, `reader-${auth}`, { namespace: 'team', auth, rules: [{ apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: read }] });
    const flags = { release: 'web', kubeconfig, env: {} };
    const light = await openReadPorts(flags);
    expect(light.via).toBe('rest');
    const full = openPorts(flags);
    expect(await light.releases.listHistory('web', 'team')).toEqual(await full.releases.listHistory('web', 'team'));
    expect(await light.releases.getRevision('web', 'team', 2)).toEqual(await full.releases.getRevision('web', 'team', 2));
    expect(await light.ledger.read('web', 'team')).toEqual({ entries: [], warnings: [] });
  });

  it('says 403 in the same words as the client-node store', async () => {
    const kubeconfig = await restrictedKubeconfig(sim, 'nobody', { namespace: 'team', rules: [{ apiGroups: [''], resources: ['pods'], verbs: read }] });
    const flags = { release: 'web', kubeconfig, env: {} };
    const light = await (await openReadPorts(flags)).releases.listHistory('web', 'team').then(() => undefined, (e: Error) => e);
    expect(light).toBeInstanceOf(KubeForbiddenError);
    expect(light?.message).toBe(await openPorts(flags).releases.listHistory('web', 'team').then(() => undefined, (e: Error) => e.message));
  });
});
