/**
 * What "as KIS sends it" means for one header block or one field value; shared by the REST and realtime
 * conformance walks. Only facts that hold for every KIS layout live here (value units and meanings are
 * tested next to the code that produces them).
 */
import { expect } from 'vitest';

/** `Content-Type`, `Keep-Alive`, `Date`…: how KIS's gateway (and Node) spell standard header names. */
const TITLE_CASE = /^[A-Z][A-Za-z0-9]*(-[A-Z][A-Za-z0-9]*)*$/;

/**
 * Header names exactly as on the wire: `Content-Type` capitalised, KIS's own headers of the layout
 * (`tr_id`, `tr_cont`, `gt_uid`) in lower case, and no other lower-case name. KIS's official Python client
 * turns every all-lower-case name into a namedtuple field, so one lower-case `content-type` crashes it.
 */
export function expectKisHeaderCasing(
  headers: readonly [string, string][],
  layoutHeaders: readonly string[],
): void {
  const names = headers.map(([n]) => n);
  const own = layoutHeaders.filter((h) => h !== 'content-type');
  expect(
    names.filter((n) => n === 'Content-Type'),
    `Content-Type in ${names.join(', ')}`,
  ).toHaveLength(1);
  for (const h of own)
    expect(
      names.filter((n) => n === h),
      `${h} in ${names.join(', ')}`,
    ).toHaveLength(1);
  for (const n of names) expect(own.includes(n) || TITLE_CASE.test(n), `header name ${n}`).toBe(true);
  expect(new Set(names.map((n) => n.toLowerCase())).size, `a header twice: ${names.join(', ')}`).toBe(
    names.length,
  );
}

/** A JavaScript value leaking into the text KIS would send. */
const ARTEFACT = /(^|[^A-Za-z])(NaN|nan|undefined|null|Infinity|\[object)([^A-Za-z]|$)/;

/** One field value: a string, no JS artefact, and the shape the field's name promises. */
export function expectWireValue(where: string, field: string, value: unknown): void {
  expect(typeof value, where).toBe('string');
  const v = value as string;
  expect(ARTEFACT.test(v), `${where} = ${JSON.stringify(v)}`).toBe(false);
  // A one-character flag: Y/N mostly, digits on the notices (rfus_yn 0/1, cntg_yn 1/2, acpt_yn 1/2/3).
  if (field.endsWith('_yn')) expect(v, where).toMatch(/^[YN0-9]?$/);
  if (field.endsWith('_date')) expect(v, where).toMatch(/^(\d{8})?$/);
  if (field.endsWith('_hour')) expect(v, where).toMatch(/^(\d{6})?$/);
}
