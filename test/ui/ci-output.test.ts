import type { UpgradeEvent } from '../../src/domain/upgrade/events.js';
import type { UpgradeReport } from '../../src/domain/upgrade/report.js';
import {
  createCiRenderer,
  escapeCommandData,
  escapeCommandProperty,
  githubErrorAnnotation,
  markdownSummary,
} from '../../src/ui/ci-output.js';
import { createPlainRenderer } from '../../src/ui/plain-renderer.js';
import { crashloopRun, healthyRun, rollbackFailureRun } from './fixtures.js';

const base: UpgradeReport = {
  release: 'web',
  namespace: 'shop',
  fromRevision: 3,
  attemptedRevision: 4,
  outcome: 'healthy',
  timings: { ttdMs: null, ttrMs: 2500 },
};
const failure = {
  reason: 'CrashLoopBackOff' as const,
  object: 'Pod/web-1',
  container: 'app',
  message: 'back-off 10s: 50% of 2 | pods\nrestarting',
  firstSignalAt: '2026-11-27T01:00:01.000Z',
  detectedAt: '2026-11-27T01:00:01.400Z',
};
const rolledBack: UpgradeReport = {
  ...base,
  outcome: 'rolled-back',
  failure,
  rollback: { toRevision: 3, newRevision: 5, startedAt: '2026-11-27T01:00:01.500Z', completedAt: '2026-11-27T01:00:04.000Z' },
  timings: { ttdMs: 400, ttrMs: 4000 },
};

describe('workflow-command escaping', () => {
  it.each([
    ['plain', 'plain', 'plain'],
    ['50%', '50%25', '50%25'],
    ['a\nb\r', 'a%0Ab%0D', 'a%0Ab%0D'],
    ['x: y, z', 'x: y, z', 'x%3A y%2C z'],
  ])('%j -> data %j, property %j', (input, data, property) => {
    expect(escapeCommandData(input)).toBe(data);
    expect(escapeCommandProperty(input)).toBe(property);
  });
});

describe('githubErrorAnnotation', () => {
  it.each<[string, UpgradeReport, string | undefined]>([
    ['healthy: none', base, undefined],
    [
      'rolled back: the reason in the title, where the release is now in the message',
      rolledBack,
      '::error title=helm autorollback%3A CrashLoopBackOff in web (shop)::revision 4 failed: CrashLoopBackOff in Pod/web-1 (container app): back-off 10s: 50%25 of 2 | pods%0Arestarting. rolled back to revision 3',
    ],
    [
      'rollback failed: says act now',
      { ...rolledBack, outcome: 'rollback-failed', failure: { ...failure, message: 'm' } },
      '::error title=helm autorollback%3A CrashLoopBackOff in web (shop)::revision 4 failed: CrashLoopBackOff in Pod/web-1 (container app): m. the rollback FAILED: act now',
    ],
    [
      '--no-rollback',
      { ...base, outcome: 'failed-no-rollback', failure: { ...failure, message: 'm' } },
      '::error title=helm autorollback%3A CrashLoopBackOff in web (shop)::revision 4 failed: CrashLoopBackOff in Pod/web-1 (container app): m. left as it is (rollback disabled)',
    ],
    [
      'first install uninstalled',
      { ...base, fromRevision: null, outcome: 'rolled-back', failure: { ...failure, message: 'm' }, rollback: { toRevision: null, newRevision: null, startedAt: 'x', completedAt: 'y' } },
      '::error title=helm autorollback%3A CrashLoopBackOff in web (shop)::revision 4 failed: CrashLoopBackOff in Pod/web-1 (container app): m. the failed first install was uninstalled',
    ],
  ])('%s', (_name, report, expected) => {
    expect(githubErrorAnnotation(report)).toBe(expected);
  });
});

describe('markdownSummary', () => {
  it('healthy: verdict, release, revisions, TTR; no reason, no TTD', () => {
    expect(markdownSummary(base, [{ elapsedMs: 0, level: 'info', text: 'upgrading web' }])).toBe(
      [
        '### ✅ helm autorollback: web healthy',
        '',
        '| | |',
        '| --- | --- |',
        '| verdict | **healthy** |',
        '| release | `web` (namespace `shop`) |',
        '| revisions | 3 → 4 |',
        '| TTR | 2.5s (upgrade start → healthy) |',
        '',
        '<details><summary>Timeline</summary>',
        '',
        '| time | event |',
        '| --- | --- |',
        '| 00:00.0 | upgrading web |',
        '',
        '</details>',
        '',
        '',
      ].join('\n'),
    );
  });

  it('rolled back: reason, one-line message with pipes escaped, TTD and TTR, errors bold in the timeline', () => {
    const md = markdownSummary(rolledBack, [
      { elapsedMs: 0, level: 'info', text: 'upgrading web' },
      { elapsedMs: 1400, level: 'error', text: 'FAILED: CrashLoopBackOff | x' },
    ]);
    expect(md).toContain('### ↩️ helm autorollback: web failed, rolled back\n');
    expect(md).toContain('| revisions | 3 → 4 (failed) → rollback to 3 as revision 5 |\n');
    expect(md).toContain('| reason | `CrashLoopBackOff` in Pod/web-1 (container app) |\n');
    expect(md).toContain('| message | back-off 10s: 50% of 2 \\| pods restarting |\n');
    expect(md).toContain('| TTD | 400ms (first signal → detected) |\n');
    expect(md).toContain('| TTR | 4.0s (upgrade start → healthy again) |\n');
    expect(md).toContain('| 00:01.4 | **FAILED: CrashLoopBackOff \\| x** |\n');
  });

  it.each<[UpgradeReport['outcome'], string]>([
    ['rollback-failed', '### ❌ helm autorollback: web failed, rollback failed'],
    ['failed-no-rollback', '### ❌ helm autorollback: web failed, not rolled back'],
  ])('%s heading', (outcome, heading) => {
    expect(markdownSummary({ ...rolledBack, outcome }, []).split('\n')[0]).toBe(heading);
  });
});

function render(events: readonly UpgradeEvent[], github: boolean) {
  let out = '';
  const summaries: string[] = [];
  const r = createCiRenderer({ write: (s) => (out += s) }, { color: false, github, onSummary: (m) => summaries.push(m) });
  for (const e of events) r.onEvent(e);
  r.close();
  return { out, summaries };
}

function plain(events: readonly UpgradeEvent[]): string {
  let out = '';
  const r = createPlainRenderer({ write: (s) => (out += s) }, { color: false });
  for (const e of events) r.onEvent(e);
  return out;
}

describe('createCiRenderer', () => {
  it('outside GitHub Actions: exactly the plain log, no workflow commands; the summary still handed over', () => {
    const { out, summaries } = render(crashloopRun(), false);
    expect(out).toBe(plain(crashloopRun()));
    expect(out).not.toContain('::');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toContain('failed, rolled back');
  });

  it('under GitHub Actions, a rollback: an upgrade group, a rollback group, the report outside, then ::error', () => {
    const { out, summaries } = render(crashloopRun(), true);
    const lines = out.split('\n');
    const commands = lines.filter((l) => l.startsWith('::'));
    expect(commands).toEqual([
      '::group::helm autorollback upgrade web (namespace shop, from revision 3)',
      '::endgroup::',
      '::group::rollback of web to revision 3',
      '::endgroup::',
      expect.stringMatching(/^::error title=helm autorollback%3A CrashLoopBackOff in web \(shop\)::revision 4 failed: /),
    ]);
    expect(lines[0]).toBe(commands[0]);
    // Every plain line is still there, in order, and the report follows the last ::endgroup::.
    expect(lines.filter((l) => !l.startsWith('::')).join('\n')).toBe(plain(crashloopRun()));
    expect(lines[lines.lastIndexOf('::endgroup::') + 2]).toMatch(/^ROLLED BACK: web revision 4 failed/);
    expect(summaries[0]).toContain('<summary>Timeline</summary>');
    expect(summaries[0]).toMatch(/\| \*\*FAILED: CrashLoopBackOff in Pod\/web-7d9c-a1/);
    expect(summaries[0]).not.toMatch(/\| pod web-7d9c-a1: Error/); // rollout details stay in the log only
  });

  it('under GitHub Actions, healthy: one group, no annotation', () => {
    const { out } = render(healthyRun(), true);
    expect(out.split('\n').filter((l) => l.startsWith('::'))).toEqual(['::group::helm autorollback upgrade web (namespace shop, from revision 3)', '::endgroup::']);
  });

  it('under GitHub Actions, a failed rollback: annotated', () => {
    const { out } = render(rollbackFailureRun(), true);
    expect(out).toMatch(/^::error title=.*::.*the rollback FAILED: act now$/m);
  });

  it('closed before the end (a second Ctrl-C): the open group is closed, nothing after', () => {
    const events = crashloopRun();
    let out = '';
    const r = createCiRenderer({ write: (s) => (out += s) }, { color: false, github: true });
    const stored = events.findIndex((e) => e.type === 'revision-detected');
    for (const e of events.slice(0, stored + 1)) r.onEvent(e);
    r.close();
    r.onEvent(events[stored + 1]!);
    expect(out).toContain('::group::');
    expect(out.trimEnd().split('\n').pop()).toBe('::endgroup::');
  });

  it('holds the lines before helm stores a revision: dropped when the run ends without one, written once one is stored', () => {
    const events = crashloopRun();
    const stored = events.findIndex((e) => e.type === 'revision-detected');
    expect(events.slice(0, stored).map((e) => e.type)).toContain('started');
    const refused = { out: '' };
    const r1 = createCiRenderer({ write: (s) => (refused.out += s) }, { color: false, github: true });
    for (const e of events.slice(0, stored)) r1.onEvent(e);
    r1.close();
    expect(refused.out).toBe('');
    const ok = { out: '' };
    const r2 = createCiRenderer({ write: (s) => (ok.out += s) }, { color: false, github: false });
    for (const e of events.slice(0, stored + 1)) r2.onEvent(e);
    expect(ok.out.split('\n')[0]).toMatch(/^00:00\.0 upgrading /);
    const unheld = { out: '' };
    const r3 = createCiRenderer({ write: (s) => (unheld.out += s) }, { color: false, github: false, holdMs: 0 });
    r3.onEvent(events[0]!);
    expect(unheld.out).toMatch(/^00:00\.0 upgrading /);
    r2.close();
    r3.close();
  });
});
