/**
 * pino logging. JSON by default, pretty in a terminal. Secrets are redacted by key name (any spelling:
 * `appKey`, `APPKEY`, `app_key`) at any depth, in log objects and child-logger bindings alike, and in
 * text (`scrubSecrets`: a raw KIS frame or an error message quoting `"key":"…"`), which also runs over
 * every finished log line; values that look like KIS tokens are never logged by our code (callers pass
 * masked values).
 */
import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { formatKst, instant, toKst } from './time/kst.js';

export type { Logger };

/** Keys whose values are never written to a log line, at any nesting depth. */
export const SECRET_KEYS = [
  'appKey',
  'appkey',
  'appSecret',
  'appsecret',
  'secretkey',
  'token',
  'access_token',
  'accessToken',
  'approval_key',
  'approvalKey',
  'authorization',
  'password',
  'viewerPassword',
  'personalseckey',
  'iv',
  'key',
  'secret',
];

/** `appkey` for `appKey`, `APP_KEY`, `app-key`: the form secret names are compared in. */
const normalise = (k: string): string => k.toLowerCase().replace(/[_-]/g, '');
const SECRET_NORMALISED = new Set(SECRET_KEYS.map(normalise));

/**
 * A secret name in any spelling (`approval_key`, `APPROVALKEY`, `iv`), not part of a longer name
 * (`tr_key`, `monkey`), then `:` or `=` (optionally after a quote, also JSON-escaped `\"`), then the
 * value: quoted up to its closing quote — or the end of the text when the text was cut inside it — or
 * unquoted up to a delimiter (with a `Bearer ` scheme in front).
 */
const SECRET_NAMES = [...SECRET_NORMALISED]
  .sort((a, b) => b.length - a.length)
  .map((k) => [...k].join('[_-]?'))
  .join('|');
const SECRET_TEXT_RE = new RegExp(
  String.raw`(?<![A-Za-z0-9_-])((?:${SECRET_NAMES})\\*["']?\s*[:=]\s*)(?:(\\*["'])[^"'\\]*|(?:bearer\s+)?[^\s"'\\,;&{}\[\]()<>]+)`,
  'gi',
);
const CENSOR = '[redacted]';

/**
 * `text` with the value of every secret-named field censored (`"key":"[redacted]"`, `iv=[redacted]`):
 * the text form of `redactSecrets`, for raw frames, messages and finished log lines. Partial JSON is
 * fine: a value cut off before its closing quote is censored to the end of the text.
 */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_TEXT_RE, (_m, head: string, quote: string | undefined) => `${head}${quote ?? ''}${CENSOR}`);
}

const paths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

/** Deeper than this, objects are replaced wholesale: nothing below is looked at, so nothing can leak. */
const MAX_DEPTH = 12;

const isPlain = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/** A copy of `v` with every secret-named key censored; leaves Errors, Dates, Buffers to pino's serializers. */
export function redactSecrets(v: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (!Array.isArray(v) && !isPlain(v)) return v;
  if (seen.has(v)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(v);
  const out = Array.isArray(v)
    ? v.map((x) => redactSecrets(x, depth + 1, seen))
    : Object.fromEntries(
        Object.entries(v).map(([k, x]) => [
          k,
          SECRET_NORMALISED.has(normalise(k)) ? CENSOR : redactSecrets(x, depth + 1, seen),
        ]),
      );
  seen.delete(v);
  return out;
}

const formatters = {
  log: (o: Record<string, unknown>) => redactSecrets(o) as Record<string, unknown>,
  bindings: (o: Record<string, unknown>) => redactSecrets(o) as Record<string, unknown>,
};

export interface LogOptions {
  level?: string;
  /** Human-readable lines with KST times (default: when the destination is a terminal). */
  pretty?: boolean;
  /** Destination stream (default stdout). */
  stream?: NodeJS.WritableStream;
}

/** A log line's time as a person reads it: KST wall-clock, labelled. */
export function logTimeKst(epochMs: number): string {
  const ms = ((epochMs % 1000) + 1000) % 1000;
  return `${formatKst(toKst(instant(epochMs - ms)))}.${String(ms).padStart(3, '0')} KST`;
}

export function createLogger(opts: LogOptions = {}): Logger {
  const destination = opts.stream ?? process.stdout;
  const pretty = opts.pretty ?? (destination as { isTTY?: boolean }).isTTY === true;
  // `redact` (compiled, fast) covers the usual places; `formatters` catch any depth and spelling.
  // `streamWrite` scrubs the finished line: error messages and stacks, which the serializers add after
  // `formatters` ran, and strings quoting a frame.
  const base = { level: opts.level ?? 'info', redact: { paths, censor: CENSOR }, formatters, hooks: { streamWrite: scrubSecrets } };
  if (!pretty) return pino(base, destination as pino.DestinationStream);
  const colour = (destination as { isTTY?: boolean }).isTTY === true && !process.env.NO_COLOR;
  // In-process and synchronous: lines interleave correctly with the command's own stderr messages.
  return pino(
    base,
    PinoPretty({
      destination,
      sync: true,
      colorize: colour,
      ignore: 'pid,hostname',
      translateTime: false,
      customPrettifiers: { time: (t) => logTimeKst(/^\d+$/.test(String(t)) ? Number(t) : Date.parse(String(t))) },
    }),
  );
}

/** Masks a secret for display: keeps 4 leading characters and the length. */
export function mask(secret: string | undefined): string {
  if (!secret) return '(unset)';
  if (secret.length <= 8) return '****';
  return `${secret.slice(0, 4)}…(${secret.length} chars)`;
}

/** A connection URL for display: the password (in the authority or a `password=` parameter) replaced. */
export function maskUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not parseable: hide whatever follows a `user:` before an `@`, and any password parameter.
    return url.replace(/:[^:@/\s]*@/, ':****@').replace(/(password=)[^&\s]*/gi, '$1****');
  }
  if (u.password) u.password = '****';
  for (const k of [...u.searchParams.keys()]) if (/password/i.test(k)) u.searchParams.set(k, '****');
  return u.toString();
}
