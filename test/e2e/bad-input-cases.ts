/**
 * The bad-input matrix (issue 11): every command given wrong input must answer with ONE line naming the
 * problem and the fix, the documented exit code, and leave the cluster as it was. Each row is run against one
 * kube-sim with the real helm by test/e2e/bad-input.test.ts; `problem` must match the line, `fix` the part
 * that tells the user what to do.
 */
import { ExitCode, type ExitCodeValue } from '../../src/errors/exit-codes.js';

/** Paths and binaries the rows refer to, made by the test's beforeAll. */
export interface BadInputWorld {
  /** A chart of one ConfigMap (and a Secret holding {@link secretValue}); `--set boom=true` makes it fail to render. */
  chart: string;
  /** A chart of one Deployment (it never becomes ready: the sim runs no controllers). */
  webChart: string;
  /** A values file that is not YAML. */
  badValues: string;
  /** A file that does not exist. */
  missing: string;
  /** A script that answers `version` like helm v3.12 does. */
  oldHelm: string;
  /** A script that is not helm at all. */
  notHelm: string;
  /** A kubeconfig whose server refuses connections. */
  unreachableKubeconfig: string;
  /** A kubeconfig that is not YAML. */
  brokenKubeconfig: string;
  /** An analysis file that is not a list of checks. */
  badAnalysis: string;
  /** A sim config that is not valid. */
  badSimConfig: string;
  /** A kubeconfig of a user whose Role in "default" grants everything but Secrets. */
  noSecretsKubeconfig: string;
}

/** The secret the `shop` release stores; no row may print it. */
export const secretValue = 'hunter2-badinput';

/** One row of the matrix. */
export interface BadInputCase {
  /** Which command the row exercises (for the coverage check). */
  command: 'upgrade' | 'rollback' | 'history' | 'diff' | 'status' | 'watchdog' | 'watchdog disarm' | 'doctor' | 'sim' | 'version';
  name: string;
  /** Arguments after `bin/run.js`. */
  argv: (w: BadInputWorld) => string[];
  /** Extra environment (HELM_BIN, KUBECONFIG, ...). */
  env?: (w: BadInputWorld) => Record<string, string>;
  /** Which real helm is HELM_BIN (default 4). */
  helm?: 3 | 4;
  exit: ExitCodeValue;
  /** Must match the error line: names the problem. */
  problem: RegExp;
  /** Must match the error line too: tells the user what to do. */
  fix: RegExp;
  /** Also pass --json and expect exactly one JSON error object on stdout. */
  json?: boolean;
  /** Which group of rows it belongs to: `pending` rows run while/after a second upgrade holds `web` (in order). */
  phase?: 'running' | 'stuck';
}

const usage = ExitCode.Usage;
const cluster = ExitCode.ClusterUnavailable;
const help = (cmd: string) => new RegExp(`see helm-autorollback ${cmd} --help`);
const duration = /use e\.g\. 30s, 5m or 1h30m/;
const notFound = /release "nope" not found in namespace "default"/;
const checkName = /check the release name, -n\/--namespace/;

export const badInputCases: BadInputCase[] = [
  // upgrade: chart, values, --set and template problems reach helm, which refuses before storing a revision.
  { command: 'upgrade', name: 'chart path missing', argv: (w) => ['upgrade', 'shop', w.missing, '--no-tui'], exit: usage, problem: /path ".*does-not-exist" not found/, fix: /check the CHART argument/ },
  { command: 'upgrade', name: 'chart path missing (helm 3)', helm: 3, argv: (w) => ['upgrade', 'shop', w.missing, '--no-tui', '--json'], json: true, exit: usage, problem: /path ".*does-not-exist" not found/, fix: /check the CHART argument/ },
  { command: 'upgrade', name: 'template fails to render', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--set', 'boom=true'], exit: usage, problem: /execution error at \(shop\/templates\/objects\.yaml:\d+:\d+\): boom requested/, fix: /fix the chart's templates or the values they read/ },
  { command: 'upgrade', name: 'template fails to render (helm 3)', helm: 3, argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--set', 'boom=true'], exit: usage, problem: /boom requested/, fix: /fix the chart's templates or the values they read/ },
  { command: 'upgrade', name: 'values file is not YAML', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '-f', w.badValues], exit: usage, problem: /failed to parse .*bad-values\.yaml/, fix: /fix the YAML of the values file/ },
  { command: 'upgrade', name: 'values file missing', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--values', w.missing], exit: usage, problem: /does-not-exist: no such file or directory/, fix: /check the -f\/--values \(or --set-file\) path/ },
  { command: 'upgrade', name: 'bad --set syntax', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--set', 'image.tag'], exit: usage, problem: /failed parsing --set data/, fix: /--set takes key=value/ },
  { command: 'upgrade', name: 'unknown flag (a typo of one of ours)', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--max-restart', '3'], exit: usage, problem: /unknown flag --max-restart\b/, fix: /did you mean --max-restarts\?/ },
  { command: 'upgrade', name: 'unknown flag (passed to helm, which refuses it)', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--frobnicate'], exit: usage, problem: /unknown flag: --frobnicate/, fix: /--frobnicate is neither a helm upgrade flag nor one of ours/ },
  { command: 'upgrade', name: 'conflicting flags: --atomic', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--', '--atomic'], exit: usage, problem: /--atomic conflicts with autorollback/, fix: /drop it/ },
  { command: 'upgrade', name: 'conflicting flags: --prometheus without --watchdog', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--prometheus', 'http://prometheus:9090', '--query', 'up', '--fail-if', '< 1'], exit: usage, problem: /--prometheus \/ --analysis need --watchdog/, fix: /add --watchdog 10m/ },
  { command: 'upgrade', name: '--helm-bin does not exist', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--helm-bin', w.missing], exit: usage, problem: /cannot run helm binary ".*does-not-exist"/, fix: /install helm, or pass --helm-bin/ },
  { command: 'upgrade', name: 'HELM_BIN is not helm', env: (w) => ({ HELM_BIN: w.notHelm }), argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui'], exit: usage, problem: /is not a helm binary/, fix: /point --helm-bin or HELM_BIN at helm 3\.14\+ or helm 4/ },
  { command: 'upgrade', name: 'unsupported helm version (v3.12)', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--helm-bin', w.oldHelm, '--json'], json: true, exit: usage, problem: /helm v3\.12\.3\S* at ".*old-helm" is not supported/, fix: /needs helm 3\.14 or newer/ },
  { command: 'upgrade', name: 'kubeconfig missing', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--kubeconfig', w.missing], exit: usage, problem: /kubeconfig ".*does-not-exist" does not exist/, fix: /pass an existing file/ },
  { command: 'upgrade', name: 'unknown context', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--kube-context', 'nope'], exit: usage, problem: /context "nope" not found in kubeconfig/, fix: /known contexts: autorollback-sim/ },
  { command: 'upgrade', name: 'API server unreachable', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--kubeconfig', w.unreachableKubeconfig], exit: cluster, problem: /cannot reach the Kubernetes API at https?:\/\/127\.0\.0\.1:\d+ to \w+ [\w.]+( in namespace "[\w-]+")?: connection refused/, fix: /check that the cluster is up/ },
  { command: 'upgrade', name: 'namespace does not exist', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '-n', 'no-such-ns'], exit: usage, problem: /namespaces "no-such-ns" not found/, fix: /create namespace "no-such-ns" first, or pass --create-namespace/ },
  { command: 'upgrade', name: 'invalid --timeout (5x)', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--timeout', '5x'], exit: usage, problem: /--timeout "5x" is not a duration/, fix: duration },
  { command: 'upgrade', name: 'zero --timeout', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--timeout', '0'], exit: usage, problem: /--timeout 0 is too short/, fix: /use at least 1s/ },
  { command: 'upgrade', name: 'bad --notify URL', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--notify', 'not-a-url'], exit: usage, problem: /--notify #1: a --notify value is not a URL/, fix: /give http\(s\):\/\// },
  { command: 'upgrade', name: 'bad --migration-policy', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--migration-policy', 'maybe'], exit: usage, problem: /--migration-policy=maybe to be one of: warn, block/, fix: help('upgrade') },
  { command: 'upgrade', name: 'missing CHART argument', argv: () => ['upgrade', 'shop', '--json'], json: true, exit: usage, problem: /missing argument CHART/, fix: /usage: helm-autorollback upgrade RELEASE CHART/ },
  { command: 'upgrade', name: 'a second upgrade while one runs', phase: 'running', argv: (w) => ['upgrade', 'web', w.webChart, '--no-tui'], exit: usage, problem: /release "web" is stuck in pending-upgrade \(revision 2\): a helm operation is still running/, fix: /if no other helm command is running, recover with/ },
  { command: 'upgrade', name: 'release stuck in pending-upgrade', phase: 'stuck', argv: (w) => ['upgrade', 'web', w.webChart, '--no-tui', '--json'], json: true, exit: usage, problem: /release "web" is stuck in pending-upgrade/, fix: /rerun with --recover-pending/ },

  { command: 'upgrade', name: '403: may not list secrets', argv: (w) => ['upgrade', 'shop', w.chart, '--no-tui', '--kubeconfig', w.noSecretsKubeconfig], exit: cluster, problem: /forbidden: not allowed to list secrets in namespace "default" \(403\)/, fix: /ask for RBAC access or use another --kube-context/ },

  // rollback
  { command: 'rollback', name: 'unknown release', argv: () => ['rollback', 'nope', '--yes', '--no-tui'], exit: usage, problem: notFound, fix: checkName },
  { command: 'rollback', name: 'revision out of range', argv: () => ['rollback', 'shop', '99', '--yes', '--no-tui'], exit: usage, problem: /release "shop" has no revision 99 \(newest is 2\)/, fix: /see: helm autorollback history shop/ },
  { command: 'rollback', name: 'revision not a number', argv: () => ['rollback', 'shop', 'two', '--yes', '--no-tui'], exit: usage, problem: /REVISION must be a whole number >= 1, got "two"/, fix: /see the revisions with: helm autorollback history shop/ },
  { command: 'rollback', name: 'not confirmed without a terminal', argv: () => ['rollback', 'shop', '1', '--no-tui'], exit: usage, problem: /rollback needs --yes when not run from a terminal/, fix: /add --yes, or --dry-run/ },
  { command: 'rollback', name: 'unsupported helm version (v3.12)', env: (w) => ({ HELM_BIN: w.oldHelm }), argv: () => ['rollback', 'shop', '1', '--yes', '--no-tui'], exit: usage, problem: /helm v3\.12\.3\S* at ".*old-helm" is not supported/, fix: /needs helm 3\.14 or newer/ },
  { command: 'rollback', name: '-o with no such flag', argv: () => ['rollback', 'shop', '1', '--yes', '-o', 'json'], exit: usage, problem: /unknown flag -o/, fix: help('rollback') },
  { command: 'rollback', name: 'negative --timeout', argv: () => ['rollback', 'shop', '1', '--yes', '--no-tui', '--timeout', '-5s'], exit: usage, problem: /--timeout "-5s" is not a duration/, fix: duration },

  // history
  { command: 'history', name: 'unknown release', argv: () => ['history', 'nope', '--json'], json: true, exit: usage, problem: notFound, fix: checkName },
  { command: 'history', name: '-o with an unknown format', argv: () => ['history', 'shop', '-o', 'xml'], exit: usage, problem: /--output=xml to be one of: table, json, yaml/, fix: help('history') },
  { command: 'history', name: '--max 0', argv: () => ['history', 'shop', '--max', '0'], exit: usage, problem: /--max: Expected an integer greater than or equal to 1 but received: 0/, fix: help('history') },
  { command: 'history', name: 'kubeconfig is not YAML', argv: (w) => ['history', 'shop', '--kubeconfig', w.brokenKubeconfig], exit: usage, problem: /cannot read kubeconfig ".*broken-kubeconfig"/, fix: /fix the kubeconfig file or pass another with --kubeconfig/ },
  { command: 'history', name: 'invalid release name', argv: () => ['history', 'Shop_1'], exit: usage, problem: /invalid release name "Shop_1"/, fix: /helm allows only lowercase letters, digits/ },

  // diff
  { command: 'diff', name: 'revision not a number', argv: () => ['diff', 'shop', '1', 'latest'], exit: usage, problem: /revision must be a whole number >= 1, got "latest"/, fix: /see the revisions with/ },
  { command: 'diff', name: 'revision out of range', argv: () => ['diff', 'shop', '9', '--json'], json: true, exit: usage, problem: /release "shop" has no revision 9 in namespace "default"/, fix: /see the stored revisions with/ },
  { command: 'diff', name: '-o with an unknown format', argv: () => ['diff', 'shop', '-o', 'yaml'], exit: usage, problem: /--output=yaml to be one of: diff, json/, fix: help('diff') },
  { command: 'diff', name: 'missing RELEASE', argv: () => ['diff'], exit: usage, problem: /missing argument RELEASE/, fix: /usage: helm-autorollback diff RELEASE/ },

  // status
  { command: 'status', name: 'unknown release', argv: () => ['status', 'nope'], exit: usage, problem: notFound, fix: checkName },
  { command: 'status', name: 'API server unreachable', argv: (w) => ['status', 'shop', '--json'], env: (w) => ({ KUBECONFIG: w.unreachableKubeconfig }), json: true, exit: cluster, problem: /cannot reach the Kubernetes API at https?:\/\/127\.0\.0\.1:\d+ to \w+ [\w.]+( in namespace "[\w-]+")?: connection refused/, fix: /check that the cluster is up/ },
  { command: 'status', name: '403: may not list secrets', env: (w) => ({ KUBECONFIG: w.noSecretsKubeconfig }), argv: () => ['status', 'shop', '--json'], json: true, exit: cluster, problem: /forbidden: not allowed to list secrets in namespace "default" \(403\)/, fix: /ask for RBAC access or use another --kube-context/ },
  { command: 'status', name: 'unknown context', argv: () => ['status', 'shop', '--kube-context', 'prod'], exit: usage, problem: /context "prod" not found in kubeconfig/, fix: /known contexts/ },

  // watchdog
  { command: 'watchdog', name: 'invalid --for', argv: () => ['watchdog', 'shop', '--no-tui', '--for', '10 minutes'], exit: usage, problem: /--for "10 minutes" is not a duration/, fix: duration },
  { command: 'watchdog', name: 'zero --for', argv: () => ['watchdog', 'shop', '--no-tui', '--for', '0s'], exit: usage, problem: /--for 0s is too short/, fix: /bake for at least 1s/ },
  { command: 'watchdog', name: 'malformed Prometheus URL', argv: () => ['watchdog', 'shop', '--no-tui', '--prometheus', 'prometheus:9090/api', '--query', 'up', '--fail-if', '< 1'], exit: usage, problem: /--prometheus must be an http:\/\/ or https:\/\/ URL, got "prometheus:9090\/api"/, fix: /give the Prometheus base URL/ },
  { command: 'watchdog', name: 'analysis file missing', argv: (w) => ['watchdog', 'shop', '--no-tui', '--prometheus', 'http://127.0.0.1:9', '--analysis', w.missing], exit: usage, problem: /--analysis .*does-not-exist cannot be read \(no such file\)/, fix: /give the path of a YAML file of checks/ },
  { command: 'watchdog', name: 'analysis file malformed', argv: (w) => ['watchdog', 'shop', '--no-tui', '--prometheus', 'http://127.0.0.1:9', '--analysis', w.badAnalysis], exit: usage, problem: /--analysis .*bad-analysis\.yaml has no checks/, fix: /write a YAML list of checks, each with name, query and failIf/ },
  { command: 'watchdog', name: '--query without --fail-if', argv: () => ['watchdog', 'shop', '--no-tui', '--prometheus', 'http://127.0.0.1:9', '--query', 'sum(rate(errors[1m]))'], exit: usage, problem: /every --query needs a --fail-if condition/, fix: /--fail-if '> 0\.05'/ },
  { command: 'watchdog', name: 'HELM_BIN is not helm (it would be needed to roll back)', env: (w) => ({ HELM_BIN: w.notHelm }), argv: () => ['watchdog', 'shop', '--no-tui', '--for', '1m'], exit: usage, problem: /is not a helm binary/, fix: /point --helm-bin or HELM_BIN at helm/ },
  { command: 'watchdog', name: 'bad --notify scheme', argv: () => ['watchdog', 'shop', '--no-tui', '--notify', 'ftp://hooks.example'], exit: usage, problem: /a --notify URL must be http:\/\/ or https:\/\//, fix: /ftp:/ },
  { command: 'watchdog', name: '--to-revision newer than the deployed one', argv: () => ['watchdog', 'shop', '--no-tui', '--to-revision', '7'], exit: usage, problem: /--to-revision 7 is newer than the attempted revision 2/, fix: /pick an earlier one/ },

  // watchdog disarm
  { command: 'watchdog disarm', name: 'unknown release', argv: () => ['watchdog', 'disarm', 'nope'], exit: usage, problem: notFound, fix: checkName },
  { command: 'watchdog disarm', name: 'invalid --wait', argv: () => ['watchdog', 'disarm', 'shop', '--wait', '5x', '--json'], json: true, exit: usage, problem: /--wait "5x" is not a duration/, fix: duration },

  // doctor
  { command: 'doctor', name: 'RELEASE with --all-namespaces', argv: () => ['doctor', 'shop', '-A'], exit: usage, problem: /--all-namespaces checks every release: give no RELEASE with it/, fix: /helm autorollback doctor --all-namespaces/ },
  { command: 'doctor', name: '--history-max not a number', argv: () => ['doctor', 'shop', '--history-max', 'ten'], exit: usage, problem: /--history-max: Expected an integer but received: ten/, fix: help('doctor') },
  { command: 'doctor', name: 'unknown release', argv: () => ['doctor', 'nope', '--json'], json: true, exit: usage, problem: notFound, fix: checkName },

  // sim
  { command: 'sim', name: '--time-scale not a number', argv: () => ['sim', '--time-scale', 'fast'], exit: usage, problem: /--time-scale must be a number greater than 0, got "fast"/, fix: /greater than 0/ },
  { command: 'sim', name: '--config missing', argv: (w) => ['sim', '--config', w.missing], exit: usage, problem: /cannot read sim config .*does-not-exist: no such file/, fix: /check the --config path/ },
  { command: 'sim', name: '--config invalid', argv: (w) => ['sim', '--config', w.badSimConfig], exit: usage, problem: /bad-sim\.yaml.*nodes/, fix: /known|expected/ },
  { command: 'sim', name: 'unknown fault', argv: () => ['sim', '--faults', 'drop-watches=3s'], exit: usage, problem: /invalid fault spec "drop-watches=3s": unknown fault "drop-watches"/, fix: /known: drop-watch/ },

  // version
  { command: 'version', name: 'unexpected argument', argv: () => ['version', 'extra'], exit: usage, problem: /unexpected argument extra/, fix: /helm-autorollback version takes no arguments; see --help/ },
  { command: 'version', name: 'unknown flag', argv: () => ['version', '--short'], exit: usage, problem: /unknown flag --short/, fix: help('version') },
];
