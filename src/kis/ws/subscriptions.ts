/**
 * The subscriptions a client wants, their state on the current connection, and the AES keys their
 * ACKs delivered. Everything wanted survives a reconnect (state goes back to `queued`); refused
 * registrations are dropped so a reconnect does not repeat a mistake.
 */
import type { AesKey } from './crypto.js';
import { WsSubscriptionLimitError } from './errors.js';

export interface SubscriptionId {
  trId: string;
  trKey: string;
}

interface Entry extends SubscriptionId {
  state: 'queued' | 'sent' | 'active';
  waiters: { resolve: () => void; reject: (e: Error) => void }[];
}

const id = (trId: string, trKey: string): string => `${trId}\u0000${trKey}`;

export class SubscriptionTable {
  private readonly entries = new Map<string, Entry>();
  private readonly aes = new Map<string, AesKey>();

  constructor(readonly limit: number) {}

  get size(): number {
    return this.entries.size;
  }

  has(trId: string, trKey: string): boolean {
    return this.entries.has(id(trId, trKey));
  }

  /** Adds a wanted subscription; the promise settles on its ACK or refusal. Enforces the session limit. */
  add(trId: string, trKey: string): { promise: Promise<void>; added: boolean } {
    const existing = this.entries.get(id(trId, trKey));
    if (existing) {
      if (existing.state === 'active') return { promise: Promise.resolve(), added: false };
      return { promise: this.wait(existing), added: false };
    }
    if (this.entries.size >= this.limit) {
      return { promise: Promise.reject(new WsSubscriptionLimitError(this.limit, trId, trKey, 'client')), added: false };
    }
    const e: Entry = { trId, trKey, state: 'queued', waiters: [] };
    this.entries.set(id(trId, trKey), e);
    return { promise: this.wait(e), added: true };
  }

  private wait(e: Entry): Promise<void> {
    return new Promise((resolve, reject) => e.waiters.push({ resolve, reject }));
  }

  /** Stops wanting it; pending waiters resolve (the caller asked for this). */
  remove(trId: string, trKey: string): boolean {
    const e = this.entries.get(id(trId, trKey));
    if (!e) return false;
    this.entries.delete(id(trId, trKey));
    for (const w of e.waiters) w.resolve();
    return true;
  }

  queued(): SubscriptionId[] {
    return [...this.entries.values()].filter((e) => e.state === 'queued');
  }

  markSent(trId: string, trKey: string): void {
    const e = this.entries.get(id(trId, trKey));
    if (e && e.state === 'queued') e.state = 'sent';
  }

  /** OPSP0000 / OPSP0002: active. Matches the echoed tr_key, else the oldest sent entry of that TR. */
  ack(trId: string, trKey: string, aes: AesKey | undefined): SubscriptionId | undefined {
    if (aes) this.aes.set(trId, aes);
    const e = this.entries.get(id(trId, trKey)) ?? this.firstSent(trId);
    if (!e) return undefined;
    e.state = 'active';
    for (const w of e.waiters.splice(0)) w.resolve();
    return e;
  }

  /** A refused registration: dropped, waiters rejected. Without a tr_id KIS answers in order, so the oldest sent entry is meant. */
  refuse(trId: string | null, trKey: string | null, error: (s: SubscriptionId) => Error): SubscriptionId | undefined {
    const e = (trId !== null && trKey !== null ? this.entries.get(id(trId, trKey)) : undefined) ?? this.firstSent(trId ?? undefined);
    if (!e) return undefined;
    this.entries.delete(id(e.trId, e.trKey));
    const err = error(e);
    for (const w of e.waiters.splice(0)) w.reject(err);
    return e;
  }

  private firstSent(trId?: string): Entry | undefined {
    for (const e of this.entries.values()) if (e.state === 'sent' && (trId === undefined || e.trId === trId)) return e;
    return undefined;
  }

  /** A new connection: nothing is registered on it yet and old keys are void. */
  resetConnection(): void {
    this.aes.clear();
    for (const e of this.entries.values()) e.state = 'queued';
  }

  keyFor(trId: string): AesKey | undefined {
    return this.aes.get(trId);
  }

  active(): SubscriptionId[] {
    return [...this.entries.values()].filter((e) => e.state === 'active').map(({ trId, trKey }) => ({ trId, trKey }));
  }

  all(): SubscriptionId[] {
    return [...this.entries.values()].map(({ trId, trKey }) => ({ trId, trKey }));
  }

  /** Every wanted subscription has been answered on this connection. */
  settled(): boolean {
    for (const e of this.entries.values()) if (e.state !== 'active') return false;
    return true;
  }

  /** On close: nothing will be answered any more. */
  rejectAll(err: Error): void {
    for (const e of this.entries.values()) for (const w of e.waiters.splice(0)) w.reject(err);
  }
}
