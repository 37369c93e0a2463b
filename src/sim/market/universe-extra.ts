/**
 * Extra synthetic stocks beyond the hand-made basket of 32, for benchmarks that need hundreds or thousands
 * of instruments. Deterministic from the seed and prefix-stable (the first 50 of 2000 are the 50 you get
 * asking for 50). Codes look like KRX's: six digits ending in 0 (ordinary shares), about one in ten in the
 * post-2024 alphanumeric form (`0126Z0`); never a code of the base basket. Prices spread log-uniformly
 * over 1,000–900,000 KRW (every band of the tick table), KOSPI/KOSDAQ mixed, liquidity a long tail.
 */
import { Rng } from './rng.js';
import type { StockSpec } from './universe.js';

const FIRST = [
  'Hana',
  'Seo',
  'Dae',
  'Min',
  'Jin',
  'Woo',
  'Sol',
  'Bit',
  'Nara',
  'Gaon',
  'Ara',
  'Ro',
  'Han',
  'Yeon',
];
const SECOND = ['bit', 'san', 'ri', 'won', 'jin', 'seong', 'do', 'hae', 'mun', 'gang', 'ul', 'dam'];
const KIND = [
  'Tech',
  'Bio',
  'Materials',
  'Chemical',
  'Foods',
  'Steel',
  'Systems',
  'Pharm',
  'Motors',
  'Energy',
  'Telecom',
  'Logistics',
  'Games',
  'Semicon',
];
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

const logUniform = (rng: Rng, lo: number, hi: number): number =>
  lo * Math.exp(rng.next() * Math.log(hi / lo));
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function codeFrom(rng: Rng): string {
  if (rng.next() < 0.1) {
    // New-style: 4 characters, a letter, a trailing 0.
    return String(rng.int(10_000)).padStart(4, '0') + LETTERS[rng.int(LETTERS.length)]! + '0';
  }
  // Classic: six digits, ordinary shares end in 0 (preferred shares end in 5; not modelled).
  return String(1 + rng.int(99_999)).padStart(5, '0') + '0';
}

function priceLevel(rng: Rng): number {
  const p = logUniform(rng, 1_000, 900_000);
  // A plausible quoted level: 3 significant digits.
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(p)) - 2);
  return Math.round(p / unit) * unit;
}

/** `count` extra stocks for `seed`, none of whose codes is in `taken`. */
export function extraStocks(seed: number, count: number, taken: ReadonlySet<string>): StockSpec[] {
  const used = new Set(taken);
  const out: StockSpec[] = [];
  for (let i = 0; out.length < count; i++) {
    const rng = Rng.of(seed, 'extra-stock', i);
    const code = codeFrom(rng);
    if (used.has(code)) continue;
    used.add(code);
    const market = rng.next() < 0.45 ? 'KOSPI' : 'KOSDAQ';
    const name = `${FIRST[rng.int(FIRST.length)]}${SECOND[rng.int(SECOND.length)]} ${KIND[rng.int(KIND.length)]}`;
    out.push({
      code,
      name,
      market,
      basePrice: priceLevel(rng),
      beta: round3(0.5 + rng.next() * 1.2),
      idioVol: round3((market === 'KOSPI' ? 0.01 : 0.014) + rng.next() * 0.016),
      // Most listed stocks trade far less than the big names: a long tail down to one trade a minute.
      tradeRate: round3(logUniform(rng, 0.02, 0.3)),
    });
  }
  return out;
}
