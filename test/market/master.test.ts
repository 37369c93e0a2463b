import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MasterFileError,
  parseFoIdxMaster,
  readFoIdxMasterFile,
} from '../../src/market/instruments/index.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/fo_idx_code_mts.mst', import.meta.url));
const fixtureText = (): string => iconv.decode(readFileSync(FIXTURE), 'cp949');

describe('fo_idx_code_mts.mst parser', () => {
  it('reads the cp949 fixture: futures, monthly and weekly options, spreads skipped', () => {
    const r = readFoIdxMasterFile(FIXTURE);
    expect(r.errors).toEqual([]);
    expect(r.skipped).toBe(1);
    expect(r.instruments).toHaveLength(19);
    const byCode = new Map(r.instruments.map((i) => [i.code, i]));
    expect(byCode.get('A05610')).toMatchObject({
      kind: 'future',
      family: 'mini',
      name: '미니F 202610',
      expiry: '2026-10-08',
      isin: 'KR4A056A0007',
      underlyingCode: 'MKI',
    });
    // Strikes ≥ 1000 have opaque codes: the master supplies them.
    expect(byCode.get('B01610A48')).toMatchObject({
      strike: 1120,
      atm: 'ATM',
      name: 'C 202610 1,120.0',
      expiry: '2026-10-08',
    });
    expect(byCode.get('B01610A51')).toMatchObject({ strike: 1125, atm: 'OTM' });
    expect(byCode.get('B01610A03')).toMatchObject({ strike: 1010, atm: 'ITM' });
    expect(byCode.get('B01610937')?.strike).toBe(937.5);
    expect(byCode.get('B06610B12')).toMatchObject({ family: 'kosdaq150', strike: 1450, multiplier: 10_000 });
    // Weekly expiry from the YYMMWn label: the 4th Thursday of Sep 2026 is Chuseok, so Wednesday 09-23.
    expect(byCode.get('B09FEWA49')).toMatchObject({
      series: 'weekly-thu',
      strike: 1120,
      expiry: '2026-09-23',
      productType: 'L',
    });
    expect(byCode.get('C09FEWA49')).toMatchObject({ kind: 'put', series: 'weekly-thu' });
    expect(byCode.get('BAFBZWA49')).toMatchObject({
      series: 'weekly-mon',
      expiry: '2026-09-28',
      name: '위클리M C 2609W4 1,120.0',
    });
  });

  it('reports each corrupt line with its number and field, and keeps reading', () => {
    const lines = fixtureText().split('\r\n').filter(Boolean);
    lines[0] = lines[0]!.replace('KR4A01690002', 'KR4A01690009'); // bad ISIN check digit
    lines[6] = lines[6]!.replace('1120.00', 'abc'); // B01610A48 strike
    lines[10] = lines[10]!.replace('937.50', '940.00'); // disagrees with code 937
    lines[11] = lines[11]!.replace(/^6\|/, '5|'); // put code with call type
    lines[12] = lines[12]!.split('|').slice(0, 7).join('|'); // truncated
    lines[16] = lines[16]!.replace('2609W4', '2609'); // weekly name without a week label
    lines.splice(3, 0, 'B|A05613|KR4A05613000|미니F 202613||0|1|MKI|미니KOSPI200'); // month 13 (pushes later lines down)
    lines.push(lines[1]!); // duplicate of A01612
    const r = parseFoIdxMaster(iconv.encode(lines.join('\n'), 'cp949'), { source: 'x.mst' });
    const summary = r.errors.map((e) => [e.line, e.field]);
    expect(summary).toEqual([
      [1, '표준코드'],
      [4, '단축코드'],
      [8, '행사가'],
      [12, '행사가'],
      [13, '상품종류'],
      [14, undefined],
      [18, '한글종목명'],
      [22, '단축코드'],
    ]);
    expect(r.errors[6]!.message).toMatch(/no YYMMWn label/);
    expect(r.errors[7]!.message).toBe('duplicate code A01612 (first on line 2)');
    expect(r.errors[5]!.message).toBe('expected 9 |-separated fields, got 7');
    expect(r.instruments).toHaveLength(19 - 6);
  });

  it('strict mode stops at the first bad line with a one-line error', () => {
    const text = fixtureText().replace('|1120.00|', '|x|');
    expect(() => parseFoIdxMaster(text, { strict: true, source: 'fo.mst' })).toThrow(MasterFileError);
    expect(() => parseFoIdxMaster(text, { strict: true, source: 'fo.mst' })).toThrow(
      /^fo\.mst line 7 field 행사가: expected a positive strike, got "x"$/,
    );
  });

  describe('files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'krt-mst-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('names the file when it cannot be read or is the zip archive', () => {
      expect(() => readFoIdxMasterFile(join(dir, 'none.mst'))).toThrow(/none\.mst: cannot read \(ENOENT\)/);
      const zip = join(dir, 'fo.zip');
      writeFileSync(zip, Buffer.from('PK\x03\x04rest', 'latin1'));
      expect(() => readFoIdxMasterFile(zip)).toThrow(/zip archive; extract fo_idx_code_mts\.mst/);
    });
  });
});
