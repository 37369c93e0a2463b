/**
 * Control-frame handling of the realtime client against a scripted KIS-like server over a real socket:
 * answers KIS is documented (or reported) to send but the simulator has no reason to provoke —
 * PINGPONG reply forms, OPSP0002/OPSP0003 notices, and an OPSP0011 that echoes the approval key.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { KisWsClient, type KisWsClientOptions, type WsNotice } from '../../src/kis/ws/client.js';
import { WsApprovalError, type WsError, WsFrameError } from '../../src/kis/ws/errors.js';
import { until } from './ws-sim-helpers.js';

interface Request {
  approvalKey: string;
  trType: string;
  trId: string;
  trKey: string;
}

interface Scripted {
  url: string;
  texts: string[];
  pongs: string[];
  sockets: WebSocket[];
  close(): Promise<void>;
}

/** A server that records what clients send and answers subscription messages with `answer`. */
async function scriptedServer(answer: (req: Request, sock: WebSocket, connection: number) => void): Promise<Scripted> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const s: Scripted = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    texts: [],
    pongs: [],
    sockets: [],
    async close() {
      for (const sock of s.sockets) sock.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
  wss.on('connection', (sock) => {
    s.sockets.push(sock);
    const connection = s.sockets.length;
    sock.on('pong', (d) => s.pongs.push(d.toString()));
    sock.on('message', (d) => {
      const text = d.toString();
      s.texts.push(text);
      const j = JSON.parse(text) as { header?: { approval_key?: string; tr_type?: string }; body?: { input?: { tr_id: string; tr_key: string } } };
      if (j.body?.input) {
        answer({ approvalKey: j.header?.approval_key ?? '', trType: j.header?.tr_type ?? '', trId: j.body.input.tr_id, trKey: j.body.input.tr_key }, sock, connection);
      }
    });
  });
  return s;
}

const control = (trId: string, trKey: string, rtCd: string, msgCd: string, msg1: string, output?: object): string =>
  JSON.stringify({ header: { tr_id: trId, tr_key: trKey, encrypt: 'N' }, body: { rt_cd: rtCd, msg_cd: msgCd, msg1, ...(output ? { output } : {}) } });

const ack = (r: Request): string => control(r.trId, r.trKey, '0', 'OPSP0000', 'SUBSCRIBE SUCCESS', { iv: '0123456789abcdef', key: 'abcdefghijklmnopabcdefghijklmnop' });

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

function client(url: string, extra: Partial<KisWsClientOptions> = {}): { c: KisWsClient; errors: WsError[]; notices: WsNotice[] } {
  const c = new KisWsClient({
    url,
    appKey: 'PSscriptedAppKey'.padEnd(36, 'x'),
    approvalKey: async () => 'a2585daf-8c09-4587-9fce-8ab893000001',
    subscribeIntervalMs: 0,
    settings: { reconnectMinMs: 100, reconnectMaxMs: 200, silenceTimeoutMs: 10_000 },
    ...extra,
  });
  open.push(c);
  const errors: WsError[] = [];
  const notices: WsNotice[] = [];
  c.on('error', (e) => errors.push(e));
  c.on('notice', (n) => notices.push(n));
  return { c, errors, notices };
}

const PING = JSON.stringify({ header: { tr_id: 'PINGPONG', datetime: '20261124100000' } });

describe('PINGPONG reply forms (kis.ws.pingReply)', () => {
  for (const mode of ['echo', 'pong', 'both'] as const) {
    it(`${mode}: answers the heartbeat ${mode === 'echo' ? 'with a text echo only' : mode === 'pong' ? 'with a pong frame only' : 'with a text echo and a pong frame'}`, async () => {
      const server = await scriptedServer(() => undefined);
      open.push(server);
      const { c } = client(server.url, { settings: { pingReply: mode, reconnectMinMs: 100, reconnectMaxMs: 200 } });
      await c.connected();
      await until(() => server.sockets.length === 1, 'the connection');
      server.sockets[0]!.send(PING);
      // A protocol ping after it: the client's automatic pong to it fences everything it sent before.
      server.sockets[0]!.ping('fence');
      await until(() => server.pongs.includes('fence'), 'the fence pong');
      expect(server.texts.filter((t) => t === PING)).toHaveLength(mode === 'pong' ? 0 : 1);
      expect(server.pongs.filter((p) => p === PING)).toHaveLength(mode === 'echo' ? 0 : 1);
    });
  }
});

describe('harmless refusals become typed notices', () => {
  it('OPSP0002 counts as the ACK; OPSP0003 on unsubscribe is reported, neither as an error', async () => {
    const server = await scriptedServer((r, sock) => {
      if (r.trType === '1') sock.send(control(r.trId, r.trKey, '1', 'OPSP0002', 'ALREADY IN SUBSCRIBE'));
      else sock.send(control(r.trId, r.trKey, '1', 'OPSP0003', 'UNSUBSCRIBE ERROR(not found!)'));
    });
    open.push(server);
    const { c, errors, notices } = client(server.url);
    c.start();
    await c.subscribe('H0STCNT0', '005930');
    expect(notices).toEqual([{ kind: 'already-subscribed', code: 'OPSP0002', trId: 'H0STCNT0', trKey: '005930', message: 'ALREADY IN SUBSCRIBE' }]);
    c.unsubscribe('H0STCNT0', '005930');
    await until(() => notices.length === 2, 'the OPSP0003 notice');
    expect(notices[1]).toMatchObject({ kind: 'not-subscribed', code: 'OPSP0003', trId: 'H0STCNT0' });
    expect(errors).toEqual([]);
    expect(c.state).toBe('open');
  });
});

describe('the approval key never leaks', () => {
  it('OPSP0011 echoing the key and a broken frame quoting it: scrubbed; the rejected key is invalidated before the next one is fetched', async () => {
    const keys = ['a2585daf-8c09-4587-9fce-8ab893aaaaaa', 'a2585daf-8c09-4587-9fce-8ab893bbbbbb'];
    const server = await scriptedServer((r, sock, connection) => {
      if (connection === 1) {
        // KIS quotes the key in this message (reference §6.7); then a frame cut off mid-JSON.
        sock.send(`{"header":{"tr_id":"(null)"},"body":{"rt_cd":"1","msg1":"invalid approval : ${r.approvalKey}"`);
        sock.send(JSON.stringify({ header: { tr_id: '(null)', tr_key: '', encrypt: 'N' }, body: { rt_cd: '1', msg_cd: 'OPSP0011', msg1: `invalid approval : ${r.approvalKey}` } }));
      } else {
        sock.send(ack(r));
      }
    });
    open.push(server);
    const events: string[] = [];
    let next = 0;
    const { c, errors } = client(server.url, {
      approvalKey: {
        get: async () => {
          events.push('get');
          return keys[next++]!;
        },
        invalidate: async (k) => {
          await new Promise((r) => setTimeout(r, 50));
          events.push(`invalidate ${k}`);
        },
      },
    });
    c.start();
    await c.subscribe('H0IFCNT0', 'A01612');
    expect(events).toEqual(['get', `invalidate ${keys[0]}`, 'get']);
    const requests = server.texts.map((t) => JSON.parse(t) as { header: { approval_key: string } });
    expect(requests.map((q) => q.header.approval_key)).toEqual(keys);
    expect(errors.some((e) => e instanceof WsApprovalError && e.code === 'OPSP0011')).toBe(true);
    expect(errors.some((e) => e instanceof WsFrameError)).toBe(true);
    const text = errors.map((e) => `${e.message} ${e instanceof WsFrameError ? e.raw : ''}`).join('\n');
    expect(text).toContain('invalid approval');
    expect(text).not.toContain(keys[0]);
  });
});
