import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { UsageError } from '../../src/errors/errors.js';
import { loadKubeConfig, resolveNamespace } from '../../src/kube/kubeconfig.js';
import { writeKubeconfig } from './fake-api.js';

const dir = mkdtempSync(join(tmpdir(), 'rs-kc-test-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const twoContexts = file(
  'two.yaml',
  `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: {server: "https://prod.example:6443"}
- name: local
  cluster: {server: "http://127.0.0.1:8001"}
users: [{name: me, user: {token: abc}}]
contexts:
- name: prod
  context: {cluster: prod, user: me, namespace: payments}
- name: local
  context: {cluster: local, user: me}
current-context: prod
`,
);

const usageLine = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    const line = (err as UsageError).oneLine();
    expect(line).not.toContain('\n');
    return line;
  }
  throw new Error('expected a UsageError');
};

describe('loadKubeConfig', () => {
  it('uses --kubeconfig and the current-context, exposing server and context namespace', () => {
    const loaded = loadKubeConfig({ kubeconfig: twoContexts, env: {} });
    expect(loaded).toMatchObject({ context: 'prod', server: 'https://prod.example:6443', contextNamespace: 'payments', sources: [twoContexts] });
  });

  it('picks --kube-context over HELM_KUBECONTEXT over current-context', () => {
    expect(loadKubeConfig({ kubeconfig: twoContexts, env: { HELM_KUBECONTEXT: 'local' } }).context).toBe('local');
    expect(loadKubeConfig({ kubeconfig: twoContexts, context: 'prod', env: { HELM_KUBECONTEXT: 'local' } }).context).toBe('prod');
  });

  it('lets client-node talk to plain-http servers (as helm and kubectl do)', () => {
    const loaded = loadKubeConfig({ kubeconfig: twoContexts, context: 'local', env: {} });
    expect(loaded.kubeConfig.getCurrentCluster()).toMatchObject({ server: 'http://127.0.0.1:8001', skipTLSVerify: true });
    expect(loadKubeConfig({ kubeconfig: twoContexts, env: {} }).kubeConfig.getCurrentCluster()?.skipTLSVerify).toBeFalsy();
  });

  it('merges a KUBECONFIG list: missing entries skipped, first definition and current-context win', () => {
    const other = writeKubeconfig('http://127.0.0.1:9');
    const loaded = loadKubeConfig({ env: { KUBECONFIG: [join(dir, 'missing.yaml'), other, twoContexts].join(delimiter) } });
    expect(loaded.context).toBe('fake');
    expect(loaded.sources).toEqual([other, twoContexts]);
    expect(loaded.kubeConfig.getContexts().map((c) => c.name).sort()).toEqual(['fake', 'local', 'prod']);
  });

  it.each([
    ['--kubeconfig that does not exist', () => loadKubeConfig({ kubeconfig: join(dir, 'nope.yaml'), env: {} }), /^kubeconfig ".*nope\.yaml" does not exist \(from --kubeconfig\) \(pass an existing file to --kubeconfig, or leave the flag out/],
    [
      'a KUBECONFIG list of missing files',
      () => loadKubeConfig({ env: { KUBECONFIG: [join(dir, 'a'), join(dir, 'b')].join(delimiter) } }),
      /^no kubeconfig found: ".*a", ".*b" do not exist \(from KUBECONFIG\)/,
    ],
    ['no ~/.kube/config', () => loadKubeConfig({ env: {}, home: join(dir, 'empty-home') }), /^no kubeconfig found: ".*empty-home.\.kube.config" does not exist \(from the default location\) \(pass --kubeconfig or set KUBECONFIG\)$/],
    ['a folder', () => loadKubeConfig({ kubeconfig: dir, env: {} }), /is not a file \(point --kubeconfig or KUBECONFIG at a kubeconfig file\)$/],
    ['invalid YAML', () => loadKubeConfig({ kubeconfig: file('bad.yaml', 'clusters: [\n  - {name: a\n'), env: {} }), /^cannot read kubeconfig ".*bad\.yaml": /],
    ['an empty file', () => loadKubeConfig({ kubeconfig: file('empty.yaml', '\n'), env: {} }), /^cannot read kubeconfig ".*empty\.yaml": the file is empty \(fix the kubeconfig file or pass another with --kubeconfig\)$/],
    ['an unknown context', () => loadKubeConfig({ kubeconfig: twoContexts, context: 'staging', env: {} }), /^context "staging" not found in kubeconfig ".*two\.yaml" \(known contexts: prod, local\)$/],
    ['no current-context', () => loadKubeConfig({ kubeconfig: file('nocur.yaml', 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n'), env: {} }), /sets no current-context \(pass --kube-context\)$/],
  ])('rejects %s with a one-line UsageError naming it', (_what, fn, message) => {
    expect(usageLine(fn)).toMatch(message);
  });
});

describe('resolveNamespace (helm order: flag, HELM_NAMESPACE, context, default)', () => {
  it.each([
    ['flag', { HELM_NAMESPACE: 'env' }, 'ctx', 'flag'],
    [undefined, { HELM_NAMESPACE: 'env' }, 'ctx', 'env'],
    [undefined, {}, 'ctx', 'ctx'],
    [undefined, { HELM_NAMESPACE: '' }, undefined, 'default'],
    ['', {}, undefined, 'default'],
  ])('flag %j env %j context %j -> %s', (flag, env, contextNamespace, expected) => {
    expect(resolveNamespace(flag, { contextNamespace }, env)).toBe(expected);
  });
});
