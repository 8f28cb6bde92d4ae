import type { LedgerEntry } from '../../src/domain/rollback/ledger.js';
import { observedStartupMs } from '../../src/services/doctor.js';

describe('observedStartupMs', () => {
  it('reads the start-up times upgrades record in the ledger, longest per workload, keyed Kind/name', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    const ledger: LedgerEntry[] = [
      { revision: 1, verdict: 'healthy', decidedAt: at, startup: { 'Deployment/prod/web': [12_000, 9_000], 'StatefulSet/prod/db': [40_000] } },
      { revision: 2, verdict: 'healthy', decidedAt: at, startup: { 'Deployment/prod/web': [18_000] } },
      { revision: 3, verdict: 'failed', decidedAt: at, reason: 'Unready', startup: { 'Deployment/prod/web': [99_000] } },
    ];
    expect(observedStartupMs(ledger)).toEqual({ 'Deployment/web': 18_000, 'StatefulSet/db': 40_000 });
    expect(observedStartupMs([])).toEqual({});
  });
});
