import { helmRefusalHint } from '../../src/helm/refusal-hint.js';

// helm's own refusal lines (helm 3.17 / 4.1 wording) and the next step shown after them.
describe('helmRefusalHint', () => {
  it.each([
    ['create: failed to create: namespaces "shop" not found', [], /^create namespace "shop" first, or pass --create-namespace$/],
    ['failed parsing --set data: key "tag" has no value', [], /^--set takes key=value pairs/],
    ['failed parsing --set-string data: key "x" has no value', [], /^--set takes key=value pairs/],
    ['failed to parse bad.yaml: error converting YAML to JSON: yaml: line 1: did not find expected node content', [], /^fix the YAML of the values file bad\.yaml$/],
    ['open values-prod.yaml: no such file or directory', [], /^check the -f\/--values \(or --set-file\) path$/],
    ['unknown flag: --frobnicate', [], /^--frobnicate is neither a helm upgrade flag nor one of ours/],
    ['UPGRADE FAILED: execution error at (shop/templates/cm.yaml:8:3): boom requested', [], /^fix the chart's templates or the values they read/],
    ['parse error at (shop/templates/cm.yaml:3): unexpected "}" in operand', [], /^fix the chart's templates/],
    ['path "./chrt" not found', [], /^check the CHART argument/],
    ['repo bitnami not found', [], /^check the CHART argument/],
  ])('%s', (message, args: string[], hint) => {
    expect(helmRefusalHint(message, args)?.hint).toMatch(hint);
  });

  it('no hint when none helps: --create-namespace already given, or an unknown refusal', () => {
    expect(helmRefusalHint('namespaces "shop" not found', ['--create-namespace'])).toBeUndefined();
    expect(helmRefusalHint('Kubernetes cluster unreachable: Get "https://x": EOF', [])).toBeUndefined();
  });
});
