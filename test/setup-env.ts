/**
 * Runs before every test file: tests must not behave differently because the suite itself runs in CI.
 * Ink (through is-in-ci) switches to CI mode when CI or CONTINUOUS_INTEGRATION is set, and then draws no live
 * frames and ignores resizes; tests that want CI behaviour set these for the processes they start.
 */
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
