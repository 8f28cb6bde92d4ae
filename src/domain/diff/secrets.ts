/**
 * Which values are secrets, and how a secret is shown when it must not be: only that it changed and its size.
 * Pure; shared by the values diff, the manifest diff and everything that renders them.
 */

// Words (after splitting a key on camelCase, `_`, `-`, `.`) that make a key secret-looking. `key` alone is
// secret in values (`tls.key`, `sshKey`) but not in manifests, where Kubernetes uses it structurally
// (`secretKeyRef.key`, `tolerations[].key`); see {@link isSecretKey}.
const SECRET_WORDS = new Set([
  'password', 'passwd', 'pwd', 'passphrase', 'pass', 'token', 'tokens', 'secret', 'secrets', 'apikey',
  'credential', 'credentials', 'creds', 'cert', 'certs', 'certificate', 'crt', 'pem', 'privatekey', 'auth',
  'dsn', 'salt', 'kubeconfig', 'jwt', 'bearer', 'htpasswd', 'cookie',
]);

/** Splits `dbPassword`, `DB_PASSWORD`, `tls.key`, `api-key` into lower-case words. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_.\-/]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

/**
 * Whether a map key names a secret. `structuralKey` (default false) is true in Kubernetes manifests, where a
 * bare `key` is a field name, not a secret; `apiKey`, `privateKey`, `accessKey`, `secretKey` still count.
 */
export function isSecretKey(key: string, structuralKey = false): boolean {
  const cacheKey = structuralKey ? `s:${key}` : key;
  let known = verdicts.get(cacheKey);
  if (known === undefined) {
    known = judgeKey(key, structuralKey);
    // Keys repeat across thousands of objects; the cache is bounded so a hostile manifest cannot grow it.
    if (verdicts.size < 10_000) verdicts.set(cacheKey, known);
  }
  return known;
}

const verdicts = new Map<string, boolean>();

function judgeKey(key: string, structuralKey: boolean): boolean {
  const words = keyWords(key);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (SECRET_WORDS.has(w)) return true;
    if (w === 'key' || w === 'keys') {
      if (!structuralKey) return true;
      const before = words[i - 1];
      if (before === 'api' || before === 'private' || before === 'access' || before === 'signing' || before === 'encryption') return true;
    }
  }
  return false;
}

/** Size in bytes of a value as the user wrote it (strings as UTF-8, anything else as its JSON). */
export function byteSize(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
}

/** Size of a Secret `data` value: the decoded bytes, since the base64 text is not what the user stored. */
export function base64Size(value: unknown): number {
  if (typeof value !== 'string') return byteSize(value);
  const clean = value.replace(/\s+/g, '');
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - pad);
}

/** What stands in for a secret value in every rendering: its size, never its bytes. */
export function maskedText(bytes: number): string {
  return `(${bytes} bytes)`;
}
