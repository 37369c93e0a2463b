/**
 * HTTP Basic credentials (RFC 7617): the scheme name is case-insensitive, the user-id ends at the first
 * colon, and the password may contain colons. Comparison hashes both sides first so it takes the same
 * time whatever the lengths.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface Credentials {
  username: string;
  password: string;
}

const BASIC = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i;

export function parseBasic(header: string | undefined): Credentials | undefined {
  const m = BASIC.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
export const sameSecret = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

export const matches = (given: Credentials, expected: Credentials): boolean =>
  // Both comparisons always run: no early exit that tells a valid user name from an invalid one.
  [sameSecret(given.username, expected.username), sameSecret(given.password, expected.password)].every(Boolean);
