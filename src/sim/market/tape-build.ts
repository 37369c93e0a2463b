/** Generates one instrument's trades for one trading date from the market's paths, prices and targets. */
import type { Instrument } from '../../market/types.js';
import type { KstDate, KstTime } from '../../time/kst.js';
import { liquidParams } from './day-bar.js';
import { pathX, previousDate } from './factor-path.js';
import { generateTape, snapToTick, type GenerateSpec } from './generator.js';
import type { MarketCoreView } from './core-view.js';
import {
  futureFair,
  futureGrid,
  indexOf,
  optionFair,
  optionGrid,
  stockGrid,
  stockIdioPath,
  type OptionContext,
} from './prices.js';
import { Rng } from './rng.js';
import { tradeWindows } from './sessions.js';
import type { TradeTape } from './tape.js';

export function buildTape(core: MarketCoreView, instrument: Instrument, d: KstDate): TradeTape {
  const base = core.basePrice(instrument, d);
  const windows = tradeWindows(core.cal, instrument, d);
  const paths = windows.length > 0 ? core.path(d) : undefined;
  const rng = Rng.of(core.seed, 'tape', instrument.code, d);
  const common = { code: instrument.code, tradingDate: d, prevClose: base, windows: paths ? windows : [] };
  if (instrument.kind === 'stock') {
    const spec = core.registry.stockSpec(instrument.code)!;
    const name = indexOf(instrument);
    const w = windows[0];
    const seconds = w ? (w.close - w.open) / 1000 : 0;
    const idio = stockIdioPath(
      core.seed,
      core.series,
      spec,
      d,
      previousDate(core.cal, d),
      Math.max(1, seconds),
    );
    const logBase = Math.log(spec.basePrice);
    const fair = (t: KstTime): number => {
      const i = w ? Math.min(seconds, Math.max(0, (t - w.open) / 1000)) : 0;
      return Math.exp(logBase + spec.beta * pathX(paths![name], t) + idio[i]!);
    };
    return liquidTape(core, instrument, d, { ...common, fair, grid: stockGrid(instrument, base) }, rng);
  }
  const ctx: OptionContext | undefined = paths && {
    series: core.series,
    tradingDate: d,
    path: paths.KOSPI200,
  };
  const days = (Date.parse(instrument.expiry!) - Date.parse(d)) / 86_400_000;
  if (instrument.kind === 'future') {
    const name = indexOf(instrument);
    const fctx = paths && { series: core.series, tradingDate: d, path: paths[name] };
    const fair = (t: KstTime): number => futureFair(fctx!, name, instrument.expiry!, t);
    return liquidTape(core, instrument, d, { ...common, fair, grid: futureGrid(instrument, base) }, rng);
  }
  // Options: sparse streams, busiest at the money and in the nearest expiries.
  const spot = core.indexClose('KOSPI200', previousDate(core.cal, d));
  const k = Math.abs(Math.log(instrument.strike! / spot));
  const width = 0.2 * Math.sqrt(Math.max(days, 1) / 365) + 0.01;
  const rate = Math.max(0.0004, 0.05 * Math.exp(-k / width) * (days < 40 ? 1 : 0.25));
  const upper = ctx ? optionUpperLimit(core, instrument, d, base) : Infinity;
  return generateTape(
    {
      ...common,
      fair: (t) => optionFair(ctx!, instrument, t).price,
      grid: optionGrid(instrument, upper),
      rate,
      liquid: false,
      bookAtFair: true,
      size: () => 6,
      valuePerPoint: instrument.multiplier,
    },
    rng,
  );
}

/**
 * Stocks and futures: the generator's liquid mode (a trade every minute, quotes around fair value), made to
 * hit the day's bar fixed in advance when the day trades.
 */
function liquidTape(
  core: MarketCoreView,
  instrument: Instrument,
  d: KstDate,
  spec: Pick<GenerateSpec, 'code' | 'tradingDate' | 'prevClose' | 'windows' | 'fair' | 'grid'>,
  rng: Rng,
): TradeTape {
  const params = liquidParams(core, instrument, d)!;
  return generateTape(
    {
      ...spec,
      rate: params.rate,
      liquid: true,
      bookAtFair: false,
      size: params.size,
      valuePerPoint: params.valuePerPoint,
      target: spec.windows.length > 0 ? core.dayTarget(instrument, d) : undefined,
    },
    rng,
  );
}

/** Upper limit: the option's value if the underlying moved 20 % its way, floored at base + a margin. */
function optionUpperLimit(core: MarketCoreView, instrument: Instrument, d: KstDate, base: number): number {
  const level = core.indexClose('KOSPI200', previousDate(core.cal, d));
  const move = instrument.kind === 'call' ? 1.2 : 0.8;
  const intrinsic = Math.abs(level * move - instrument.strike!);
  const cap = Math.max(base * 3, intrinsic + level * 0.05, 1);
  return snapToTick(optionGrid(instrument, Infinity), cap, 'ceil');
}
