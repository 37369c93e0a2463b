/**
 * KIS stock masters `kospi_code.mst` / `kosdaq_code.mst` (the files inside KIS's zips): cp949 text, one
 * stock per line: 단축코드 (9, right-padded), 표준코드 (12), 한글명 (variable), then a fixed-width ASCII
 * tail of 227 characters (KOSPI) or 221 (KOSDAQ) whose first fields are 그룹코드 (2), 시가총액규모 (1),
 * three 업종 codes (4 each) and one-character flags (26 on KOSPI, 20 on KOSDAQ), then 기준가 (9).
 * Layout as in KIS's own readers (open-trading-api `stocks_info/kis_kospi_code_mst.py`, `…kosdaq…`).
 */
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { UserError } from '../../errors.js';

export type StockMarket = 'KOSPI' | 'KOSDAQ';

const TAIL: Record<StockMarket, { length: number; flags: number }> = {
  KOSPI: { length: 227, flags: 26 },
  KOSDAQ: { length: 221, flags: 20 },
};

export interface StockMasterRow {
  code: string;
  /** ISIN, e.g. KR7005930003. */
  standardCode: string;
  name: string;
  market: StockMarket;
  /** 그룹코드: ST stock, EF ETF, EN ETN, RT REIT, … */
  group: string;
  /** 기준가 (won): the reference price of the day the master was made. */
  basePrice: number | null;
  line: number;
}

export interface StockMasterResult {
  stocks: StockMasterRow[];
  errors: { line: number; message: string }[];
}

/** The market a master file is for, from its KIS file name; undefined for other masters. */
export function stockMasterMarket(path: string): StockMarket | undefined {
  const base = path.split(/[\\/]/).pop()!.toLowerCase();
  if (base.startsWith('kospi_code')) return 'KOSPI';
  if (base.startsWith('kosdaq_code')) return 'KOSDAQ';
  return undefined;
}

export function parseStockMaster(bytes: Buffer, market: StockMarket): StockMasterResult {
  const { length, flags } = TAIL[market];
  const out: StockMasterResult = { stocks: [], errors: [] };
  iconv
    .decode(bytes, 'cp949')
    .split(/\r?\n/)
    .forEach((text, i) => {
      if (!text.trim()) return;
      const line = i + 1;
      if (text.length < 21 + length) {
        out.errors.push({ line, message: `${text.length} characters, shorter than the ${21 + length} of a ${market} master line` });
        return;
      }
      const tail = text.slice(text.length - length);
      const priceAt = 2 + 1 + 12 + flags;
      const price = tail.slice(priceAt, priceAt + 9).trim();
      out.stocks.push({
        code: text.slice(0, 9).trim(),
        standardCode: text.slice(9, 21).trim(),
        name: text.slice(21, text.length - length).trim(),
        market,
        group: tail.slice(0, 2),
        basePrice: /^\d+$/.test(price) ? Number(price) : null,
        line,
      });
    });
  return out;
}

export function readStockMasterFile(path: string, market: StockMarket): StockMasterResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`master file ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (bytes.subarray(0, 2).toString('latin1') === 'PK')
    throw new UserError(`master file ${path}: this is the zip archive; extract the .mst file from it first`);
  return parseStockMaster(bytes, market);
}
