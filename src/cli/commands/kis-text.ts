/**
 * Human text of `krtrade kis price|candles|board|stream`. Every number goes through the one formatter
 * (`src/market/format.ts`): prices at the instrument's tick precision with thousands separators, counts
 * with separators, IV to 2 decimals, '—' for a value KIS did not send. `--json` prints the raw numbers.
 */
import {
  STOCK_MARKETS,
  type KisMarket,
  type MinuteBar,
  type OptionBoard,
  type StockQuote,
} from '../../kis/types.js';
import type { WsRecord } from '../../kis/ws/index.js';
import { formatChange, formatPrice, formatQuantity } from '../../market/format.js';
import { familyOfCode } from '../../market/instruments/index.js';
import type { ProductFamily } from '../../market/types.js';
import { formatKstIso } from '../../time/kst.js';

/**
 * The family whose tick precision a code's prices are shown at: stocks and stock futures/options (`JF`, `JO`)
 * trade in whole won; index F/O by their code; undefined (the finest precision) when unknown.
 */
export function displayFamily(code: string, market?: KisMarket): ProductFamily | undefined {
  if (market && ([...STOCK_MARKETS, 'JF', 'JO'] as readonly string[]).includes(market)) return 'stock';
  return familyOfCode(code);
}

const count = (v: number | null | undefined): string => formatQuantity(v, 'count');

/** `005930 삼성전자 72,400 (+400, 0.56%) O 72,000 H 72,500 L 71,900 vol 12,345,678`. */
export function quoteLine(code: string, q: StockQuote, family: ProductFamily | undefined): string {
  const p = (v: number | null | undefined) => formatPrice(v, family);
  return `${code} ${q.name ?? ''} ${p(q.price)} (${formatChange(q.change, family)}, ${formatQuantity(q.changeRate, 'percent')}%) O ${p(q.open)} H ${p(q.high)} L ${p(q.low)} vol ${count(q.volume)}`.replace(
    /\s+/g,
    ' ',
  );
}

export function barLine(b: MinuteBar, family: ProductFamily | undefined): string {
  const p = (v: number) => formatPrice(v, family);
  return `${formatKstIso(b.time).slice(0, 16)}  O ${p(b.open)}  H ${p(b.high)}  L ${p(b.low)}  C ${p(b.close)}  V ${count(b.volume)}`;
}

/** Calls and puts side by side per strike, highest strike first as KIS sends them. */
export function boardText(b: OptionBoard): string {
  const puts = new Map(b.puts.map((p) => [p.strike, p]));
  const price = (v: number | null | undefined, w: number) => formatPrice(v, b.family).padStart(w);
  const iv = (v: number | null | undefined) => formatQuantity(v, 'iv').padStart(7);
  const lines = [
    `${'call'.padStart(9)} ${'iv'.padStart(7)} ${'strike'.padStart(9)} ${'put'.padStart(9)} ${'iv'.padStart(7)}`,
  ];
  for (const c of b.calls) {
    const p = puts.get(c.strike);
    lines.push(`${price(c.price, 9)} ${iv(c.iv)} ${price(c.strike, 9)} ${price(p?.price, 9)} ${iv(p?.iv)}`);
  }
  return `${b.family} ${b.series} ${b.expiry}: ${b.calls.length} calls, ${b.puts.length} puts\n${lines.join('\n')}`;
}

/** One realtime record per line (`krtrade kis stream` without `--json`). */
export function recordLine(r: WsRecord): string {
  const family = displayFamily(r.code);
  const price = (v: number | null | undefined, w = 10) => formatPrice(v, family).padStart(w);
  const head = `${formatKstIso(r.time).slice(11)} ${r.tradingDate} ${r.tr} ${r.code.padEnd(9)}`;
  switch (r.kind) {
    case 'stock-trade':
    case 'futures-trade':
    case 'option-trade':
      return `${head} ${price(r.price)} x${count(r.qty).padEnd(6)} vol ${count(r.cumVolume)}${r.kind === 'option-trade' && r.iv !== null ? ` iv ${formatQuantity(r.iv, 'iv')}` : ''}`;
    case 'book':
      return `${head} ask ${price(r.asks[0])} (${count(r.askQtys[0])}) bid ${price(r.bids[0])} (${count(r.bidQtys[0])})`;
    case 'fo-notice':
      return `${head} ${r.fill ? 'FILL' : 'ORDER'} ${r.side ?? '?'} ${count(r.qty)} @ ${formatPrice(r.price, family)} order ${r.orderNo}`;
  }
}
