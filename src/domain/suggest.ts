/** "Did you mean ...?" for typos of flag and command names. Pure. */

/**
 * The candidate closest to `typed` (`unready-grase` -> `unready-grace`), when it is close enough to be a typo:
 * at most 2 edits, and fewer than a third of the candidate's length (for short names: 1 edit).
 */
export function closestName(typed: string, candidates: Iterable<string>): string | undefined {
  if (typed.length < 2) return undefined;
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const d = editDistance(typed, name);
    if (d <= 2 && d < Math.max(2, name.length / 3) && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** Levenshtein distance, with a swap of two neighbours counting as one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((d[i - 1]![j] as number) + 1, (d[i]![j - 1] as number) + 1, (d[i - 1]![j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (d[i - 2]![j - 2] as number) + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length] as number;
}
