/** One WebSocket connection: its app key binding, subscriptions, AES key/iv, and frame-level faults. */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { RealtimeTrLayout } from '../../kis/spec/index.js';
import type { SimAccount } from '../credentials.js';
import type { FaultController } from '../faults.js';

export interface Subscription {
  trId: string;
  trKey: string;
  layout: RealtimeTrLayout;
}

const KEY_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const randomText = (n: number): string =>
  Array.from(randomBytes(n), (b) => KEY_CHARS[b % KEY_CHARS.length]).join('');

/** Above this many buffered bytes a slow client stops getting data frames until it drains (counted). */
const MAX_BUFFERED = 64 * 1024 * 1024;

export class WsSession {
  account: SimAccount | undefined;
  readonly subs = new Map<string, Subscription>();
  /** AES-256 key (32 chars) and IV (16 chars) handed out in every ACK of this session. */
  readonly aesKey = randomText(32);
  readonly aesIv = randomText(16);
  framesSent = 0;
  framesSkipped = 0;
  /** PINGPONGs sent since the client last answered one (text echo or pong frame). */
  unansweredPings = 0;

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    private readonly faults: FaultController,
  ) {}

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  sendControl(obj: unknown): void {
    if (!this.open) return;
    let text = JSON.stringify(obj);
    if (this.faults.hit(this.faults.config.malformedJsonRate)) {
      this.faults.counters.malformed++;
      text = text.slice(0, Math.max(1, text.length - 3));
    }
    this.ws.send(text);
  }

  /** Sends a data frame, applying truncation / invalid-UTF-8 faults; true when it went out intact. */
  sendData(frame: string): boolean {
    if (!this.open) return false;
    if (this.ws.bufferedAmount > MAX_BUFFERED) {
      this.framesSkipped++;
      return false;
    }
    const { faults } = this;
    this.framesSent++;
    if (faults.hit(faults.config.truncatedRate)) {
      faults.counters.truncated++;
      // Cut at least a tenth so a record is always incomplete.
      this.ws.send(frame.slice(0, Math.max(1, Math.floor(frame.length * (0.1 + 0.8 * faults.chance())))));
      return false;
    }
    if (faults.hit(faults.config.invalidUtf8Rate)) {
      faults.counters.invalidUtf8++;
      // A text frame whose bytes are not UTF-8, as the real server occasionally sends.
      const bytes = Buffer.concat([
        Buffer.from(frame.slice(0, 20), 'utf8'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from(frame.slice(20), 'utf8'),
      ]);
      this.ws.send(bytes, { binary: false });
      return false;
    }
    this.ws.send(frame);
    return true;
  }

  /** Drops the connection without a close handshake (like a network failure). */
  drop(): void {
    this.ws.terminate();
  }
}
