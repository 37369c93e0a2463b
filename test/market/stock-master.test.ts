/** KIS stock masters (cp949, fixed-width tail) and `instruments --code 005930` naming the stock. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseStockMaster } from '../../src/market/instruments/stock-master.js';
import { runCli } from '../helpers/cli.js';

/** One master line as KIS writes it: code padded to 9, ISIN, name, then the ASCII tail. */
function masterLine(code: string, isin: string, name: string, tailLength: number, flags: number, price: number, group = 'ST'): string {
  const head = `${group}3${'0001'.repeat(3)}${'N'.repeat(flags)}${String(price).padStart(9, '0')}`;
  return `${code.padEnd(9)}${isin}${name}${head.padEnd(tailLength, '0')}`;
}

const dir = mkdtempSync(join(tmpdir(), 'krt-stock-master-'));
const kospi = join(dir, 'kospi_code.mst');
writeFileSync(
  kospi,
  iconv.encode(
    [masterLine('005930', 'KR7005930003', '삼성전자', 227, 26, 72400), masterLine('000660', 'KR7000660001', 'SK하이닉스', 227, 26, 181500), 'short line', ''].join('\n'),
    'cp949',
  ),
);
const kosdaq = join(dir, 'kosdaq_code.mst');
writeFileSync(kosdaq, iconv.encode(masterLine('247540', 'KR7247540008', '에코프로비엠', 221, 20, 99000) + '\n', 'cp949'));

describe('KIS stock masters', () => {
  it('reads code, ISIN, Korean name and reference price; a short line is an error with its number', () => {
    const r = parseStockMaster(iconv.encode([masterLine('005930', 'KR7005930003', '삼성전자', 227, 26, 72400), 'short'].join('\r\n'), 'cp949'), 'KOSPI');
    expect(r.stocks).toEqual([{ code: '005930', standardCode: 'KR7005930003', name: '삼성전자', market: 'KOSPI', group: 'ST', basePrice: 72400, line: 1 }]);
    expect(r.errors).toEqual([{ line: 2, message: expect.stringContaining('shorter than the 248') }]);
  });

  it('instruments --code 005930 --master kospi_code.mst names the stock; KOSDAQ tails are 221 wide', async () => {
    const r = await runCli(['instruments', '--code', '005930', '--master', kospi]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('005930: 삼성전자');
    expect(r.stdout).toContain('reference price 72,400 KRW');
    const q = await runCli(['instruments', '--code', '247540', '--master', kosdaq, '--json']);
    expect(JSON.parse(q.stdout)).toMatchObject({ name: '에코프로비엠', market: 'KOSDAQ', basePrice: 99000 });
  });

  it('without a master, the code alone says where the name is', async () => {
    const r = await runCli(['instruments', '--code', '005930']);
    expect(r.stdout.split('\n')[0]).toBe("005930: (the name is in KIS's stock master: add --master kospi_code.mst or kosdaq_code.mst)");
  });
});
