import type { UpgradeEvent } from '../../src/domain/upgrade/events.js';
import { reduceAll, stageOf } from '../../src/ui/live/state.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));

describe('the event view of a rollback by hand', () => {
  const events: UpgradeEvent[] = [
    {
      type: 'guard-findings',
      toRevision: 3,
      findings: [
        { guard: 'migration', severity: 'warn', message: 'revision 4 ran a migration', fix: 'migrate down first' },
        { guard: 'hooks', severity: 'info', message: 'just so you know' },
      ],
      at: at(0),
    },
    { type: 'rollback-started', toRevision: 3, manual: { release: 'web', namespace: 'prod', fromRevision: 5, helmMajor: 4 }, at: at(1) },
  ];

  it('logs the guards (with the fix for warnings) and says what is rolled back, from where', () => {
    const state = reduceAll(events);
    expect(state.log.map((l) => [l.level, l.text])).toEqual([
      ['warn', 'guard migration: revision 4 ran a migration'],
      ['info', '  fix: migrate down first'],
      ['info', 'guard hooks: just so you know'],
      ['warn', 'rolling back web in namespace prod from revision 5 to revision 3 (helm 4)'],
    ]);
    expect(state).toMatchObject({ mode: 'rollback', release: 'web', namespace: 'prod', fromRevision: 5, helmMajor: 4 });
    expect(stageOf(state)).toBe('rolling-back');
  });

  it('an automatic rollback (no `manual`) stays an upgrade\'s', () => {
    const state = reduceAll([{ type: 'rollback-started', toRevision: 3, at: at(1) }]);
    expect(state.mode).toBeUndefined();
    expect(state.log.map((l) => l.text)).toEqual(['rolling back to revision 3']);
  });
});

describe('the live view of a rollback by hand', () => {
  it('heads with release, from -> target revision, and says it is rolling back (not recovering, not a failed upgrade)', async () => {
    const { render } = await import('ink-testing-library');
    const React = await import('react');
    const { LiveUpgradeView } = await import('../../src/ui/live/view.js');
    const state = reduceAll([
      { type: 'rollback-started', toRevision: 3, manual: { release: 'web', namespace: 'prod', fromRevision: 5, helmMajor: 4 }, at: at(1) },
    ]);
    const { lastFrame, unmount } = render(React.createElement(LiveUpgradeView, { state, now: at(2), columns: 80, rows: 24, color: false }));
    const text = (lastFrame() ?? '').split('\n');
    unmount();
    expect(text[0]).toBe('helm autorollback web · rev 5 → 3 · ns prod · helm 4');
    expect(text[1]).toMatch(/^↺ rolling back to revision 3…/);
  });
});
