import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeReleasePayload } from '../../../src/domain/release/decode.js';
import { customLabels, summaryFromLabels } from '../../../src/domain/release/labels.js';

// Release records exactly as the Kubernetes JSON API returned them after the REAL helm 3.17.3 / 4.1.4 ran
// `helm install demo-hN-DRIVER ./chart --set greeting=hi` then `helm upgrade ... ./chart2 --set greeting=hey
// --labels team=payments` against the simulator (chart demo-config 1.2.3 -> 1.3.0, appVersion 4.5.6, one
// ConfigMap and one pre-install/post-upgrade hook). Secret `data.release` is therefore base64 twice,
// ConfigMap `data.release` once.
interface StoredRecord {
  metadata: { name: string; labels: Record<string, string> };
  type?: string;
  data: { release: string };
}
const record = (major: 3 | 4, driver: 'secret' | 'configmap', revision: 1 | 2): StoredRecord =>
  JSON.parse(
    readFileSync(join(process.cwd(), 'test/domain/release/fixtures/records', `rec-h${major}-${driver}-v${revision}.json`), 'utf8'),
  ) as StoredRecord;

const cases = [3, 4].flatMap((major) => ['secret', 'configmap'].map((driver) => [major, driver] as [3 | 4, 'secret' | 'configmap']));

describe.each(cases)('records written by helm %i with the %s driver', (major, driver) => {
  const release = `demo-h${major}-${driver}`;

  it('decodes revision 1 (superseded) with its executed hook', () => {
    const rec = record(major, driver, 1);
    if (driver === 'secret') expect(rec.type).toBe('helm.sh/release.v1');
    const rel = decodeReleasePayload(rec.data.release);
    expect(rel).toMatchObject({
      name: release,
      namespace: 'default',
      revision: 1,
      status: 'superseded',
      chart: { name: 'demo-config', version: '1.2.3', appVersion: '4.5.6' },
      description: 'Install complete',
      values: { greeting: 'hi' },
      chartValues: { greeting: 'hello' },
    });
    expect(rel.manifest).toContain(`name: ${release}-cfg`);
    expect(rel.hooks).toHaveLength(1);
    const [hook] = rel.hooks;
    expect(hook).toMatchObject({ name: `${release}-hook`, kind: 'ConfigMap', events: ['pre-install', 'post-upgrade'], weight: 5 });
    expect(hook.deletePolicies).toEqual(['before-hook-creation']);
    expect(hook.lastRun.phase).toBe('Succeeded');
    expect(hook.lastRun.completedAt!.getTime()).toBeGreaterThanOrEqual(hook.lastRun.startedAt!.getTime());
    expect(rel.applyMethod).toBe(major === 4 ? 'ssa' : undefined);
  });

  it('decodes revision 2 (deployed) and reads its labels like helm', () => {
    const rec = record(major, driver, 2);
    const rel = decodeReleasePayload(rec.data.release);
    expect(rel).toMatchObject({ revision: 2, status: 'deployed', chart: { version: '1.3.0' }, description: 'Upgrade complete', values: { greeting: 'hey' } });
    expect(rel.manifest).toContain('greeting: "hey"');
    expect(rel.lastDeployed!.getTime()).toBeGreaterThan(rel.firstDeployed!.getTime() - 1);

    const summary = summaryFromLabels(rec.metadata.labels, rec.metadata.name);
    // helm rewrites all labels on update: createdAt is gone, modifiedAt is set.
    expect(summary).toMatchObject({ release, revision: 2, status: 'deployed', recordName: `sh.helm.release.v1.${release}.v2` });
    expect(summary!.modifiedAt).toBeInstanceOf(Date);
    expect(customLabels(rec.metadata.labels)).toEqual({ team: 'payments' });
    expect(summaryFromLabels(record(major, driver, 1).metadata.labels, `sh.helm.release.v1.${release}.v1`)?.status).toBe('superseded');
  });
});
