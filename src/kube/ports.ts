import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeFlagValues } from '../cli/shared-flags.js';
import { createHelmRunner, resolveHelmBinary } from '../helm/helm-runner.js';
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import type { ClusterWatch } from '../ports/cluster-watch.js';
import type { HelmRunner } from '../ports/helm-runner.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import type { PodDeleter } from '../ports/pod-deleter.js';
import type { ReleaseMarker } from '../ports/release-marker.js';
import type { ReleaseInventory } from '../ports/release-inventory.js';
import type { ReleaseStore } from '../ports/release-store.js';
import { createKubeClusterWatch } from './cluster-watch.js';
import { createKubeLedgerStore } from './ledger-store.js';
import { openReleaseStore } from './open-release-store.js';
import { createKubePodDeleter } from './pod-deleter.js';
import { createKubeReleaseInventory } from './release-inventory.js';
import { createKubeReleaseMarker } from './release-marker.js';
import type { WatchdogLeases } from '../ports/watchdog-lease.js';
import { createWatchdogLeases, kubeLeaseApi } from './watchdog-lease.js';

/**
 * The one composition root: every command that reaches the cluster builds its ports here, from the shared
 * kube/helm flags (src/cli/shared-flags.ts). Commands import this module lazily (in run()), so `--help` never
 * loads @kubernetes/client-node.
 */

/** Which release, and the shared flags that say where it lives and which helm to run (oclif's names). */
export interface PortsFlags extends KubeFlagValues {
  release: string;
  /** Environment for the HELM_* / KUBECONFIG defaults and for helm; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The real ports every command works through, plus what a request needs to reach the same cluster through helm. */
export interface Ports {
  helm: HelmRunner;
  watch: ClusterWatch;
  releases: ReleaseStore;
  /** Which releases exist and how big their records are (doctor). */
  inventory: ReleaseInventory;
  ledger: LedgerStore;
  marker: ReleaseMarker;
  /** Pod deletion for the forced StatefulSet rollback. */
  pods: PodDeleter;
  /** The watchdog's per-release Leases (coordination.k8s.io/v1). */
  leases: WatchdogLeases;
  clock: Clock;
  namespace: string;
  /** `--kube-context` / `--kubeconfig` as given, repeated on every helm call. */
  helmGlobalArgs: string[];
  /** HELM_DRIVER for helm, so helm and we read the same storage. */
  helmEnv: Record<string, string>;
}

/**
 * Builds the client-node and helm adapters from helm-style flags. Makes no request (the watch starts only
 * when a service starts it); bad input (driver, kubeconfig, context) throws a one-line UsageError.
 */
export function openPorts(flags: PortsFlags): Ports {
  const env = flags.env ?? process.env;
  const context = flags['kube-context'];
  const { store, namespace, kube } = openReleaseStore({
    kubeconfig: flags.kubeconfig,
    context,
    namespace: flags.namespace,
    driver: flags.driver,
    env,
  });
  const helmGlobalArgs = [
    ...(context ? ['--kube-context', context] : []),
    ...(flags.kubeconfig ? ['--kubeconfig', flags.kubeconfig] : []),
  ];
  return {
    // Ctrl-C is ours to handle (stop an upgrade, keep a rollback going): helm must not get it from the terminal.
    helm: createHelmRunner({ binary: resolveHelmBinary(flags['helm-bin'], env), env, ownProcessGroup: true }),
    watch: createKubeClusterWatch({ kubeConfig: kube.kubeConfig, server: kube.server, namespace, release: flags.release, driver: store.driver }),
    releases: store,
    inventory: createKubeReleaseInventory(kube.kubeConfig.makeApiClient(CoreV1Api), store.driver, { server: kube.server }),
    ledger: createKubeLedgerStore({ kubeConfig: kube.kubeConfig, server: kube.server }),
    marker: createKubeReleaseMarker({ kubeConfig: kube.kubeConfig, server: kube.server, driver: store.driver }),
    leases: createWatchdogLeases(kubeLeaseApi({ kubeConfig: kube.kubeConfig, server: kube.server })),
    pods: createKubePodDeleter({ kubeConfig: kube.kubeConfig, server: kube.server }),
    clock: systemClock,
    namespace,
    helmGlobalArgs,
    helmEnv: { HELM_DRIVER: store.driver },
  };
}
