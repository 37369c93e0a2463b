/** `krtrade instruments --master kospi_code.mst|kosdaq_code.mst [--code 005930]`: KIS's stock masters. */
import type { CliContext } from '../context.js';
import { UserError } from '../../errors.js';
import { MISSING, formatNumber } from '../../market/format.js';
import { readStockMasterFile, type StockMarket, type StockMasterRow } from '../../market/instruments/stock-master.js';

const line = (s: StockMasterRow): string =>
  `${s.code.padEnd(8)} ${s.market.padEnd(6)} ${s.group} ${formatNumber(s.basePrice, 0).padStart(11)}  ${s.name}`;

export function printStockMaster(ctx: CliContext, path: string, market: StockMarket, code: string | undefined, json: boolean): void {
  const r = readStockMasterFile(path, market);
  for (const e of r.errors.slice(0, 20)) process.stderr.write(`warning: ${path} line ${e.line}: ${e.message}\n`);
  if (code !== undefined) {
    const found = r.stocks.find((s) => s.code === code);
    if (!found) throw new UserError(`code ${code} is not in ${path}`);
    return ctx.print(found, json, () => `${found.code}: ${found.name}\n  ${found.market}, group ${found.group}, ISIN ${found.standardCode}, reference price ${found.basePrice === null ? MISSING : `${formatNumber(found.basePrice, 0)} KRW`}`);
  }
  ctx.print({ stocks: r.stocks, errors: r.errors }, json, () => [...r.stocks.map(line), `${r.stocks.length} stocks${r.errors.length ? `, ${r.errors.length} bad lines` : ''}`].join('\n'));
}
