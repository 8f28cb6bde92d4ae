// History benchmark (issue 8): a release with 500 revisions, measured side by side in one run:
//   - `helm history --max 500 -o json` (helm 3 and helm 4): what a user runs today;
//   - `history -o json` (default --max 10) and `history --max 500 -o json`;
//   - the picker's first frame (`history` on a pseudo-terminal, until the title line is drawn).
// Target: first picker frame and `history -o json` <= 0.2x `helm history --max 500`.
// Floors, measured in the same rounds: `node -e 0` (what any Node CLI pays before its first line of code) and our
// `version` (the CLI's own start-up: Node + bundle + oclif, no cluster), so each case reads against the target,
// the Node floor and the CLI floor.
// Plus the diff of two revisions of a 2 MB manifest (in process, the pure diff module), for a few kinds of change.
//
// Records are written straight into kube-sim as helm's Secret driver stores them (base64(gzip(JSON)), helm's
// labels), each with a ~20 KB manifest; helm reads them as its own. Commands run as separate processes,
// interleaved round by round so load hits all alike; medians reported.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { median } from './startup.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const REVISIONS = 500;

/** A ConfigMap-heavy manifest of about `bytes` bytes; `variant` changes a few values. */
export function bigManifest(bytes, variant = 0) {
  const docs = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const lines = Array.from({ length: 40 }, (_, j) => `  k${j}: "value-${i}-${j}-${j === 3 && i % 50 === 0 ? variant : 0}-${'x'.repeat(30)}"`);
    const doc = `# Source: big/templates/cm-${i}.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-${i}\n  labels:\n    helm.sh/chart: big-1.0.${variant}\ndata:\n${lines.join('\n')}`;
    docs.push(doc);
    size += doc.length + 5;
  }
  return docs.map((d) => `---\n${d}`).join('\n');
}

function releaseRecord(name, namespace, revision, status, manifest) {
  const at = new Date(Date.UTC(2026, 10, 1, 0, 0, revision)).toISOString();
  const body = {
    name, namespace, version: revision, manifest, config: { image: { tag: `1.${revision}` } },
    info: { first_deployed: at, last_deployed: at, deleted: '', description: revision === 1 ? 'Install complete' : 'Upgrade complete', status },
    chart: { metadata: { apiVersion: 'v2', name: 'big', version: `1.0.${revision}`, appVersion: `${revision}.0` }, templates: [], values: {} },
  };
  const release = gzipSync(Buffer.from(JSON.stringify(body))).toString('base64');
  const secs = String(Math.floor(Date.parse(at) / 1000));
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1',
    metadata: { name: `sh.helm.release.v1.${name}.v${revision}`, namespace, labels: { name, owner: 'helm', status, version: String(revision), createdAt: secs, modifiedAt: secs } },
    data: { release: Buffer.from(release).toString('base64') },
  };
}

/** Milliseconds until the process exits (0 expected), or with `until`, until its output satisfies it (then killed). */
function timeProcess({ file, args, env, until }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (err) reject(err);
      else resolve(ms);
    };
    child.stdout.on('data', (d) => {
      out += d;
      if (until && until(out)) {
        finish();
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => finish(until || code === 0 ? undefined : new Error(`${file} ${args.join(' ')} exited ${code}: ${out.slice(0, 300)}`)));
  });
}

export const benchmark = {
  name: 'history-picker',
  description: `history of a ${REVISIONS}-revision release (picker first frame, -o json) vs helm history --max ${REVISIONS}; diff of a 2 MB manifest`,
  async run({ runs, log }) {
    const [{ startSim }, { helmBinary }, diff] = await Promise.all([
      import('../dist/sim/index.js'),
      import('../dist/toolchain/binaries.js'),
      import('../dist/domain/diff/index.js'),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'bench-history-'));
    const sim = await startSim({ workloads: false, kubeconfigPath: join(dir, 'kubeconfig') });
    try {
      log(`writing ${REVISIONS} release records`);
      const manifest = bigManifest(20_000);
      for (let r = 1; r <= REVISIONS; r++) {
        const rec = releaseRecord('big', 'default', r, r === REVISIONS ? 'deployed' : 'superseded', manifest.replace('1.0.0', `1.0.${r}`));
        const res = await fetch(`${sim.url}/api/v1/namespaces/default/secrets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rec) });
        if (!res.ok) throw new Error(`creating revision ${r}: ${res.status} ${await res.text()}`);
      }
      const env = { KUBECONFIG: sim.kubeconfigPath, HOME: dir, HELM_CACHE_HOME: join(dir, 'c'), HELM_CONFIG_HOME: join(dir, 'g'), HELM_DATA_HOME: join(dir, 'd'), CI: '' };
      delete env.CI;
      const cli = (...a) => ({ file: process.execPath, args: [join(root, 'bin', 'run.js'), ...a] });
      const cases = [
        { label: `helm 4 history --max ${REVISIONS} -o json (baseline)`, ...{ file: helmBinary(4), args: ['history', 'big', '--max', String(REVISIONS), '-o', 'json'] }, baseline: true },
        { label: `helm 3 history --max ${REVISIONS} -o json`, file: helmBinary(3), args: ['history', 'big', '--max', String(REVISIONS), '-o', 'json'] },
        { label: 'floor: node -e 0', file: process.execPath, args: ['-e', '0'], floor: true },
        { label: 'floor: version (CLI start-up, no cluster)', ...cli('version') },
        { label: 'history -o json (newest 10 decoded)', ...cli('history', 'big', '-o', 'json'), target: true },
        { label: `history --max ${REVISIONS} -o json`, ...cli('history', 'big', '--max', String(REVISIONS), '-o', 'json') },
        {
          label: 'picker: first frame on a terminal',
          file: 'script',
          args: ['-qfec', `stty cols 80 rows 24; exec node ${join(root, 'bin', 'run.js')} history big`, '/dev/null'],
          until: (out) => out.includes(`${REVISIONS} revisions`) && out.includes('vs '),
          target: true,
        },
      ];
      const samples = cases.map(() => []);
      const rounds = Math.max(3, Math.min(runs, 7));
      for (let round = 0; round <= rounds; round++) {
        for (const [i, c] of cases.entries()) {
          const ms = await timeProcess({ ...c, env: { ...env, ...(c.env ?? {}) } });
          if (round > 0) samples[i].push(ms); // round 0 warms caches
        }
        log(`round ${round}/${rounds}`);
      }
      const base = median(samples[0]);
      const nodeFloor = median(samples[cases.findIndex((c) => c.floor)]);
      const rows = cases.map((c, i) => [c.label, median(samples[i]).toFixed(0), (median(samples[i]) / base).toFixed(2), (median(samples[i]) / nodeFloor).toFixed(2)]);

      // The diff module on two revisions of a 2 MB manifest.
      const rel = (revision, m) => ({ name: 'big', namespace: 'default', revision, status: 'superseded', chart: { name: 'big', version: '1', appVersion: '1' }, description: '', values: {}, manifest: m, hooks: [], labels: {} });
      const twoMb = bigManifest(2_000_000, 1);
      const diffCases = [
        ['2 MB manifest, a few objects changed', bigManifest(2_000_000, 2)],
        ['2 MB manifest, every object changed (chart label)', twoMb.replace(/helm\.sh\/chart: big-1\.0\.1/g, 'helm.sh/chart: big-1.0.9')],
        ['2 MB manifest, every line changed', twoMb.replace(/value-/g, 'v-')],
      ];
      for (const [label, other] of diffCases) {
        const times = [];
        let lines = 0;
        for (let i = 0; i < Math.max(3, Math.min(runs, 5)); i++) {
          const t = process.hrtime.bigint();
          const d = diff.diffReleases(rel(1, twoMb), rel(2, other));
          lines = diff.renderDiffLines(d).length;
          times.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
        rows.push([`diff + unified lines: ${label} (${lines} lines)`, median(times).toFixed(0), (median(times) / base).toFixed(2), '']);
      }
      const ratio = (label) => Number(rows.find((r) => r[0] === label)[2]);
      return {
        title: `history of a ${REVISIONS}-revision release (~20 KB manifest each), median of ${rounds} rounds; ratio vs helm 4 history --max ${REVISIONS}`,
        columns: ['case', 'ms', 'x helm', 'x node -e 0'],
        rows,
        notes: [
          'picker first frame: from spawn until the title and the first detail summary are drawn on an 80x24 pseudo-terminal',
          `target 0.2x helm = ${(0.2 * base).toFixed(0)} ms; the Node floor (node -e 0) alone is ${(nodeFloor / base).toFixed(2)}x helm, ` +
            `so the target is ${nodeFloor <= 0.2 * base ? 'above' : 'below'} what a Node process can reach on this machine`,
        ],
        verdicts: [
          { label: `history -o json <= 0.2x helm history --max ${REVISIONS}`, ok: ratio('history -o json (newest 10 decoded)') <= 0.2 },
          { label: `picker first frame <= 0.2x helm history --max ${REVISIONS}`, ok: ratio('picker: first frame on a terminal') <= 0.2 },
        ],
      };
    } finally {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
