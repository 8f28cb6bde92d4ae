import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { WebhookPoster } from '../ports/notifier.js';

/** The WebhookPoster over node:http and node:https. Error messages name the failure, never the URL. */
export const httpWebhookPoster: WebhookPoster = {
  post(url, body, contentType, timeoutMs) {
    return new Promise((resolve, reject) => {
      const u = new URL(url);
      const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(
        u,
        {
          method: 'POST',
          headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'user-agent': 'helm-autorollback' },
        },
        (res) => {
          res.resume(); // drain the body so the socket is released
          res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
          res.on('error', (err) => reject(new Error(reason(err))));
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000}s`)));
      req.on('error', (err) => reject(new Error(reason(err))));
      req.end(body);
    });
  },
};

function reason(err: Error & { code?: string }): string {
  if (err.code === 'ECONNREFUSED') return 'connection refused';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return 'host not found';
  if (err.code === 'ECONNRESET') return 'connection reset';
  if (err.message.startsWith('no answer within')) return err.message;
  return err.code ?? 'request failed';
}
