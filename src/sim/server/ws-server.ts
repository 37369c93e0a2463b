/**
 * The WebSocket server at `/`, `/tryitout` and `/tryitout/<TR>`: approval keys, one session per app key
 * (OPSP8996), the 41-registration cap, ACKs with AES key/iv, PINGPONG heartbeats, and the lock-out fault.
 * Market data is pushed by the stream hub; notices by the notice emitter.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { formatKst, toKst } from '../../time/kst.js';
import type { ServerDeps } from './deps.js';
import {
  MAX_SUBSCRIPTIONS,
  approvedAccount,
  isControlReply,
  layoutFor,
  parseClientMessage,
  reply,
  sessionError,
  validateRequest,
} from './ws-control.js';
import { MARKET_TRS } from './ws-records.js';
import { WsSession, type Subscription } from './ws-session.js';
import { CONTENT_TYPE } from './wire-headers.js';

export interface StreamSink {
  add(session: WsSession, sub: Subscription): void;
  remove(session: WsSession, sub: Subscription): void;
}

export interface WsServerOptions {
  /** Real milliseconds between PINGPONG frames. */
  pingIntervalMs: number;
  /**
   * Strict mode: drop a connection that has left this many PINGPONGs in a row unanswered (checked when the
   * next one is due). 0 = tolerate silence, the default (KIS's actual rule is unverified).
   */
  strictPingPeriods?: number;
}

const PATH_RE = /^\/(tryitout(\/[A-Za-z0-9]+)?)?\/?$/;

export class SimWsServer {
  readonly http: Server;
  private readonly wss: WebSocketServer;
  readonly sessions = new Set<WsSession>();
  private readonly byAppKey = new Map<string, WsSession>();
  private readonly connectTimes = new Map<string, number[]>();
  private readonly lockedUntil = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private readonly pingTimer: NodeJS.Timeout;
  private nextId = 1;
  private closing: Promise<void> | undefined;
  sink: StreamSink | undefined;
  /** Connections dropped for not answering PINGPONG (strict mode). */
  pingDrops = 0;

  constructor(
    private readonly deps: ServerDeps,
    private readonly opts: WsServerOptions,
  ) {
    this.http = createServer((_req, res) => {
      res.writeHead(426, { [CONTENT_TYPE]: 'text/plain' }).end('WebSocket only');
    });
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    this.http.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (!PATH_RE.test(path)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    });
    this.http.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.pingTimer = setInterval(() => this.pingAll(), opts.pingIntervalMs);
    this.pingTimer.unref();
  }

  private onConnection(ws: WebSocket): void {
    const session = new WsSession(this.nextId++, ws, this.deps.faults);
    this.sessions.add(session);
    ws.on('message', (data, isBinary) => {
      try {
        this.onMessage(session, isBinary ? data.toString() : data.toString());
      } catch (e) {
        this.deps.logger.error({ err: e }, 'sim: ws message handling failed');
      }
    });
    ws.on('pong', () => (session.unansweredPings = 0));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.release(session));
  }

  private release(session: WsSession): void {
    this.sessions.delete(session);
    for (const sub of session.subs.values()) this.sink?.remove(session, sub);
    session.subs.clear();
    const key = session.account?.appKey;
    if (key && this.byAppKey.get(key) === session) this.byAppKey.delete(key);
  }

  private onMessage(session: WsSession, text: string): void {
    const parsed = parseClientMessage(text);
    if (parsed.kind === 'pingpong') {
      session.unansweredPings = 0;
      return;
    }
    if (parsed.kind === 'error') return session.sendControl(parsed.reply);
    const req = parsed.req;
    const invalid = validateRequest(req);
    if (invalid) return session.sendControl(invalid);
    const account = approvedAccount(req, session.account, this.deps.approvals, this.deps.accounts);
    if (isControlReply(account)) return session.sendControl(account);
    if (!session.account) {
      const refusal = this.bind(session, account.appKey);
      if (refusal) return session.sendControl(refusal);
      session.account = account;
    }
    const layout = layoutFor(req.trId, account);
    if (!layout)
      return session.sendControl(
        reply(req.trId, req.trKey, '1', 'OPSP8991', 'SUBSCRIBE ERROR : invalid tr_id'),
      );
    if (layout.encrypted && req.trKey !== account.htsId)
      return session.sendControl(sessionError('OPSP0017', 'ERROR : htsid가잘못되었습니다'));
    const id = `${req.trId}|${req.trKey}`;
    if (req.trType === '2') {
      const sub = session.subs.get(id);
      if (!sub)
        return session.sendControl(
          reply(req.trId, req.trKey, '1', 'OPSP0003', 'UNSUBSCRIBE ERROR(not found!)'),
        );
      session.subs.delete(id);
      this.sink?.remove(session, sub);
      return session.sendControl(reply(req.trId, req.trKey, '0', 'OPSP0001', 'UNSUBSCRIBE SUCCESS'));
    }
    if (session.subs.has(id))
      return session.sendControl(reply(req.trId, req.trKey, '1', 'OPSP0002', 'ALREADY IN SUBSCRIBE'));
    if (session.subs.size >= MAX_SUBSCRIPTIONS)
      return session.sendControl(reply(req.trId, req.trKey, '1', 'OPSP0008', 'MAX SUBSCRIBE OVER'));
    const sub: Subscription = { trId: req.trId, trKey: req.trKey, layout };
    session.subs.set(id, sub);
    session.sendControl(
      reply(req.trId, req.trKey, '0', 'OPSP0000', 'SUBSCRIBE SUCCESS', {
        iv: session.aesIv,
        key: session.aesKey,
      }),
    );
    if (MARKET_TRS[layout.trId]) this.sink?.add(session, sub);
  }

  /** Binds a session to its app key, or says why not (slot taken, or locked out after a reconnect storm). */
  private bind(session: WsSession, appKey: string) {
    const now = Date.now();
    const lockout = this.deps.faults.config.lockout;
    if (lockout) {
      if ((this.lockedUntil.get(appKey) ?? 0) > now) return sessionError('OPSP8996', 'ALREADY IN USE appkey');
      const times = (this.connectTimes.get(appKey) ?? []).filter((t) => now - t < lockout.windowMs);
      times.push(now);
      this.connectTimes.set(appKey, times);
      if (times.length > lockout.maxConnects) {
        this.lockedUntil.set(appKey, now + lockout.durationMs);
        this.deps.faults.counters.lockouts++;
        return sessionError('OPSP8996', 'ALREADY IN USE appkey');
      }
    }
    const holder = this.byAppKey.get(appKey);
    if (holder && holder !== session && holder.open) return sessionError('OPSP8996', 'ALREADY IN USE appkey');
    this.byAppKey.set(appKey, session);
    return undefined;
  }

  pingAll(): void {
    const datetime = formatKst(toKst(this.deps.clock.now())).slice(0, 19).replace(/[- :]/g, '');
    const text = JSON.stringify({ header: { tr_id: 'PINGPONG', datetime } });
    const strict = this.opts.strictPingPeriods ?? 0;
    for (const s of [...this.sessions]) {
      if (!s.open) continue;
      if (strict > 0 && s.unansweredPings >= strict) {
        this.pingDrops++;
        this.deps.logger.info(
          { session: s.id, missed: s.unansweredPings },
          'sim: ws dropped, PINGPONG unanswered',
        );
        s.drop();
        continue;
      }
      s.unansweredPings++;
      s.ws.send(text);
    }
  }

  dropAll(): number {
    const n = this.sessions.size;
    for (const s of [...this.sessions]) s.drop();
    return n;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        const addr = this.http.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      clearInterval(this.pingTimer);
      for (const s of this.sessions) s.ws.terminate();
      this.wss.close();
      this.http.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
    return this.closing;
  }
}
