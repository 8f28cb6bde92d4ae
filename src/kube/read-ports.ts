import type { LedgerStore } from '../ports/ledger-store.js';
import type { ReleaseStore } from '../ports/release-store.js';
import type { PortsFlags } from './ports.js';
import { resolveNamespace } from './kubeconfig-files.js';
import { KubeReleaseStore, parseDriver } from './release-records.js';
import { loadLiteKubeConfig } from './rest/lite-kubeconfig.js';
import { createRestClient } from './rest/rest-client.js';
import { restLedgerReader, restRecordSource } from './rest/rest-sources.js';

/**
 * What the read-only start of `history` needs: the release records and the ledger, nothing that writes. For
 * the common kubeconfig shapes (see rest/lite-kubeconfig.ts) they go through a small node:http(s) client, so the
 * table, the JSON and the picker's first frame do not wait for @kubernetes/client-node (2.6 MB of code to load);
 * any other kubeconfig gets the client-node adapters of ports.ts, which also say what is wrong with a bad one.
 */
export interface ReadPorts {
  releases: ReleaseStore;
  ledger: Pick<LedgerStore, 'read'>;
  namespace: string;
  /** "rest" (the light client) or "client-node". */
  via: 'rest' | 'client-node';
}

/** Opens the read ports for the shared kube flags; bad input throws the same one-line errors as openPorts. */
export async function openReadPorts(flags: PortsFlags): Promise<ReadPorts> {
  const env = flags.env ?? process.env;
  const driver = parseDriver(flags.driver ?? env.HELM_DRIVER); // checked first, as openReleaseStore does
  const lite = loadLiteKubeConfig({ kubeconfig: flags.kubeconfig, context: flags['kube-context'], env });
  if (lite) {
    const client = createRestClient(lite);
    const options = { server: lite.server };
    return {
      releases: new KubeReleaseStore(restRecordSource(client, driver === 'configmap' ? 'configmaps' : 'secrets', options), driver),
      ledger: restLedgerReader(client, options),
      namespace: resolveNamespace(flags.namespace, lite, env),
      via: 'rest',
    };
  }
  const { openPorts } = await import('./ports.js');
  const ports = openPorts(flags);
  return { releases: ports.releases, ledger: ports.ledger, namespace: ports.namespace, via: 'client-node' };
}
