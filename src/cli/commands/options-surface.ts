/** `krtrade options surface`: the stored volatility-surface slices of a day (KST times, numbers at quoting precision). */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UserError } from '../../errors.js';
import { formatKst, formatKstIso } from '../../time/kst.js';
import { readVolSurface, type VolSurfaceRow } from '../../db/vol-surface.js';
import { withCliPool } from './db-errors.js';
import { dateOption } from './options.js';

/** Rounds for people: vols to 0.01 vol point, the forward to 0.001, SVI to 6 significant digits; null stays null. */
const round = (v: number | null, digits: number): number | null => (v === null ? null : Number(v.toFixed(digits)));
const sig = (v: number): number => Number(v.toPrecision(6));

export function surfaceJson(r: VolSurfaceRow) {
  return {
    time: formatKstIso(r.time),
    underlyingSymbol: r.underlyingSymbol,
    expiry: r.expiry,
    forward: round(r.forward, 3),
    forwardSource: r.forwardSource,
    forwardUncertainty: round(r.forwardUncertainty, 3),
    underlyingPrice: round(r.underlyingPrice, 2),
    yearsToExpiry: round(r.yearsToExpiry, 6),
    rate: round(r.rate, 5),
    atmIvPct: round(r.atmIv, 2),
    rr25Pct: round(r.rr25, 2),
    bf25Pct: round(r.bf25, 2),
    skewSlopePctPerLogK: round(r.skewSlope, 1),
    svi: r.svi && { a: sig(r.svi.a), b: sig(r.svi.b), rho: sig(r.svi.rho), m: sig(r.svi.m), s: sig(r.svi.s) },
    fitRmsePct: round(r.fitRmse, 3),
    fitPoints: r.fitPoints,
    butterflyArbitrage: r.butterflyArbitrage,
    calendarArbitrage: r.calendarArbitrage,
  };
}

const cell = (v: number | null, digits: number, width: number): string => (v === null ? '—' : v.toFixed(digits)).padStart(width);
const flag = (v: boolean | null): string => (v === null ? '—' : v ? 'yes' : 'no');

function surfaceText(rows: VolSurfaceRow[]): string {
  const head = `${'time (KST)'.padEnd(16)} ${'expiry'.padEnd(10)} ${'forward'.padStart(9)} ${'src'.padEnd(6)} ${'ATM IV%'.padStart(7)} ${'RR25'.padStart(6)} ${'BF25'.padStart(6)} ${'skew'.padStart(7)} ${'fit'.padStart(6)} ${'pts'.padStart(4)}  arb(bfly/cal)`;
  const lines = rows.map((r) =>
    [
      formatKst(r.time).slice(0, 16), r.expiry.padEnd(10), cell(r.forward, 2, 9), (r.forwardSource ?? '—').replace('spot_carry', 'spot').padEnd(6),
      cell(r.atmIv, 2, 7), cell(r.rr25, 2, 6), cell(r.bf25, 2, 6), cell(r.skewSlope, 1, 7), cell(r.fitRmse, 3, 6), String(r.fitPoints).padStart(4),
      ` ${flag(r.butterflyArbitrage)}/${flag(r.calendarArbitrage)}`,
    ].join(' '),
  );
  return [head, ...lines].join('\n');
}

export function registerOptionsCommands(program: Command, ctx: CliContext): Command {
  const options = program.command('options').description('option analytics: forwards, own IV and greeks, the volatility surface');
  options
    .command('surface')
    .description('volatility-surface slices of a day (per expiry and minute): forward, ATM IV, 25Δ RR/BF, skew, SVI fit, arbitrage flags')
    .requiredOption('--date <YYYY-MM-DD>', 'KST calendar date of the minutes')
    .option('--expiry <YYYY-MM-DD>', 'one expiry only')
    .option('--underlying <name>', 'underlying index', 'KOSPI200')
    .option('--json', 'print JSON')
    .action(async (o: { date: string; expiry?: string; underlying: string; json?: boolean }) => {
      const date = dateOption('--date', o.date);
      const expiry = o.expiry === undefined ? undefined : dateOption('--expiry', o.expiry);
      if (!/^[A-Z0-9]+$/.test(o.underlying)) throw new UserError(`--underlying: expected an upper-case index name like KOSPI200, got ${JSON.stringify(o.underlying)}`);
      const rows = await withCliPool(ctx, 'krtrade-options', (pool) => readVolSurface(pool, { underlying: o.underlying, date, ...(expiry ? { expiry } : {}) }));
      if (rows.length === 0 && !o.json) {
        ctx.print(`no surface stored for ${o.underlying}${expiry ? ` expiry ${expiry}` : ''} on ${date} (KST)`, false);
        return;
      }
      ctx.print(rows.map(surfaceJson), !!o.json, () => surfaceText(rows));
    });
  return options;
}
