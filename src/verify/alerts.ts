/**
 * `verification_failed` alerts: candle minutes still missing after repair (the scheduler's repair loop gave
 * up on them, or `krtrade verify --repair` ends incomplete). One alert per instrument and trading date; the
 * key names the missing range, so the same finding repeated is sent once.
 */
import { emitAlert } from '../alerts/emit.js';
import { type KstDate, type KstTime, formatKst, formatKstIso } from '../time/kst.js';

export interface VerificationFailure {
  /** Who found it: `repair loop` or `verify --repair`. */
  source: string;
  instrument: string;
  tradingDate: KstDate;
  /** Still missing, ascending (may be empty with `error`). */
  missing: readonly KstTime[];
  /** The instrument could not be checked at all. */
  error?: string;
  /** When it was found. */
  time: KstTime;
}

export async function emitVerificationFailed(prefix: string, f: VerificationFailure): Promise<number> {
  const first = f.missing[0];
  const last = f.missing.at(-1);
  const range = first !== undefined && last !== undefined ? `${formatKst(first).slice(0, 16)}–${formatKst(last).slice(11, 16)} KST` : '';
  const what = f.error ? `not checked: ${f.error}` : `${f.missing.length} minute${f.missing.length === 1 ? '' : 's'} still missing (${range})`;
  return emitAlert({
    kind: 'verification_failed',
    severity: 'warning',
    time: f.time,
    title: `${f.instrument} ${f.tradingDate}: ${what}`.slice(0, 200),
    text: `found by the ${f.source} after its repair attempts; a minute without trades has no bar, otherwise backfill it with \`krtrade verify --date ${f.tradingDate} --symbol ${f.instrument} --repair\``,
    key: `verification_failed|${prefix}|${f.instrument}|${f.tradingDate}|${first === undefined ? 'error' : formatKstIso(first)}|${last === undefined ? '' : formatKstIso(last)}|${f.missing.length}`,
    data: { instrument: f.instrument, tradingDate: f.tradingDate, missing: f.missing.length, source: f.source },
  });
}
