/**
 * Spreads the resolved subscriptions over the configured app keys so that each key's REST budget is used
 * evenly and none is exceeded. A subscription that names its account keeps it; every other target goes
 * to the eligible key with the most room left. Paper keys never get F/O market data (KIS's paper server
 * does not serve it); stocks may go to any key. Recomputed whenever the subscriptions are resolved, so
 * adding a key rebalances and removing one hands its targets to the others.
 */
import type { BoardTarget, CandleTarget, ResolvedSubscriptions } from './subscriptions.js';

export interface AccountBudget {
  name: string;
  env: 'real' | 'paper';
  /** REST calls per minute this key may spend on scheduled collection (limit × headroom × 60). */
  callsPerMinute: number;
}

/** REST calls a target costs every minute: a candle fetch; a board is the board plus the index bar. */
export const CALLS_PER_MINUTE = { candle: 1, board: 2 } as const;

export interface AccountLoad extends AccountBudget {
  /** Calls per minute assigned (pinned and balanced). */
  load: number;
  targets: number;
}

export interface BalancedSubscriptions extends ResolvedSubscriptions {
  load: AccountLoad[];
}

type Target = CandleTarget | BoardTarget;

const isBoard = (t: Target): t is BoardTarget => 'series' in t;
const costOf = (t: Target): number => (isBoard(t) ? CALLS_PER_MINUTE.board : CALLS_PER_MINUTE.candle);
const isDerivative = (t: Target): boolean => isBoard(t) || t.family !== 'stock';
const keyOf = (t: Target): string => (isBoard(t) ? `board:${t.key}` : `candle:${t.code}`);

/**
 * Returns the subscriptions with accounts assigned, the load per key, and warnings when a key is over
 * budget or F/O data has no real key to go to. Targets marked `pinned` stay on their account.
 */
export function balanceAccounts(r: ResolvedSubscriptions, budgets: readonly AccountBudget[]): BalancedSubscriptions {
  const load = new Map<string, AccountLoad>(budgets.map((b) => [b.name, { ...b, load: 0, targets: 0 }]));
  const assigned = new Map<string, string>();
  const place = (t: Target, account: string): void => {
    assigned.set(keyOf(t), account);
    const l = load.get(account);
    if (!l) return;
    l.load += costOf(t);
    l.targets += 1;
  };
  const all: Target[] = [...r.candles, ...r.boards];
  const warnings = [...r.warnings];
  // A subscription pinning F/O data to a paper key is not honoured: KIS's paper server has no such data.
  const onPaper = (t: Target): boolean => isDerivative(t) && load.get(t.account)?.env === 'paper';
  const misPinned = all.filter((t) => t.pinned && onPaper(t));
  if (misPinned.length) warnings.push(`${misPinned.length} F/O target(s) pinned to a paper app key (${[...new Set(misPinned.map((t) => t.account))].join(', ')}) go to real keys instead: paper keys do not serve F/O market data`);
  for (const t of all) if (t.pinned && !onPaper(t)) place(t, t.account);
  // Heaviest first, then by key: the same inputs always give the same assignment.
  const free = all.filter((t) => !t.pinned || onPaper(t)).sort((a, b) => costOf(b) - costOf(a) || keyOf(a).localeCompare(keyOf(b)));
  let noRealKey = 0;
  for (const t of free) {
    const eligible = [...load.values()].filter((l) => l.env === 'real' || !isDerivative(t));
    if (eligible.length === 0) {
      // Left where it was (a warning says why): it fails at the paper key rather than being dropped silently.
      noRealKey += 1;
      place(t, t.account);
      continue;
    }
    const room = (l: AccountLoad) => (l.load + costOf(t)) / l.callsPerMinute;
    place(t, eligible.reduce((a, b) => (room(b) < room(a) ? b : a)).name);
  }
  if (noRealKey > 0) warnings.push(`${noRealKey} F/O target(s) have no real app key to go to (paper keys do not serve F/O market data); add a real key to kis.accounts`);
  const need = [...load.values()].reduce((s, l) => s + l.load, 0);
  const have = [...load.values()].reduce((s, l) => s + l.callsPerMinute, 0);
  const perKey = Math.min(...budgets.map((b) => b.callsPerMinute));
  for (const l of load.values()) {
    if (l.load <= l.callsPerMinute) continue;
    warnings.push(
      `app key ${l.name} is over its REST budget (${l.load} of ${Math.floor(l.callsPerMinute)} calls/min)` +
        (need > have ? `; the subscriptions need ${need} calls/min and the keys allow ${Math.floor(have)}: add ${Math.ceil((need - have) / perKey)} more app key(s)` : '; pin fewer subscriptions to it'),
    );
  }
  const withAccount = <T extends Target>(t: T): T => ({ ...t, account: assigned.get(keyOf(t)) ?? t.account });
  return { ...r, candles: r.candles.map(withAccount), boards: r.boards.map(withAccount), warnings, load: [...load.values()] };
}

/** The budget of each configured key: its KIS limit by environment, times the headroom, per minute. */
export function accountBudgets(config: {
  kis: { accounts: readonly { name: string; env: 'real' | 'paper' }[]; rateLimit: { realPerSecond: number; paperPerSecond: number; headroom: number } };
}): AccountBudget[] {
  const rl = config.kis.rateLimit;
  return config.kis.accounts.map((a) => ({ name: a.name, env: a.env, callsPerMinute: (a.env === 'real' ? rl.realPerSecond : rl.paperPerSecond) * rl.headroom * 60 }));
}
