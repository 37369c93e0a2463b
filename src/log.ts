/**
 * pino logging. JSON by default, pretty in a terminal. Secrets are redacted by key name at any depth,
 * and values that look like KIS tokens are never logged by our code (callers pass masked values).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Keys whose values are never written to a log line, at any nesting depth. */
export const SECRET_KEYS = [
  'appKey', 'appkey', 'appSecret', 'appsecret', 'secretkey', 'token', 'access_token', 'accessToken',
  'approval_key', 'approvalKey', 'authorization', 'password', 'personalseckey', 'iv', 'key',
];

const paths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

export interface LogOptions {
  level?: string;
  pretty?: boolean;
  /** Destination stream (tests). */
  stream?: NodeJS.WritableStream;
}

export function createLogger(opts: LogOptions = {}): Logger {
  const pretty = opts.pretty ?? (process.stdout.isTTY && !opts.stream);
  const base = { level: opts.level ?? 'info', redact: { paths, censor: '[redacted]' } };
  if (opts.stream) return pino(base, opts.stream as pino.DestinationStream);
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return pino(base);
}

/** Masks a secret for display: keeps 4 leading characters and the length. */
export function mask(secret: string | undefined): string {
  if (!secret) return '(unset)';
  if (secret.length <= 8) return '****';
  return `${secret.slice(0, 4)}…(${secret.length} chars)`;
}
