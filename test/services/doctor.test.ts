import { observedStartupMs } from '../../src/services/doctor.js';

describe('observedStartupMs', () => {
  it('keeps the longest start-up per workload across ledger entries; entries without one add nothing', () => {
    const at = new Date('2026-12-06T00:00:00Z');
    const ledger = [
      { revision: 1, verdict: 'healthy' as const, decidedAt: at, startupMs: { 'Deployment/web': 12_000, 'StatefulSet/db': 40_000 } },
      { revision: 2, verdict: 'healthy' as const, decidedAt: at, startupMs: { 'Deployment/web': 18_000, bogus: 'x' } },
      { revision: 3, verdict: 'failed' as const, decidedAt: at },
    ];
    expect(observedStartupMs(ledger)).toEqual({ 'Deployment/web': 18_000, 'StatefulSet/db': 40_000 });
    expect(observedStartupMs([])).toEqual({});
  });
});
