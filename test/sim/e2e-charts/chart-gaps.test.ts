/**
 * What public charts need from kube-sim, with the real helm 3 and 4 and kubectl (one simulator for the file, one
 * namespace per major): admissionregistration.k8s.io/v1 objects are stored and served, apiVersion/kind inside
 * StatefulSet volumeClaimTemplates are valid (embedded PersistentVolumeClaims), and helm 4's --create-namespace
 * applies cleanly over a namespace that `kubectl create ns` made, and Services of type LoadBalancer get an address.
 */
import { join } from 'node:path';
import type { HelmMajor } from '../../../src/toolchain/binaries.js';
import { helm, kubectl, withSim, type TestSim } from '../helpers.js';
import { ok, until } from '../e2e-workloads/support.js';

const charts = join(process.cwd(), 'test/charts');
let sim: TestSim;

beforeAll(async () => {
  sim = await withSim({ timeScale: 10 });
});
afterAll(async () => {
  await sim.stop();
});

describe.each([3, 4] as HelmMajor[])('helm %i', (major) => {
  const ns = `gaps-h${major}`;

  it('--create-namespace into a namespace kubectl created, then installs and upgrades webhook configurations and admission policies', async () => {
    ok(await kubectl(sim, ['create', 'ns', ns], major));
    const install = await helm(sim, major, ['install', 'hooks', join(charts, 'webhooks'), '-n', ns, '--create-namespace', '--wait', '--timeout', '60s']);
    ok(install);
    // Nothing complained about the chart: no unknown-field warnings, no missing kinds.
    expect(install.stderr).not.toMatch(/unknown field|no matches for kind|could not find/i);
    expect(sim.store.get('namespaces', undefined, ns)?.metadata.labels).toMatchObject({ 'kubernetes.io/metadata.name': ns });

    const webhook = sim.store.get('validatingwebhookconfigurations.admissionregistration.k8s.io', undefined, 'hooks-validating');
    expect(webhook?.metadata.namespace).toBeUndefined();
    // Server defaults of a real API server for the fields the chart left out.
    expect((webhook as any).webhooks[0]).toMatchObject({
      name: 'validate.hooks.example.com',
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      timeoutSeconds: 10,
      namespaceSelector: {},
      objectSelector: {},
      rules: [{ scope: '*' }],
    });
    expect(sim.store.get('mutatingwebhookconfigurations.admissionregistration.k8s.io', undefined, 'hooks-mutating')).toBeDefined();
    expect(sim.store.get('validatingadmissionpolicies.admissionregistration.k8s.io', undefined, 'hooks-replicas')).toBeDefined();
    expect(sim.store.get('validatingadmissionpolicybindings.admissionregistration.k8s.io', undefined, 'hooks-replicas')).toBeDefined();

    ok(await helm(sim, major, ['upgrade', 'hooks', join(charts, 'webhooks'), '-n', ns, '--set', 'failurePolicy=Ignore', '--wait', '--timeout', '60s']));
    expect((sim.store.get('validatingwebhookconfigurations.admissionregistration.k8s.io', undefined, 'hooks-validating') as any).webhooks[0].failurePolicy).toBe('Ignore');
    expect((sim.store.get('validatingadmissionpolicies.admissionregistration.k8s.io', undefined, 'hooks-replicas') as any).spec.failurePolicy).toBe('Ignore');

    const listed = ok(await kubectl(sim, ['get', 'validatingwebhookconfigurations,mutatingwebhookconfigurations'], major));
    expect(listed).toMatch(/^NAME\s+WEBHOOKS\s+AGE$/m);
    expect(listed).toMatch(/^validatingwebhookconfiguration\.admissionregistration\.k8s\.io\/hooks-validating\s+1\s+/m);
    expect(listed).toMatch(/^mutatingwebhookconfiguration\.admissionregistration\.k8s\.io\/hooks-mutating\s+1\s+/m);

    ok(await helm(sim, major, ['uninstall', 'hooks', '-n', ns, '--wait']));
    expect(sim.store.get('validatingwebhookconfigurations.admissionregistration.k8s.io', undefined, 'hooks-validating')).toBeUndefined();
  });

  it('a StatefulSet whose volumeClaimTemplates carry apiVersion/kind installs without a warning and keeps them', async () => {
    const release = `db${major}`;
    const r = await helm(sim, major, ['install', release, join(charts, 'stateful-db'), '-n', ns, '--set', 'replicas=1', '--wait', '--timeout', '60s']);
    ok(r);
    expect(r.stderr).not.toMatch(/unknown field|not declared in schema/);
    const sts = sim.store.get('statefulsets.apps', ns, release) as any;
    expect(sts.spec.volumeClaimTemplates[0]).toMatchObject({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' } });
    expect(sim.store.get('persistentvolumeclaims', ns, `data-${release}-0`)?.status).toMatchObject({ phase: 'Bound' });
  });

  it('a LoadBalancer Service gets an ingress address from the load-balancer controller (helm 3 --wait waits for it)', async () => {
    const release = `lb${major}`;
    ok(await helm(sim, major, ['install', release, join(charts, 'loadbalancer'), '-n', ns, '--wait', '--timeout', '60s']));
    const ingress = () => (sim.store.get('services', ns, `${release}-lb`)?.status as any)?.loadBalancer?.ingress;
    // helm 3's --wait waits for the address; helm 4's watcher does not, so wait for the controller here.
    if (major === 3) expect(ingress()).toBeDefined();
    else await until(sim, 'a load-balancer address', () => ingress());
    expect(ingress()).toEqual([{ ip: expect.stringMatching(/^172\.18\.\d+\.\d+$/), ipMode: 'VIP' }]);
    const listed = ok(await kubectl(sim, ['get', 'svc', `${release}-lb`, '-n', ns], major));
    expect(listed).toMatch(new RegExp(`^${release}-lb\\s+LoadBalancer\\s+\\S+\\s+172\\.18\\.`, 'm'));
  });
});
