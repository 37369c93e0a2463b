/**
 * What the pipeline collects (`pipeline.subscriptions` in config), and its resolution to concrete codes for
 * a trading date. Rules ("KOSPI200 front month", "nearest weekly options") are re-resolved every trading
 * date, so subscriptions roll to the next contract after an expiry without a restart.
 */
import { z } from 'zod';
import type { KstDate } from '../time/kst.js';
import type { Instrument, OptionSeries, ProductFamily, SessionProduct } from '../market/types.js';

/** Data kinds per instrument. `ticks` (realtime WebSocket) is reserved for the realtime stream and not scheduled here. */
export const DATA_KINDS = ['candles', 'board', 'ticks'] as const;
export type DataKind = (typeof DATA_KINDS)[number];

const account = z.string().min(1).optional().describe('KIS account NAME from kis.accounts (default: the first)');
const candleKinds = z.array(z.enum(['candles', 'ticks', 'quotes'])).min(1).default(['candles']);

export const subscriptionSchema = z.discriminatedUnion('rule', [
  z.object({
    rule: z.literal('front-future'),
    /** kospi200 = KOSPI200 futures, mini = mini KOSPI200, kosdaq150 = KOSDAQ150 futures. */
    family: z.enum(['kospi200', 'mini', 'kosdaq150']),
    kinds: candleKinds,
    account,
  }),
  z.object({
    rule: z.literal('options'),
    underlying: z.literal('KOSPI200').default('KOSPI200'),
    /** Nearest expiry of each listed series; `weekly` = the nearest weekly expiry (Monday or Thursday series). */
    series: z.array(z.enum(['monthly', 'weekly', 'weekly-thu', 'weekly-mon'])).min(1).default(['monthly', 'weekly']),
    kinds: z.array(z.enum(['board', 'ticks', 'quotes'])).min(1).default(['board']),
    account,
  }),
  z.object({
    rule: z.literal('stocks'),
    codes: z.array(z.string().regex(/^[0-9A-Z]{6}$/, 'a 6-character KRX stock code, e.g. 005930')).min(1),
    kinds: candleKinds,
    account,
  }),
  z.object({
    rule: z.literal('code'),
    /** A futures code (`A01612`, old `101W09`), an option code (`B01612355`; candles to `options_1m`) or a stock code. */
    code: z.string().regex(/^(?:[0-9A-Z]{6}|[0-9A-Z]{9})$/, 'a KIS futures or stock code (6 characters) or option code (9 characters)'),
    kinds: candleKinds,
    account,
  }),
]);
export type Subscription = z.infer<typeof subscriptionSchema>;

/** Defaults that make the demo interesting: every product family, both option series, two big stocks. */
export const DEFAULT_SUBSCRIPTIONS: z.input<typeof subscriptionSchema>[] = [
  { rule: 'front-future', family: 'kospi200' },
  { rule: 'front-future', family: 'mini' },
  { rule: 'front-future', family: 'kosdaq150' },
  { rule: 'options', underlying: 'KOSPI200', series: ['monthly', 'weekly'] },
  { rule: 'stocks', codes: ['005930', '000660'] },
];

export const subscriptionsSchema = z.array(subscriptionSchema).default(() => subscriptionsSchemaDefault());
function subscriptionsSchemaDefault(): Subscription[] {
  return DEFAULT_SUBSCRIPTIONS.map((s) => subscriptionSchema.parse(s));
}

/** A concrete instrument whose minute candles are collected. */
export interface CandleTarget {
  code: string;
  family: ProductFamily;
  /** Sessions it trades in: stocks → stocks; index futures → derivatives + night. */
  products: SessionProduct[];
  /** Last trading day (derivatives): its day session ends early. */
  expiry?: KstDate;
  account: string;
  /** The subscription named the account: balancing over app keys leaves it there. */
  pinned?: boolean;
}

/** A concrete option board (one underlying, series and expiry). */
export interface BoardTarget {
  /** Stable across expiries: `KOSPI200-monthly`. */
  key: string;
  underlying: string;
  series: OptionSeries;
  expiry: KstDate;
  products: SessionProduct[];
  account: string;
  /** The subscription named the account: balancing over app keys leaves it there. */
  pinned?: boolean;
}

export interface ResolvedSubscriptions {
  tradingDate: KstDate;
  candles: CandleTarget[];
  boards: BoardTarget[];
  /** Subscriptions left out, one line each (e.g. an explicit code of a contract that has expired). */
  warnings: string[];
}

/** The instrument rules the resolver needs (from `src/market/instruments`). */
export interface InstrumentRules {
  frontFuture(family: 'kospi200' | 'mini' | 'kosdaq150', date: KstDate): Instrument;
  nearestOptionExpiry(series: OptionSeries, date: KstDate): KstDate;
  /** Family of a code (a stock unless it decodes as a future or an option) and the derivative's expiry. */
  familyOfCode(code: string): { family: ProductFamily; expiry?: KstDate };
}

const DERIVATIVE_PRODUCTS: SessionProduct[] = ['derivatives', 'night'];

export function resolveSubscriptions(subs: readonly Subscription[], date: KstDate, rules: InstrumentRules, defaultAccount: string): ResolvedSubscriptions {
  const candles = new Map<string, CandleTarget>();
  const boards = new Map<string, BoardTarget>();
  const warnings: string[] = [];
  const addCandle = (t: CandleTarget): void => {
    if (!candles.has(t.code)) candles.set(t.code, t);
  };
  for (const s of subs) {
    const acct = s.account ?? defaultAccount;
    const pin = s.account ? { pinned: true } : {};
    switch (s.rule) {
      case 'front-future': {
        const inst = rules.frontFuture(s.family, date);
        // The rule's own contract: a front month that has expired is a bug in the rules, never collected.
        if (inst.expiry !== undefined && inst.expiry < date) throw new Error(`front ${s.family} future ${inst.code} expired on ${inst.expiry}, before trading date ${date}`);
        if (s.kinds.includes('candles')) addCandle({ code: inst.code, family: s.family, products: DERIVATIVE_PRODUCTS, ...(inst.expiry ? { expiry: inst.expiry } : {}), account: acct, ...pin });
        break;
      }
      case 'options': {
        if (!s.kinds.includes('board')) break;
        for (const wanted of new Set(s.series)) {
          const key = `${s.underlying}-${wanted}`;
          let series: OptionSeries;
          let expiry: KstDate;
          if (wanted === 'weekly') {
            // The nearest weekly expiry, whichever weekday series it belongs to.
            const mon = rules.nearestOptionExpiry('weekly-mon', date);
            const thu = rules.nearestOptionExpiry('weekly-thu', date);
            [series, expiry] = mon < thu ? ['weekly-mon', mon] : ['weekly-thu', thu];
          } else {
            series = wanted;
            expiry = rules.nearestOptionExpiry(wanted, date);
          }
          boards.set(key, { key, underlying: s.underlying, series, expiry, products: DERIVATIVE_PRODUCTS, account: acct, ...pin });
        }
        break;
      }
      case 'stocks':
        if (s.kinds.includes('candles')) for (const code of s.codes) addCandle({ code, family: 'stock', products: ['stocks'], account: acct, ...pin });
        break;
      case 'code': {
        const { family, expiry } = rules.familyOfCode(s.code);
        if (expiry !== undefined && expiry < date) {
          warnings.push(`subscription code ${s.code}: the contract expired on ${expiry} (trading date ${date}); not collected — use rule front-future or a listed contract`);
          break;
        }
        if (s.kinds.includes('candles')) {
          addCandle({ code: s.code, family, products: family === 'stock' ? ['stocks'] : DERIVATIVE_PRODUCTS, ...(expiry ? { expiry } : {}), account: acct, ...pin });
        }
        break;
      }
    }
  }
  return { tradingDate: date, candles: [...candles.values()], boards: [...boards.values()], warnings };
}

/** The account name the simulator gets when no KIS account is configured (workers/simulator-mode.ts). */
export const SIMULATOR_ACCOUNT = 'sim';

/**
 * The account used when nothing names one (subscriptions, backfills, stream gap recovery, repairs): the
 * first real one, since paper keys serve no F/O market data; else the first configured; else the simulator.
 */
export function defaultAccountName(config: { kis: { accounts: readonly { name: string; env?: 'real' | 'paper' }[] } }): string {
  const accounts = config.kis.accounts;
  return (accounts.find((a) => a.env !== 'paper') ?? accounts[0])?.name ?? SIMULATOR_ACCOUNT;
}
