/** `krtrade kis token|price|candles|board`: one-off KIS REST calls (against the simulator without an account). */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UserError } from '../../errors.js';
import { mask } from '../../log.js';
import { boardClassCode, checkBoardExpiry } from '../../kis/endpoints/boards.js';
import { foMarketOf } from '../../kis/endpoints/futures-options.js';
import { FO_MARKETS, type KisMarket, type MinuteBar, type OptionBoard, type OptionSeriesParam, STOCK_MARKETS, type OptionFamily } from '../../kis/types.js';
import { formatKstIso, toKst } from '../../time/kst.js';
import { minuteOption } from './options.js';
import { barLine, boardText, displayFamily, quoteLine } from './kis-text.js';
import { type KisTargetOptions, withKisSession } from './kis-session.js';

interface Common extends KisTargetOptions {
  json?: boolean;
}

/** Stock codes are 6 characters (or `Q` + 6 for ETNs); F/O codes are 6 with a year letter, or 8–9. */
export function isDerivativeCode(code: string): boolean {
  if (code.length >= 8) return true;
  return /^[A-D][0-9A-Z]{2}[0-9A-Z]\d{2}$/.test(code) || /^[1-4]\d{2}[A-Z]\d{2}$/.test(code);
}

function marketFor(code: string, raw?: string): KisMarket {
  if (raw) {
    const m = raw.toUpperCase();
    if (![...STOCK_MARKETS, ...FO_MARKETS].includes(m as KisMarket)) {
      throw new UserError(`--market: expected one of ${[...STOCK_MARKETS, ...FO_MARKETS].join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return m as KisMarket;
  }
  return isDerivativeCode(code) ? foMarketOf(code) : 'J';
}

function checkCode(code: string): string {
  const c = code.trim().toUpperCase();
  if (!/^[0-9A-Z]{6,9}$/.test(c)) throw new UserError(`CODE: expected a KIS short code (6–9 letters/digits), got ${JSON.stringify(code)}`);
  return c;
}

const targetOptions = (c: Command): Command =>
  c
    .option('--account <name>', 'configured KIS account to use (default: the first)')
    .option('--sim-url <url>', 'talk to a running simulator (krtrade sim) instead')
    .option('--json', 'print JSON');

const barJson = (b: MinuteBar): Record<string, unknown> => ({ ...b, time: formatKstIso(b.time) });

export function registerKisCommands(program: Command, ctx: CliContext): Command {
  const kis = program.command('kis').description('KIS REST calls (embedded simulator when no account is configured)');

  targetOptions(kis.command('token').description('issue (or reuse) the shared access token and show its expiry').option('--revoke', 'revoke the token instead'))
    .action((o: Common & { revoke?: boolean }) =>
      withKisSession(ctx, o, async ({ client, target }) => {
        if (o.revoke) {
          const revoked = await client.revokeToken();
          ctx.print({ account: client.name, env: client.env, revoked }, !!o.json, () => (revoked ? `revoked the token of ${target}` : `no token to revoke for ${target}`));
          return;
        }
        const t = await client.token();
        const out = { account: client.name, env: client.env, token: mask(t.token), issuedAt: formatKstIso(toKst(t.issuedAt)), expiresAt: formatKstIso(toKst(t.expiresAt)) };
        ctx.print(out, !!o.json, () => `token ${out.token} for ${target}, expires ${out.expiresAt} KST`);
      }),
    );

  targetOptions(kis.command('price').description('current price of a stock or future/option').argument('<code>', 'KIS short code').option('--market <div>', 'market division (J, NX, UN, F, O, JF, JO, CF, CM, EU)'))
    .action((rawCode: string, o: Common & { market?: string }) => {
      const code = checkCode(rawCode);
      const market = marketFor(code, o.market);
      return withKisSession(ctx, o, async ({ client }) => {
        const q = (STOCK_MARKETS as readonly string[]).includes(market)
          ? await client.stockPrice({ code, market: market as 'J' })
          : await client.foPrice({ code, market: market as 'F' });
        const { fields: _fields, ...summary } = q;
        ctx.print({ market, ...summary }, !!o.json, () => quoteLine(code, q, displayFamily(code, market)));
      });
    });

  targetOptions(
    kis
      .command('candles')
      .description('1-minute bars of a stock or future/option in a KST range (labelled by minute start)')
      .argument('<code>', 'KIS short code')
      .requiredOption('--from <time>', 'first bar, KST YYYY-MM-DDTHH:MM')
      .requiredOption('--to <time>', 'last bar, KST YYYY-MM-DDTHH:MM')
      .option('--market <div>', 'market division (J, NX, UN, F, O, JF, JO, CF, CM, EU)')
      .option('--completed', 'drop the minute still in progress'),
  ).action((rawCode: string, o: Common & { from: string; to: string; market?: string; completed?: boolean }) => {
    const code = checkCode(rawCode);
    const market = marketFor(code, o.market);
    const from = minuteOption('--from', o.from);
    const to = minuteOption('--to', o.to);
    if (to < from) throw new UserError(`--to (${o.to}) is before --from (${o.from})`);
    return withKisSession(ctx, o, async ({ client }) => {
      const bars = await client.fetchMinuteBars({ code, market, from, to, completedOnly: !!o.completed });
      ctx.print(bars.map(barJson), !!o.json, () =>
        bars.length ? bars.map((b) => barLine(b, displayFamily(code, market))).join('\n') : 'no bars in that range',
      );
    });
  });

  targetOptions(
    kis
      .command('board')
      .description('option board (calls and puts with greeks) of one expiry')
      .requiredOption('--expiry <code>', 'monthly YYYYMM, weekly YYMMWW')
      .option('--series <series>', 'monthly | weekly-thu | weekly-mon', 'monthly')
      .option('--family <family>', 'kospi200 | mini | kosdaq150', 'kospi200'),
  ).action((o: Common & { expiry: string; series: string; family: string }) => {
    if (!['monthly', 'weekly-thu', 'weekly-mon'].includes(o.series)) throw new UserError(`--series: expected monthly, weekly-thu or weekly-mon, got ${JSON.stringify(o.series)}`);
    if (!['kospi200', 'mini', 'kosdaq150'].includes(o.family)) throw new UserError(`--family: expected kospi200, mini or kosdaq150, got ${JSON.stringify(o.family)}`);
    checkBoardExpiry(o.expiry, o.series as OptionSeriesParam, '--expiry');
    boardClassCode(o.family as OptionFamily, o.series as OptionSeriesParam, '--series');
    return withKisSession(ctx, o, async ({ client }) => {
      const board = await client.optionBoard({ expiry: o.expiry, series: o.series as OptionSeriesParam, family: o.family as OptionFamily });
      const strip = (r: OptionBoard['calls'][number]): Record<string, unknown> => {
        const { fields: _f, ...rest } = r;
        return rest;
      };
      ctx.print({ ...board, calls: board.calls.map(strip), puts: board.puts.map(strip) }, !!o.json, () => boardText(board));
    });
  });
  return kis;
}
