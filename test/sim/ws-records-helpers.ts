/** Realtime records of the simulator's data frames, by field name, for the record-level tests. */
import { REALTIME_LAYOUTS, type RealtimeTrLayout } from '../../src/kis/spec/index.js';
import type { Instrument } from '../../src/market/types.js';
import type { SimulatorHandle } from '../../src/sim/index.js';
import type { KstDate } from '../../src/time/kst.js';
import { type WsClient, splitFrame } from './helpers.js';

const layoutOf = (trId: string): RealtimeTrLayout => (REALTIME_LAYOUTS as Record<string, RealtimeTrLayout>)[trId]!;

/** The nearest-expiry KOSPI200 future the simulator lists on `date`. */
export function frontKospi200Future(sim: SimulatorHandle, date: KstDate): Instrument {
  return sim.market
    .instruments(date)
    .filter((i) => i.kind === 'future' && i.family === 'kospi200')
    .sort((a, b) => (a.expiry! < b.expiry! ? -1 : 1))[0]!;
}

export interface Rec {
  trId: string;
  code: string;
  /** HHMMSS of the record. */
  time: string;
  f: Record<string, string>;
}

/** Every record of a data frame (`0|TR|NNN|…`), fields named by the TR's layout. */
export function parseRecords(frame: string): Rec[] {
  const { trId, count, payload } = splitFrame(frame);
  const fields = layoutOf(trId).fields;
  const values = payload.split('^');
  if (values.length !== count * fields.length)
    throw new Error(`${trId}: ${values.length} values for ${count} records of ${fields.length} fields`);
  const out: Rec[] = [];
  for (let r = 0; r < count; r++) {
    const f: Record<string, string> = {};
    fields.forEach((name, i) => (f[name] = values[r * fields.length + i]!));
    out.push({ trId, code: values[r * fields.length]!, time: f.stck_cntg_hour ?? f.bsop_hour ?? '', f });
  }
  return out;
}

/**
 * Waits until the client holds at least `trades` trade records (TRs ending CNT0, of the codes `codes` when
 * given), then takes every data frame received so far off the client and returns its records in arrival
 * order.
 */
export async function waitForRecords(
  c: WsClient,
  trades: number,
  codes?: readonly string[],
  timeoutMs = 20_000,
): Promise<Rec[]> {
  const isData = (m: string): boolean => m.startsWith('0|');
  const count = (): number =>
    c.messages
      .filter(isData)
      .map((m) => splitFrame(m))
      .filter((f) => f.trId.endsWith('CNT0') && (!codes || codes.includes(f.payload.split('^', 1)[0]!)))
      .reduce((n, f) => n + f.count, 0);
  const deadline = Date.now() + timeoutMs;
  while (count() < trades) {
    if (Date.now() > deadline) throw new Error(`got ${count()} of ${trades} trade records`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const frames = c.messages.filter(isData);
  c.messages.splice(0, c.messages.length, ...c.messages.filter((m) => !isData(m)));
  return frames.flatMap((m) => parseRecords(m));
}
