/**
 * Certificates for kube-sim's HTTPS API server, made at start-up with the `openssl` CLI (EC P-256 keys, valid for a
 * day, kept in memory; the temp dir they are written to is removed at once): a CA, a serving certificate for
 * 127.0.0.1/localhost, and client certificates whose CN is the user name and whose O= entries are the groups.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM certificate and its PEM private key. */
export interface KeyPair {
  cert: string;
  key: string;
}

/** The simulator's CA: signs the serving and client certificates. */
export interface SimCa extends KeyPair {
  /** Issues a serving certificate for the given IP addresses and DNS names. */
  serving(ips: string[], dnsNames: string[]): Promise<KeyPair>;
  /** Issues a client certificate: CN = user, one O= per group. */
  client(user: string, groups: string[]): Promise<KeyPair>;
}

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(new Error(missing ? 'kube-sim --rbac needs the openssl command (not found on PATH)' : `openssl ${args[0]} failed: ${String(stderr).trim().split('\n')[0]}`));
    });
  });
}

/** A name or group usable in an openssl -subj: no `/`, `=`, `,`, `+`, `\` or control characters. */
export function subjectSafe(text: string): boolean {
  return text !== '' && !/[/=,+\\\u0000-\u001f]/.test(text);
}

const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Creates a new CA (in a temp dir removed before this returns). */
export async function createCa(): Promise<SimCa> {
  const dir = mkdtempSync(join(tmpdir(), 'kube-sim-pki-'));
  try {
    writeFileSync(join(dir, 'ca.cnf'), '[req]\ndistinguished_name=dn\nx509_extensions=v3\n[dn]\n[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\n');
    await openssl(['req', '-x509', ...curve, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=kube-sim-ca', '-config', 'ca.cnf'], dir);
    const ca = { cert: readFileSync(join(dir, 'ca.crt'), 'utf8'), key: readFileSync(join(dir, 'ca.key'), 'utf8') };
    const issue = async (subject: string, extensions: string): Promise<KeyPair> => {
      const work = mkdtempSync(join(tmpdir(), 'kube-sim-pki-'));
      try {
        writeFileSync(join(work, 'ca.crt'), ca.cert);
        writeFileSync(join(work, 'ca.key'), ca.key, { mode: 0o600 });
        writeFileSync(join(work, 'leaf.ext'), extensions);
        writeFileSync(join(work, 'leaf.cnf'), '[req]\ndistinguished_name=dn\n[dn]\n');
        await openssl(['req', '-new', ...curve, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', subject, '-config', 'leaf.cnf'], work);
        const serial = `0x${randomBytes(12).toString('hex')}`;
        await openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', serial, '-days', '2', '-extfile', 'leaf.ext', '-out', 'leaf.crt'], work);
        return { cert: readFileSync(join(work, 'leaf.crt'), 'utf8'), key: readFileSync(join(work, 'leaf.key'), 'utf8') };
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    };
    return {
      ...ca,
      serving: (ips, dnsNames) =>
        issue(
          '/CN=kube-sim-apiserver',
          `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${[...ips.map((i) => `IP:${i}`), ...dnsNames.map((d) => `DNS:${d}`)].join(',')}\n`,
        ),
      client: (user, groups) => {
        for (const part of [user, ...groups]) if (!subjectSafe(part)) throw new Error(`kube-sim: "${part}" cannot be put in a client certificate subject`);
        return issue(`/CN=${user}${groups.map((g) => `/O=${g}`).join('')}`, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
