/**
 * KIS realtime payload encryption: base64 of AES-256-CBC with PKCS#7 padding; key and iv are the UTF-8
 * bytes of the 32- and 16-character strings in the subscription ACK (reference §6.6).
 */
import { isUtf8 } from 'node:buffer';
import { createCipheriv, createDecipheriv } from 'node:crypto';

export interface AesKey {
  /** The ACK's 32-character `output.key`. */
  key: string;
  /** The ACK's 16-character `output.iv`. */
  iv: string;
}

const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

function keyBytes(aes: AesKey): { key: Buffer; iv: Buffer } | { error: string } {
  const key = Buffer.from(aes.key, 'utf8');
  const iv = Buffer.from(aes.iv, 'utf8');
  if (key.length !== 32 || iv.length !== 16) return { error: `ACK key/iv are ${key.length}/${iv.length} bytes, expected 32/16` };
  return { key, iv };
}

/**
 * Decrypts a base64 payload; returns the text or `{ error }` (never throws). A wrong key passes the
 * padding check about once in 256 tries; its output is then caught here, as bytes that are not UTF-8.
 */
export function decryptPayload(base64: string, aes: AesKey): string | { error: string } {
  const k = keyBytes(aes);
  if ('error' in k) return k;
  const b64 = base64.trim();
  if (b64.length % 4 !== 0 || !BASE64_RE.test(b64)) return { error: 'payload is not base64' };
  const data = Buffer.from(b64, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) return { error: `ciphertext is ${data.length} bytes, not a multiple of 16` };
  try {
    const d = createDecipheriv('aes-256-cbc', k.key, k.iv);
    const plain = Buffer.concat([d.update(data), d.final()]);
    return isUtf8(plain) ? plain.toString('utf8') : { error: 'decrypted bytes are not UTF-8 (wrong key or corrupt ciphertext)' };
  } catch {
    return { error: 'wrong key or corrupt ciphertext (bad padding)' };
  }
}

/** The server side of decryptPayload (tests, bench). Throws on a malformed key: that is our own bug. */
export function encryptPayload(plain: string, aes: AesKey): string {
  const k = keyBytes(aes);
  if ('error' in k) throw new Error(k.error);
  const c = createCipheriv('aes-256-cbc', k.key, k.iv);
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
}
