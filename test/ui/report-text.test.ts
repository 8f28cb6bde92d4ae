import { buildReport } from '../../src/domain/upgrade/report.js';
import { formatReportText, reportLines } from '../../src/ui/report-text.js';
import { at, T0 } from './fixtures.js';

const failure = {
  reason: 'OOMKilled' as const,
  object: 'Pod/web-1',
  container: 'app',
  message: 'container app was OOMKilled\n(limit 64Mi)',
  firstSignalAt: at(3),
  detectedAt: at(3.25),
};

test('uninstalled first install', () => {
  const text = formatReportText(
    buildReport({ release: 'web', namespace: 'shop', attemptedRevision: 1, outcome: 'rolled-back', startedAt: T0, failure, rollback: { startedAt: at(4), completedAt: at(6) } }),
  );
  expect(text.split('\n')).toEqual([
    'ROLLED BACK: web first install failed; release uninstalled',
    '  release       web (namespace shop)',
    '  revisions     none (first install) -> 1 (failed) -> uninstalled',
    '  reason        OOMKilled in Pod/web-1 (container app)',
    '  message       container app was OOMKilled (limit 64Mi)',
    '  first signal  2026-11-27T01:00:03.000Z',
    '  detected      2026-11-27T01:00:03.250Z (TTD 250ms)',
    '  uninstall     started 2026-11-27T01:00:04.000Z, completed 2026-11-27T01:00:06.000Z',
    '  recovered in  6.0s (TTR, from the start of the upgrade)',
  ]);
});

test('failed without rollback points at what to look at', () => {
  const lines = reportLines(
    buildReport({ release: 'web', namespace: 'shop', fromRevision: 2, attemptedRevision: 3, outcome: 'failed-no-rollback', startedAt: T0, failure }),
  );
  expect(lines[0]).toEqual({ level: 'error', text: 'FAILED: web revision 3 failed; left as it is (rollback disabled by --no-rollback)' });
  expect(lines.at(-1)).toEqual({
    level: 'warn',
    text: '  look at       helm history web -n shop; kubectl get pods,events -n shop',
    label: 'look at',
    value: 'helm history web -n shop; kubectl get pods,events -n shop',
  });
  expect(lines.some((l) => l.text.includes('recovered'))).toBe(false);
});

test('helm failed before storing a revision', () => {
  const text = formatReportText(
    buildReport({ release: 'web', namespace: 'shop', fromRevision: 2, outcome: 'rollback-failed', startedAt: T0 }),
  );
  expect(text.split('\n').slice(0, 3)).toEqual([
    'ROLLBACK FAILED: web upgrade failed and was not recovered; act now',
    '  release       web (namespace shop)',
    '  revisions     2 -> not stored',
  ]);
});

test('levels: healthy is success, rolled back is a warning', () => {
  expect(reportLines(buildReport({ release: 'a', namespace: 'b', outcome: 'healthy', startedAt: T0, healthyAt: at(61) }))).toEqual([
    { level: 'success', text: 'SUCCESS: a upgrade is healthy' },
    { level: 'info', text: '  release       a (namespace b)', label: 'release', value: 'a (namespace b)' },
    { level: 'info', text: '  revisions     none (first install) -> not stored', label: 'revisions', value: 'none (first install) -> not stored' },
    { level: 'info', text: '  time to ready 1m01s (TTR, from the start of the upgrade)', label: 'time to ready', value: '1m01s (TTR, from the start of the upgrade)' },
  ]);
});

test('says "rollback disabled" only when it was: kept by --keep-failed-install, or nothing stored at all', () => {
  const head = (input: Partial<Parameters<typeof buildReport>[0]>) =>
    reportLines(buildReport({ release: 'web', namespace: 'shop', fromRevision: 2, attemptedRevision: 3, outcome: 'failed-no-rollback', startedAt: T0, failure, ...input }))[0]?.text;
  expect(head({ notRolledBack: 'disabled' })).toBe('FAILED: web revision 3 failed; left as it is (rollback disabled by --no-rollback)');
  expect(head({ notRolledBack: 'kept', fromRevision: undefined })).toBe('FAILED: web revision 3 failed; left as it is (--keep-failed-install)');
  expect(head({ notRolledBack: 'nothing-stored', attemptedRevision: undefined })).toBe('FAILED: web upgrade failed before helm stored a revision; nothing was changed');
});
