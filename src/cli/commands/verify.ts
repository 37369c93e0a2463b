/**
 * `krtrade verify`: are all expected candles stored? Only minutes that have closed count; the default date
 * is the last trading date whose sessions are over (`--today`: the session so far); instruments the
 * pipeline subscribes to count even with nothing stored; instruments subscribed with `ticks` get their ticks
 * coverage too (src/verify/ticks.ts). `--repair` enqueues backfills for what is missing (candles, and the REST
 * bars of minutes the stream missed), waits, and verifies again. Exit code 1 while something is missing.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UserError } from '../../errors.js';
import { withCliPool } from './db-errors.js';
import { verifyCompleteness, minuteRuns, type CompletenessReport } from '../../verify/completeness.js';
import { type KstDate, type KstTime, dateOf, floorMinute, formatKst, formatKstIso, toKst } from '../../time/kst.js';
import { clockFromEnv } from '../../time/clock.js';
import type { TradingCalendar } from '../../market/calendar/index.js';
import { parseInstrumentCode } from '../../market/instruments/index.js';
import { defaultAccountName, resolveSubscriptions } from '../../pipeline/subscriptions.js';
import { minuteRanges } from '../../repair/missing.js';
import { loadCalendar } from '../../../workers/runtime.js';
import { instrumentRules } from '../../../workers/pools.js';
import { withQueues } from '../../../workers/admin.js';
import { enqueueBackfill, waitForBackfill } from '../../../workers/backfill.js';
import { pages } from '../../pipeline/schedule.js';
import { dateOption } from './options.js';
import { alertIncomplete } from './verify-alerts.js';
import { boardSymbol, storedBoards, verifyBoards, type BoardCompleteness, type BoardSubject } from '../../verify/boards.js';
import { tickSubscribed, verifyTicks, type TicksCoverage } from '../../verify/ticks.js';

/** `MM-DD HH:MM` */
const hhmm = (t: KstTime): string => formatKst(t).slice(5, 16);

function reportText(r: CompletenessReport): string {
  if (!r.tradingDay) return `${r.tradingDate} is not a trading day: nothing expected`;
  if (r.instruments.length === 0)
    return `${r.tradingDate}: no instruments with stored candles and none subscribed (name some with --symbol)`;
  const lines = [
    `${r.tradingDate}: ${r.complete ? 'complete' : 'INCOMPLETE'} (${r.instruments.length} instruments)`,
  ];
  for (const i of r.instruments) {
    if (i.error) {
      lines.push(`  ${i.instrument}: not checked: ${i.error}`);
      continue;
    }
    const status = i.missingMinutes.length ? `${i.missingMinutes.length} missing` : 'ok';
    lines.push(
      `  ${i.instrument}: ${i.actual}/${i.expected} ${status}${i.expiring ? ' (expiry day)' : ''}${i.unexpectedMinutes.length ? `, ${i.unexpectedMinutes.length} unexpected` : ''}`,
    );
    const runs = minuteRuns(i.missingMinutes);
    for (const run of runs.slice(0, 20))
      lines.push(`      ${hhmm(run.from)}${run.count > 1 ? `–${hhmm(run.to).slice(6)}` : ''} (${run.count})`);
    if (runs.length > 20) lines.push(`      … ${runs.length - 20} more gaps`);
  }
  return lines.join('\n');
}

function ticksText(ticks: readonly TicksCoverage[]): string {
  if (!ticks.length) return '';
  const lines = ['', 'ticks coverage (minutes the stream recorded whole; the rest repaired by REST bars or missing)'];
  for (const t of ticks) {
    if (t.error) {
      lines.push(`  ${t.instrument}: not checked: ${t.error}`);
      continue;
    }
    lines.push(`  ${t.instrument}: ${t.recorded}/${t.expected} recorded, ${t.backfilled} backfilled by REST, ${t.missingMinutes.length ? `${t.missingMinutes.length} missing` : 'none missing'}`);
    const runs = minuteRuns(t.missingMinutes);
    for (const run of runs.slice(0, 20)) lines.push(`      ${hhmm(run.from)}${run.count > 1 ? `–${hhmm(run.to).slice(6)}` : ''} (${run.count})`);
    if (runs.length > 20) lines.push(`      … ${runs.length - 20} more gaps`);
  }
  return lines.join('\n');
}

function boardsText(boards: readonly BoardCompleteness[]): string {
  if (!boards.length) return '';
  const lines = ['', 'option boards (board minutes; KIS keeps no board history: missing ones cannot be refetched)'];
  for (const b of boards) {
    lines.push(`  ${b.board}: ${b.actual}/${b.expected} ${b.missingMinutes.length ? `${b.missingMinutes.length} missing` : 'ok'}`);
    const runs = minuteRuns(b.missingMinutes);
    for (const run of runs.slice(0, 20)) lines.push(`      ${hhmm(run.from)}${run.count > 1 ? `–${hhmm(run.to).slice(6)}` : ''} (${run.count})`);
    if (runs.length > 20) lines.push(`      … ${runs.length - 20} more gaps`);
  }
  return lines.join('\n');
}

/** The newest trading date whose every session has closed by `now`. */
export function lastClosedTradingDate(calendar: TradingCalendar, now: KstTime): KstDate {
  let d = dateOf(now);
  if (!calendar.isTradingDay(d) || calendar.sessionsOn(d).some((s) => s.close > now)) d = calendar.previousTradingDay(d);
  return d;
}

/** The trading date the session at `now` belongs to (today's, or the next one's during a night session). */
function currentTradingDate(calendar: TradingCalendar, now: KstTime): KstDate {
  const d = calendar.tradingDateAt('night', now) ?? calendar.tradingDateAt('derivatives', now) ?? calendar.tradingDateAt('stocks', now) ?? dateOf(now);
  if (!calendar.isTradingDay(d)) throw new UserError(`verify --today: ${d} is not a trading day; use --date`);
  return d;
}

export function registerVerifyCommands(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description(
      'compare expected candle minutes (calendar, closed ones) with stored ones; writes data_quality; exit 1 if anything is missing',
    )
    .option('--date <date>', 'trading date YYYY-MM-DD (default: the last trading date whose sessions are over)')
    .option('--today', 'the current trading date, minutes closed so far')
    .option(
      '--symbol <code...>',
      'instruments to check (default: the subscribed ones and those with candles that day or the previous trading day)',
    )
    .option('--repair', 'enqueue backfills for the missing minutes, wait, verify again (needs running fetch workers)')
    .option('--no-write', 'do not write data_quality rows')
    .option('--json', 'print JSON')
    .action(async (opts: { date?: string; today?: boolean; symbol?: string[]; repair?: boolean; write: boolean; json?: boolean }) => {
      if (opts.date && opts.today) throw new UserError('verify: give --date or --today, not both');
      const { config } = ctx.config();
      const calendar = loadCalendar(config);
      const now = toKst(clockFromEnv().now());
      const date = opts.date ? dateOption('--date', opts.date) : opts.today ? currentTradingDate(calendar, now) : lastClosedTradingDate(calendar, now);
      // Minutes that have not closed yet are not missing.
      const upTo = floorMinute(now);
      const resolved = calendar.isTradingDay(date) ? resolveSubscriptions(config.pipeline.subscriptions, date, instrumentRules(calendar), defaultAccountName(config)) : undefined;
      const subscribed = resolved?.candles.map((c) => c.code) ?? [];
      const tickCodes = resolved ? tickSubscribed(config.pipeline.subscriptions, date, instrumentRules(calendar)).filter((c) => !opts.symbol || opts.symbol.includes(c)) : [];
      // A ticks-only instrument's REST bars (stream-gap repairs) do not make it a candle subscription.
      const notDiscovered = tickCodes.filter((c) => !subscribed.includes(c));
      const check = (write: boolean) => withCliPool(
        ctx,
        'krtrade-verify',
        (pool) => verifyCompleteness(pool, { date, calendar, write, upTo, ...(opts.symbol ? { symbols: opts.symbol } : { subscribed, notDiscovered }) }),
        { max: 2 },
      );
      const checkTicks = () => withCliPool(ctx, 'krtrade-verify', (pool) => verifyTicks(pool, { date, calendar, instruments: tickCodes, upTo }), { max: 2 });
      const ticksComplete = (t: TicksCoverage[]) => t.every((x) => !x.error && !x.missingMinutes.length);
      let r = await check(opts.write && !opts.repair);
      let ticks = await checkTicks();
      if (opts.repair && (!r.complete || !ticksComplete(ticks))) {
        await repair(ctx, missingByInstrument(r, ticks));
        r = await check(opts.write);
        ticks = await checkTicks();
        await alertIncomplete(config, ctx.logger(), r, now);
      }
      // Option boards (not with --symbol): subscribed ones and any stored that date. Reported only: not refetchable.
      const boards = opts.symbol ? [] : await withCliPool(ctx, 'krtrade-verify', async (pool) => {
        const all = new Map<string, BoardSubject>([...(resolved?.boards ?? []), ...(await storedBoards(pool, date))].map((b) => [boardSymbol(b), { underlying: b.underlying, expiry: b.expiry }]));
        return verifyBoards(pool, { date, calendar, boards: [...all.values()], upTo, write: opts.write });
      }, { max: 2 });
      const boardsComplete = boards.every((b) => !b.missingMinutes.length);
      const json = {
        ...r,
        complete: r.complete && boardsComplete && ticksComplete(ticks),
        ticks: ticks.map((t) => ({ ...t, missingMinutes: t.missingMinutes.map(formatKstIso), backfilledMinutes: t.backfilledMinutes.map(formatKstIso) })),
        boards: boards.map((b) => ({ ...b, missingMinutes: b.missingMinutes.map(formatKstIso) })),
        instruments: r.instruments.map((i) => ({
          ...i,
          missingMinutes: i.missingMinutes.map(formatKstIso),
          unexpectedMinutes: i.unexpectedMinutes.map(formatKstIso),
        })),
      };
      ctx.print(json, !!opts.json, () => reportText(r) + ticksText(ticks) + boardsText(boards));
      if (!json.complete) process.exitCode = 1;
    });
}

/** Per instrument, the minutes to refetch from REST: missing candles, and the minutes whose ticks are missing. */
function missingByInstrument(r: CompletenessReport, ticks: readonly TicksCoverage[]): Map<string, KstTime[]> {
  const out = new Map<string, Set<number>>();
  const add = (code: string, minutes: readonly KstTime[]) => {
    if (!minutes.length) return;
    const set = out.get(code) ?? new Set<number>();
    for (const m of minutes) set.add(m);
    out.set(code, set);
  };
  for (const i of r.instruments) if (!i.error) add(i.instrument, i.missingMinutes);
  for (const t of ticks) if (!t.error) add(t.instrument, t.missingMinutes);
  return new Map([...out].map(([code, set]) => [code, [...set].sort((a, b) => a - b) as KstTime[]]));
}

/** Backfill pages over exactly the missing minutes of each instrument; waits until each page is stored or failed. */
async function repair(ctx: CliContext, missing: Map<string, KstTime[]>): Promise<void> {
  const { config } = ctx.config();
  const account = defaultAccountName(config);
  await withQueues(config, ctx.logger(), async (q) => {
    if ((await q.queues.backfill.getWorkersCount()) === 0) process.stderr.write('note: no worker serves the backfill queue yet; start `krtrade worker fetch` or `krtrade run`\n');
    const tag = randomBytes(4).toString('hex');
    for (const [code, minutes] of missing) {
      const inst = parseInstrumentCode(code);
      if (inst.kind === 'call' || inst.kind === 'put') continue;
      const plan = { code: inst.code, family: inst.family, pages: minuteRanges(minutes).flatMap((x) => pages(x.from, x.to, 30)), minutes: minutes.length, expected: minutes };
      const e = await enqueueBackfill(q, plan, account, tag);
      const p = await waitForBackfill(q, e, () => undefined);
      for (const f of p.failed) process.stderr.write(`verify --repair: ${code} ${f.page}: ${f.reason}\n`);
    }
  });
}
