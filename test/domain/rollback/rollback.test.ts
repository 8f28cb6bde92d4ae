import {
  afterFailurePlan,
  checkPendingState,
  chooseRollbackTarget,
  decodeLedger,
  encodeLedger,
  LEDGER_FORMAT,
  LEDGER_MAX_ENTRIES,
  ledgerConfigMapName,
  recordVerdict,
  type LedgerEntry,
  type RevisionInfo,
} from '../../../src/domain/rollback/index.js';
import type { ReleaseStatus } from '../../../src/domain/release/release.js';

/** History from a compact spec: `h('superseded', 'failed', 'superseded', 'failed')` = revisions 1..4. */
const h = (...statuses: ReleaseStatus[]): RevisionInfo[] => statuses.map((status, i) => ({ revision: i + 1, status }));
const failedEntry = (revision: number): LedgerEntry => ({ revision, verdict: 'failed', reason: 'CrashLoopBackOff', decidedAt: new Date('2026-01-01T00:00:00Z'), ttdMs: 800 });
const healthyEntry = (revision: number): LedgerEntry => ({ revision, verdict: 'healthy', decidedAt: new Date('2026-01-01T00:00:00Z') });

describe('chooseRollbackTarget: last known good', () => {
  it.each([
    ['the previous superseded revision', h('superseded', 'superseded', 'failed'), 3, [], { revision: 2 }],
    ['skips a failed revision in between', h('superseded', 'superseded', 'failed', 'failed'), 4, [], { revision: 2 }],
    ['accepts a deployed revision (helm 4 marks superseded late)', h('superseded', 'deployed', 'pending-upgrade'), 3, [], { revision: 2 }],
    ['skips one recorded unhealthy in the ledger', h('superseded', 'superseded', 'superseded', 'failed'), 4, [failedEntry(3)], { revision: 2 }],
    ['a healthy ledger entry does not skip', h('superseded', 'superseded', 'failed'), 3, [healthyEntry(2)], { revision: 2 }],
    ['ignores revisions newer than the attempted one', h('superseded', 'failed', 'superseded'), 2, [], { revision: 1 }],
    ['order of the history does not matter', [...h('superseded', 'superseded', 'failed')].reverse(), 3, [], { revision: 2 }],
    ['skips pending and uninstalled revisions', h('superseded', 'uninstalled', 'pending-rollback', 'failed'), 4, [], { revision: 1 }],
  ] as const)('%s', (_name, history, attemptedRevision, ledger, expected) => {
    expect(chooseRollbackTarget({ history, attemptedRevision, ledger })).toEqual(expected);
  });

  it.each([
    ['a first install', h('failed'), 1, [], /revision 1 has no earlier revision to roll back to/],
    ['only failed revisions before', h('failed', 'failed', 'failed'), 3, [], /no revision before 3 has status deployed or superseded \(2 failed, 1 failed\)/],
    ['every good one unhealthy', h('superseded', 'superseded', 'failed'), 3, [failedEntry(1), failedEntry(2)], /\(2, 1\) is recorded unhealthy by autorollback/],
  ] as const)('finds none for %s', (_name, history, attemptedRevision, ledger, message) => {
    const r = chooseRollbackTarget({ history, attemptedRevision, ledger });
    expect('none' in r && r.none).toMatch(message);
  });
});

describe('chooseRollbackTarget: --to-revision', () => {
  const history = h('superseded', 'failed', 'superseded', 'pending-rollback', 'superseded', 'failed');
  it.each([
    [1, { revision: 1 }],
    [5, { revision: 5 }],
  ])('accepts %i', (override, expected) => {
    expect(chooseRollbackTarget({ history, attemptedRevision: 6, ledger: [], override })).toEqual(expected);
  });

  it.each([
    [6, '--to-revision 6 is the revision being rolled back; pick an earlier one'],
    [7, '--to-revision 7 is newer than the attempted revision 6; pick an earlier one'],
    [0, '--to-revision must be a positive whole number, got 0'],
    [2.5, '--to-revision must be a positive whole number, got 2.5'],
    [2, '--to-revision 2 has status failed; only a deployed or superseded revision can be a rollback target'],
    [4, '--to-revision 4 has status pending-rollback; only a deployed or superseded revision can be a rollback target'],
  ])('rejects %p', (override, message) => {
    expect(chooseRollbackTarget({ history, attemptedRevision: 6, ledger: [], override })).toEqual({ none: message });
  });

  it('rejects a pruned revision, listing what is available', () => {
    const pruned = history.filter((r) => r.revision >= 3);
    expect(chooseRollbackTarget({ history: pruned, attemptedRevision: 6, ledger: [], override: 1 })).toEqual({
      none: '--to-revision 1 is not in the release history (available: 3 superseded, 4 pending-rollback, 5 superseded); it may have been pruned by --history-max',
    });
  });

  it('honours an override the ledger calls unhealthy, with a warning', () => {
    expect(chooseRollbackTarget({ history, attemptedRevision: 6, ledger: [failedEntry(5)], override: 5 })).toEqual({
      revision: 5,
      warning: 'revision 5 is recorded unhealthy by autorollback; rolling back to it as asked',
    });
  });
});

describe('ledger encoding', () => {
  const d = (s: string) => new Date(s);
  const entries: LedgerEntry[] = [
    { revision: 3, verdict: 'failed', reason: 'OOMKilled', decidedAt: d('2026-01-01T10:00:01.250Z'), ttdMs: 420 },
    { revision: 2, verdict: 'healthy', decidedAt: d('2026-01-01T09:00:00.000Z') },
  ];

  it('encodes one key per revision plus the format, and decodes back', () => {
    const data = encodeLedger(entries);
    expect(data).toEqual({
      format: LEDGER_FORMAT,
      'revision.2': '{"verdict":"healthy","decidedAt":"2026-01-01T09:00:00.000Z"}',
      'revision.3': '{"verdict":"failed","decidedAt":"2026-01-01T10:00:01.250Z","reason":"OOMKilled","ttdMs":420}',
    });
    expect(decodeLedger(data)).toEqual({ entries: [entries[1], entries[0]], warnings: [] });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an empty map', {}],
  ])('reads %s as an empty ledger', (_name, data) => {
    expect(decodeLedger(data)).toEqual({ entries: [], warnings: [] });
  });

  it('skips garbage with one warning each and keeps the good entries', () => {
    const data = {
      format: LEDGER_FORMAT,
      'revision.2': '{"verdict":"healthy","decidedAt":"2026-01-01T09:00:00.000Z"}',
      'revision.3': 'not json',
      'revision.4': '{"verdict":"maybe","decidedAt":"2026-01-01T09:00:00.000Z"}',
      'revision.5': '{"verdict":"failed","decidedAt":"yesterday"}',
      'revision.6': '[1,2]',
      'revision.7': '{"verdict":"failed","decidedAt":"2026-01-01T09:00:00.000Z","ttdMs":-5,"reason":42}',
      'revision.0': '{}',
      notes: 'hello',
    };
    const r = decodeLedger(data);
    expect(r.entries).toEqual([
      { revision: 2, verdict: 'healthy', decidedAt: d('2026-01-01T09:00:00.000Z') },
      { revision: 7, verdict: 'failed', decidedAt: d('2026-01-01T09:00:00.000Z') },
    ]);
    expect(r.warnings).toEqual([
      'ledger key "notes" ignored: not a revision entry',
      'ledger key "revision.0" ignored: not a revision entry',
      'ledger entry for revision 3 ignored: not JSON',
      'ledger entry for revision 4 ignored: unknown verdict "maybe"',
      'ledger entry for revision 5 ignored: no valid decidedAt',
      'ledger entry for revision 6 ignored: not an object',
    ]);
  });

  it('ignores a ledger of an unknown (newer) format as a whole', () => {
    expect(decodeLedger({ format: 'autorollback.ledger/v9', 'revision.2': '{}' })).toEqual({
      entries: [],
      warnings: ['ledger format "autorollback.ledger/v9" is not understood by this version; ignoring the ledger'],
    });
  });

  it('records a verdict, replacing the same revision, keeping the newest 50, without touching the input', () => {
    const many: LedgerEntry[] = Array.from({ length: LEDGER_MAX_ENTRIES }, (_, i) => healthyEntry(i + 1));
    const next = recordVerdict(many, failedEntry(51));
    expect(next).toHaveLength(LEDGER_MAX_ENTRIES);
    expect(next[0]?.revision).toBe(2);
    expect(next.at(-1)).toEqual(failedEntry(51));
    expect(many).toHaveLength(LEDGER_MAX_ENTRIES);
    const replaced = recordVerdict(next, healthyEntry(51));
    expect(replaced.at(-1)?.verdict).toBe('healthy');
    expect(replaced).toHaveLength(LEDGER_MAX_ENTRIES);
    expect(Object.keys(encodeLedger([...many, failedEntry(51), failedEntry(52)]))).toHaveLength(LEDGER_MAX_ENTRIES + 1);
  });

  it('names the ConfigMap after the release', () => {
    expect(ledgerConfigMapName('web')).toBe('autorollback-web');
  });
});

describe('checkPendingState', () => {
  const ctx = { release: 'web', namespace: 'prod' };

  it.each([
    ['an empty history', []],
    ['a deployed latest revision', h('superseded', 'deployed')],
    ['a failed latest revision', h('deployed', 'failed')],
    ['an older pending revision that is not the latest', h('pending-upgrade', 'deployed')],
  ])('is ok for %s', (_name, history) => {
    expect(checkPendingState(history, ctx)).toEqual({ ok: true });
  });

  it.each([
    ['pending-upgrade', h('superseded', 'deployed', 'pending-upgrade'), 3, 'helm rollback web 2 -n prod', 2],
    ['pending-rollback', h('superseded', 'failed', 'pending-rollback'), 3, 'helm rollback web 1 -n prod', 1],
    ['pending-install', h('pending-install'), 1, 'helm uninstall web -n prod', undefined],
    ['pending-upgrade with nothing good before', h('failed', 'pending-upgrade'), 2, 'helm uninstall web -n prod', undefined],
  ] as const)('refuses %s with the recovery command', (status, history, revision, command, recoverTo) => {
    const r = checkPendingState(history, ctx);
    expect(r).toMatchObject({ ok: false, revision, status: status.split(' ')[0], recoveryCommand: command });
    if (!r.ok) {
      expect(r.recoverTo).toBe(recoverTo);
      expect(r.message).toContain(`release "web" is stuck in ${status.split(' ')[0]} (revision ${revision})`);
      expect(r.message).toContain(`\`${command}\``);
      expect(r.message).toContain('--recover-pending');
      expect(r.message).not.toContain('\n');
    }
  });

  it('skips ledger-unhealthy revisions and repeats extra flags, quoted when needed', () => {
    const r = checkPendingState(h('superseded', 'superseded', 'pending-upgrade'), {
      ...ctx,
      ledger: [failedEntry(2)],
      extraArgs: ['--kube-context', 'my cluster'],
    });
    expect(r).toMatchObject({ ok: false, recoverTo: 1, recoveryCommand: "helm rollback web 1 -n prod --kube-context 'my cluster'" });
  });
});

describe('afterFailurePlan', () => {
  const base = { ledger: [], noRollback: false, keepFailedInstall: false };
  it.each([
    ['rolls back to the last known good', { history: h('superseded', 'failed', 'superseded', 'failed'), attemptedRevision: 4 }, { action: 'rollback', toRevision: 3 }],
    ['uses --to-revision', { history: h('superseded', 'failed', 'superseded', 'failed'), attemptedRevision: 4, override: 1 }, { action: 'rollback', toRevision: 1 }],
    ['uninstalls a failed first install', { history: h('failed'), attemptedRevision: 1 }, { action: 'uninstall', message: 'the first install failed; uninstalling the release' }],
    ['uninstalls a release that never had a good revision', { history: h('failed', 'failed'), attemptedRevision: 2 }, { action: 'uninstall', message: 'revision 2 (no earlier revision ever deployed) failed; uninstalling the release' }],
    ['keeps a failed first install with --keep-failed-install', { history: h('failed'), attemptedRevision: 1, keepFailedInstall: true }, { action: 'report-only', why: 'keep-failed-install', outcome: 'failed-no-rollback' }],
    ['only reports with --no-rollback', { history: h('superseded', 'failed'), attemptedRevision: 2, noRollback: true }, { action: 'report-only', why: 'no-rollback', outcome: 'failed-no-rollback', message: 'rollback disabled by --no-rollback' }],
    ['--no-rollback also keeps a failed first install', { history: h('failed'), attemptedRevision: 1, noRollback: true }, { action: 'report-only', why: 'no-rollback' }],
    ['cannot roll back when every good revision is unhealthy', { history: h('superseded', 'failed'), attemptedRevision: 2, ledger: [failedEntry(1)] }, { action: 'report-only', why: 'no-target', outcome: 'rollback-failed' }],
    ['cannot roll back to an invalid --to-revision', { history: h('superseded', 'failed'), attemptedRevision: 2, override: 2 }, { action: 'report-only', why: 'no-target', outcome: 'rollback-failed', message: 'cannot roll back: --to-revision 2 is the revision being rolled back; pick an earlier one' }],
  ] as const)('%s', (_name, input, expected) => {
    expect(afterFailurePlan({ ...base, ...input })).toMatchObject(expected);
  });
});
