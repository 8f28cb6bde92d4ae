/**
 * Line diff (Myers' O(ND) algorithm over interned lines) and unified hunks. Bounded: past `maxEdits`
 * differences it stops searching for the shortest script and reports the differing middle as one block
 * removed and one added, so a huge rewrite costs O(N) instead of O(N·D).
 */

/** One line of a line diff: kept (' '), removed ('-') or added ('+'). */
export interface LineOp {
  op: ' ' | '-' | '+';
  text: string;
}

/** Default bound on the edit distance searched exactly. */
export const defaultMaxEdits = 2000;

/** The lines of `a` and `b` as a sequence of kept, removed and added lines (removals before additions). */
export function diffLines(a: readonly string[], b: readonly string[], maxEdits = defaultMaxEdits): LineOp[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: LineOp[] = [];
  for (let i = 0; i < start; i++) out.push({ op: ' ', text: a[i] });
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const middle = myers(midA, midB, maxEdits) ?? [
    ...midA.map((text): LineOp => ({ op: '-', text })),
    ...midB.map((text): LineOp => ({ op: '+', text })),
  ];
  out.push(...middle);
  for (let i = endA; i < a.length; i++) out.push({ op: ' ', text: a[i] });
  return out;
}

// Shortest edit script, or undefined when it is longer than maxD.
function myers(aLines: readonly string[], bLines: readonly string[], maxD: number): LineOp[] | undefined {
  const n = aLines.length;
  const m = bLines.length;
  if (n === 0 || m === 0) {
    return [...aLines.map((text): LineOp => ({ op: '-', text })), ...bLines.map((text): LineOp => ({ op: '+', text }))];
  }
  const [a, b, shared] = intern(aLines, bLines);
  // Nothing in common: the script is "remove all, add all" and searching for it would cost O(N·D).
  if (!shared) return undefined;
  const limit = Math.min(maxD, n + m);
  const off = limit + 1;
  const v = new Int32Array(2 * limit + 3);
  v[off + 1] = 0;
  // Step d reads diagonals -d-1..d+1 when backtracking: those 2d+3 values are appended to one growing buffer
  // (a typed-array allocation per step would dominate the cost on small inputs).
  let trace = new Int32Array(1024);
  let used = 0;
  const starts: number[] = [];
  for (let d = 0; d <= limit; d++) {
    const need = used + 2 * d + 3;
    if (need > trace.length) {
      const bigger = new Int32Array(Math.max(need, trace.length * 2));
      bigger.set(trace.subarray(0, used));
      trace = bigger;
    }
    trace.set(v.subarray(off - d - 1, off + d + 2), used);
    starts.push(used);
    used = need;
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, starts, aLines, bLines);
    }
  }
  return undefined;
}

function backtrack(trace: Int32Array, starts: readonly number[], a: readonly string[], b: readonly string[]): LineOp[] {
  const ops: LineOp[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = starts.length - 1; d >= 0; d--) {
    const base = starts[d] + d + 1;
    const at = (k: number) => trace[base + k];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ op: ' ', text: a[x - 1] });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push({ op: '+', text: b[--y] });
      else ops.push({ op: '-', text: a[--x] });
    }
  }
  return ops.reverse();
}

// Lines as small integers (equal lines, equal numbers), and whether the two sides share any line at all.
function intern(a: readonly string[], b: readonly string[]): [Int32Array, Int32Array, boolean] {
  const ids = new Map<string, number>();
  const left = new Int32Array(a.length);
  a.forEach((line, i) => {
    let n = ids.get(line);
    if (n === undefined) ids.set(line, (n = ids.size));
    left[i] = n;
  });
  const leftCount = ids.size;
  let shared = false;
  const right = new Int32Array(b.length);
  b.forEach((line, i) => {
    let n = ids.get(line);
    if (n === undefined) ids.set(line, (n = ids.size));
    else if (n < leftCount) shared = true;
    right[i] = n;
  });
  return [left, right, shared];
}

/** A unified-diff hunk: its `@@ -a,b +c,d @@` header and its lines. */
export interface Hunk {
  header: string;
  lines: LineOp[];
}

/** Groups a line diff into unified hunks with `context` kept lines around each change (default 3). */
export function unifiedHunks(ops: readonly LineOp[], context = 3): Hunk[] {
  const hunks: Hunk[] = [];
  const changed: number[] = [];
  ops.forEach((o, i) => o.op !== ' ' && changed.push(i));
  if (changed.length === 0) return hunks;
  // Line numbers (1-based) in a and b before each op.
  const lineA = new Int32Array(ops.length + 1);
  const lineB = new Int32Array(ops.length + 1);
  lineA[0] = lineB[0] = 1;
  ops.forEach((o, i) => {
    lineA[i + 1] = lineA[i] + (o.op === '+' ? 0 : 1);
    lineB[i + 1] = lineB[i] + (o.op === '-' ? 0 : 1);
  });
  let c = 0;
  while (c < changed.length) {
    const from = Math.max(0, changed[c] - context);
    let to = Math.min(ops.length, changed[c] + context + 1);
    while (c + 1 < changed.length && changed[c + 1] - context <= to) {
      c++;
      to = Math.min(ops.length, changed[c] + context + 1);
    }
    c++;
    const lines = ops.slice(from, to);
    const countA = lines.filter((o) => o.op !== '+').length;
    const countB = lines.filter((o) => o.op !== '-').length;
    const startA = countA === 0 ? lineA[from] - 1 : lineA[from];
    const startB = countB === 0 ? lineB[from] - 1 : lineB[from];
    hunks.push({ header: `@@ -${startA},${countA} +${startB},${countB} @@`, lines });
  }
  return hunks;
}
