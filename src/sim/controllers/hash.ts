/**
 * Template hashes as the workload controllers name things with them: a 32-bit FNV-1a over a canonical form of
 * the object, printed in decimal and then mapped onto the API server's "safe" alphabet (no vowels, no 0/1/3),
 * so the result is at most 10 characters and never spells words, like Kubernetes' pod-template-hash.
 */
import { canonicalJson } from './util.js';

/** The alphabet apimachinery's SafeEncodeString maps onto (also used for generateName suffixes). */
export const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** 32-bit FNV-1a over the UTF-8 bytes of `text`, continuing from `seed`. */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Maps each character of `text` onto the safe alphabet (apimachinery's SafeEncodeString). */
export function safeEncode(text: string): string {
  let out = '';
  for (const ch of text) out += safeAlphabet[ch.codePointAt(0)! % safeAlphabet.length];
  return out;
}

/**
 * The hash naming a pod template (`pod-template-hash`, `<deployment>-<hash>`) or a controller revision. Stable for
 * semantically equal inputs (key order and empty fields do not matter); `collisionCount` perturbs it so a
 * controller can step past a name clash, as Deployment's status.collisionCount does.
 */
export function computeHash(value: unknown, collisionCount?: number): string {
  let h = fnv1a32(canonicalJson(value));
  if (collisionCount !== undefined && collisionCount > 0) {
    // Fold the count in as its 4 little-endian bytes, so each count gives a different hash.
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(collisionCount >>> 0);
    for (const byte of bytes) {
      h ^= byte;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return safeEncode(String(h >>> 0));
}
