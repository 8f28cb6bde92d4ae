// The soak's judge: what counts as a missed, false or double rollback in helm's history (table-driven).
import { judge, rng, type SoakRevision } from '../../soak/soak.js';

const GOOD = 'nginx:1.27-base';
const NEW = 'nginx:1.27-hx';
const BAD = 'nginx:crashloop-x';

/** A history from compact rows: [version, status, image, rollbackTo?]. */
function history(rows: Array<[number, string, string, number?]>): Map<number, SoakRevision> {
  return new Map(rows.map(([version, status, image, rollbackTo]) => [version, { version, status, image, description: rollbackTo ? `Rollback to ${rollbackTo}` : 'Upgrade complete', rollbackTo }]));
}

describe('soak judge', () => {
  it.each([
    ['healthy upgrade, deployed', 'upgrade-healthy', [[1, 'superseded', GOOD], [2, 'deployed', NEW]], {}, { missed: 0, false: 0, double: 0, errors: 0 }],
    ['healthy upgrade rolled back: false', 'upgrade-healthy', [[1, 'superseded', GOOD], [2, 'superseded', NEW], [3, 'deployed', GOOD, 1]], {}, { false: 1, errors: 1 }],
    ['healthy upgrade left failed, no rollback: an error', 'upgrade-healthy', [[1, 'deployed', GOOD], [2, 'failed', NEW]], {}, { false: 0, errors: 1 }],
    ['healthy upgrade whose helm was killed (pending), recovered, then deployed', 'upgrade-healthy', [[1, 'superseded', GOOD], [2, 'failed', NEW], [3, 'superseded', GOOD, 1], [4, 'deployed', NEW]], { kill: [[2, 'pending-upgrade']] }, { false: 0, errors: 0 }],
    ['crash rolled back once to the last known good', 'upgrade-crash', [[1, 'superseded', GOOD], [2, 'failed', BAD], [3, 'deployed', GOOD, 1]], {}, { missed: 0, double: 0, errors: 0 }],
    ['crash not rolled back: missed', 'upgrade-crash', [[1, 'deployed', GOOD], [2, 'failed', BAD]], {}, { missed: 1 }],
    ['crash whose upgrade ran again (helm lost the API server), then rolled back once: one attempt, not missed', 'upgrade-crash', [[1, 'superseded', GOOD], [2, 'failed', BAD], [3, 'failed', BAD], [4, 'deployed', GOOD, 1]], {}, { missed: 0, double: 0, errors: 0 }],
    ['crash run again and never rolled back: missed once', 'upgrade-crash', [[1, 'deployed', GOOD], [2, 'failed', BAD], [3, 'failed', BAD]], {}, { missed: 1 }],
    ['crash rolled back twice: double', 'upgrade-crash', [[1, 'superseded', GOOD], [2, 'failed', BAD], [3, 'superseded', GOOD, 1], [4, 'deployed', GOOD, 1]], {}, { missed: 0, double: 1 }],
    ['crash rolled back to a revision not running the good image: missed', 'upgrade-crash', [[1, 'superseded', 'nginx:old'], [2, 'superseded', GOOD], [3, 'failed', BAD], [4, 'deployed', 'nginx:old', 1]], { before: 2 }, { missed: 1 }],
    ['killed mid-rollback (pending-rollback), recovered by a second rollback: not double', 'upgrade-crash', [[1, 'superseded', GOOD], [2, 'failed', BAD], [3, 'failed', GOOD, 1], [4, 'deployed', GOOD, 1]], { kill: [[3, 'pending-rollback']] }, { missed: 0, double: 0, errors: 0 }],
    ['degraded bake rolled back', 'watchdog-degrade', [[1, 'superseded', GOOD], [2, 'failed', 'nginx:crash-after-30s-x'], [3, 'deployed', GOOD, 1]], { before: 1 }, { missed: 0, errors: 0 }],
    ['degraded bake left deployed: missed', 'watchdog-degrade', [[1, 'superseded', GOOD], [2, 'deployed', 'nginx:crash-after-30s-x']], { before: 1 }, { missed: 1 }],
    ['crash rolled back right, but the command never exited (killed by the harness): an error', 'upgrade-crash', [[1, 'superseded', GOOD], [2, 'failed', BAD], [3, 'deployed', GOOD, 1]], { killed: [150_000] }, { missed: 0, double: 0, errors: 1 }],
    ['healthy upgrade whose second run never exited: an error', 'upgrade-healthy', [[1, 'superseded', GOOD], [2, 'deployed', NEW]], { killed: [undefined, 150_000] }, { false: 0, errors: 1 }],
  ] as Array<[string, string, Array<[number, string, string, number?]>, { kill?: Array<[number, string]>; before?: number; killed?: Array<number | undefined> }, Partial<Record<'missed' | 'false' | 'double' | 'errors', number>>]>)(
    '%s',
    (_, scenario, rows, opts, want) => {
      const v = judge({
        scenario,
        history: history(rows),
        beforeMax: opts.before ?? 1,
        goodImage: GOOD,
        newImage: NEW,
        statusAtKill: new Map(opts.kill ?? []),
        deploymentOk: true,
        killedAfterMs: opts.killed ?? [],
      });
      const got = { missed: v.missed, false: v.false, double: v.double, errors: v.errors.length };
      expect(got).toMatchObject(want);
    },
  );

  it('draws the same run parameters from the same seed', () => {
    const a = rng(42);
    const b = rng(42);
    const draws = (r: ReturnType<typeof rng>) => [r.int(1, 100), r.between(0, 1), r.chance(0.5)];
    expect(draws(a)).toEqual(draws(b));
    expect(draws(rng(43))).not.toEqual(draws(rng(42)));
  });
});
