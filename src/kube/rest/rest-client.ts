import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { KubeTimeoutError } from '../errors.js';
import type { LiteKubeConfig } from './lite-kubeconfig.js';

/** GETs JSON from the API server of a LiteKubeConfig. */
export interface RestClient {
  /**
   * The parsed JSON body of `GET <server><path>`. A non-2xx answer throws an error shaped like client-node's
   * (`code`: the HTTP status, `body`: the text, `headers`), so src/kube/errors.ts maps and retries both alike; network errors keep
   * their `code` (ECONNREFUSED, ...); no answer within the timeout throws KubeTimeoutError.
   */
  getJson(path: string, accept?: string): Promise<unknown>;
}

/** At most this many requests at once per client: the picker asks for a screenful of bodies together. */
export const maxParallelRequests = 8;

/** A client over node:http(s), connections kept alive between requests and bounded in number. */
export function createRestClient(config: LiteKubeConfig, options: { timeoutMs?: number } = {}): RestClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const https = config.server.startsWith('https:');
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: maxParallelRequests, ...config.tls })
    : new HttpAgent({ keepAlive: true, maxSockets: maxParallelRequests });
  const send = https ? httpsRequest : httpRequest;
  return {
    getJson(path, accept = 'application/json') {
      return new Promise((resolve, reject) => {
        const headers: Record<string, string> = { Accept: accept, 'User-Agent': 'helm-autorollback' };
        if (config.authorization) headers.Authorization = config.authorization;
        const req = send(`${config.server}${path}`, { method: 'GET', agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', fail);
          res.on('end', () => {
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) {
              reject(Object.assign(new Error(`HTTP ${status} from GET ${path}`), { code: status, body: text, headers: res.headers }));
              return;
            }
            try {
              resolve(JSON.parse(text));
            } catch (err) {
              reject(err);
            }
          });
        });
        const timer = setTimeout(() => req.destroy(new KubeTimeoutError(timeoutMs)), timeoutMs);
        function fail(err: Error) {
          clearTimeout(timer);
          reject(err);
        }
        req.on('error', fail);
        req.end();
      });
    },
  };
}
