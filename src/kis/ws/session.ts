/**
 * One socket's lifetime: open, (re)register the wanted subscriptions, dispatch frames, echo PINGPONG,
 * watch for silence, and report how it ended. The client runs one session after another.
 */
import WebSocket from 'ws';
import type { Logger } from '../../log.js';
import type { KstTime } from '../../time/kst.js';
import { type DecodeChecks, decodeRecords } from './decode.js';
import type { WsNotice } from './client-types.js';
import type { FrameDater } from './dating.js';
import { WsApprovalError, WsConnectionError, type WsError, WsFrameError, WsKeyInUseError, WsSubscriptionError, WsSubscriptionLimitError } from './errors.js';
import { frameText, lossyText, parseFrame, type RefusalFrame } from './frame.js';
import { scrubSecrets } from '../../log.js';
import { subscriptionMessage } from './messages.js';
import type { WsRecord } from './records.js';
import type { RejectCounts, RejectReason } from './rejects.js';
import type { SubscriptionTable } from './subscriptions.js';

export type SessionEndKind = 'dropped' | 'silence' | 'failed' | 'closed' | 'key-in-use' | 'lease-busy' | 'approval';
export interface SessionEnd {
  kind: SessionEndKind;
  /** How long the socket was open (0 if it never opened). */
  openedMs: number;
}

export interface SessionHooks {
  open(): void;
  record(r: WsRecord): void;
  error(e: WsError): void;
  notice(n: WsNotice): void;
  /** Every wanted subscription has been answered on this connection. */
  settled(): void;
  /** The open socket went away; `from` is the time of its last frame. */
  dropped(from: KstTime, reason: string): void;
  /** KIS rejected `approvalKey` (OPSP0011). */
  invalidateApproval(approvalKey: string): void;
}

export interface SessionOptions {
  url: string;
  approvalKey: string;
  custtype: 'P' | 'B';
  table: SubscriptionTable;
  dater: FrameDater;
  silenceTimeoutMs: number;
  connectTimeoutMs: number;
  subscribeIntervalMs: number;
  /** PINGPONG answer: text echo (most clients), a WebSocket pong control frame (official samples), or both. */
  pingReply: 'echo' | 'pong' | 'both';
  keyInUseMs: number;
  nowKst: () => KstTime;
  logger: Logger | undefined;
  hooks: SessionHooks;
  counters: { frames: number; rejected: RejectCounts };
}

/** At most one log line per rejection reason in this long (the rest are counted, and the next line says how many). */
const REJECT_LOG_INTERVAL_MS = 60_000;

export class WsSession {
  private ws: WebSocket | undefined;
  private endKind: SessionEndKind | undefined;
  private openedAt = 0;
  private lastFrameReal = 0;
  private lastFrameKst: KstTime | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private flushing = false;
  private done: Promise<SessionEnd> | undefined;
  private readonly rejectLog = new Map<RejectReason, { at: number; suppressed: number }>();
  /** Records are checked against the subscriptions (one object for the session: the hot path allocates nothing). */
  private readonly checks: DecodeChecks = { subscribed: (tr, code) => this.o.table.has(tr, code) };

  constructor(private readonly o: SessionOptions) {}

  private get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && this.endKind === undefined;
  }

  run(): Promise<SessionEnd> {
    this.done ??= new Promise<SessionEnd>((resolve) => {
      // skipUTF8Validation: KIS sometimes sends invalid UTF-8; a socket that closes with 1007 leaves the
      // app key's slot blocked on the server (reference §6.8). We check each frame's bytes ourselves
      // and reject just that frame (parseFrame/frameText).
      const ws = new WebSocket(this.o.url, { skipUTF8Validation: true, handshakeTimeout: this.o.connectTimeoutMs, perMessageDeflate: false });
      this.ws = ws;
      ws.on('open', () => this.onOpen());
      ws.on('message', (data: WebSocket.RawData) => this.onMessage(data));
      ws.on('error', (e: Error) => {
        if (this.endKind !== 'closed') this.o.hooks.error(new WsConnectionError(e.message, undefined, { cause: e }));
      });
      ws.on('close', (code: number) => {
        clearInterval(this.watchdog);
        const openedMs = this.openedAt ? Date.now() - this.openedAt : 0;
        const kind = this.endKind ?? (this.openedAt ? 'dropped' : 'failed');
        this.endKind = kind;
        if (this.openedAt && kind !== 'closed') this.o.hooks.dropped(this.lastFrameKst ?? this.o.nowKst(), `${kind} (close code ${code})`);
        resolve({ kind, openedMs });
      });
    });
    return this.done;
  }

  /** Sends the queued registrations, paced. Safe to call any time. */
  flush(): void {
    if (this.flushing || !this.open) return;
    this.flushing = true;
    void this.flushLoop().finally(() => {
      this.flushing = false;
      if (this.open && this.o.table.settled()) this.o.hooks.settled();
    });
  }

  private async flushLoop(): Promise<void> {
    for (let q = this.o.table.queued(); q.length > 0 && this.open; q = this.o.table.queued()) {
      for (const s of q) {
        if (!this.open) return;
        if (!this.o.table.has(s.trId, s.trKey)) continue;
        this.send(subscriptionMessage({ approvalKey: this.o.approvalKey, custtype: this.o.custtype, type: 'register', ...s }));
        this.o.table.markSent(s.trId, s.trKey);
        if (this.o.subscribeIntervalMs > 0) await new Promise((r) => setTimeout(r, this.o.subscribeIntervalMs));
      }
    }
  }

  unregister(trId: string, trKey: string): void {
    if (this.open) this.send(subscriptionMessage({ approvalKey: this.o.approvalKey, custtype: this.o.custtype, type: 'unregister', trId, trKey }));
  }

  /** Ends the session at once with the given outcome. */
  abandon(end: { kind: SessionEndKind }): void {
    this.endKind ??= end.kind;
    this.ws?.terminate();
  }

  /** Normal close (code 1000); terminates if the server does not answer within 2 s. */
  async close(): Promise<void> {
    this.endKind = 'closed';
    const ws = this.ws;
    if (!ws || !this.done) return;
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else ws.close(1000);
    const t = setTimeout(() => ws.terminate(), 2000);
    await this.done;
    clearTimeout(t);
  }

  /**
   * Server text on its way to an error, notice or log: KIS echoes the approval key in some messages
   * (OPSP0011), and a broken ACK quotes the AES key/iv by name (scrubSecrets).
   */
  private scrub(text: string): string {
    const t = this.o.approvalKey.length >= 6 ? text.split(this.o.approvalKey).join('****') : text;
    return scrubSecrets(t);
  }

  private pong(text: string): void {
    try {
      this.ws?.pong(text);
    } catch (e) {
      this.o.logger?.debug({ err: e }, 'pong on a closing KIS WebSocket');
    }
  }

  private send(text: string): void {
    try {
      this.ws?.send(text);
    } catch (e) {
      this.o.logger?.debug({ err: e }, 'send on a closing KIS WebSocket');
    }
  }

  private onOpen(): void {
    if (this.endKind) return;
    this.openedAt = this.lastFrameReal = Date.now();
    this.lastFrameKst = this.o.nowKst();
    this.o.table.resetConnection();
    this.o.hooks.open();
    const every = Math.max(50, Math.min(5000, Math.floor(this.o.silenceTimeoutMs / 4)));
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastFrameReal <= this.o.silenceTimeoutMs || this.endKind) return;
      this.o.hooks.error(new WsConnectionError(`no frame (data or PINGPONG) for ${this.o.silenceTimeoutMs} ms`));
      this.abandon({ kind: 'silence' });
    }, every);
    this.flush();
    if (this.o.table.size === 0) this.o.hooks.settled();
  }

  private onMessage(data: WebSocket.RawData): void {
    if (this.endKind) return;
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    this.lastFrameReal = Date.now();
    this.lastFrameKst = this.o.nowKst();
    this.o.counters.frames++;
    const text = frameText(bytes);
    if (text === null) return this.reject('utf8', 'the frame is not valid UTF-8', lossyText(bytes));
    try {
      this.handle(text);
    } catch (e) {
      this.o.hooks.error(new WsFrameError(`internal error while handling the frame: ${e instanceof Error ? e.message : String(e)}`, this.scrub(text)));
    }
  }

  /** Counts a frame or record that is not delivered, reports it, and logs it (rate-limited per reason). */
  private reject(reason: RejectReason, detail: string, text: string): void {
    this.o.counters.rejected[reason]++;
    const e = new WsFrameError(this.scrub(detail), this.scrub(text), reason);
    const log = this.o.logger;
    // A record for something just unsubscribed is expected, not a fault: counted, not reported.
    if (reason === 'not-subscribed') return log?.debug({ reason, detail: e.reason }, 'KIS realtime record for an unsubscribed tr_id/code');
    this.o.hooks.error(e);
    const now = Date.now();
    const last = this.rejectLog.get(reason);
    if (last && now - last.at < REJECT_LOG_INTERVAL_MS) {
      last.suppressed++;
      return;
    }
    this.rejectLog.set(reason, { at: now, suppressed: 0 });
    log?.warn({ reason, detail: e.reason, frame: e.raw, sinceLastLine: last?.suppressed ?? 0 }, 'KIS realtime frame rejected (not delivered, counted)');
  }

  private handle(text: string): void {
    const { table, hooks } = this.o;
    const f = parseFrame(text, (tr) => table.keyFor(tr));
    switch (f.kind) {
      case 'data': {
        this.o.dater.begin();
        const d = decodeRecords(f, this.o.dater, this.checks);
        if ('error' in d) return this.reject(d.reason, d.error, text);
        for (const x of d.rejected) this.reject(x.reason, x.detail, text);
        for (const r of d.records) hooks.record(r);
        return;
      }
      case 'pingpong':
        // KIS drops sessions that never answer; which form it wants is undocumented (reference §9.11).
        if (this.o.pingReply !== 'pong') this.send(text);
        if (this.o.pingReply !== 'echo') this.pong(text);
        return;
      case 'ack':
        table.ack(f.trId, f.trKey, f.aes);
        if (table.settled()) hooks.settled();
        return;
      case 'unsubscribed':
      case 'info':
        return this.o.logger?.debug({ tr: f.trId, msgCd: f.msgCd }, 'KIS control message');
      case 'refusal':
        return this.refusal(f);
      case 'bad':
        return this.reject(f.rejection, f.reason, text);
    }
  }

  private refusal(f: RefusalFrame): void {
    const { table, hooks } = this.o;
    // KIS echoes the approval key in some messages (OPSP0011): never pass it on.
    const msg = this.scrub(f.msg);
    switch (f.msgCd) {
      case 'OPSP0002': // already subscribed: as good as an ACK
        if (f.trId !== null) table.ack(f.trId, f.trKey ?? '', undefined);
        hooks.notice({ kind: 'already-subscribed', code: f.msgCd, trId: f.trId, trKey: f.trKey, message: msg });
        break;
      case 'OPSP0003': // unsubscribe of something not registered: nothing to do
        return hooks.notice({ kind: 'not-subscribed', code: f.msgCd, trId: f.trId, trKey: f.trKey, message: msg });
      case 'OPSP0008': {
        const s = table.refuse(f.trId, f.trKey, (x) => new WsSubscriptionLimitError(table.limit, x.trId, x.trKey, 'server'));
        hooks.error(new WsSubscriptionLimitError(table.limit, s?.trId ?? f.trId ?? '?', s?.trKey ?? f.trKey ?? '?', 'server'));
        break;
      }
      case 'OPSP0011':
        hooks.invalidateApproval(this.o.approvalKey);
        hooks.error(new WsApprovalError(`KIS rejected the approval key (${f.msgCd} ${msg})`, f.msgCd));
        return this.abandon({ kind: 'approval' });
      case 'OPSP8996':
        hooks.error(new WsKeyInUseError('server', this.o.keyInUseMs));
        return this.abandon({ kind: 'key-in-use' });
      default: {
        const s = table.refuse(f.trId, f.trKey, (x) => new WsSubscriptionError(x.trId, x.trKey, f.msgCd, msg));
        hooks.error(s ? new WsSubscriptionError(s.trId, s.trKey, f.msgCd, msg) : new WsConnectionError(`KIS error frame ${f.msgCd} ${msg}`, f.msgCd));
      }
    }
    if (table.settled()) hooks.settled();
  }
}
