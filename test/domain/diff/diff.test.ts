import {
  diffLines,
  diffReleases,
  isSecretKey,
  renderDiffLines,
  renderFieldLines,
  unifiedHunks,
  type ReleaseDiff,
} from '../../../src/domain/diff/index.js';
import type { Release } from '../../../src/domain/release/release.js';

/** A decoded release with only what the diff reads. */
function rel(revision: number, values: Record<string, unknown>, manifest: string): Release {
  return {
    name: 'web', namespace: 'prod', revision, status: 'superseded',
    chart: { name: 'web', version: `1.${revision}.0`, appVersion: `${revision}.0` },
    description: '', values, manifest, hooks: [], labels: {},
  };
}

const deployment = (image: string, env: Array<{ name: string; value: string }> = []) => `# Source: web/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: ${image}
          env: ${JSON.stringify(env)}
`;
const configMap = (name: string, data: Record<string, string>) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata: ${JSON.stringify(data)}\n`;
const secret = (data: Record<string, string>, stringData: Record<string, string> = {}) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: prod\ndata: ${JSON.stringify(data)}\nstringData: ${JSON.stringify(stringData)}\n`;
const manifest = (...docs: string[]) => docs.map((d) => `---\n${d}`).join('\n');
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('isSecretKey', () => {
  it.each([
    ['password', false, true], ['dbPassword', false, true], ['DB_PASSWORD', false, true], ['passwd', false, true],
    ['token', false, true], ['githubToken', false, true], ['clientSecret', false, true], ['apiKey', false, true],
    ['APIKEY', false, true], ['api-key', false, true], ['tls.key', false, true], ['key', false, true],
    ['credentials', false, true], ['privateKey', false, true], ['tlsCert', false, true], ['auth', false, true],
    ['basicAuth', false, true], ['author', false, false], ['image', false, false], ['tag', false, false],
    ['monkey', false, false], ['keyboard', false, false], ['passthrough', false, false], ['replicaCount', false, false],
    // In manifests a bare `key` is a field name (tolerations, secretKeyRef), but apiKey/privateKey still count.
    ['key', true, false], ['apiKey', true, true], ['privateKey', true, true], ['password', true, true],
  ] as const)('%s (structural %s) -> %s', (key, structural, expected) => {
    expect(isSecretKey(key, structural)).toBe(expected);
  });
});

describe('diffLines', () => {
  const apply = (ops: ReturnType<typeof diffLines>, side: '-' | '+') => ops.filter((o) => o.op !== (side === '-' ? '+' : '-')).map((o) => o.text);
  it.each([
    ['identical', ['a', 'b', 'c'], ['a', 'b', 'c'], 0],
    ['one line changed', ['a', 'b', 'c'], ['a', 'x', 'c'], 2],
    ['insert at start', ['b', 'c'], ['a', 'b', 'c'], 1],
    ['delete at end', ['a', 'b', 'c'], ['a', 'b'], 1],
    ['from empty', [], ['a', 'b'], 2],
    ['to empty', ['a', 'b'], [], 2],
    ['nothing in common', ['a', 'b'], ['c', 'd', 'e'], 5],
    ['interleaved', ['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c'], 5],
  ])('%s: rebuilds both sides with the fewest edits', (_n, a, b, edits) => {
    const ops = diffLines(a, b);
    expect(apply(ops, '-')).toEqual(a);
    expect(apply(ops, '+')).toEqual(b);
    expect(ops.filter((o) => o.op !== ' ').length).toBe(edits);
  });

  it('past the edit bound reports the differing middle as one block, still rebuilding both sides', () => {
    const a = ['head', ...Array.from({ length: 50 }, (_, i) => `a${i}`), 'tail'];
    const b = ['head', ...Array.from({ length: 50 }, (_, i) => (i % 2 ? `a${i}` : `b${i}`)), 'tail'];
    const ops = diffLines(a, b, 10);
    expect(apply(ops, '-')).toEqual(a);
    expect(apply(ops, '+')).toEqual(b);
    expect(ops.map((o) => o.op).join('')).toBe(` ${'-'.repeat(49)}${'+'.repeat(49)}  `);
    // Within the bound the same input gets the shortest script (only the 25 differing lines each way).
    expect(diffLines(a, b).filter((o) => o.op !== ' ').length).toBe(50);
  });

  it('groups changes into unified hunks with context and line numbers', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i + 1}`);
    const b = a.map((l) => (l === 'l3' ? 'L3' : l === 'l18' ? 'L18' : l));
    const hunks = unifiedHunks(diffLines(a, b), 2);
    expect(hunks.map((h) => h.header)).toEqual(['@@ -1,5 +1,5 @@', '@@ -16,5 +16,5 @@']);
    expect(unifiedHunks(diffLines(a, b), 10)).toHaveLength(1);
    expect(unifiedHunks(diffLines(a, a))).toEqual([]);
  });
});

describe('diffReleases', () => {
  it('reports values and manifest changes per object and per field', () => {
    const from = rel(3, { image: { tag: '1.0' }, replicas: 2 }, manifest(deployment('web:1.0'), configMap('settings', { mode: 'a' })));
    const to = rel(2, { image: { tag: '0.9' }, extra: true }, manifest(deployment('web:0.9'), configMap('other', { mode: 'a' })));
    const d = diffReleases(from, to);
    expect(d.changed).toBe(true);
    expect(d.values).toEqual([
      { path: 'image.tag', old: '1.0', new: '0.9' },
      { path: 'replicas', old: 2 },
      { path: 'extra', new: true },
    ]);
    expect(d.objects.map((o) => [o.kind, `${o.namespace}/${o.name}`, o.change])).toEqual([
      ['Deployment', 'prod/web', 'changed'],
      ['ConfigMap', 'prod/other', 'added'],
      ['ConfigMap', 'prod/settings', 'removed'],
    ]);
    expect(d.objects[0].fields).toEqual([{ path: 'spec.template.spec.containers[0].image', old: 'web:1.0', new: 'web:0.9' }]);
    expect(d.from).toEqual({ revision: 3, chart: 'web-1.3.0', appVersion: '3.0' });
    expect(renderFieldLines(d.values)).toEqual(['~ image.tag: "1.0" -> "0.9"', '- replicas: 2', '+ extra: true']);
  });

  it('renders unified lines with a header per object', () => {
    const d = diffReleases(rel(3, {}, manifest(deployment('web:1.0'))), rel(2, {}, manifest(deployment('web:0.9'))));
    const lines = renderDiffLines(d);
    expect(lines[0]).toEqual({ kind: 'object', text: 'Deployment prod/web (changed)' });
    expect(lines[1].kind).toBe('hunk');
    expect(lines.filter((l) => l.kind === 'remove' || l.kind === 'add').map((l) => l.text)).toEqual([
      '-          image: web:1.0',
      '+          image: web:0.9',
    ]);
  });

  it('counts identical objects, and objects that differ only in comments or formatting, as unchanged', () => {
    const docs = [deployment('web:1.0'), configMap('a', { x: '1' }), configMap('b', { x: '2' })];
    const reformatted = configMap('b', { x: '2' }).replace('data: {"x":"2"}', '# comment\ndata:\n  x: "2"');
    const d = diffReleases(rel(2, { a: 1 }, manifest(...docs)), rel(1, { a: 1 }, manifest(docs[0], docs[1], reformatted)));
    expect(d).toMatchObject({ changed: false, values: [], objects: [], unchangedObjects: 3 });
    expect(renderDiffLines(d)).toEqual([]);
  });

  it('tells objects apart by API group, kind, namespace and name', () => {
    const other = configMap('settings', { mode: 'a' }).replace('name: settings', 'name: settings\n  namespace: staging');
    const d = diffReleases(rel(2, {}, manifest(configMap('settings', { mode: 'a' }))), rel(1, {}, manifest(other)));
    expect(d.objects.map((o) => `${o.change} ${o.namespace}/${o.name}`)).toEqual(['added staging/settings', 'removed prod/settings']);
  });

  it('keeps going past a document that is not YAML, with a warning', () => {
    const d = diffReleases(rel(2, {}, manifest('kind: [oops')), rel(1, {}, manifest(configMap('a', {}))));
    expect(d.warnings).toEqual([expect.stringMatching(/^old manifest: a document is not valid YAML/)]);
    expect(d.objects.map((o) => o.change)).toEqual(['added']);
  });
});

describe('secret masking', () => {
  const SECRETS = ['hunter2-old', 'hunter2-new', 'tok-ABC', 'tok-XYZ', 's3cr3t-string', 'env-pass-1', 'env-pass-2', 'same-secret'];
  const from = rel(
    5,
    { db: { password: 'hunter2-old', host: 'db1' }, auth: { token: 'tok-ABC' }, unchangedKey: 'same-secret', credentials: { user: 'env-pass-1' } },
    manifest(
      secret({ password: b64('hunter2-old'), same: b64('same-secret') }, { note: 's3cr3t-string' }),
      deployment('web:1', [{ name: 'DB_PASSWORD', value: 'env-pass-1' }, { name: 'LOG_LEVEL', value: 'info' }]),
      configMap('cfg', { apiKey: 'tok-ABC', mode: 'a' }),
    ),
  );
  const to = rel(
    4,
    { db: { password: 'hunter2-new!', host: 'db2' }, auth: { token: 'tok-XYZ' }, unchangedKey: 'same-secret', credentials: {} },
    manifest(
      secret({ password: b64('hunter2-new'), same: b64('same-secret'), added: b64('tok-XYZ') }),
      deployment('web:2', [{ name: 'DB_PASSWORD', value: 'env-pass-2' }, { name: 'LOG_LEVEL', value: 'debug' }]),
      configMap('cfg', { apiKey: 'tok-XYZ', mode: 'b' }),
    ),
  );
  const everything = (d: ReleaseDiff) =>
    [JSON.stringify(d), renderDiffLines(d).map((l) => l.text).join('\n'), renderFieldLines(d.values).join('\n'), ...d.objects.map((o) => renderFieldLines(o.fields).join('\n'))].join('\n');
  const leaks = (text: string) => SECRETS.flatMap((s) => [s, b64(s)]).filter((s) => text.includes(s));

  it('no secret byte appears in any rendering without showSecrets', () => {
    const text = everything(diffReleases(from, to));
    expect(leaks(text)).toEqual([]);
    // Non-secret changes next to them are still shown.
    expect(text).toContain('db2');
    expect(text).toContain('web:2');
    expect(text).toContain('debug');
  });

  it('shows that a secret changed and its size, and nothing else', () => {
    const d = diffReleases(from, to);
    expect(d.values).toContainEqual({ path: 'db.password', old: '(11 bytes)', new: '(12 bytes)', masked: true });
    expect(d.values).toContainEqual({ path: 'credentials.user', old: '(10 bytes)', masked: true });
    expect(renderFieldLines(d.values)).toContain('~ db.password: changed (12 bytes)');
    const sec = d.objects.find((o) => o.kind === 'Secret')!;
    expect(sec.fields).toEqual([
      { path: 'data.password', old: '(11 bytes)', new: '(11 bytes)', masked: true },
      { path: 'stringData.note', old: '(13 bytes)', masked: true },
      { path: 'data.added', new: '(7 bytes)', masked: true },
      { path: 'stringData', new: {} },
    ]);
    // Same size before and after, but the rendered lines still show the change.
    const lines = renderDiffLines(d).map((l) => l.text);
    expect(lines).toContain('-  password: <secret (11 bytes), before>');
    expect(lines).toContain('+  password: <secret (11 bytes), changed>');
    const env = d.objects.find((o) => o.kind === 'Deployment')!.fields.find((f) => f.path.endsWith('env[0].value'));
    expect(env).toEqual({ path: 'spec.template.spec.containers[0].env[0].value', old: '(10 bytes)', new: '(10 bytes)', masked: true });
  });

  it('shows the values with showSecrets', () => {
    const text = everything(diffReleases(from, to, { showSecrets: true }));
    expect(leaks(text).sort()).toEqual(expect.arrayContaining(['hunter2-old', 'hunter2-new', 'tok-XYZ', 'env-pass-2', b64('hunter2-new')]));
  });
});
