// The benchmarks `npm run bench` knows, in the order they run. A benchmark is a module whose `benchmark` export
// is { name, description, run(options) } and whose run() resolves to a report (see bench/run.js for its shape).
// To add one: create bench/<name>.js and list it here.

/** name -> loader of the benchmark module. */
export const benchmarks = {
  startup: () => import('./startup.js'),
  'upgrade-ttr': () => import('./upgrade-ttr.js'),
  'history-picker': () => import('./history-picker.js'),
  'watchdog-metric': () => import('./watchdog-metric.js'),
  'watchdog-pod': () => import('./watchdog-pod.js'),
  'api-load': () => import('./api-load.js'),
  scale: () => import('./scale.js'),
  ttd: () => import('./ttd.js'),
};
