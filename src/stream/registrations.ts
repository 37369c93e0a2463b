/**
 * What the stream registers, from the same subscriptions as the minute jobs: `ticks` (trades) and
 * `quotes` (order book) per instrument, with the TR of the session that is open (day or night), and the
 * "options near the money" rule (ATM ± N strikes of the monthly series, following the forward). The
 * registrations are spread over the app keys (≤ 41 each) without moving what stays wanted.
 */
import { UserError } from '../errors.js';
import type { SubscriptionId } from '../kis/ws/index.js';
import type { TradingCalendar } from '../market/calendar/index.js';
import type { InstrumentRules, Subscription } from '../pipeline/subscriptions.js';
import { type KstDate, type KstTime, addMinutes } from '../time/kst.js';
import { atmStrike } from '../options/matrix.js';

export type StreamKind = 'ticks' | 'quotes';
export type StreamFamily = 'stock' | 'future' | 'option';
export type StreamSession = 'day' | 'night';

export interface StreamTarget {
  code: string;
  family: StreamFamily;
  kinds: StreamKind[];
}

export interface Registration extends SubscriptionId {
  family: StreamFamily;
  kind: StreamKind;
}

/** KIS realtime TRs (reference kis-api.md §7): day and night sessions have their own TRs. */
const TRS: Record<StreamFamily, Record<StreamSession, Record<StreamKind, string> | null>> = {
  stock: { day: { ticks: 'H0STCNT0', quotes: 'H0STASP0' }, night: null },
  future: { day: { ticks: 'H0IFCNT0', quotes: 'H0IFASP0' }, night: { ticks: 'H0MFCNT0', quotes: 'H0MFASP0' } },
  option: { day: { ticks: 'H0IOCNT0', quotes: 'H0IOASP0' }, night: { ticks: 'H0EUCNT0', quotes: 'H0EUASP0' } },
};

export const trFor = (family: StreamFamily, kind: StreamKind, session: StreamSession): string | null => TRS[family][session]?.[kind] ?? null;

/** One listed option of the monthly series (from the board the minute jobs fetch). */
export interface ListedOption {
  code: string;
  strike: number;
}

/** Codes of the options whose strikes are the `n` nearest on each side of the at-the-money strike (calls and puts). */
export function nearMoneyCodes(options: readonly ListedOption[], forward: number, n: number): string[] {
  const strikes = [...new Set(options.map((o) => o.strike))].sort((a, b) => a - b);
  if (strikes.length === 0) return [];
  const i = strikes.indexOf(atmStrike(strikes, forward));
  const wanted = new Set(strikes.slice(Math.max(0, i - n), i + n + 1));
  return options.filter((o) => wanted.has(o.strike)).map((o) => o.code).sort();
}

/** The near-money input: the monthly KOSPI200 options listed on a date and the forward now. */
export type NearMoney = (date: KstDate) => { options: ListedOption[]; forward: number } | null;

const streamKinds = (kinds: readonly string[]): StreamKind[] => kinds.filter((k): k is StreamKind => k === 'ticks' || k === 'quotes');

/** Instruments to stream on a trading date, by the subscription rules. */
export function streamTargets(subs: readonly Subscription[], date: KstDate, rules: InstrumentRules, nearMoney: NearMoney, strikesPerSide: number): StreamTarget[] {
  const out = new Map<string, StreamTarget>();
  const add = (code: string, family: StreamFamily, kinds: StreamKind[]): void => {
    if (kinds.length === 0) return;
    const t = out.get(code);
    if (t) t.kinds = [...new Set([...t.kinds, ...kinds])];
    else out.set(code, { code, family, kinds });
  };
  for (const s of subs) {
    const kinds = streamKinds(s.kinds);
    if (kinds.length === 0) continue;
    switch (s.rule) {
      case 'front-future':
        add(rules.frontFuture(s.family, date).code, 'future', kinds);
        break;
      case 'stocks':
        for (const code of s.codes) add(code, 'stock', kinds);
        break;
      case 'code': {
        const { family, expiry } = rules.familyOfCode(s.code);
        if (expiry === undefined || expiry >= date) add(s.code, family === 'stock' ? 'stock' : 'future', kinds);
        break;
      }
      case 'options': {
        const m = nearMoney(date);
        if (m) for (const code of nearMoneyCodes(m.options, m.forward, strikesPerSide)) add(code, 'option', kinds);
        break;
      }
    }
  }
  return [...out.values()];
}

/** Registers a little before the open so the first trades are not missed. */
const LEAD_MINUTES = 5;

/** The session each family streams at `t` (or opens within a few minutes); null = nothing to register. */
export function sessionFor(family: StreamFamily, t: KstTime, calendar: TradingCalendar): StreamSession | null {
  const soon = addMinutes(t, LEAD_MINUTES);
  const open = (p: 'stocks' | 'derivatives' | 'night'): boolean => calendar.isOpen(p, t) || calendar.isOpen(p, soon);
  if (family === 'stock') return open('stocks') ? 'day' : null;
  if (open('derivatives')) return 'day';
  return open('night') ? 'night' : null;
}

export function registrationsAt(targets: readonly StreamTarget[], t: KstTime, calendar: TradingCalendar): Registration[] {
  const out: Registration[] = [];
  for (const target of targets) {
    const session = sessionFor(target.family, t, calendar);
    if (!session) continue;
    for (const kind of target.kinds) {
      const trId = trFor(target.family, kind, session);
      if (trId) out.push({ trId, trKey: target.code, family: target.family, kind });
    }
  }
  return out;
}

export class StreamCapacityError extends UserError {
  constructor(
    readonly registrations: number,
    readonly keysNeeded: number,
    readonly keysConfigured: number,
    perKey: number,
    /** `real ` when only real keys can carry them (F/O registrations). */
    kind = '',
  ) {
    super(
      `the stream needs ${registrations} ${kind ? 'F/O ' : ''}registrations but ${keysConfigured} ${kind}app key(s) carry at most ${keysConfigured * perKey} (${perKey} each): ` +
        `configure ${keysNeeded} ${kind}KIS accounts (kis.accounts, ${keysNeeded - keysConfigured} more) or stream fewer instruments (kinds ticks/quotes, stream.optionStrikesPerSide)`,
    );
  }
}

const idOf = (s: SubscriptionId): string => `${s.trId}\u0000${s.trKey}`;

/** Paper keys carry no F/O market data (KIS's paper server does not serve it): only stock registrations. */
const fitsKey = (r: { family?: StreamFamily }, key: string, paperKeys: ReadonlySet<string>): boolean => !paperKeys.has(key) || r.family === 'stock';

export interface AssignOptions {
  /** Registrations per key (KIS: 41 per session). */
  perKey?: number;
  /** Keys of paper accounts: they get stock registrations only. */
  paperKeys?: ReadonlySet<string>;
  /** A key keeps what it had up to the even share plus this many; the excess moves (default 2). */
  slack?: number;
}

/**
 * Spreads registrations over the keys, ≤ `perKey` each and paper keys stocks only. What was registered
 * before and is still wanted stays on its key (no re-registration, no gap) up to the even share plus a
 * little slack; the rest, new ones included, fill the emptiest eligible keys. So a key added takes its
 * share from the others, a key removed hands its registrations to the rest, and small changes (a new
 * at-the-money strike) move nothing else. F/O registrations are placed before stocks, so a stock never
 * takes a real key's last room from a future.
 */
export function assignToKeys<R extends SubscriptionId & { family?: StreamFamily }>(
  regs: readonly R[],
  keys: readonly string[],
  previous: ReadonlyMap<string, readonly SubscriptionId[]>,
  opts: AssignOptions | number = {},
): Map<string, R[]> {
  const { perKey = 41, paperKeys = new Set<string>(), slack = 2 } = typeof opts === 'number' ? { perKey: opts } : opts;
  const needed = Math.ceil(regs.length / perKey);
  if (needed > keys.length) throw new StreamCapacityError(regs.length, needed, keys.length, perKey);
  const realKeys = keys.filter((k) => !paperKeys.has(k));
  const fo = regs.filter((r) => r.family !== 'stock');
  if (fo.length > realKeys.length * perKey) throw new StreamCapacityError(fo.length, Math.ceil(fo.length / perKey), realKeys.length, perKey, 'real ');
  const wanted = new Map(regs.map((r) => [idOf(r), r]));
  const out = new Map<string, R[]>(keys.map((k) => [k, []]));
  const placed = new Set<string>();
  const share = Math.ceil(regs.length / Math.max(1, keys.length));
  // Real keys must carry every F/O registration: their share is at least that.
  const foShare = Math.ceil(fo.length / Math.max(1, realKeys.length));
  const keep = (isFo: boolean): void => {
    for (const k of keys) {
      const cap = Math.min(perKey, Math.max(share, isFo ? foShare : 0) + slack);
      for (const s of previous.get(k) ?? []) {
        const r = wanted.get(idOf(s));
        if (!r || placed.has(idOf(s)) || (r.family !== 'stock') !== isFo || !fitsKey(r, k, paperKeys)) continue;
        if (out.get(k)!.length >= cap) break;
        out.get(k)!.push(r);
        placed.add(idOf(s));
      }
    }
  };
  const fill = (isFo: boolean): void => {
    for (const r of regs) {
      if (placed.has(idOf(r)) || (r.family !== 'stock') !== isFo) continue;
      const open = keys.filter((k) => fitsKey(r, k, paperKeys) && out.get(k)!.length < perKey);
      if (open.length === 0) throw new StreamCapacityError(regs.length, needed + 1, keys.length, perKey);
      const k = open.reduce((best, key) => (out.get(key)!.length < out.get(best)!.length ? key : best), open[0]!);
      out.get(k)!.push(r);
      placed.add(idOf(r));
    }
  };
  keep(true);
  fill(true);
  keep(false);
  fill(false);
  return out;
}
