/** Strategy signals as alerts: an after-batch listener that emits one alert per trading signal. */
import type { Signal } from '../db/types.js';
import { formatKstIso, type KstTime } from '../time/kst.js';
import { emitAlert } from './emit.js';

export function signalAlerts(kinds: readonly string[]): (minute: KstTime, signals: readonly Signal[]) => Promise<void> {
  const wanted = new Set(kinds);
  return async (_minute, signals) => {
    for (const s of signals) {
      if (!wanted.has(s.kind)) continue;
      await emitAlert({
        kind: 'signal',
        severity: 'info',
        title: `${s.strategy}: ${s.kind} ${s.symbol}`,
        text: s.value === null ? '' : `at ${s.value}`,
        time: s.time,
        // The natural key of a signal: a retried batch re-emits the same key and is not sent twice.
        key: `signal|${s.strategy}|${s.symbol}|${formatKstIso(s.time)}|${s.kind}`,
        data: { strategy: s.strategy, symbol: s.symbol, signal: s.kind, value: s.value },
      });
    }
  };
}
