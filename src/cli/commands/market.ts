/** `krtrade calendar` (KRX sessions per day) and `krtrade instruments` (master listing, code explanation). */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UserError } from '../../errors.js';
import { clockFromEnv } from '../../time/clock.js';
import {
  addDays,
  daysBetween,
  formatKstIso,
  todayKst,
  weekday,
  type KstDate,
} from '../../time/kst.js';
import { withCliPool } from './db-errors.js';
import { dateOption } from './options.js';
import { printStockMaster } from './stock-master.js';
import { stockMasterMarket } from '../../market/instruments/stock-master.js';
import type { TradingCalendar } from '../../market/calendar/index.js';
import { loadCalendar } from '../../market/calendar/load.js';
import type { Session } from '../../market/types.js';
import { monthlyExpiry, weeklyExpiries } from '../../market/instruments/expiry.js';
import { formatMasterError, readFoIdxMasterFile } from '../../market/instruments/master.js';
import { parseInstrumentCode } from '../../market/instruments/codes.js';
import { tickSize } from '../../market/instruments/specs.js';
import { formatPrice } from '../../market/format.js';

const MAX_RANGE_DAYS = 366;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const sessionJson = (cal: TradingCalendar, s: Session, expiring = false) => ({
  product: s.product,
  tradingDate: s.tradingDate,
  open: formatKstIso(s.open),
  close: formatKstIso(s.close),
  openAuction: s.openAuction && {
    start: formatKstIso(s.openAuction.start),
    end: formatKstIso(s.openAuction.end),
  },
  closeAuction: s.closeAuction && {
    start: formatKstIso(s.closeAuction.start),
    end: formatKstIso(s.closeAuction.end),
  },
  expectedCandles: cal.expectedCandles(s.product, s.tradingDate, { expiring }),
  ...(expiring ? { expiring: true } : {}),
  ...(s.note ? { note: s.note } : {}),
});

function describeDate(cal: TradingCalendar, d: KstDate) {
  const info = cal.dayInfo(d);
  const sessions = cal.sessionsOn(d).map((s) => sessionJson(cal, s));
  const expiries = info.tradingDay
    ? {
        monthly: monthlyExpiry(Number(d.slice(0, 4)), Number(d.slice(5, 7)), cal) === d,
        weeklyThu: weeklyExpiries('thu', d, 1, cal)[0] === d,
        weeklyMon: weeklyExpiries('mon', d, 1, cal)[0] === d,
      }
    : undefined;
  const expiringSession =
    expiries && Object.values(expiries).some(Boolean)
      ? cal.session('derivatives', d, { expiring: true })
      : undefined;
  if (expiringSession) sessions.push(sessionJson(cal, expiringSession, true));
  const tonight = cal.nightOpeningOn(d);
  return {
    date: d,
    weekday: WEEKDAYS[weekday(d)],
    tradingDay: info.tradingDay,
    ...(info.name ? { name: info.name } : {}),
    ...(info.confidence ? { confidence: info.confidence } : {}),
    ...(info.overrides.length ? { overrides: info.overrides } : {}),
    sessions,
    ...(expiries ? { expiries } : {}),
    tonight: tonight ? sessionJson(cal, tonight) : null,
  };
}

type DayJson = ReturnType<typeof describeDate>;
type SessionJson = ReturnType<typeof sessionJson>;

const hm = (iso: string): string => iso.slice(11, 16);
function sessionLine(s: SessionJson): string {
  const label = s.product + (s.expiring ? ' (expiring)' : '');
  const span =
    s.product === 'night'
      ? `${s.open.slice(0, 10)} ${hm(s.open)} → ${s.close.slice(0, 10)} ${hm(s.close)}`
      : `${hm(s.open)} → ${hm(s.close)}`;
  const auctions = `auctions ${s.openAuction ? `${hm(s.openAuction.start)}–${hm(s.openAuction.end)}` : '-'} / ${s.closeAuction ? `${hm(s.closeAuction.start)}–${hm(s.closeAuction.end)}` : '-'}`;
  return `  ${label.padEnd(24)} ${span.padEnd(34)} ${auctions}  ${s.expectedCandles} candles${s.note ? `  (${s.note})` : ''}`;
}

function dayText(d: DayJson): string {
  const head = `${d.date} (${d.weekday}) ${d.tradingDay ? 'trading day' : 'CLOSED'}${d.name ? ` — ${d.name}` : ''}${d.confidence === 'derived' ? ' [derived]' : ''}`;
  const lines = [head, ...d.sessions.map(sessionLine)];
  if (d.tonight)
    lines.push(
      `  tonight: night ${hm(d.tonight.open)} → ${hm(d.tonight.close)}, belongs to ${d.tonight.tradingDate}`,
    );
  else if (d.tradingDay && d.date >= '2025-06-09') lines.push('  tonight: no night session');
  return lines.join('\n');
}

export function registerMarketCommands(program: Command, ctx: CliContext): void {
  program
    .command('calendar')
    .description('KRX sessions of a day or date range: open/close, auctions, trading date, expected candles')
    .option('--date <date>', 'KST date YYYY-MM-DD (default: today)')
    .option('--from <date>', 'first date of a range')
    .option('--to <date>', 'last date of a range (inclusive)')
    .option('--db', 'also apply overrides from the calendar_overrides table')
    .option('--json', 'print JSON')
    .action(async (opts: { date?: string; from?: string; to?: string; db?: boolean; json?: boolean }) => {
      if (opts.date && (opts.from || opts.to)) throw new UserError('use either --date or --from/--to');
      if (!opts.from !== !opts.to) throw new UserError('--from and --to go together');
      const from = opts.from
        ? dateOption('--from', opts.from)
        : opts.date
          ? dateOption('--date', opts.date)
          : todayKst(clockFromEnv().now());
      const to = opts.to ? dateOption('--to', opts.to) : from;
      const span = daysBetween(from, to);
      if (span < 0) throw new UserError(`--to ${to} is before --from ${from}`);
      if (span >= MAX_RANGE_DAYS)
        throw new UserError(`date range too long (${span + 1} days, at most ${MAX_RANGE_DAYS})`);

      const { config } = ctx.config();
      const cal = opts.db
        ? await withCliPool(ctx, 'krtrade-calendar', (pool) => loadCalendar(config, pool))
        : await loadCalendar(config);
      const days: DayJson[] = [];
      for (let i = 0; i <= span; i++) {
        days.push(describeDate(cal, addDays(from, i)));
      }
      ctx.print(opts.date || !opts.from ? days[0] : days, !!opts.json, () => days.map(dayText).join('\n'));
    });

  program
    .command('instruments')
    .description('list a KIS master file (index F/O or stocks), or explain one instrument code')
    .option('--master <file>', 'KIS fo_idx_code_mts.mst, kospi_code.mst or kosdaq_code.mst (extracted from the zip)')
    .option('--code <code>', 'explain one code (looked up in --master when given)')
    .option('--kind <kind>', 'filter: future | call | put')
    .option('--family <family>', 'filter: kospi200 | mini | kosdaq150')
    .option('--series <series>', 'filter: monthly | weekly-thu | weekly-mon')
    .option('--strict', 'fail on the first bad master line')
    .option('--json', 'print JSON')
    .action(
      (opts: {
        master?: string;
        code?: string;
        kind?: string;
        family?: string;
        series?: string;
        strict?: boolean;
        json?: boolean;
      }) => {
        if (!opts.master && !opts.code)
          throw new UserError('give --master FILE to list instruments or --code CODE to explain one');
        checkChoice('--kind', opts.kind, ['future', 'call', 'put']);
        checkChoice('--family', opts.family, ['kospi200', 'mini', 'kosdaq150']);
        checkChoice('--series', opts.series, ['monthly', 'weekly-thu', 'weekly-mon']);
        if (!opts.master) return explainCode(ctx, opts.code!, !!opts.json);
        const stockMarket = stockMasterMarket(opts.master);
        if (stockMarket) return printStockMaster(ctx, opts.master, stockMarket, opts.code, !!opts.json);

        const r = readFoIdxMasterFile(opts.master, { strict: !!opts.strict });
        for (const e of r.errors.slice(0, 20))
          process.stderr.write(`warning: ${formatMasterError(e, opts.master)}\n`);
        if (r.errors.length > 20) process.stderr.write(`warning: … ${r.errors.length - 20} more bad lines\n`);
        if (opts.code) {
          const found = r.instruments.find((i) => i.code === opts.code);
          if (!found) throw new UserError(`code ${opts.code} is not in ${opts.master}`);
          return ctx.print(found, !!opts.json, () =>
            Object.entries(found)
              .map(
                ([k, v]) =>
                  `${k.padEnd(16)} ${k === 'strike' ? formatPrice(found.strike, found.family) : String(v)}`,
              )
              .join('\n'),
          );
        }
        const list = r.instruments.filter(
          (i) =>
            (!opts.kind || i.kind === opts.kind) &&
            (!opts.family || i.family === opts.family) &&
            (!opts.series || i.series === opts.series),
        );
        ctx.print({ instruments: list, errors: r.errors, skipped: r.skipped }, !!opts.json, () =>
          [
            ...list.map((i) =>
              [
                i.code.padEnd(10),
                i.kind.padEnd(6),
                i.family.padEnd(9),
                (i.series ?? '').padEnd(10),
                (i.expiry ?? '').padEnd(10),
                (i.strike === undefined ? '' : formatPrice(i.strike, i.family)).padStart(9),
                ' ',
                i.name,
              ].join(' '),
            ),
            `${list.length} instruments${r.errors.length ? `, ${r.errors.length} bad lines` : ''}${r.skipped ? `, ${r.skipped} spreads skipped` : ''}`,
          ].join('\n'),
        );
      },
    );
}

function checkChoice(name: string, value: string | undefined, allowed: string[]): void {
  if (value !== undefined && !allowed.includes(value))
    throw new UserError(`${name}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}

interface TickTier {
  /** Premium (pt) from which this tick applies. */
  fromPremium: number;
  tick: number;
}

/** The premium tiers of an option's tick table, found by walking premiums in the smallest tick. */
function tickTiers(d: Parameters<typeof tickSize>[0]): TickTier[] {
  const tiers: TickTier[] = [{ fromPremium: 0, tick: tickSize(d, 0) }];
  for (let cents = 1; cents <= 100_000; cents++) {
    const p = cents / 100;
    const t = tickSize(d, p);
    if (t !== tiers.at(-1)!.tick) tiers.push({ fromPremium: p, tick: t });
  }
  return tiers;
}

/** `0.01 pt below a premium of 10.00, 0.05 pt from 10.00` */
function tierText(tiers: TickTier[]): string {
  return tiers
    .map((t, i) => {
      const next = tiers[i + 1];
      const tick = `${t.tick.toFixed(2)} pt`;
      if (i === 0) return next ? `${tick} below a premium of ${next.fromPremium.toFixed(2)}` : tick;
      return next ? `${tick} from ${t.fromPremium.toFixed(2)} to below ${next.fromPremium.toFixed(2)}` : `${tick} from ${t.fromPremium.toFixed(2)}`;
    })
    .join(', ');
}

function explainCode(ctx: CliContext, code: string, json: boolean): void {
  const d = parseInstrumentCode(code);
  const strikeNote =
    d.kind === 'call' || d.kind === 'put'
      ? d.strike !== undefined
        ? formatPrice(d.strike, d.family)
        : `not in the code (${d.strikeCode} is opaque): take it from the master file`
      : undefined;
  const expiryNote =
    d.expiry ?? (d.series?.startsWith('weekly') ? 'weekly: from the master name (YYMMWn)' : undefined);
  // Option ticks depend on the premium: the tiers of the tick table, each from the premium it starts at.
  const ticks = d.kind === 'call' || d.kind === 'put' ? tickTiers(d) : undefined;
  const out = {
    ...d,
    ...(d.kind === 'future' ? { tick: tickSize(d, 0) } : {}),
    ...(ticks ? { tickByPremium: ticks } : {}),
  };
  ctx.print(out, json, () =>
    [
      d.kind === 'stock' && d.name === d.code
        ? `${d.code}: (the name is in KIS's stock master: add --master kospi_code.mst or kosdaq_code.mst)`
        : `${d.code}: ${d.name}`,
      `  kind ${d.kind}, family ${d.family}${d.series ? `, series ${d.series}` : ''}${d.scheme ? `, ${d.scheme} code scheme` : ''}`,
      ...(d.krxCode ? [`  KRX code ${d.krxCode}, ISIN ${d.isin}`] : []),
      ...(d.contractYear ? [`  contract ${d.contractYear}-${String(d.contractMonth).padStart(2, '0')}`] : []),
      ...(expiryNote ? [`  last trading day ${expiryNote}`] : []),
      ...(strikeNote ? [`  strike ${strikeNote}`] : []),
      `  multiplier ${d.multiplier.toLocaleString('en-US')}${d.kind === 'stock' ? '' : ' KRW/pt'}`,
      ...(out.tick !== undefined ? [`  tick ${out.tick} pt`] : []),
      ...(ticks ? [`  tick ${tierText(ticks)}`] : []),
    ].join('\n'),
  );
}
