/** Missing values in storage: NULL (with the IV's reason), a 0 where 0 cannot be real is refused, and migration 0004 repairs stored option zeros. */
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { migrate, listMigrations, MIGRATIONS_DIR } from '../../src/db/migrate.js';
import { writeCandles, writeOptionChain } from '../../src/db/writer.js';
import { writeOptionMatrices } from '../../src/db/writer-matrix.js';
import { readOptionChain, latestMatrices } from '../../src/db/readers.js';
import { formatKst, type KstDate } from '../../src/time/kst.js';
import type { OptionChainRow } from '../../src/db/types.js';
import { candle, matrixRow, T0 } from './fixtures.js';

const dbs: TestDb[] = [];
afterAll(async () => {
  for (const d of dbs) await d.drop();
});

const SYMBOL = 'KOSPI200:20261210';
const chainRow = (code: string, extra: Partial<OptionChainRow>): OptionChainRow => ({
  time: T0, code, underlyingSymbol: SYMBOL, expiry: '2026-12-10' as KstDate, strike: 400, right: 'call',
  price: 3.5, bid: 3.45, ask: 3.55, volume: 12, openInterest: 300, iv: 18.2, delta: 0.5, gamma: 0.01, theta: -0.2, vega: 0.4, underlyingPrice: 399.1,
  ...extra,
});

describe('option_chain_raw: missing values', () => {
  it('stores NULLs with the reason, and refuses a 0 IV/price/bid/ask or a reason beside an IV, saying why', async () => {
    const db = await createTestDb();
    dbs.push(db);
    const untraded = chainRow('B01612A00', { price: null, bid: null, iv: null, ivMissingReason: 'no_trade', delta: null, gamma: null, theta: null, vega: null, volume: 0 });
    const bad = [
      chainRow('B01612A01', { iv: 0 }),
      chainRow('B01612A02', { bid: 0 }),
      chainRow('B01612A03', { price: 0 }),
      chainRow('B01612A04', { ivMissingReason: 'no_trade' }),
      chainRow('B01612A05', { iv: null, ivMissingReason: 'guess' as 'no_trade' }),
    ];
    expect(await writeOptionChain(db.pool, [untraded, ...bad])).toMatchObject({ inserted: 1, rejected: bad.length });
    // krtrade's own analytics were not computed for this row: missing, never 0.
    const noOwn = { ownIv: null, ownIvMissingReason: null, ownDelta: null, ownGamma: null, ownTheta: null, ownVega: null, forward: null, yearsToExpiry: null };
    expect(await readOptionChain(db.pool, { underlyingSymbol: SYMBOL, time: T0 })).toEqual([{ ...noOwn, ...untraded }]);
    const reasons = (await db.pool.query<{ reason: string }>("SELECT reason FROM rejected_rows WHERE table_name = 'option_chain_raw' ORDER BY id")).rows.map((r) => r.reason);
    expect(reasons).toHaveLength(bad.length);
    expect(reasons[0]).toMatch(/iv 0 is not a value/);
    expect(reasons[1]).toMatch(/bid 0 is not a value/);
    expect(reasons[2]).toMatch(/price 0 is not a value/);
    expect(reasons[3]).toMatch(/ivMissingReason no_trade given with iv 18\.2/);
    expect(reasons[4]).toMatch(/"guess" is not one of/);
  });

  it('migration 0004 turns the zeros stored before into NULLs with a reason, in chains and in iv/price matrix cells', async () => {
    const db = await createTestDb({ migrate: false });
    dbs.push(db);
    const before = mkdtempSync(join(tmpdir(), 'krt-mig-'));
    try {
      for (const m of listMigrations().filter((x) => x.version < 4)) copyFileSync(join(MIGRATIONS_DIR, `${m.label}.sql`), join(before, `${m.label}.sql`));
      await migrate(db.pool, before);
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
    // Rows as the old adapter stored them (`?? 0`).
    const insert = `INSERT INTO option_chain_raw ("timestamp", code, underlying_symbol, strike, option_right, price, bid, ask, volume, open_interest, iv, delta, gamma, theta, vega)
                    VALUES ($1, $2, '${SYMBOL}', $3, 'C', $4, $5, $6, $7, 10, $8, $9, $10, $11, $12)`;
    const t = formatKst(T0);
    await db.pool.query(insert, [t, 'B01612A10', 410, 1.2, 1.15, 1.25, 40, 17.5, 0.3, 0.01, -0.1, 0.2]); // a good row
    await db.pool.query(insert, [t, 'B01612A11', 411, 0.8, 0, 0.85, 0, 0, 0, 0, 0, 0]); // untraded: base price, no bid, nothing computed
    await db.pool.query(insert, [t, 'B01612A12', 412, 95.2, 95.1, 95.3, 7, 0, 1, 0, -0.04, 0]); // traded, IV not solved, greeks computed
    await db.pool.query(
      `CREATE TABLE option_matrices_k1 ("timestamp" TIMESTAMP, underlying_symbol TEXT, metric_type TEXT, atm_strike DOUBLE PRECISION, strike_step DOUBLE PRECISION,
         call_itm1 DOUBLE PRECISION, call_atm DOUBLE PRECISION, call_otm1 DOUBLE PRECISION, put_itm1 DOUBLE PRECISION, put_atm DOUBLE PRECISION, put_otm1 DOUBLE PRECISION,
         UNIQUE (underlying_symbol, metric_type, "timestamp"))`,
    );
    await db.pool.query("INSERT INTO dynamic_tables (name, kind, strikes_per_side) VALUES ('option_matrices_k1', 'option_matrices', 1)");
    const cells = "0, 17.5, 0, 18, 0, 19";
    for (const metric of ['iv', 'price', 'delta']) {
      await db.pool.query(`INSERT INTO option_matrices_k1 VALUES ($1, '${SYMBOL}', $2, 410, 1, ${cells})`, [t, metric]);
    }

    // 0004 first; later migrations (0005 …) follow.
    expect((await migrate(db.pool)).applied.map((m) => m.version)[0]).toBe(4);

    const chain = await readOptionChain(db.pool, { underlyingSymbol: SYMBOL, time: T0 });
    expect(chain.map((r) => [r.code, r.price, r.bid, r.iv, r.ivMissingReason, r.delta, r.theta])).toEqual([
      ['B01612A10', 1.2, 1.15, 17.5, null, 0.3, -0.1],
      ['B01612A11', null, null, null, 'no_trade', null, null],
      ['B01612A12', 95.2, 95.1, null, 'not_computed', 1, -0.04],
    ]);
    const m = await latestMatrices(db.pool, 'k1', SYMBOL);
    expect(m.iv!.calls).toEqual([null, 17.5, null]);
    expect(m.price!.puts).toEqual([18, null, 19]);
    // A delta of 0 can be real: left alone.
    expect(m.delta!.calls).toEqual([0, 17.5, 0]);
    // New rows keep the rule.
    expect(await writeOptionChain(db.pool, [chainRow('B01612A13', { iv: null, ivMissingReason: 'below_intrinsic' })])).toMatchObject({ inserted: 1 });
    expect(await writeOptionMatrices(db.pool, 'k1', [{ ...matrixRow(1, 'iv'), time: T0 }], { strikesPerSide: 1 })).toMatchObject({ updated: 1 });
  });
});

describe('candles: missing values', () => {
  it('a candle with a 0 price is refused with the reason (KIS\'s "none"), the others are written', async () => {
    const db = await createTestDb();
    dbs.push(db);
    const rows = [candle(0), candle(1, 'A01612', T0, { open: 0, high: 0, low: 0, close: 0, volume: 0 }), candle(2)];
    expect(await writeCandles(db.pool, 'futures_101', rows)).toMatchObject({ inserted: 2, rejected: 1 });
    const r = await db.pool.query<{ reason: string }>("SELECT reason FROM rejected_rows WHERE table_name = 'futures_101'");
    expect(r.rows.map((x) => x.reason)).toEqual(['open 0 is not a price: a minute without trades has no candle']);
  });
});
