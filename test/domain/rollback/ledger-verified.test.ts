import { chooseRollbackTarget } from '../../../src/domain/rollback/target.js';
import {
  decodeLedger,
  encodeLedger,
  recordVerdict,
  unhealthyRevisions,
  verifiedRevisions,
  type LedgerEntry,
} from '../../../src/domain/rollback/ledger.js';

const at = new Date('2026-01-01T00:10:00.000Z');

describe('ledger: the verified verdict', () => {
  it('round-trips a verified entry with its bake time', () => {
    const entries: LedgerEntry[] = [
      { revision: 2, verdict: 'healthy', decidedAt: at },
      { revision: 3, verdict: 'verified', decidedAt: at, bakedMs: 600_000 },
    ];
    const data = encodeLedger(entries);
    expect(JSON.parse(data['revision.3'] as string)).toEqual({ verdict: 'verified', decidedAt: at.toISOString(), bakedMs: 600_000 });
    expect(decodeLedger(data)).toEqual({ entries, warnings: [] });
  });

  it('reads a ledger written before verified existed, unchanged', () => {
    const old = {
      format: 'autorollback.ledger/v1',
      'revision.1': '{"verdict":"healthy","decidedAt":"2026-01-01T00:00:00.000Z"}',
      'revision.2': '{"verdict":"failed","decidedAt":"2026-01-01T00:01:00.000Z","reason":"OOMKilled","ttdMs":900}',
    };
    expect(decodeLedger(old)).toEqual({
      entries: [
        { revision: 1, verdict: 'healthy', decidedAt: new Date('2026-01-01T00:00:00.000Z') },
        { revision: 2, verdict: 'failed', reason: 'OOMKilled', ttdMs: 900, decidedAt: new Date('2026-01-01T00:01:00.000Z') },
      ],
      warnings: [],
    });
  });

  it('a verdict from a newer version is skipped with a warning, the rest still read', () => {
    const r = decodeLedger({ 'revision.4': '{"verdict":"quarantined","decidedAt":"2026-01-01T00:00:00.000Z"}', 'revision.5': JSON.stringify({ verdict: 'verified', decidedAt: at.toISOString(), bakedMs: -1 }) });
    expect(r.warnings).toEqual(['ledger entry for revision 4 ignored: unknown verdict "quarantined"']);
    // A nonsensical bake time is dropped, the verdict kept.
    expect(r.entries).toEqual([{ revision: 5, verdict: 'verified', decidedAt: at }]);
  });

  it('verified replaces healthy for the same revision, is no failure and stays a rollback target', () => {
    const entries = recordVerdict([{ revision: 3, verdict: 'healthy', decidedAt: at }], { revision: 3, verdict: 'verified', decidedAt: at, bakedMs: 1 });
    expect(entries).toEqual([{ revision: 3, verdict: 'verified', decidedAt: at, bakedMs: 1 }]);
    expect(verifiedRevisions(entries)).toEqual(new Set([3]));
    expect(unhealthyRevisions(entries).size).toBe(0);
    const history = [{ revision: 3, status: 'superseded' as const }, { revision: 4, status: 'deployed' as const }];
    expect(chooseRollbackTarget({ history, attemptedRevision: 4, ledger: entries })).toEqual({ revision: 3 });
  });

  it('a revision that failed its bake after a healthy rollout is no longer a target', () => {
    const entries = recordVerdict([{ revision: 3, verdict: 'healthy', decidedAt: at }], { revision: 3, verdict: 'failed', reason: 'RestartsGrowing', decidedAt: at });
    const history = [{ revision: 2, status: 'superseded' as const }, { revision: 3, status: 'superseded' as const }, { revision: 4, status: 'deployed' as const }];
    expect(chooseRollbackTarget({ history, attemptedRevision: 4, ledger: entries })).toEqual({ revision: 2 });
  });
});
