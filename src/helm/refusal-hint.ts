/**
 * The next step for a helm refusal before it stored a revision (bad chart, values, --set, template, namespace,
 * flag): helm's own line names the problem, this names the fix. Pure: reads helm's message and the helm args.
 */
export function helmRefusalHint(message: string, helmArgs: readonly string[]): { hint: string } | undefined {
  const ns = /namespaces "([^"]+)" not found/.exec(message);
  if (ns) {
    if (helmArgs.some((a) => a === '--create-namespace' || a === '--create-namespace=true')) return undefined;
    return { hint: `create namespace "${ns[1]}" first, or pass --create-namespace` };
  }
  const rules: Array<[RegExp, (m: RegExpExecArray) => string]> = [
    [/failed parsing --set[\w-]* data/, () => '--set takes key=value pairs separated by commas, e.g. --set image.tag=1.2.3,replicas=2'],
    [/failed to parse (\S+?): /, (m) => `fix the YAML of the values file ${m[1]}`],
    [/open \S+?: no such file or directory/, () => 'check the -f/--values (or --set-file) path'],
    [/unknown (?:short(?:hand)? )?flag:? '?(-[\w-]+|-\w)'?/, (m) => `${m[1]} is neither a helm upgrade flag nor one of ours: see helm-autorollback upgrade --help and helm upgrade --help`],
    [/execution error at|parse error at|template: |error converting YAML to JSON|unable to build kubernetes objects from release manifest/, () => "fix the chart's templates or the values they read; helm template RELEASE CHART shows where"],
    [/path "[^"]*" not found|chart "[^"]*" not found|no cached repo|repo \S+ not found|failed to download|not a valid chart|Chart\.yaml file is missing/, () => 'check the CHART argument: a chart directory, a .tgz, repo/chart after helm repo add, or an oci:// reference'],
  ];
  for (const [pattern, hint] of rules) {
    const m = pattern.exec(message);
    if (m) return { hint: hint(m) };
  }
  return undefined;
}
