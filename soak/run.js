#!/usr/bin/env node
// `npm run soak [-- --runs N] [--fault NAME[,NAME]] [--seed S] [--concurrency C] [--parallel P] [--time-scale T] [--json]`:
// (--concurrency: lanes = releases upgraded at once per fault, default 4; --parallel: faults at once, each on its own
// kube-sim, default 3)
// the fault soak of soak/soak.js (builds first, like `npm run bench`). Prints the seed first, one line per run,
// then the table `fault | runs | missed | false rollbacks | double rollbacks | p95 TTD | errors` and every failure
// with its seed; exits 1 when any run missed, rolled back falsely or twice, or ended in an unexpected state.
// --max-minutes M: start no new run after M minutes (the table then shows how many ran).
// --command-timeout S: kill a plugin command still running after S seconds (default 300); its run then fails with
// "did not exit", whatever the release shows.
// --subset (what `npm test` runs, test/soak): two runs per fault, a healthy one and a failing one, the upgrade's
// pair for every other fault and the watchdog's for the rest.
// Reproduce one run: `npm run soak -- --fault NAME --seed <base seed> --only <i>` (the run's seed and its scenario
// follow from the base seed, the fault and i; the interleaving with other lanes does not).
import { cpus, loadavg } from 'node:os';
import { FAULTS, formatTable, runSoak } from './soak.js';

function parse(argv) {
  const opts = { runs: 50, faults: Object.keys(FAULTS), seed: Date.now() % 1_000_000_007, concurrency: 4, parallelFaults: 3, timeScale: 10, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    const int = (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) fail(`${a} must be a positive integer, not ${v}`);
      return n;
    };
    if (a === '--runs') opts.runs = int(value());
    else if (a === '--fault') opts.faults = value().split(',');
    else if (a === '--seed') opts.seed = int(value());
    else if (a === '--concurrency') opts.concurrency = int(value());
    else if (a === '--parallel') opts.parallelFaults = int(value());
    else if (a === '--time-scale') opts.timeScale = int(value());
    else if (a === '--only') opts.only = Number(value());
    else if (a === '--subset') opts.subset = true;
    else if (a === '--command-timeout') opts.commandTimeoutMs = int(value()) * 1000;
    else if (a === '--max-minutes') opts.stopAt = Date.now() + Number(value()) * 60_000;
    else if (a === '--json') opts.json = true;
    else fail(`unknown argument ${a} (usage: npm run soak -- [--runs N] [--fault NAME[,NAME]] [--seed S] [--concurrency C] [--parallel P] [--time-scale T] [--only I] [--subset] [--max-minutes M] [--command-timeout S] [--json])`);
  }
  const unknown = opts.faults.filter((f) => !(f in FAULTS));
  if (unknown.length) fail(`unknown fault ${unknown.join(', ')} (known: ${Object.keys(FAULTS).join(', ')})`);
  return opts;
}

function fail(message) {
  console.error(`Error: ${message}`);
  process.exit(2);
}

const opts = parse(process.argv.slice(2));
const load0 = loadavg();
console.error(`soak: seed ${opts.seed}, ${opts.runs} run(s) per fault, faults ${opts.faults.join(', ')}, ${opts.concurrency} lanes per fault, ${opts.parallelFaults} faults at once, time scale ${opts.timeScale}`);
console.error(`soak: machine ${cpus().length} cores, load average ${load0.map((l) => l.toFixed(2)).join(' ')} at start`);
const result = await runSoak({ ...opts, log: (m) => console.error(`  ${m}`) });
const load1 = loadavg();
if (opts.json) console.log(JSON.stringify({ ...result, loadAtStart: load0, loadAtEnd: load1 }, null, 2));
else {
  console.log(formatTable(result.rows));
  console.log(`seed ${result.seed}; ${(result.durationMs / 60_000).toFixed(1)} min; load average ${load0[0].toFixed(2)} at start, ${load1[0].toFixed(2)} at end (1 min), ${cpus().length} cores`);
  for (const f of result.failures) {
    console.log(`\nFAILED ${f.fault} #${f.i} ${f.scenario} (helm ${f.major}, run seed ${f.runSeed}${f.killNote ? `, ${f.killNote}` : ''}): exit ${f.codes.join(', ')}`);
    for (const e of f.verdict.errors) console.log(`  ${e}`);
    for (const n of f.notes ?? []) console.log(`  fault: ${n}`);
    for (const h of f.history) console.log(`  rev ${h}`);
    f.stderr.forEach((s, n) => console.log(`  --- run ${n + 1} stderr (tail):\n${s.replace(/^/gm, '    ')}`));
  }
}
const bad = result.rows.some((r) => r.missed + r.false + r.double + r.errors > 0);
process.exit(bad ? 1 : 0);
