import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeReleasePayload, ReleaseDecodeError, releaseFromJson } from '../../../src/domain/release/decode.js';

// Release JSON printed by the REAL helm binaries (`helm install demo ./chart --dry-run=client -o json
// --set greeting=hi -n team`, chart demo-config 1.2.3 / appVersion 4.5.6 with one ConfigMap and one hook).
// helm prints the same struct it stores, so these are the bodies helm 3.17.3 and 4.1.4 write.
const fixture = (file: string) => readFileSync(join(process.cwd(), 'test/domain/release/fixtures', file), 'utf8');
const helm3Json = fixture('helm3-dry-run.json');
const helm4Json = fixture('helm4-dry-run.json');

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
const gz = (text: string) => gzipSync(Buffer.from(text), { level: 9 });

// Every way a record body reaches us.
const shapes: Array<[string, (json: string) => string | Buffer]> = [
  ['ConfigMap data.release: base64(gzip(JSON))', (j) => b64(gz(j))],
  ['Secret data.release via client-node: base64(base64(gzip(JSON)))', (j) => b64(b64(gz(j)))],
  ['legacy uncompressed ConfigMap: base64(JSON)', (j) => b64(j)],
  ['legacy uncompressed Secret via client-node: base64(base64(JSON))', (j) => b64(b64(j))],
  ['Secret data as bytes (protobuf/decoded once): base64(gzip(JSON)) in a Buffer', (j) => Buffer.from(b64(gz(j)))],
  ['raw gzip bytes', (j) => gz(j)],
  ['base64 wrapped at 76 columns', (j) => b64(gz(j)).replace(/(.{76})/g, '$1\n')],
];

describe('decodeReleasePayload', () => {
  describe.each([
    ['helm 3.17.3', helm3Json],
    ['helm 4.1.4', helm4Json],
  ])('a record written by %s', (_helm, json) => {
    it.each(shapes)('decodes %s', (_shape, encode) => {
      const rel = decodeReleasePayload(encode(json));
      expect(rel).toMatchObject({
        name: 'demo',
        namespace: 'team',
        revision: 1,
        status: 'pending-install',
        chart: { name: 'demo-config', version: '1.2.3', appVersion: '4.5.6' },
        description: 'Dry run complete',
        values: { greeting: 'hi' },
        chartValues: { greeting: 'hello' },
      });
      expect(rel.manifest).toContain('name: demo-cfg');
      expect(rel.manifest).toContain('greeting: "hi"');
      expect(rel.firstDeployed).toBeInstanceOf(Date);
      expect(rel.lastDeployed?.toISOString()).toMatch(/^\d{4}-\d\d-\d\dT/);
      // helm 3 writes a zero `deleted` as "", helm 4 omits it: both mean not deleted.
      expect(rel.deleted).toBeUndefined();
      expect(rel.hooks).toEqual([
        {
          name: 'demo-hook',
          kind: 'ConfigMap',
          path: 'demo-config/templates/hook.yaml',
          manifest: expect.stringContaining('helm.sh/hook'),
          events: ['pre-install', 'post-upgrade'],
          lastRun: { phase: 'Unknown' }, // never ran: helm writes phase ""
          weight: 5,
          deletePolicies: ['before-hook-creation'],
        },
      ]);
    });
  });

  it('keeps helm 4 apply_method', () => {
    expect(decodeReleasePayload(b64(gz(helm4Json))).applyMethod).toBe('ssa');
    expect(decodeReleasePayload(b64(gz(helm3Json))).applyMethod).toBeUndefined();
  });

  it('does not mutate a Buffer it is given', () => {
    const input = Buffer.from(b64(gz(helm3Json)));
    const copy = Buffer.from(input);
    decodeReleasePayload(input);
    expect(input.equals(copy)).toBe(true);
  });

  it.each([
    ['garbage text', 'this is not a release!'],
    ['empty string', ''],
    ['base64 of plain text', b64('hello world, no json here')],
    ['truncated gzip', b64(gz(helm3Json).subarray(0, 40))],
    ['gzip of non-JSON', b64(gz('<<not json>>'))],
    ['JSON that is not a release (no name)', b64(gz('{"version":1}'))],
    ['JSON without a revision', b64(gz('{"name":"x"}'))],
    ['JSON array', b64(gz('[1,2]'))],
    ['too many base64 layers', b64(b64(b64(b64(gz(helm3Json)))))],
  ])('rejects %s with ReleaseDecodeError', (_what, payload) => {
    expect(() => decodeReleasePayload(payload)).toThrow(ReleaseDecodeError);
  });
});

describe('releaseFromJson', () => {
  it('reads hook runs, deleted time and statuses; unknown statuses read as unknown', () => {
    const rel = releaseFromJson({
      name: 'app',
      version: 7,
      namespace: 'prod',
      info: { status: 'uninstalled', deleted: '2026-01-02T03:04:05.123456789Z', description: 'Deletion complete' },
      chart: { metadata: { name: 'app', version: '0.1.0' } },
      hooks: [
        {
          name: 'migrate',
          kind: 'Job',
          events: ['pre-upgrade'],
          last_run: { started_at: '2026-01-02T03:00:00Z', completed_at: '2026-01-02T03:01:00Z', phase: 'Failed' },
          delete_policies: ['hook-succeeded', 'hook-failed'],
        },
        { name: 'running', kind: 'Pod', last_run: { phase: 'Running', started_at: '0001-01-01T00:00:00Z' } },
      ],
    });
    expect(rel.status).toBe('uninstalled');
    expect(rel.deleted?.toISOString()).toBe('2026-01-02T03:04:05.123Z');
    expect(rel.chart).toEqual({ name: 'app', version: '0.1.0', appVersion: '' });
    expect(rel.values).toEqual({});
    expect(rel.chartValues).toBeUndefined();
    expect(rel.hooks[0].lastRun).toEqual({
      phase: 'Failed',
      startedAt: new Date('2026-01-02T03:00:00Z'),
      completedAt: new Date('2026-01-02T03:01:00Z'),
    });
    expect(rel.hooks[0].weight).toBe(0);
    expect(rel.hooks[1].lastRun).toEqual({ phase: 'Running' });
    expect(releaseFromJson({ name: 'a', version: 1, info: { status: 'exploded' } }).status).toBe('unknown');
  });

  it('tolerates a record without info or chart (as helm does)', () => {
    expect(releaseFromJson({ name: 'bare', version: 2 })).toMatchObject({
      name: 'bare',
      revision: 2,
      status: 'unknown',
      chart: { name: '', version: '', appVersion: '' },
      hooks: [],
      manifest: '',
    });
  });
});
