/**
 * The history picker's state: a pure reducer over union-typed actions, and the key map from Ink's input to
 * actions. The view (./view.tsx) only draws this state; loading bodies, diffs and plans happens outside.
 */
import type { PickerRevision } from '../../services/picker.js';

/** One revision in the list (newest first). Body fields fill in once the row has been on screen. */
export type PickerEntry = PickerRevision;

/** The detail tabs, in order. */
export const pickerTabs = ['values', 'manifest', 'hooks', 'guards'] as const;
/** A detail tab. */
export type PickerTab = (typeof pickerTabs)[number];

/** How the picker ended. `watchdog` is the hook for arming a watchdog with the selected revision as target. */
export type PickerOutcome = { action: 'quit' } | { action: 'rollback'; revision: number } | { action: 'watchdog'; revision: number };

/** Everything the view draws. */
export interface PickerState {
  release: string;
  namespace: string;
  /** Newest first. */
  entries: PickerEntry[];
  deployed?: number;
  lastKnownGood?: number;
  /** Indexes into `entries` that pass the filter. */
  visible: number[];
  /** Index into `visible` of the selected row. */
  cursor: number;
  /** Index into `visible` of the first row drawn. */
  top: number;
  filter: string;
  editingFilter: boolean;
  tab: PickerTab;
  /** First line of the detail tab drawn. */
  detailTop: number;
  mode: 'browse' | 'confirm';
  /** Rows of the list and of the detail tab the terminal has room for. */
  listHeight: number;
  detailHeight: number;
  columns: number;
  /** Whether the watchdog key is offered. */
  watchdogKey: boolean;
  /** A one-line notice (why Enter did nothing). */
  notice?: string;
  done?: PickerOutcome;
}

/** Everything that can happen to the picker. */
export type PickerAction =
  | { type: 'move'; delta: number }
  | { type: 'page'; direction: 1 | -1 }
  | { type: 'first' }
  | { type: 'last' }
  | { type: 'filter-start' }
  | { type: 'filter-input'; text: string }
  | { type: 'filter-erase' }
  | { type: 'filter-accept' }
  | { type: 'filter-cancel' }
  | { type: 'tab'; tab: PickerTab }
  | { type: 'tab-step'; direction: 1 | -1 }
  | { type: 'scroll'; delta: number; max: number }
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'entries'; entries: ReadonlyArray<Partial<PickerEntry> & { revision: number }> }
  | { type: 'select' }
  | { type: 'confirm' }
  | { type: 'cancel' }
  | { type: 'watchdog' }
  | { type: 'quit' }
  /**
   * A key press, mapped with {@link keyToAction} against the state it arrives in (keys typed faster than the
   * screen redraws must not be read against a stale one). `canConfirm` false ignores a confirmation (the guards
   * are still loading, or one blocks).
   */
  | { type: 'key'; input: string; key: KeyInfo; detailLength: number; canConfirm: boolean };

/** Input of {@link initialPickerState}. */
export interface PickerInit {
  release: string;
  namespace: string;
  /** Any order; shown newest first. */
  entries: readonly PickerEntry[];
  deployed?: number;
  lastKnownGood?: number;
  columns?: number;
  rows?: number;
  watchdogKey?: boolean;
}

/** The first state: cursor on the last known good revision (the usual choice), else the newest. */
export function initialPickerState(init: PickerInit): PickerState {
  const entries = [...init.entries].sort((a, b) => b.revision - a.revision);
  const base: PickerState = {
    release: init.release,
    namespace: init.namespace,
    entries,
    ...(init.deployed === undefined ? {} : { deployed: init.deployed }),
    ...(init.lastKnownGood === undefined ? {} : { lastKnownGood: init.lastKnownGood }),
    visible: entries.map((_, i) => i),
    cursor: 0,
    top: 0,
    filter: '',
    editingFilter: false,
    tab: 'values',
    detailTop: 0,
    mode: 'browse',
    watchdogKey: init.watchdogKey ?? false,
    ...layout(init.columns ?? 80, init.rows ?? 24),
  };
  const lkg = entries.findIndex((e) => e.revision === init.lastKnownGood);
  return lkg >= 0 ? withCursor(base, lkg) : base;
}

/**
 * Rows for the list and the detail tab at a terminal size. Fixed lines: title, list header, detail header (2),
 * tab bar, footer; the list gets about a third of the rest (at least 3 rows), the detail tab the remainder.
 */
export function layout(columns: number, rows: number): { listHeight: number; detailHeight: number; columns: number } {
  const free = Math.max(6, rows - 7);
  const listHeight = Math.max(3, Math.min(15, Math.floor(free / 3)));
  return { listHeight, detailHeight: Math.max(2, free - listHeight), columns };
}

/** The selected entry, if any row passes the filter. */
export function selectedEntry(state: PickerState): PickerEntry | undefined {
  const i = state.visible[state.cursor];
  return i === undefined ? undefined : state.entries[i];
}

/** The entries drawn in the list (only these need their bodies). */
export function entriesOnScreen(state: PickerState): PickerEntry[] {
  return state.visible.slice(state.top, state.top + state.listHeight).map((i) => state.entries[i]);
}

/** The picker's reducer. Pure: returns a new state (or the same one when nothing changes). */
export function pickerReducer(state: PickerState, action: PickerAction): PickerState {
  if (state.done) return state;
  if (action.type === 'key') {
    const mapped = keyToAction(action.input, action.key, state, action.detailLength);
    if (!mapped || (mapped.type === 'confirm' && !action.canConfirm)) return state;
    return pickerReducer(state, mapped);
  }
  const s: PickerState = state.notice === undefined ? state : { ...state, notice: undefined };
  switch (action.type) {
    case 'move':
      return withCursor(s, s.cursor + action.delta);
    case 'page':
      return withCursor(s, s.cursor + action.direction * s.listHeight);
    case 'first':
      return withCursor(s, 0);
    case 'last':
      return withCursor(s, s.visible.length - 1);
    case 'filter-start':
      return { ...s, editingFilter: true };
    case 'filter-input':
      return applyFilter({ ...s, editingFilter: true }, s.filter + action.text);
    case 'filter-erase':
      return applyFilter(s, s.filter.slice(0, -1));
    case 'filter-accept':
      return { ...s, editingFilter: false };
    case 'filter-cancel':
      return applyFilter({ ...s, editingFilter: false }, '');
    case 'tab':
      return s.tab === action.tab ? s : { ...s, tab: action.tab, detailTop: 0 };
    case 'tab-step': {
      const at = pickerTabs.indexOf(s.tab);
      return { ...s, tab: pickerTabs[(at + action.direction + pickerTabs.length) % pickerTabs.length], detailTop: 0 };
    }
    case 'scroll': {
      const top = clamp(s.detailTop + action.delta, 0, Math.max(0, action.max - s.detailHeight));
      return top === s.detailTop ? s : { ...s, detailTop: top };
    }
    case 'resize': {
      const next = { ...s, ...layout(action.columns, action.rows) };
      return withCursor(next, next.cursor);
    }
    case 'entries': {
      const byRevision = new Map(action.entries.map((e) => [e.revision, e]));
      const entries = s.entries.map((e) => (byRevision.has(e.revision) ? { ...e, ...byRevision.get(e.revision) } : e));
      return s.filter ? applyFilter({ ...s, entries }, s.filter) : { ...s, entries };
    }
    case 'select': {
      const entry = selectedEntry(s);
      if (!entry) return s;
      const why = refusal(s, entry);
      return why ? { ...s, notice: why } : { ...s, mode: 'confirm' };
    }
    case 'confirm': {
      const entry = selectedEntry(s);
      return s.mode === 'confirm' && entry ? { ...s, done: { action: 'rollback', revision: entry.revision } } : s;
    }
    case 'cancel':
      return s.mode === 'confirm' ? { ...s, mode: 'browse' } : { ...s, done: { action: 'quit' } };
    case 'watchdog': {
      const entry = selectedEntry(s);
      if (!s.watchdogKey || !entry) return s;
      const why = refusal(s, entry);
      return why ? { ...s, notice: why } : { ...s, done: { action: 'watchdog', revision: entry.revision } };
    }
    case 'quit':
      return { ...s, done: { action: 'quit' } };
  }
}

// Why the selected revision cannot be a rollback target, in the picker's words.
function refusal(s: PickerState, e: PickerEntry): string | undefined {
  if (e.revision === s.deployed) return `revision ${e.revision} is the deployed one: nothing to roll back to`;
  if (e.status !== 'superseded' && e.status !== 'deployed') return `revision ${e.revision} is ${e.status}: only a superseded revision can be a rollback target`;
  return undefined;
}

function withCursor(s: PickerState, cursor: number): PickerState {
  const c = clamp(cursor, 0, Math.max(0, s.visible.length - 1));
  let top = s.top;
  if (c < top) top = c;
  if (c >= top + s.listHeight) top = c - s.listHeight + 1;
  top = clamp(top, 0, Math.max(0, s.visible.length - s.listHeight));
  const moved = s.visible[c] !== s.visible[s.cursor];
  if (c === s.cursor && top === s.top && !moved) return s;
  return { ...s, cursor: c, top, ...(moved ? { detailTop: 0 } : {}) };
}

function applyFilter(s: PickerState, filter: string): PickerState {
  const keep = s.visible[s.cursor];
  const needle = filter.trim().toLowerCase();
  const visible = s.entries.map((_, i) => i).filter((i) => needle === '' || haystack(s.entries[i]).includes(needle));
  const cursor = Math.max(0, visible.indexOf(keep ?? -1));
  return withCursor({ ...s, filter, visible, cursor, top: 0 }, cursor);
}

function haystack(e: PickerEntry): string {
  return [e.revision, e.status, e.verdict, e.reason, e.chart, e.appVersion, e.description].filter((v) => v !== undefined).join(' ').toLowerCase();
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

/** The bits of Ink's `useInput` key object the picker reads. */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  tab?: boolean;
  shift?: boolean;
  ctrl?: boolean;
}

/**
 * The action for a key press, or undefined. `detailLength` is the number of lines of the open tab (for the
 * scroll bound). Keys: j/k or arrows move, PgUp/PgDn page, g/G first/last, `/` filter, Tab/h/l or 1-4 tabs,
 * J/K scroll the tab a line and Space/b a page, Enter select, y confirm, q/Esc back or leave, w watchdog.
 */
export function keyToAction(input: string, key: KeyInfo, state: PickerState, detailLength: number): PickerAction | undefined {
  if (state.editingFilter) {
    if (key.return) return { type: 'filter-accept' };
    if (key.escape) return { type: 'filter-cancel' };
    if (key.backspace || key.delete) return { type: 'filter-erase' };
    if (key.upArrow) return { type: 'move', delta: -1 };
    if (key.downArrow) return { type: 'move', delta: 1 };
    return input && !key.ctrl ? { type: 'filter-input', text: input } : undefined;
  }
  if (state.mode === 'confirm') {
    if (input === 'y' || key.return) return { type: 'confirm' };
    if (input === 'n' || input === 'q' || key.escape) return { type: 'cancel' };
    if (input === 'c' && key.ctrl) return { type: 'quit' };
    return undefined;
  }
  const scroll = (delta: number): PickerAction => ({ type: 'scroll', delta, max: detailLength });
  if (key.downArrow || input === 'j') return { type: 'move', delta: 1 };
  if (key.upArrow || input === 'k') return { type: 'move', delta: -1 };
  if (key.pageDown || (key.ctrl && input === 'f')) return { type: 'page', direction: 1 };
  if (key.pageUp || (key.ctrl && input === 'b')) return { type: 'page', direction: -1 };
  if (input === 'g') return { type: 'first' };
  if (input === 'G') return { type: 'last' };
  if (input === '/') return { type: 'filter-start' };
  if (key.tab) return { type: 'tab-step', direction: key.shift ? -1 : 1 };
  if (key.rightArrow || input === 'l') return { type: 'tab-step', direction: 1 };
  if (key.leftArrow || input === 'h') return { type: 'tab-step', direction: -1 };
  if (/^[1-4]$/.test(input)) return { type: 'tab', tab: pickerTabs[Number(input) - 1] };
  if (input === 'J') return scroll(1);
  if (input === 'K') return scroll(-1);
  if (input === ' ') return scroll(state.detailHeight);
  if (input === 'b') return scroll(-state.detailHeight);
  if (key.return) return { type: 'select' };
  if (input === 'w') return { type: 'watchdog' };
  if (input === 'q' || key.escape) return { type: 'cancel' };
  if (input === 'c' && key.ctrl) return { type: 'quit' };
  return undefined;
}
