import { behaviourForImage } from '../../../src/sim/config.js';
import { sha256 } from '../../../src/sim/kubelet/images.js';
import { backoffSequence, goDuration } from '../../../src/sim/kubelet/machine.js';
import { at, PodSimulation, podWith } from './harness.js';

const nginxID = `docker.io/library/nginx@sha256:${sha256('docker.io/library/nginx:1.25')}`;
const cid = (n: number, name = 'app') => `containerd://${sha256(`uid-1/${name}/${n}`)}`;

describe('kubelet machine: healthy image', () => {
  it('goes ContainerCreating -> Running and Ready with the exact status a kubelet writes', () => {
    const sim = new PodSimulation(podWith('nginx:1.25'));
    expect(sim.status).toEqual({
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null, lastTransitionTime: at(0) },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at(0) },
        { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: at(0), reason: 'ContainersNotReady', message: 'containers with unready status: [app]' },
        { type: 'ContainersReady', status: 'False', lastProbeTime: null, lastTransitionTime: at(0), reason: 'ContainersNotReady', message: 'containers with unready status: [app]' },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at(0) },
      ],
      containerStatuses: [
        { image: 'nginx:1.25', imageID: '', lastState: {}, name: 'app', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } },
      ],
      hostIP: '192.168.49.2',
      hostIPs: [{ ip: '192.168.49.2' }],
      phase: 'Pending',
      qosClass: 'BestEffort',
      startTime: at(0),
    });
    sim.runUntil(5000);
    expect(sim.status).toEqual({
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: at(500) },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at(0) },
        { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: at(1300) },
        { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: at(1300) },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at(0) },
      ],
      containerStatuses: [
        {
          containerID: cid(0),
          image: 'docker.io/library/nginx:1.25',
          imageID: nginxID,
          lastState: {},
          name: 'app',
          ready: true,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: at(1300) } },
        },
      ],
      hostIP: '192.168.49.2',
      hostIPs: [{ ip: '192.168.49.2' }],
      phase: 'Running',
      podIP: '10.244.0.5',
      podIPs: [{ ip: '10.244.0.5' }],
      qosClass: 'BestEffort',
      startTime: at(0),
    });
    expect(sim.eventLines()).toEqual([
      'Normal Pulling: Pulling image "nginx:1.25"',
      expect.stringMatching(/^Normal Pulled: Successfully pulled image "nginx:1\.25" in 800ms \(800ms including waiting\)\. Image size: \d+ bytes\.$/),
      'Normal Created: Created container: app',
      'Normal Started: Started container app',
    ]);
    expect(sim.events.every((e) => e.container === 'app')).toBe(true);
  });
});

describe('kubelet machine: crashloop', () => {
  it('exits 1 about 2 s after start, restarts at once, then CrashLoopBackOff 10 s with lastState and restartCount', () => {
    const sim = new PodSimulation(podWith('registry.example.com/crashloop:1'));
    sim.runUntil(1300);
    expect(sim.containerStatus().state).toEqual({ running: { startedAt: at(1300) } });
    sim.runUntil(3300);
    expect(sim.containerStatus()).toMatchObject({
      restartCount: 0,
      ready: false,
      started: false,
      state: { terminated: { exitCode: 1, reason: 'Error', startedAt: at(1300), finishedAt: at(3300), containerID: cid(0) } },
      lastState: {},
    });
    expect(sim.status!.phase).toBe('Running');
    // First restart after one sync, no back-off yet (client-go's Backoff has no entry).
    sim.runUntil(4300);
    expect(sim.containerStatus()).toMatchObject({
      containerID: cid(1),
      restartCount: 1,
      state: { running: { startedAt: at(4300) } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: at(1300), finishedAt: at(3300), containerID: cid(0) } },
    });
    sim.runUntil(7300);
    expect(sim.containerStatus()).toEqual({
      containerID: cid(1),
      image: 'registry.example.com/crashloop:1',
      imageID: `registry.example.com/crashloop@sha256:${sha256('registry.example.com/crashloop:1')}`,
      lastState: { terminated: { containerID: cid(1), exitCode: 1, reason: 'Error', startedAt: at(4300), finishedAt: at(6300) } },
      name: 'app',
      ready: false,
      restartCount: 1,
      started: false,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=web_default(uid-1)' } },
    });
    expect(sim.status!.phase).toBe('Running');
    expect(sim.condition('Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    expect(sim.eventLines()).toContain('Warning BackOff: Back-off restarting failed container app in pod web_default(uid-1)');
    expect(sim.eventLines()).toContain('Normal Pulled: Container image "registry.example.com/crashloop:1" already present on machine');
    // Restarted exactly when the 10 s back-off from the exit at 6.3 s ends.
    sim.runUntil(16_299);
    expect(sim.containerStatus().restartCount).toBe(1);
    sim.runUntil(16_300);
    expect(sim.containerStatus()).toMatchObject({ restartCount: 2, state: { running: { startedAt: at(16_300) } } });
  });

  it('backs off 10 s, 20 s, 40 s ... capped at 5 min', () => {
    const sim = new PodSimulation(podWith('crashloop'));
    const messages: string[] = [];
    let last = '';
    sim.runUntilTrue(() => {
      const w = sim.containerStatus().state.waiting;
      // A new back-off episode: a new dead container in lastState.
      const episode = `${w?.message}/${sim.containerStatus().lastState.terminated?.containerID}`;
      if (w?.reason === 'CrashLoopBackOff' && episode !== last) {
        last = episode;
        messages.push(/back-off (\S+)/.exec(w.message)![1]);
      }
      return messages.length >= 8;
    });
    expect(messages).toEqual(['10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s', '5m0s']);
    expect(backoffSequence(7).map(goDuration)).toEqual(['10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s']);
  });
});

describe('kubelet machine: image pull failures', () => {
  it('missing: ErrImagePull then ImagePullBackOff with back-off, and the events a kubelet records', () => {
    const sim = new PodSimulation(podWith('registry.example.com/missing:1'));
    sim.runUntil(1300);
    const ref = 'registry.example.com/missing:1';
    const err = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
    expect(sim.containerStatus()).toEqual({
      image: ref,
      imageID: '',
      lastState: {},
      name: 'app',
      ready: false,
      restartCount: 0,
      started: false,
      state: { waiting: { reason: 'ErrImagePull', message: err } },
    });
    expect(sim.status!.phase).toBe('Pending');
    sim.runUntil(2300);
    expect(sim.containerStatus().state).toEqual({ waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${ref}"` } });
    expect(sim.eventLines()).toEqual([
      `Normal Pulling: Pulling image "${ref}"`,
      `Warning Failed: Failed to pull image "${ref}": ${err}`,
      'Warning Failed: Error: ErrImagePull',
      `Normal BackOff: Back-off pulling image "${ref}"`,
      'Warning Failed: Error: ImagePullBackOff',
    ]);
    // The second pull starts when the 10 s back-off from the failure at 1.3 s ends, the third 20 s after the second fails.
    const pulls = () => sim.events.filter((e) => e.reason === 'Pulling').map((e) => e.at);
    sim.runUntil(60_000);
    expect(pulls()).toEqual([500, 11_300, 32_100]);
    expect(sim.status!.phase).toBe('Pending');
  });

  it('invalid reference: InvalidImageName, pod stays Pending', () => {
    const sim = new PodSimulation(podWith('Registry.Example.com/App::1'));
    sim.runUntil(5000);
    expect(sim.containerStatus().state.waiting.reason).toBe('InvalidImageName');
    expect(sim.containerStatus().state.waiting.message).toMatch(/^Failed to apply default image tag "Registry\.Example\.com\/App::1": couldn't parse image name/);
    const upper = new PodSimulation(podWith('MyApp:1'));
    upper.runUntil(5000);
    expect(upper.containerStatus().state.waiting).toEqual({
      reason: 'InvalidImageName',
      message: 'Failed to apply default image tag "MyApp:1": couldn\'t parse image name "MyApp:1": invalid reference format: repository name must be lowercase',
    });
    expect(upper.eventLines()).toEqual([
      expect.stringMatching(/^Warning InspectFailed: Failed to apply default image tag "MyApp:1"/),
      'Warning Failed: Error: InvalidImageName',
    ]);
  });
});

describe('kubelet machine: oom, crash-after, slow-start, unready', () => {
  it('oom: OOMKilled with exit code 137', () => {
    const sim = new PodSimulation(podWith('oom-app:1'));
    sim.runUntil(4300);
    expect(sim.containerStatus()).toMatchObject({
      restartCount: 1,
      lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: at(1300), finishedAt: at(3300) } },
    });
  });

  it('crash-after-30s: ready for 30 s, then exits 1 and restarts', () => {
    const sim = new PodSimulation(podWith('app:crash-after-30s'));
    sim.runUntil(31_299);
    expect(sim.condition('Ready')!.status).toBe('True');
    sim.runUntil(31_300);
    expect(sim.containerStatus().state.terminated).toMatchObject({ exitCode: 1, reason: 'Error', startedAt: at(1300), finishedAt: at(31_300) });
    expect(sim.condition('Ready')).toMatchObject({ status: 'False', lastTransitionTime: at(31_300) });
  });

  it('slow-start-20s with a readiness probe: not ready until a probe after 20 s passes; Unhealthy events before', () => {
    const sim = new PodSimulation(
      podWith('app:slow-start-20s', { container: { readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 5, periodSeconds: 5 } } }),
    );
    sim.runUntil(21_299);
    expect(sim.containerStatus()).toMatchObject({ ready: false, started: true, state: { running: { startedAt: at(1300) } } });
    expect(sim.status!.phase).toBe('Running');
    const unhealthy = sim.events.filter((e) => e.reason === 'Unhealthy');
    expect(unhealthy.map((e) => e.at)).toEqual([6300, 11_300, 16_300]);
    expect(unhealthy[0].message).toBe('Readiness probe failed: HTTP probe failed with statuscode: 503');
    expect(unhealthy[0].warning).toBe(true);
    sim.runUntil(21_300);
    expect(sim.containerStatus().ready).toBe(true);
    expect(sim.condition('Ready')).toMatchObject({ status: 'True', lastTransitionTime: at(21_300) });
  });

  it('slow-start-20s without a probe: ready after 20 s', () => {
    const sim = new PodSimulation(podWith('app:slow-start-20s'));
    sim.runUntil(21_299);
    expect(sim.containerStatus().ready).toBe(false);
    sim.runUntil(21_300);
    expect(sim.containerStatus().ready).toBe(true);
  });

  it('unready: Running, never Ready, Unhealthy events every period', () => {
    const sim = new PodSimulation(podWith('unready-app:1', { container: { readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 10 } } }));
    sim.runUntil(120_000);
    expect(sim.status!.phase).toBe('Running');
    expect(sim.containerStatus()).toMatchObject({ ready: false, started: true, restartCount: 0 });
    expect(sim.condition('ContainersReady')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
    const unhealthy = sim.events.filter((e) => e.reason === 'Unhealthy');
    expect(unhealthy.length).toBe(12);
    expect(unhealthy[0].message).toBe('Readiness probe failed: dial tcp 10.244.0.5:8080: connect: connection refused');
  });
});

describe('kubelet machine: run-to-completion', () => {
  it('restartPolicy Never, healthy image: Succeeded with Completed exit 0 and PodCompleted conditions', () => {
    const sim = new PodSimulation(podWith('busybox:1.36', { restartPolicy: 'Never' }));
    sim.runUntil(10_000);
    expect(sim.status!.phase).toBe('Succeeded');
    expect(sim.containerStatus()).toMatchObject({
      ready: false,
      started: false,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at(1300), finishedAt: at(3300) } },
    });
    expect(sim.condition('Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(sim.condition('ContainersReady')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(sim.condition('Ready')).not.toHaveProperty('message');
    expect(sim.condition('Initialized')).toMatchObject({ status: 'True', reason: 'PodCompleted' });
    expect(sim.condition('PodReadyToStartContainers')!.status).toBe('False');
  });

  it('fail image, restartPolicy Never: Failed with exit 1', () => {
    const sim = new PodSimulation(podWith('job-fail:1', { restartPolicy: 'Never' }));
    sim.runUntil(10_000);
    expect(sim.status!.phase).toBe('Failed');
    expect(sim.containerStatus().state.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(sim.containerStatus().restartCount).toBe(0);
    // Terminal-phase conditions as the kubelet writes them: reason PodFailed, no message; Ready copies it.
    for (const type of ['Ready', 'ContainersReady']) {
      const c = sim.condition(type)!;
      expect(c).toMatchObject({ status: 'False', reason: 'PodFailed' });
      expect(c).not.toHaveProperty('message');
    }
    expect(sim.condition('Initialized')).toEqual(expect.objectContaining({ status: 'True' }));
    expect(sim.condition('Initialized')).not.toHaveProperty('reason');
    expect(sim.condition('PodReadyToStartContainers')!.status).toBe('False');
  });

  it('a failing init container with restartPolicy Never: Failed, Initialized False, Ready False with reason PodFailed', () => {
    const pod = podWith('nginx:1.25', { restartPolicy: 'Never', spec: { initContainers: [{ name: 'init', image: 'crashloop-init', imagePullPolicy: 'IfNotPresent' }] } });
    const sim = new PodSimulation(pod);
    sim.runUntil(10_000);
    expect(sim.status!.phase).toBe('Failed');
    expect(sim.condition('Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [init]' });
    expect(sim.condition('ContainersReady')).toEqual(expect.objectContaining({ status: 'False', reason: 'PodFailed' }));
    expect(sim.condition('Ready')).not.toHaveProperty('message');
    expect(sim.condition('Ready')).toMatchObject({ status: 'False', reason: 'PodFailed' });
  });

  it('fail image, restartPolicy OnFailure: restarts in place with back-off, phase Running', () => {
    const sim = new PodSimulation(podWith('job-fail:1', { restartPolicy: 'OnFailure' }));
    sim.runUntil(8000);
    expect(sim.status!.phase).toBe('Running');
    expect(sim.containerStatus()).toMatchObject({ restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } } });
  });

  it('a fail image in a long-running pod just runs', () => {
    const sim = new PodSimulation(podWith('failover-proxy:1'));
    sim.runUntil(60_000);
    expect(sim.containerStatus()).toMatchObject({ ready: true, restartCount: 0 });
  });
});

describe('kubelet machine: init containers', () => {
  it('runs init containers in order, then the app; Initialized flips when they succeed', () => {
    const pod = podWith('nginx:1.25', {
      spec: { initContainers: [{ name: 'migrate', image: 'migrate:1', imagePullPolicy: 'IfNotPresent' }] },
    });
    const sim = new PodSimulation(pod);
    sim.runUntil(1300);
    expect(sim.status!.phase).toBe('Pending');
    expect(sim.condition('Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [migrate]' });
    expect((sim.status!.initContainerStatuses as any[])[0]).toMatchObject({ started: true, ready: false, state: { running: { startedAt: at(1300) } } });
    expect(sim.containerStatus().state).toEqual({ waiting: { reason: 'PodInitializing' } });
    sim.runUntil(3300);
    expect((sim.status!.initContainerStatuses as any[])[0]).toMatchObject({ ready: true, started: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(sim.condition('Initialized')).toMatchObject({ status: 'True', lastTransitionTime: at(3300) });
    sim.runUntil(4100);
    expect(sim.status!.phase).toBe('Running');
    expect(sim.condition('Ready')!.status).toBe('True');
  });

  it('a failing init container crash-loops and keeps the pod Pending', () => {
    const pod = podWith('nginx:1.25', { spec: { initContainers: [{ name: 'init', image: 'crashloop-init', imagePullPolicy: 'IfNotPresent' }] } });
    const sim = new PodSimulation(pod);
    sim.runUntil(8000);
    expect(sim.status!.phase).toBe('Pending');
    expect((sim.status!.initContainerStatuses as any[])[0]).toMatchObject({ restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } } });
    expect(sim.containerStatus().state).toEqual({ waiting: { reason: 'PodInitializing' } });
  });
});

describe('kubelet machine: missing ConfigMap / Secret', () => {
  const envPod = () =>
    podWith('nginx:1.25', {
      container: { env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'mode' } } }] },
    });

  it('CreateContainerConfigError while the ConfigMap is missing, recovery when it appears', () => {
    const sim = new PodSimulation(envPod());
    sim.runUntil(5000);
    expect(sim.containerStatus()).toEqual({
      image: 'nginx:1.25',
      imageID: '',
      lastState: {},
      name: 'app',
      ready: false,
      restartCount: 0,
      started: false,
      state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "app-config" not found' } },
    });
    expect(sim.status!.phase).toBe('Pending');
    expect(sim.eventLines()).toContain('Warning Failed: Error: configmap "app-config" not found');
    sim.configMaps.set('default/app-config', new Set(['other']));
    sim.input({ type: 'resync' });
    expect(sim.containerStatus().state.waiting).toEqual({ reason: 'CreateContainerConfigError', message: "couldn't find key mode in ConfigMap default/app-config" });
    sim.configMaps.set('default/app-config', new Set(['mode']));
    sim.input({ type: 'resync' });
    expect(sim.containerStatus()).toMatchObject({ ready: true, restartCount: 0, state: { running: { startedAt: at(5000) } } });
    expect(sim.status!.phase).toBe('Running');
  });

  it('retries every 10 s on its own', () => {
    const sim = new PodSimulation(envPod());
    sim.runUntil(1300);
    sim.configMaps.set('default/app-config', new Set(['mode']));
    sim.runUntil(11_299);
    expect(sim.containerStatus().state.waiting.reason).toBe('CreateContainerConfigError');
    sim.runUntil(11_300);
    expect(sim.containerStatus().state.running).toEqual({ startedAt: at(11_300) });
  });

  it('secretKeyRef and envFrom; optional references do not block', () => {
    const sim = new PodSimulation(
      podWith('nginx:1.25', {
        container: {
          envFrom: [{ secretRef: { name: 'creds' } }, { configMapRef: { name: 'opt', optional: true } }],
        },
      }),
    );
    sim.runUntil(5000);
    expect(sim.containerStatus().state.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'secret "creds" not found' });
  });

  it('a volume from a missing ConfigMap keeps the pod ContainerCreating with FailedMount events, no sandbox', () => {
    const sim = new PodSimulation(podWith('nginx:1.25', { spec: { volumes: [{ name: 'config', configMap: { name: 'app-config' } }] } }));
    sim.runUntil(25_000);
    expect(sim.containerStatus().state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(sim.condition('PodReadyToStartContainers')!.status).toBe('False');
    expect(sim.status!.podIP).toBeUndefined();
    const mounts = sim.events.filter((e) => e.reason === 'FailedMount');
    expect(mounts.map((e) => e.at)).toEqual([0, 10_000, 20_000]);
    expect(mounts[0]).toMatchObject({ warning: true, message: 'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found' });
    sim.configMaps.set('default/app-config', new Set());
    sim.input({ type: 'resync' });
    sim.runUntil(27_000);
    expect(sim.status!.phase).toBe('Running');
  });
});

describe('kubelet machine: probes', () => {
  it('liveness failing kills and restarts the container after failureThreshold', () => {
    const sim = new PodSimulation(podWith('app:1', { container: { livenessProbe: { httpGet: { port: 80 }, periodSeconds: 5, failureThreshold: 2 } } }), {
      images: [{ match: 'app:*', liveness: 'fail' }],
      pullSeconds: 0.8,
    });
    sim.runUntil(6299);
    expect(sim.containerStatus().state.running).toBeDefined();
    sim.runUntil(6300);
    expect(sim.eventLines()).toContain('Normal Killing: Container app failed liveness probe, will be restarted');
    expect(sim.containerStatus().state.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
  });

  it('startup probe gates started and readiness', () => {
    const sim = new PodSimulation(
      podWith('app:slow-start-12s', { container: { startupProbe: { exec: { command: ['true'] }, periodSeconds: 5, failureThreshold: 10 }, readinessProbe: { httpGet: { port: 80 }, periodSeconds: 5 } } }),
    );
    sim.runUntil(10_000);
    expect(sim.containerStatus()).toMatchObject({ started: false, ready: false });
    expect(sim.eventLines()).toContain('Warning Unhealthy: Startup probe failed: ');
    sim.runUntil(16_300);
    expect(sim.containerStatus()).toMatchObject({ started: true, ready: true });
  });

  it('readiness successThreshold needs consecutive successes', () => {
    const sim = new PodSimulation(podWith('app:1', { container: { readinessProbe: { httpGet: { port: 80 }, periodSeconds: 5, successThreshold: 2 } } }));
    sim.runUntil(1300);
    expect(sim.containerStatus().ready).toBe(false);
    sim.runUntil(6299);
    expect(sim.containerStatus().ready).toBe(false);
    sim.runUntil(6300);
    expect(sim.containerStatus().ready).toBe(true);
  });
});

describe('kubelet machine: deletion', () => {
  it('stops containers with Killing events, then asks for removal', () => {
    const sim = new PodSimulation(podWith('nginx:1.25'));
    sim.runUntil(5000);
    sim.input({ type: 'delete' });
    expect(sim.eventLines()).toContain('Normal Killing: Stopping container app');
    expect(sim.removed).toBe(false);
    sim.runUntil(5500);
    expect(sim.removed).toBe(true);
  });
});

describe('kubelet machine: memory rule', () => {
  it('an image using more memory than the container limit is OOMKilled', () => {
    const config = { images: [{ match: 'hungry:*', memory: '512Mi' }], pullSeconds: 0.8 };
    const limited = new PodSimulation(podWith('hungry:1', { container: { resources: { limits: { memory: '256Mi' } } } }), config);
    limited.runUntil(2300);
    expect(limited.containerStatus().state.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled', finishedAt: at(2300) });
    const roomy = new PodSimulation(podWith('hungry:1', { container: { resources: { limits: { memory: '1Gi' } } } }), config);
    roomy.runUntil(60_000);
    expect(roomy.containerStatus()).toMatchObject({ ready: true, restartCount: 0 });
  });
});

describe('kubelet machine: native sidecars (init containers with restartPolicy Always)', () => {
  const withSidecar = (restartPolicy: string, appImage: string) =>
    podWith(appImage, {
      restartPolicy,
      spec: {
        initContainers: [
          { name: 'proxy', image: 'envoy:1', imagePullPolicy: 'IfNotPresent', restartPolicy: 'Always' },
          { name: 'migrate', image: 'migrate:1', imagePullPolicy: 'IfNotPresent' },
        ],
      },
    });

  it('the sidecar starts first and keeps running; the next init container starts once it has started', () => {
    const sim = new PodSimulation(withSidecar('Always', 'nginx:1.25'));
    sim.runUntil(1300);
    const inits = () => sim.status!.initContainerStatuses as Array<Record<string, any>>;
    expect(inits()[0]).toMatchObject({ name: 'proxy', started: true, ready: true, state: { running: { startedAt: at(1300) } } });
    expect(sim.events.filter((e) => e.reason === 'Pulling').map((e) => `${e.container}@${e.at}`)).toEqual(['proxy@500', 'migrate@1300']);
    sim.runUntil(10_000);
    expect(sim.status!.phase).toBe('Running');
    expect(inits()[0]).toMatchObject({ ready: true, started: true, restartCount: 0, state: { running: { startedAt: at(1300) } } });
    expect(inits()[1]).toMatchObject({ ready: true, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(sim.condition('Ready')!.status).toBe('True');
  });

  it('in a run-to-completion pod the sidecar is stopped when the app finishes: Succeeded', () => {
    const sim = new PodSimulation(withSidecar('Never', 'busybox:1'));
    sim.runUntil(20_000);
    expect(sim.status!.phase).toBe('Succeeded');
    expect((sim.status!.initContainerStatuses as any[])[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(sim.eventLines()).toContain('Normal Killing: Stopping container proxy');
  });

  it('an unready sidecar keeps the pod not Ready', () => {
    const pod = podWith('nginx:1.25', { spec: { initContainers: [{ name: 'proxy', image: 'unready-proxy:1', imagePullPolicy: 'IfNotPresent', restartPolicy: 'Always' }] } });
    const sim = new PodSimulation(pod);
    sim.runUntil(10_000);
    expect(sim.containerStatus().ready).toBe(true);
    expect(sim.condition('ContainersReady')).toMatchObject({ status: 'False', message: 'containers with unready status: [proxy]' });
  });
});

describe('kubelet machine: image change in place', () => {
  it('kills the container (definition changed) and starts the new image with a fresh back-off', () => {
    const sim = new PodSimulation(podWith('nginx:1.25'));
    sim.runUntil(5000);
    sim.pod = podWith('nginx:1.26');
    sim.input({ type: 'images', behaviours: (image) => behaviourForImage(image, { images: [], pullSeconds: 0.8 }) });
    expect(sim.eventLines()).toContain('Normal Killing: Container app definition changed, will be restarted');
    expect(sim.eventLines().at(-1)).toBe('Normal Pulling: Pulling image "nginx:1.26"');
    sim.runUntil(5800);
    expect(sim.containerStatus()).toMatchObject({
      image: 'docker.io/library/nginx:1.26',
      restartCount: 1,
      ready: true,
      state: { running: { startedAt: at(5800) } },
      lastState: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at(1300), finishedAt: at(5000) } },
    });
  });

  it('a pod stuck in ImagePullBackOff recovers at once when the image is fixed', () => {
    const sim = new PodSimulation(podWith('example.com/missing:1'));
    sim.runUntil(3000);
    expect(sim.containerStatus().state.waiting.reason).toBe('ImagePullBackOff');
    sim.pod = podWith('nginx:1.25');
    sim.input({ type: 'images', behaviours: (image) => behaviourForImage(image, { images: [], pullSeconds: 0.8 }) });
    sim.runUntil(3800);
    expect(sim.containerStatus()).toMatchObject({ restartCount: 0, ready: true, state: { running: { startedAt: at(3800) } } });
  });
});
