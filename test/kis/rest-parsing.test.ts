/** Response parsing from the shared layouts: typing, tolerance, and format errors that name the field. */
import { describe, expect, it } from 'vitest';
import { KisResponseFormatError } from '../../src/kis/errors.js';
import { convertField, fieldKind } from '../../src/kis/fields.js';
import { findBlock, readArray, readObject } from '../../src/kis/response.js';
import { ENDPOINTS } from '../../src/kis/spec/index.js';

/** A full row for a layout block with every field filled according to its kind. */
function fullRow(fields: readonly string[]): Record<string, string> {
  const kindValue = { number: '12.5', text: 'X', date: '20261124', hhmmss: '091500' } as const;
  return Object.fromEntries(fields.map((f) => [f, kindValue[fieldKind(f)]]));
}

const barFields = ENDPOINTS.stockMinutesToday.blocks.output2!.fields;

function formatError(fn: () => unknown): KisResponseFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KisResponseFormatError);
    return e as KisResponseFormatError;
  }
  throw new Error('expected a KisResponseFormatError');
}

describe('field kinds', () => {
  it('converts KIS strings by kind and rejects malformed values', () => {
    expect(convertField('number', ' -0.0350 ')).toEqual({ ok: true, value: -0.035 });
    expect(convertField('number', '+12')).toEqual({ ok: true, value: 12 });
    expect(convertField('number', '')).toEqual({ ok: true, value: undefined });
    expect(convertField('number', '12a').ok).toBe(false);
    expect(convertField('date', '20261124')).toEqual({ ok: true, value: '2026-11-24' });
    expect(convertField('date', '20261131').ok).toBe(false);
    expect(convertField('hhmmss', '253000')).toEqual({ ok: true, value: '253000' });
    expect(convertField('hhmmss', '0915').ok).toBe(false);
    expect(convertField('text', ' 삼성전자 ')).toEqual({ ok: true, value: '삼성전자' });
    expect(convertField('number', { a: 1 }).ok).toBe(false);
  });

  it('classifies codes, dates and times (everything else in the layouts is numeric)', () => {
    expect(fieldKind('stck_bsop_date')).toBe('date');
    expect(fieldKind('stck_cntg_hour')).toBe('hhmmss');
    expect(fieldKind('optn_shrn_iscd')).toBe('text');
    expect(fieldKind('prdy_vrss_sign')).toBe('text');
    expect(fieldKind('hts_ints_vltl')).toBe('number');
  });
});

describe('reading blocks by layout', () => {
  it('types every layout field and drops unknown extras', () => {
    const row = { ...fullRow(barFields), brand_new_field: 'whatever' };
    const [r] = readArray('stockMinutesToday', { rt_cd: '0', output2: [row] }, 'output2', ['stck_prpr']);
    expect(r!.stck_prpr).toBe(12.5);
    expect(r!.stck_bsop_date).toBe('2026-11-24');
    expect(r!.stck_cntg_hour).toBe('091500');
    expect(r).not.toHaveProperty('brand_new_field');
  });

  it('names endpoint, row and field when a required field is missing or malformed', () => {
    const good = fullRow(barFields);
    const { cntg_vol: _missing, ...noVolume } = good;
    const e1 = formatError(() => readArray('stockMinutesToday', { output2: [good, noVolume] }, 'output2', ['cntg_vol']));
    expect(e1.field).toBe('output2[1].cntg_vol');
    expect(e1.message).toContain(ENDPOINTS.stockMinutesToday.path);
    expect(e1.message).toContain('is missing');
    const e2 = formatError(() => readArray('stockMinutesToday', { output2: [{ ...good, stck_cntg_hour: '9:15' }] }, 'output2', ['stck_cntg_hour']));
    expect(e2.field).toBe('output2[0].stck_cntg_hour');
    expect(e2.message).toContain('expected HHMMSS');
    expect(e2.retryable).toBe(false);
  });

  it('leaves malformed optional fields undefined instead of failing', () => {
    const [r] = readArray('stockMinutesToday', { output2: [{ ...fullRow(barFields), acml_tr_pbmn: 'n/a' }] }, 'output2', ['stck_prpr']);
    expect(r!.acml_tr_pbmn).toBeUndefined();
    expect(r!.stck_prpr).toBe(12.5);
  });

  it('accepts output for output1 and back, and any letter case (reference §9.6)', () => {
    const row = fullRow(ENDPOINTS.optionExpiries.blocks.output!.fields);
    expect(readArray('optionExpiries', { output1: [row] }, 'output', ['mtrt_yymm'])[0]!.mtrt_yymm).toBe('X');
    expect(findBlock({ Output2: [1] }, 'output2')).toEqual([1]);
    const price = fullRow(ENDPOINTS.foPrice.blocks.output1!.fields);
    expect(readObject('foPrice', { output: price }, 'output1', ['futs_prpr'], 'F').futs_prpr).toBe(12.5);
  });

  it('treats a missing array block, an empty object and blank padding rows as no data', () => {
    expect(readArray('stockMinutesToday', { rt_cd: '0' }, 'output2', ['stck_prpr'])).toEqual([]);
    expect(readArray('stockMinutesToday', { output2: {} }, 'output2', ['stck_prpr'])).toEqual([]);
    const blank = Object.fromEntries(barFields.map((f) => [f, '']));
    expect(readArray('stockMinutesToday', { output2: [blank] }, 'output2', ['stck_prpr'])).toEqual([]);
  });

  it('requires object blocks to be present and to be objects', () => {
    expect(formatError(() => readObject('stockPrice', { rt_cd: '0' }, 'output', ['stck_prpr'])).field).toBe('output');
    expect(formatError(() => readObject('stockPrice', { output: 'oops' }, 'output', ['stck_prpr'])).message).toContain('expected an object');
  });
});
