/**
 * Server-side apply ownership with the real clients: kubectl's apply conflicts with helm 4's fields (409 with
 * causes, printed by kubectl), --force-conflicts takes them over, and helm 4 (force=false) then conflicts too,
 * exactly as against a real API server.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { helm, kubectl, withSim, writeChart, type TestSim } from '../helpers.js';

const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: app
          image: nginx:1.25
`;

describe('SSA conflicts between helm 4 and kubectl apply --server-side', () => {
  let sim: TestSim;
  let chart: string;
  let manifest: string;
  beforeAll(async () => {
    sim = await withSim({ workloads: false });
    chart = writeChart(sim.dir, 'web', {
      'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'templates/deployment.yaml': deployment(1),
    });
    manifest = join(sim.dir, 'deploy.yaml');
    writeFileSync(manifest, deployment(3));
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('conflicts, forces, and conflicts back', async () => {
    const install = await helm(sim, 4, ['install', 'r', chart]);
    expect(install.code).toBe(0);

    const conflicting = await kubectl(sim, ['apply', '--server-side', '-f', manifest]);
    expect(conflicting.code).not.toBe(0);
    expect(conflicting.stderr).toContain('Apply failed with 1 conflict: conflict with "helm" using apps/v1: .spec.replicas');
    expect((sim.store.get('deployments.apps', 'default', 'web')!.spec as any).replicas).toBe(1);

    const forced = await kubectl(sim, ['apply', '--server-side', '--force-conflicts', '-f', manifest]);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    const after = sim.store.get('deployments.apps', 'default', 'web')!;
    expect((after.spec as any).replicas).toBe(3);
    const owners = (after.metadata.managedFields as Array<{ manager: string; fieldsV1: any }>).map((e) => [e.manager, Boolean(e.fieldsV1['f:spec']?.['f:replicas'])]);
    expect(owners).toEqual([['helm', false], ['kubectl', true]]);

    const upgrade = await helm(sim, 4, ['upgrade', 'r', chart]);
    expect(upgrade.code).not.toBe(0);
    expect(upgrade.stderr).toContain('conflict with "kubectl"');
    const forcedUpgrade = await helm(sim, 4, ['upgrade', 'r', chart, '--force-conflicts']);
    expect(forcedUpgrade.code).toBe(0);
    expect((sim.store.get('deployments.apps', 'default', 'web')!.spec as any).replicas).toBe(1);
  });
});
