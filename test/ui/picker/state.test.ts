import {
  entriesOnScreen,
  initialPickerState,
  keyToAction,
  layout,
  pickerReducer,
  selectedEntry,
  type PickerAction,
  type PickerEntry,
  type PickerState,
} from '../../../src/ui/picker/state.js';

/** Revisions 1..n: every 5th failed, n deployed. */
function entries(n: number): PickerEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const revision = i + 1;
    return { revision, status: revision === n ? 'deployed' : revision % 5 === 0 ? 'failed' : 'superseded', description: `change ${revision}` };
  });
}
const start = (n = 50, extra: Partial<Parameters<typeof initialPickerState>[0]> = {}) =>
  initialPickerState({ release: 'web', namespace: 'prod', entries: entries(n), deployed: n, lastKnownGood: n - 1, columns: 80, rows: 24, ...extra });
const run = (state: PickerState, ...actions: PickerAction[]) => actions.reduce(pickerReducer, state);
const rev = (s: PickerState) => selectedEntry(s)?.revision;

describe('picker reducer: navigation', () => {
  it('starts newest first with the cursor on the last known good revision', () => {
    const s = start();
    expect(s.entries[0].revision).toBe(50);
    expect(rev(s)).toBe(49);
    expect(start(10, { lastKnownGood: undefined }).cursor).toBe(0);
  });

  it.each([
    ['down one', [{ type: 'move', delta: 1 }], 48],
    ['up one', [{ type: 'move', delta: -1 }], 50],
    ['up past the top stays at the top', [{ type: 'move', delta: -5 }], 50],
    ['last', [{ type: 'last' }], 1],
    ['down past the end stays at the end', [{ type: 'last' }, { type: 'move', delta: 3 }], 1],
    ['first', [{ type: 'last' }, { type: 'first' }], 50],
    ['page down moves by the list height', [{ type: 'first' }, { type: 'page', direction: 1 }], 50 - layout(80, 24).listHeight],
    ['page up from the top stays', [{ type: 'first' }, { type: 'page', direction: -1 }], 50],
  ] as const)('%s', (_name, actions, expected) => {
    expect(rev(run(start(), ...(actions as readonly PickerAction[])))).toBe(expected);
  });

  it('keeps the cursor inside the drawn window (a virtualised list of 500)', () => {
    let s = start(500);
    for (let i = 0; i < 30; i++) {
      s = pickerReducer(s, { type: 'move', delta: 1 });
      expect(s.cursor).toBeGreaterThanOrEqual(s.top);
      expect(s.cursor).toBeLessThan(s.top + s.listHeight);
    }
    expect(entriesOnScreen(s)).toHaveLength(s.listHeight);
    expect(entriesOnScreen(s).map((e) => e.revision)).toContain(rev(s));
    s = run(s, { type: 'last' });
    expect(entriesOnScreen(s).at(-1)!.revision).toBe(1);
  });

  it('a resize keeps the selection visible and recomputes the heights', () => {
    const s = run(start(500), { type: 'page', direction: 1 }, { type: 'page', direction: 1 }, { type: 'resize', columns: 120, rows: 60 });
    expect(s.listHeight).toBe(layout(120, 60).listHeight);
    expect(s.cursor - s.top).toBeLessThan(s.listHeight);
    const small = run(s, { type: 'resize', columns: 80, rows: 10 });
    expect(small.cursor - small.top).toBeLessThan(small.listHeight);
    expect(rev(small)).toBe(rev(s));
  });
});

describe('picker reducer: filter', () => {
  it('filters by any column text, keeps the selection when it still matches, and cancels back to all', () => {
    let s = run(start(), { type: 'filter-start' }, ...'failed'.split('').map((text): PickerAction => ({ type: 'filter-input', text })));
    expect(s.editingFilter).toBe(true);
    expect(s.visible.map((i) => s.entries[i].revision)).toEqual([45, 40, 35, 30, 25, 20, 15, 10, 5]);
    expect(rev(s)).toBe(45);
    s = run(s, { type: 'filter-accept' }, { type: 'move', delta: 2 });
    expect([s.editingFilter, rev(s)]).toEqual([false, 35]);
    s = run(s, { type: 'filter-erase' });
    expect(s.filter).toBe('faile');
    s = run(s, { type: 'filter-cancel' });
    expect([s.filter, s.visible.length, rev(s)]).toEqual(['', 50, 35]);
  });

  it('no match: nothing is selected and Enter does nothing', () => {
    const s = run(start(), { type: 'filter-input', text: 'zzz' });
    expect(s.visible).toEqual([]);
    expect(selectedEntry(s)).toBeUndefined();
    expect(run(s, { type: 'select' }).mode).toBe('browse');
  });

  it('rows whose bodies arrive later become findable by chart and description', () => {
    const s = run(start(), { type: 'entries', entries: [{ revision: 12, chart: 'web-9.9.9', appVersion: '3.1' }] }, { type: 'filter-input', text: '9.9.9' });
    expect(s.visible.map((i) => s.entries[i].revision)).toEqual([12]);
  });
});

describe('picker reducer: tabs and detail scrolling', () => {
  it.each([
    [[{ type: 'tab-step', direction: 1 }], 'manifest'],
    [[{ type: 'tab-step', direction: -1 }], 'guards'],
    [[{ type: 'tab', tab: 'hooks' }], 'hooks'],
    [[{ type: 'tab', tab: 'guards' }, { type: 'tab-step', direction: 1 }], 'values'],
  ] as const)('%j -> %s', (actions, tab) => {
    expect(run(start(), ...(actions as readonly PickerAction[])).tab).toBe(tab);
  });

  it('scrolls within the tab length, and back to the top on a new tab or a new revision', () => {
    let s = start();
    s = run(s, { type: 'scroll', delta: 5, max: 100 });
    expect(s.detailTop).toBe(5);
    s = run(s, { type: 'scroll', delta: 1000, max: 100 });
    expect(s.detailTop).toBe(100 - s.detailHeight);
    expect(run(s, { type: 'scroll', delta: -1000, max: 100 }).detailTop).toBe(0);
    expect(run(s, { type: 'scroll', delta: 3, max: 2 }).detailTop).toBe(0);
    expect(run(s, { type: 'tab-step', direction: 1 }).detailTop).toBe(0);
    expect(run(s, { type: 'move', delta: 1 }).detailTop).toBe(0);
  });
});

describe('picker reducer: confirm, cancel, refusals', () => {
  it('Enter opens the confirmation, y confirms the selected revision', () => {
    const s = run(start(), { type: 'move', delta: 2 }, { type: 'select' });
    expect(s.mode).toBe('confirm');
    expect(run(s, { type: 'confirm' }).done).toEqual({ action: 'rollback', revision: 47 });
  });

  it('cancel on the confirmation goes back; cancel on the list leaves without a change', () => {
    const s = run(start(), { type: 'select' }, { type: 'cancel' });
    expect([s.mode, s.done]).toEqual(['browse', undefined]);
    expect(run(s, { type: 'cancel' }).done).toEqual({ action: 'quit' });
    expect(run(start(), { type: 'confirm' }).done).toBeUndefined(); // no confirm without the screen
  });

  it.each([
    ['the deployed revision', 0, 'revision 50 is the deployed one: nothing to roll back to'],
    ['a failed revision', 5, 'revision 45 is failed: only a superseded revision can be a rollback target'],
  ])('refuses %s with a notice, which the next key clears', (_n, down, notice) => {
    const s = run(start(), { type: 'first' }, { type: 'move', delta: down }, { type: 'select' });
    expect([s.mode, s.notice]).toEqual(['browse', notice]);
    expect(run(s, { type: 'move', delta: 1 }).notice).toBeUndefined();
  });

  it('the watchdog key is a hook: only when offered, with the selected revision', () => {
    expect(run(start(), { type: 'watchdog' }).done).toBeUndefined();
    expect(run(start(50, { watchdogKey: true }), { type: 'watchdog' }).done).toEqual({ action: 'watchdog', revision: 49 });
  });

  it('a finished picker ignores everything', () => {
    const s = run(start(), { type: 'quit' });
    expect(run(s, { type: 'move', delta: 1 }, { type: 'select' })).toBe(s);
  });
});

describe('keyToAction', () => {
  const s = start();
  it.each([
    ['j', {}, { type: 'move', delta: 1 }],
    ['', { downArrow: true }, { type: 'move', delta: 1 }],
    ['k', {}, { type: 'move', delta: -1 }],
    ['', { upArrow: true }, { type: 'move', delta: -1 }],
    ['', { pageDown: true }, { type: 'page', direction: 1 }],
    ['', { pageUp: true }, { type: 'page', direction: -1 }],
    ['g', {}, { type: 'first' }],
    ['G', {}, { type: 'last' }],
    ['/', {}, { type: 'filter-start' }],
    ['', { tab: true }, { type: 'tab-step', direction: 1 }],
    ['', { tab: true, shift: true }, { type: 'tab-step', direction: -1 }],
    ['2', {}, { type: 'tab', tab: 'manifest' }],
    ['J', {}, { type: 'scroll', delta: 1, max: 40 }],
    [' ', {}, { type: 'scroll', delta: s.detailHeight, max: 40 }],
    ['', { return: true }, { type: 'select' }],
    ['q', {}, { type: 'cancel' }],
    ['', { escape: true }, { type: 'cancel' }],
    ['x', {}, undefined],
  ])('browse: %j %j', (input, key, expected) => {
    expect(keyToAction(input, key, s, 40)).toEqual(expected);
  });

  it('while typing a filter, letters are text (q does not quit, j does not move)', () => {
    const f = run(s, { type: 'filter-start' });
    expect(keyToAction('q', {}, f, 0)).toEqual({ type: 'filter-input', text: 'q' });
    expect(keyToAction('j', {}, f, 0)).toEqual({ type: 'filter-input', text: 'j' });
    expect(keyToAction('', { backspace: true }, f, 0)).toEqual({ type: 'filter-erase' });
    expect(keyToAction('', { return: true }, f, 0)).toEqual({ type: 'filter-accept' });
    expect(keyToAction('', { escape: true }, f, 0)).toEqual({ type: 'filter-cancel' });
  });

  it('on the confirmation only y/Enter confirm and n/q/Esc go back', () => {
    const c = run(s, { type: 'select' });
    expect(keyToAction('y', {}, c, 0)).toEqual({ type: 'confirm' });
    expect(keyToAction('', { return: true }, c, 0)).toEqual({ type: 'confirm' });
    expect(keyToAction('n', {}, c, 0)).toEqual({ type: 'cancel' });
    expect(keyToAction('j', {}, c, 0)).toBeUndefined();
  });
});
