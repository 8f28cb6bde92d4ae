/** How many rows each list of the live view may use. */
export interface RowBudget {
  workloads: number;
  pods: number;
  warnings: number;
}

/** Most rows a list gets, even in a tall terminal: the view must stay readable at a glance. */
export const MAX_ROWS: Readonly<RowBudget> = Object.freeze({ workloads: 6, pods: 6, warnings: 5 });

/**
 * Splits `available` terminal rows among the three lists (each list's title row included in its share when it
 * has any item). Lists shrink one row at a time, largest first (warnings before pods before workloads on
 * ties), down to one row each, then warnings and pods disappear. Pure.
 */
export function allocateRows(available: number, counts: RowBudget, max: RowBudget = MAX_ROWS): RowBudget {
  const rows: RowBudget = {
    workloads: Math.min(counts.workloads, max.workloads),
    pods: Math.min(counts.pods, max.pods),
    warnings: Math.min(counts.warnings, max.warnings),
  };
  const order: Array<keyof RowBudget> = ['warnings', 'pods', 'workloads'];
  const cost = () => order.reduce((sum, k) => sum + (rows[k] > 0 ? rows[k] + 1 : 0), 0);
  while (cost() > available) {
    const shrinkable = order.filter((k) => rows[k] > 1);
    if (shrinkable.length > 0) {
      const biggest = shrinkable.reduce((a, b) => (rows[b] > rows[a] ? b : a));
      rows[biggest] -= 1;
      continue;
    }
    const droppable = order.find((k) => k !== 'workloads' && rows[k] > 0);
    if (!droppable) break;
    rows[droppable] = 0;
  }
  return rows;
}

/**
 * The items to show in `rows` rows: all of them when they fit, otherwise the first `rows - 1` and a count of
 * the rest for a "… N more" row.
 */
export function fitList<T>(items: readonly T[], rows: number): { shown: readonly T[]; hidden: number } {
  if (items.length <= rows) return { shown: items, hidden: 0 };
  const shown = items.slice(0, Math.max(0, rows - 1));
  return { shown, hidden: items.length - shown.length };
}

/** A text progress bar of `width` cells for a fraction in [0, 1]. */
export function progressBar(fraction: number, width: number): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.round(f * width);
  return '█'.repeat(full) + '░'.repeat(Math.max(0, width - full));
}

/** `text` cut to `width` columns with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/**
 * `text` cut to `width` columns in the middle, keeping its end: pod names differ only in their suffix
 * (`web-7d9c…-x2x4q`).
 */
export function truncateMiddle(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width < 8) return truncate(text, width);
  const tail = Math.min(6, Math.floor((width - 1) / 2));
  return `${text.slice(0, width - 1 - tail)}…${text.slice(-tail)}`;
}
