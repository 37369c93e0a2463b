/**
 * A malformed control frame must not leak the session's secrets: KIS's subscribe ACK carries the AES
 * key and iv of the session, a request echo the approval key. Frames are fed cut at every position and
 * with every spelling of the names; no 4-character piece of a secret may reach an error (message, raw,
 * reason), a log line or an event.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { KisWsClient } from '../../src/kis/ws/client.js';
import { type WsError, WsFrameError } from '../../src/kis/ws/errors.js';
import { parseFrame } from '../../src/kis/ws/frame.js';
import { createLogger, scrubSecrets } from '../../src/log.js';
import { until } from './ws-sim-helpers.js';

const alnum = (n: number) => fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789'), minLength: n, maxLength: n });
const secrets = fc.record({ key: alnum(32), iv: alnum(16), approval: fc.uuid(), appkey: alnum(36), appsecret: alnum(40) });
type Secrets = { key: string; iv: string; approval: string; appkey: string; appsecret: string };

const spell = {
  key: fc.constantFrom('key', 'KEY', 'Key'),
  iv: fc.constantFrom('iv', 'IV', 'Iv'),
  approval: fc.constantFrom('approval_key', 'APPROVAL_KEY', 'approvalKey', 'approval-key'),
  appkey: fc.constantFrom('appkey', 'appKey', 'APP_KEY'),
  appsecret: fc.constantFrom('appsecret', 'appSecret', 'APPSECRET', 'app_secret'),
};
const names = fc.record(spell);
const space = fc.constantFrom('', ' ', '\n  ');

/** A KIS-shaped control frame holding every secret under the given names. */
function frame(s: Secrets, n: Record<keyof Secrets, string>, sp: string): string {
  const kv = (k: string, v: string) => `"${k}"${sp}:${sp}"${v}"`;
  return (
    `{"header":{"tr_id":"H0IFCNT0","tr_key":"A01612",${kv(n.approval, s.approval)},${kv(n.appkey, s.appkey)},${kv(n.appsecret, s.appsecret)},"encrypt":"N"},` +
    `"body":{"rt_cd":"0","msg_cd":"OPSP0000","msg1":"SUBSCRIBE SUCCESS","output":{${kv(n.iv, s.iv)},${kv(n.key, s.key)}}}}`
  );
}

/** 4-character pieces of any secret found in `shown` but not in `baseline` (the same text made from placeholder secrets). */
function leaked(s: Secrets, shown: string, baseline: string): string[] {
  const out: string[] = [];
  for (const v of Object.values(s)) {
    for (let i = 0; i + 4 <= v.length; i++) {
      const w = v.slice(i, i + 4);
      if (shown.includes(w) && !baseline.includes(w)) out.push(w);
    }
  }
  return out;
}

const placeholder = (s: Secrets): Secrets =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k, '#'.repeat(v.length)])) as Secrets;

/** Everything user-visible about a frame that is cut to `n` characters. */
function shownFor(text: string): string {
  const f = parseFrame(text);
  if (f.kind !== 'bad') return '';
  const e = new WsFrameError(f.reason, text, f.rejection);
  return [f.reason, f.raw, e.message, e.raw, e.reason, e.stack ?? ''].join('\n');
}

describe('secrets in malformed frames', () => {
  it('a control frame cut at every position, any spelling of the names: no piece of a secret in the bad frame or its error', () => {
    fc.assert(
      fc.property(secrets, names, space, (s, n, sp) => {
        const text = frame(s, n, sp);
        const base = frame(placeholder(s), n, sp);
        for (let cut = 1; cut < text.length; cut++) {
          expect(leaked(s, shownFor(text.slice(0, cut)), shownFor(base.slice(0, cut))), `cut at ${cut}`).toEqual([]);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('JSON-escaped inside another string (a frame quoted in a log line) and unquoted name=value forms', () => {
    fc.assert(
      fc.property(secrets, names, (s, n) => {
        const quoted = JSON.stringify({ raw: frame(s, n, '') });
        const pairs = `${n.approval}=${s.approval}&${n.appkey}: ${s.appkey}; authorization: Bearer ${s.appsecret} ${n.iv}=${s.iv}, ${n.key}=${s.key}`;
        for (const t of [quoted, pairs, quoted.slice(0, quoted.length - 9)]) {
          const p = placeholder(s);
          const base = t.replaceAll(s.key, p.key).replaceAll(s.iv, p.iv).replaceAll(s.approval, p.approval).replaceAll(s.appkey, p.appkey).replaceAll(s.appsecret, p.appsecret);
          expect(leaked(s, scrubSecrets(t), scrubSecrets(base))).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('names that only end like a secret are left alone', () => {
    expect(scrubSecrets('{"tr_key":"005930","monkey":"banana","keys":"x","msg1":"SUBSCRIBE SUCCESS"}')).toBe('{"tr_key":"005930","monkey":"banana","keys":"x","msg1":"SUBSCRIBE SUCCESS"}');
  });
});

describe('secrets on the wire: a broken ACK from the server', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });

  it('error events, the rejection counter and log lines carry no piece of the AES key/iv or the approval key', async () => {
    const s: Secrets = {
      key: 'Qm7ZpK2vXc9LrT4wNd8HbF6jYs3GaE5u', iv: 'Vn4Rk8Wq2Zx6Mp9T', approval: 'c41f7a9e-2b6d-4e8a-9f31-7d5b0e2c8a64',
      appkey: 'PSk3Jd9Lq2Wm7Xz4Rt8Vn6Bc1Hy5Gf0Ds', appsecret: 'Yh2Kp7Tq9Wm4Zx8Rv3Nc6Bd1Lf5Gs0Jt',
    };
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    open.push({ close: () => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }) });
    const full = frame(s, { key: 'key', iv: 'iv', approval: 'approval_key', appkey: 'appkey', appsecret: 'appsecret' }, '');
    wss.on('connection', (sock) =>
      sock.on('message', () => {
        // The ACK cut inside the key, then one cut inside the iv (no closing quote), then the real ACK.
        sock.send(full.slice(0, full.indexOf(s.key) + 20));
        sock.send(full.slice(0, full.indexOf(s.iv) + 9).toUpperCase());
        sock.send(full);
      }),
    );
    const lines: string[] = [];
    const stream = new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) });
    const logger = createLogger({ stream, level: 'debug' });
    const make = () =>
      new KisWsClient({
        url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, appKey: s.appkey, approvalKey: async () => s.approval,
        subscribeIntervalMs: 0, settings: { reconnectMinMs: 100, reconnectMaxMs: 200 }, logger,
      });
    // With an error listener (events) and without (the client logs instead).
    const withListener = make();
    const withoutListener = make();
    open.push(withListener, withoutListener);
    const errors: WsError[] = [];
    withListener.on('error', (e) => errors.push(e));
    withListener.start();
    withoutListener.start();
    await withListener.subscribe('H0IFCNT0', 'A01612');
    await withoutListener.subscribe('H0IFCNT0', 'A01612');
    await until(() => errors.length >= 2 && withoutListener.counters.rejected.malformed >= 2, 'both broken ACKs rejected');
    expect(withListener.counters.rejected.malformed).toBe(2);
    expect(errors.every((e) => e instanceof WsFrameError && e.rejection === 'malformed')).toBe(true);
    const shown = [...errors.flatMap((e) => [e.message, (e as WsFrameError).raw, (e as WsFrameError).reason, e.stack ?? '']), ...lines].join('\n');
    expect(shown).toContain('invalid JSON in control frame');
    expect(lines.join('')).toContain('KIS realtime frame rejected');
    const upper = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.toUpperCase()])) as Secrets;
    expect(leaked(upper, shown.toUpperCase(), ''), shown).toEqual([]);
    expect(leaked(s, shown, ''), shown).toEqual([]);
  });
});
