// Loaded with `node --import` by bench/lib/cluster.js exec({ usage: true }): at exit, writes this process's own
// peak RSS and CPU time (not its children's) to $BENCH_USAGE_FILE as JSON { maxRssKb, userMs, systemMs }.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 }));
  });
}
