/** `krtrade kis stream CODE...`: prints parsed realtime records live (embedded simulator without an account). */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UserError } from '../../errors.js';
import { KisWsClient, SUPPORTED_TRS, approvalKeyFrom, type WsRecord } from '../../kis/ws/index.js';
import { formatKstIso, toKst } from '../../time/kst.js';
import { loadCalendar } from '../../market/calendar/load.js';
import { closedMarketNote, productsOf } from './market-hours.js';
import { openKisSession } from './kis-session.js';
import { recordLine } from './kis-text.js';
import { explainRedisErrors } from './redis-errors.js';

interface StreamOptions {
  tr?: string;
  account?: string;
  duration?: string;
  json?: boolean;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2] ?? 's']! : NaN;
  if (!(ms > 0)) throw new UserError(`--duration: expected e.g. 30s, 5m, 1h, got ${JSON.stringify(raw)}`);
  return ms;
}

/** The default TR for a code: options are 8–9 characters, futures 6 with a letter, stocks 6 digits (or Q + 6). */
export function defaultTrFor(code: string): string {
  if (code.length >= 8) return 'H0IOCNT0';
  if (/^[A-D]\d{2}[0-9A-Z]\d{2}$/.test(code) || /^[1-4]\d{2}[A-Z]\d{2}$/.test(code)) return 'H0IFCNT0';
  return 'H0STCNT0';
}

const toJson = (r: WsRecord): Record<string, unknown> => ({ ...r, time: formatKstIso(r.time) });

export function registerKisStreamCommand(kis: Command, ctx: CliContext): void {
  kis
    .command('stream')
    .description('print parsed realtime (WebSocket) records live; the embedded simulator when no account is configured')
    .argument('<codes...>', 'instrument codes (the HTS ID for notice TRs)')
    .option('--tr <ids>', `realtime TR(s), comma-separated (default by code: H0STCNT0 / H0IFCNT0 / H0IOCNT0); one of ${SUPPORTED_TRS.join(', ')}`)
    .option('--account <name>', 'configured KIS account to use (default: the first)')
    .option('--duration <time>', 'stop after this long, e.g. 30s, 5m (default: until Ctrl-C)')
    .option('--json', 'one JSON object per record and line')
    .action(async (codes: string[], o: StreamOptions) => {
      const trs = o.tr ? o.tr.split(',').map((t) => t.trim().toUpperCase()).filter(Boolean) : undefined;
      for (const t of trs ?? []) if (!SUPPORTED_TRS.includes(t)) throw new UserError(`--tr: ${JSON.stringify(t)} is not supported; use one of ${SUPPORTED_TRS.join(', ')}`);
      const durationMs = o.duration ? parseDuration(o.duration) : undefined;
      const pairs = codes.flatMap((code) => (trs ?? [defaultTrFor(code)]).map((tr) => ({ tr, code })));
      const { config } = ctx.config();
      if (pairs.length > config.kis.ws.maxSubscriptionsPerSession) {
        throw new UserError(`${pairs.length} subscriptions requested; one KIS session allows ${config.kis.ws.maxSubscriptionsPerSession}`);
      }
      const target = await openKisSession(ctx, o.account ? { account: o.account } : {});
      if (!target.ws) {
        await target.close();
        throw new UserError(`${target.target} has no known WebSocket endpoint`);
      }
      const client = new KisWsClient({
        url: target.ws.url, appKey: target.ws.appKey, approvalKey: approvalKeyFrom(target.client), clock: target.client.clock,
        custtype: config.kis.custtype, settings: config.kis.ws, logger: ctx.logger(),
        ...(target.lease ? { redis: target.lease.redis, redisPrefix: target.lease.prefix } : {}),
      });
      const closed = closedMarketNote(await loadCalendar(config), [...new Set(pairs.flatMap((p) => productsOf(p.code, p.tr)))], toKst(target.client.clock.now()));
      let count = 0;
      client.on('record', (r) => {
        count++;
        process.stdout.write((o.json ? JSON.stringify(toJson(r)) : recordLine(r)) + '\n');
      });
      client.on('error', (e) => process.stderr.write(`krtrade: ${e.message}\n`));
      client.on('gap', (g) => process.stderr.write(`krtrade: gap ${formatKstIso(g.from)} → ${formatKstIso(g.to)} (${g.subscriptions.length} subscriptions; backfill it)\n`));
      let stop!: () => void;
      const stopped = new Promise<void>((r) => (stop = r));
      const onSignal = (): void => stop();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const timer = durationMs ? setTimeout(stop, durationMs) : undefined;
      try {
        process.stderr.write(`streaming ${pairs.map((p) => `${p.tr}/${p.code}`).join(', ')} from ${target.target}${durationMs ? ` for ${o.duration}` : ' (Ctrl-C to stop)'}\n`);
        if (closed) process.stderr.write(`krtrade: ${closed}: no records until then\n`);
        client.start();
        const subscribed = Promise.all(pairs.map((p) => client.subscribe(p.tr, p.code)));
        await explainRedisErrors(() => Promise.race([subscribed, stopped]), config.redis.url);
        await stopped;
      } finally {
        clearTimeout(timer);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await client.close();
        await target.close();
        const rejected = Object.entries(client.counters.rejected).filter(([, n]) => n > 0);
        process.stderr.write(`${count} records${count === 0 && closed ? ` (${closed})` : ''}${rejected.length ? `; rejected (not delivered): ${rejected.map(([r, n]) => `${r} ${n}`).join(', ')}` : ''}\n`);
      }
    });
}
