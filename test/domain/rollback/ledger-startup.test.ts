import {
  LEDGER_MAX_STARTUP_SAMPLES,
  decodeLedger,
  encodeLedger,
  learnedStartupMs,
  recordVerdict,
  type LedgerEntry,
} from '../../../src/domain/rollback/ledger.js';

const at = new Date('2026-01-01T12:00:00.000Z');
const healthy = (revision: number, startup?: Record<string, number[]>): LedgerEntry => ({ revision, verdict: 'healthy', decidedAt: at, ...(startup ? { startup } : {}) });

describe('ledger start-up times (learned graces)', () => {
  it('round-trips through the ConfigMap, bounded to the slowest samples, and older ledgers without them still decode', () => {
    const many = Array.from({ length: 15 }, (_, i) => 1000 + i * 100);
    const data = encodeLedger([healthy(3, { 'Deployment/prod/web': many })]);
    const decoded = decodeLedger(data).entries[0];
    expect(decoded?.startup?.['Deployment/prod/web']).toHaveLength(LEDGER_MAX_STARTUP_SAMPLES);
    expect(decoded?.startup?.['Deployment/prod/web']?.[0]).toBe(2400);
    expect(decodeLedger({ format: 'autorollback.ledger/v1', 'revision.2': '{"verdict":"healthy","decidedAt":"2026-01-01T12:00:00.000Z"}' }).entries[0]).not.toHaveProperty('startup');
    // A damaged start-up field loses itself, never the verdict.
    const damaged = decodeLedger({ 'revision.4': '{"verdict":"healthy","decidedAt":"2026-01-01T12:00:00.000Z","startup":{"Deployment/prod/web":["x"],"bad":7}}' });
    expect(damaged.entries[0]).toMatchObject({ revision: 4, verdict: 'healthy' });
    expect(damaged.entries[0]).not.toHaveProperty('startup');
  });

  it('learns the longest start-up per workload from the newest 5 healthy or verified revisions, never from failed ones', () => {
    const entries: LedgerEntry[] = [
      healthy(1, { 'Deployment/prod/web': [90_000] }), // older than the newest five with times
      healthy(2, { 'Deployment/prod/web': [3_000] }),
      { revision: 3, verdict: 'failed', reason: 'Unready', decidedAt: at, startup: { 'Deployment/prod/web': [500_000] } },
      healthy(4, { 'Deployment/prod/web': [4_000, 2_000], 'StatefulSet/prod/db': [10_000] }),
      { revision: 5, verdict: 'verified', decidedAt: at, startup: { 'Deployment/prod/web': [2_500] } },
      healthy(6, { 'Deployment/prod/web': [1_000] }),
      healthy(7, { 'Deployment/prod/web': [1_500] }),
      healthy(8),
    ];
    expect(learnedStartupMs(entries)).toEqual({ 'Deployment/prod/web': 4_000, 'StatefulSet/prod/db': 10_000 });
    expect(learnedStartupMs([])).toEqual({});
  });

  it('a later verdict for the same revision (verified after a bake) keeps its start-up times; a failed one drops them', () => {
    const first = recordVerdict([], healthy(4, { 'Deployment/prod/web': [2_000] }));
    expect(recordVerdict(first, { revision: 4, verdict: 'verified', decidedAt: at, bakedMs: 60_000 })[0]?.startup).toEqual({ 'Deployment/prod/web': [2_000] });
    expect(recordVerdict(first, { revision: 4, verdict: 'failed', reason: 'CrashLoopBackOff', decidedAt: at })[0]).not.toHaveProperty('startup');
  });
});
