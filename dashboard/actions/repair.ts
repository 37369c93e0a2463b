/**
 * `POST /actions/repair` (form fields `symbol`, `date`): the data-quality page's "repair" button. The
 * missing closed candle minutes of that instrument and trading date are computed from PostgreSQL against
 * the calendar (the verify code), and exactly those are enqueued as backfill pages through the repair loop's
 * own path (jobs/recovery.ts: fresh page ids, minutes a pending page covers skipped). Then back to the page
 * with a notice. Mounted after the login, the same-origin check and `adminOnly()` (viewer and read-only: 403).
 */
import express from 'express';
import type pg from 'pg';
import type { Clock } from '../../src/time/clock.js';
import type { Logger } from '../../src/log.js';
import type { TradingCalendar } from '../../src/market/calendar/index.js';
import { floorMinute, parseKstDate, toKst, type KstDate } from '../../src/time/kst.js';
import { errorMessage } from '../../src/errors.js';
import { parseInstrumentCode } from '../../src/market/instruments/index.js';
import { verifyCompleteness } from '../../src/verify/completeness.js';
import type { SessionProduct } from '../../src/market/types.js';
import { recoverMinutes } from '../../jobs/recovery.js';
import type { QueueSet } from '../../jobs/queues.js';

export interface RepairActionDeps {
  pool?: pg.Pool;
  queues: QueueSet;
  calendar: TradingCalendar;
  clock: Clock;
  log: Logger;
  /** The KIS account (config name) the backfill pages are fetched with. */
  account: string;
}

/** A one-line refusal of the form's input (HTTP 400). */
class BadRepairInput extends Error {}

const SYMBOL_RE = /^[A-Za-z0-9]{6,12}$/;

function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof v !== 'string' || v === '') throw new BadRepairInput(`repair: form field ${name} is required (e.g. ${name}=${name === 'symbol' ? 'A01612' : '2026-11-10'})`);
  return v;
}

function parseForm(body: unknown): { symbol: string; date: KstDate } {
  const symbol = field(body, 'symbol');
  if (!SYMBOL_RE.test(symbol)) throw new BadRepairInput(`repair: symbol ${JSON.stringify(symbol.slice(0, 40))} is not an instrument code (6–12 letters or digits)`);
  const raw = field(body, 'date');
  let date: KstDate;
  try {
    date = parseKstDate(raw);
  } catch {
    throw new BadRepairInput(`repair: date ${JSON.stringify(raw.slice(0, 40))} must be a trading date YYYY-MM-DD`);
  }
  return { symbol, date };
}

/** Where the button came from, with what was done (the page renders the notice from these fields only). */
export function qualityNoticeUrl(date: KstDate, symbol: string, enqueued: number, missing: number): string {
  return `/charts/quality?${new URLSearchParams({ date, repaired: symbol, enqueued: String(enqueued), missing: String(missing) })}`;
}

export function repairAction(d: RepairActionDeps): express.Router {
  const r = express.Router();
  r.post('/', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    try {
      const { symbol, date } = parseForm(req.body);
      if (!d.pool) return void res.status(503).type('text/plain').send('repair needs PostgreSQL: configure db.url for the dashboard');
      if (!d.calendar.isTradingDay(date)) throw new BadRepairInput(`repair: ${date} is not a trading day; nothing is expected`);
      let inst: ReturnType<typeof parseInstrumentCode>;
      try {
        inst = parseInstrumentCode(symbol, { calendar: d.calendar });
      } catch (e) {
        throw new BadRepairInput(`repair: ${errorMessage(e).split('\n')[0]}`);
      }
      if (inst.kind === 'call' || inst.kind === 'put') throw new BadRepairInput(`repair: ${symbol} is an option; option candles are not backfilled`);
      // Only minutes that have closed can be missing.
      const upTo = floorMinute(toKst(d.clock.now()));
      const report = await verifyCompleteness(d.pool, { date, calendar: d.calendar, symbols: [symbol], upTo, write: false });
      const checked = report.instruments[0];
      if (checked?.error) throw new BadRepairInput(`repair: ${symbol}: ${checked.error.split('\n')[0]}`);
      const missing = checked?.missingMinutes ?? [];
      const products: SessionProduct[] = inst.family === 'stock' ? ['stocks'] : ['derivatives', 'night'];
      const target = { code: symbol, family: inst.family, products, ...(inst.expiry ? { expiry: inst.expiry } : {}), account: d.account };
      let enqueued = 0;
      await recoverMinutes(target, missing, d, 'dashboard repair', { backfillOnly: true, onEnqueued: (minutes) => (enqueued = minutes) });
      d.log.info({ symbol, date, missing: missing.length, enqueued }, 'dashboard repair requested');
      res.redirect(303, qualityNoticeUrl(date, symbol, enqueued, missing.length));
    } catch (e) {
      if (e instanceof BadRepairInput) return void res.status(400).type('text/plain').send(e.message);
      d.log.error({ err: errorMessage(e) }, 'dashboard repair failed');
      res.status(500).type('text/plain').send(`repair failed: ${errorMessage(e).split('\n')[0]}; check PostgreSQL and Redis, then try again`);
    }
  });
  return r;
}
