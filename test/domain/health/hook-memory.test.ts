import { EMPTY_HOOK_MEMORY, rememberHookJobs, vanishedHookFailure } from '../../../src/domain/health/hook-memory.js';
import { at, event, job, jobPod, jobRef, running, snapshot, waiting } from '../fixtures.js';

const ref = jobRef('migrate', ['pre-upgrade']);
const startedAt = at(0);
const crashLooping = jobPod('migrate', 'a', { containers: [waiting('migrate', 'CrashLoopBackOff', 'back-off 10s restarting failed container', { restartCount: 2, lastTerminated: { exitCode: 1, reason: 'Error', finishedAt: at(3) } })] });
const fine = jobPod('migrate', 'a', { containers: [running('migrate', at(2))] });

describe('hook Jobs that vanish', () => {
  it.each([
    ['last seen with a crash-looping pod: HookFailed with its own words', [job('migrate', { active: 1 })], [crashLooping], /pre-upgrade hook Job migrate failed, and the Job is gone: .*pod migrate-a: container migrate CrashLoopBackOff, last exit code 1 \(Error\)/],
    ['last seen Failed', [job('migrate', { failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] })], [], /failed, and the Job is gone: BackoffLimitExceeded: Job has reached the specified backoff limit/],
    ['last seen complete: it succeeded', [job('migrate', { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] })], [], undefined],
    ['last seen running fine: it succeeded (deleted by its policy)', [job('migrate', { active: 1 })], [fine], undefined],
    ['a Job of an earlier run (created before this one started) is not remembered', [job('migrate', { active: 1, created: at(-30) })], [crashLooping], undefined],
  ])('%s', (_what, jobs, pods, expected) => {
    const memory = rememberHookJobs(EMPTY_HOOK_MEMORY, [ref], snapshot({ jobs, pods }), startedAt);
    // Still there: nothing to say.
    expect(vanishedHookFailure(memory, snapshot({ jobs, pods }))).toBeUndefined();
    const gone = vanishedHookFailure(memory, snapshot({}));
    if (!expected) return expect(gone).toBeUndefined();
    expect(gone).toMatchObject({ reason: 'HookFailed', object: 'Job/migrate' });
    expect(gone?.message).toMatch(expected);
  });

  it('the Job controller\'s Warning event left behind is evidence too', () => {
    const memory = rememberHookJobs(EMPTY_HOOK_MEMORY, [ref], snapshot({ jobs: [job('migrate', { active: 1 })], pods: [fine] }), startedAt);
    const warning = event({ involved: { kind: 'Job', name: 'migrate', uid: 'uid-job-migrate' }, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', first: at(5) });
    expect(vanishedHookFailure(memory, snapshot({ events: [warning] }))?.message).toMatch(/BackoffLimitExceeded: Job has reached the specified backoff limit/);
  });
});
