import { createHelmRunner, resolveHelmBinary } from '../helm/helm-runner.js';
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import type { ClusterWatch } from '../ports/cluster-watch.js';
import type { HelmRunner } from '../ports/helm-runner.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import type { ReleaseMarker } from '../ports/release-marker.js';
import type { ReleaseStore } from '../ports/release-store.js';
import { createKubeClusterWatch } from './cluster-watch.js';
import { createKubeLedgerStore } from './ledger-store.js';
import { openReleaseStore } from './open-release-store.js';
import { createKubeReleaseMarker } from './release-marker.js';

/** The flags that say where the release lives and which helm to run. */
export interface UpgradeTargetFlags {
  release: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  driver?: string;
  helmBin?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/** The real ports of `upgrade`, plus what the request needs to reach the same cluster through helm. */
export interface UpgradePorts {
  helm: HelmRunner;
  watch: ClusterWatch;
  releases: ReleaseStore;
  ledger: LedgerStore;
  marker: ReleaseMarker;
  clock: Clock;
  namespace: string;
  /** `--kube-context` / `--kubeconfig` as given, repeated on every helm call. */
  helmGlobalArgs: string[];
  /** HELM_DRIVER for helm, so helm and we read the same storage. */
  helmEnv: Record<string, string>;
}

/**
 * Builds the client-node and helm adapters for `upgrade` from helm-style flags. Makes no request; bad input
 * (driver, kubeconfig, context) throws a one-line UsageError.
 */
export function openUpgradePorts(flags: UpgradeTargetFlags): UpgradePorts {
  const env = flags.env ?? process.env;
  const { store, namespace, kube } = openReleaseStore({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    namespace: flags.namespace,
    driver: flags.driver,
    env,
  });
  const helmGlobalArgs = [
    ...(flags.context ? ['--kube-context', flags.context] : []),
    ...(flags.kubeconfig ? ['--kubeconfig', flags.kubeconfig] : []),
  ];
  return {
    // Ctrl-C is ours to handle (stop the upgrade, keep a rollback going): helm must not get it from the terminal.
    helm: createHelmRunner({ binary: resolveHelmBinary(flags.helmBin, env), env, ownProcessGroup: true }),
    watch: createKubeClusterWatch({ kubeConfig: kube.kubeConfig, server: kube.server, namespace, release: flags.release, driver: store.driver }),
    releases: store,
    ledger: createKubeLedgerStore({ kubeConfig: kube.kubeConfig, server: kube.server }),
    marker: createKubeReleaseMarker({ kubeConfig: kube.kubeConfig, server: kube.server, driver: store.driver }),
    clock: systemClock,
    namespace,
    helmGlobalArgs,
    helmEnv: { HELM_DRIVER: store.driver },
  };
}
