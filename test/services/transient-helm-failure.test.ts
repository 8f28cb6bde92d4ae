import { isTransientHelmFailure } from '../../src/services/upgrade-supervise.js';

// helm's last error line when it gave up: an API server that was briefly unavailable (transient: the command runs
// again) or anything about the chart, the release or a wait that ran out (not transient).
describe('isTransientHelmFailure', () => {
  it.each([
    ['connection refused during a restart', 'Error: UPGRADE FAILED: Get "https://k8s:6443/apis/apps/v1/namespaces/x/deployments/web": dial tcp: connect: connection refused', true],
    ['503 on a write', 'Error: UPGRADE FAILED: update: failed to update: the server is currently unable to handle the request', true],
    ['500 from the API server', 'Error: UPGRADE FAILED: query: failed to query with labels: Internal error occurred: etcdserver: request timed out', true],
    ['helm 4 watcher: a status read failed', 'Error: UPGRADE FAILED: resource Deployment/x/web not ready. status: Unknown, message: ', true],
    ['helm 4 rollback watcher: a status read failed', 'Error: release web failed: resource Deployment/x/web not ready. status: Unknown, message: ', true],
    ['helm 4 watcher at its timeout', 'Error: UPGRADE FAILED: resource Deployment/x/web not ready. status: Unknown, message: \ncontext deadline exceeded', false],
    ['helm 4 watcher: a workload still in progress at the timeout', 'Error: UPGRADE FAILED: resource Deployment/x/web not ready. status: InProgress, message: Available: 0/2\ncontext deadline exceeded', false],
    ['helm 3 timeout', 'Error: UPGRADE FAILED: timed out waiting for the condition', false],
    ['a template error', 'Error: UPGRADE FAILED: template: web/templates/deploy.yaml:3:5: executing ... nil pointer', false],
    ['a failed hook', 'Error: UPGRADE FAILED: pre-upgrade hooks failed: job migrate failed: BackoffLimitExceeded', false],
  ])('%s', (_, message, transient) => {
    expect(isTransientHelmFailure(message)).toBe(transient);
  });
});
