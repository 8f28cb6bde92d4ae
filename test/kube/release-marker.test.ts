import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeReleasePayload } from '../../src/domain/release/decode.js';
import { rewriteStatus } from '../../src/kube/release-marker.js';

const helmJson = {
  name: 'web',
  namespace: 'prod',
  version: 2,
  info: { status: 'superseded', description: 'Upgrade complete', first_deployed: '2026-01-01T00:00:00Z', notes: 'hi' },
  chart: { metadata: { name: 'demo', version: '1.0.0' } },
  manifest: '---\nkind: ConfigMap\n',
  config: { a: 1 },
  something_new: { kept: true },
};
const configMapPayload = gzipSync(Buffer.from(JSON.stringify(helmJson))).toString('base64'); // ConfigMap driver
const secretPayload = Buffer.from(configMapPayload).toString('base64'); // Secret data through the JSON API

describe('rewriteStatus (marking a revision failed in helm storage)', () => {
  it.each([
    ['ConfigMap payload (one base64 layer)', configMapPayload, 1],
    ['Secret payload (two base64 layers)', secretPayload, 2],
  ])('%s: sets status and description, keeps every other field and the layering', (_name, payload, layers) => {
    const out = rewriteStatus(payload, 'failed', 'Upgrade "web" failed: autorollback: CrashLoopBackOff');
    const decoded = decodeReleasePayload(out);
    expect(decoded).toMatchObject({ status: 'failed', description: 'Upgrade "web" failed: autorollback: CrashLoopBackOff', revision: 2, manifest: helmJson.manifest });
    let bytes = Buffer.from(out);
    for (let i = 0; i < layers; i++) bytes = Buffer.from(bytes.toString(), 'base64');
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // gzip, as helm writes it
  });

  it('keeps fields this tool does not model', () => {
    const out = rewriteStatus(configMapPayload, 'failed', 'x');
    const json = JSON.parse(gunzipSync(Buffer.from(out, 'base64')).toString()) as typeof helmJson;
    expect(json.something_new).toEqual({ kept: true });
    expect(json.info.notes).toBe('hi');
    expect(json.info.first_deployed).toBe(helmJson.info.first_deployed);
  });

  it('reads legacy uncompressed JSON records', () => {
    const legacy = Buffer.from(JSON.stringify(helmJson)).toString('base64');
    expect(decodeReleasePayload(rewriteStatus(legacy, 'failed', 'x')).status).toBe('failed');
  });
});
