/** `krtrade kis stream CODE...`: prints parsed realtime records live (embedded simulator without an account). */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { Redis } from 'ioredis';
import type { CliContext } from '../context.js';
import { UserError } from '../../errors.js';
import { createKisClient, type KisClient } from '../../kis/client.js';
import { KIS_HOSTS } from '../../kis/spec/index.js';
import { KisWsClient, SUPPORTED_TRS, approvalKeyFrom, type WsRecord } from '../../kis/ws/index.js';
import { type Clock, clockFromEnv } from '../../time/clock.js';
import { formatKstIso } from '../../time/kst.js';

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

const n = (v: number | null, w = 10): string => (v === null ? '-' : String(v)).padStart(w);

export function recordLine(r: WsRecord): string {
  const head = `${formatKstIso(r.time).slice(11)} ${r.tradingDate} ${r.tr} ${r.code.padEnd(9)}`;
  switch (r.kind) {
    case 'stock-trade':
    case 'futures-trade':
    case 'option-trade':
      return `${head} ${n(r.price)} x${String(r.qty).padEnd(6)} vol ${r.cumVolume}${r.kind === 'option-trade' && r.iv !== null ? ` iv ${r.iv}` : ''}`;
    case 'book':
      return `${head} ask ${n(r.asks[0] ?? null)} (${r.askQtys[0]}) bid ${n(r.bids[0] ?? null)} (${r.bidQtys[0]})`;
    case 'fo-notice':
      return `${head} ${r.fill ? 'FILL' : 'ORDER'} ${r.side ?? '?'} ${r.qty} @ ${r.price} order ${r.orderNo}`;
  }
}

const toJson = (r: WsRecord): Record<string, unknown> => ({ ...r, time: formatKstIso(r.time) });

interface Target {
  url: string;
  appKey: string;
  kis: KisClient;
  clock: Clock;
  label: string;
  /** For the one-session-per-app-key lease shared with every other krtrade process (real accounts). */
  lease?: { redis: Redis; prefix: string };
  close(): Promise<void>;
}

async function openTarget(ctx: CliContext, o: StreamOptions): Promise<Target> {
  const { config } = ctx.config();
  const logger = ctx.logger();
  const common = {
    redisUrl: config.redis.url, custtype: config.kis.custtype, requestTimeoutMs: config.kis.requestTimeoutMs,
    tokenRefreshBeforeMs: config.kis.tokenRefreshBeforeMs, tokenIssueIntervalMs: config.kis.tokenIssueIntervalMs, rateLimit: config.kis.rateLimit, logger,
  };
  if (config.kis.accounts.length) {
    const acct = o.account ? config.kis.accounts.find((a) => a.name === o.account) : config.kis.accounts[0];
    if (!acct) throw new UserError(`--account: no KIS account named ${JSON.stringify(o.account)}`);
    const clock = clockFromEnv();
    const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 2 });
    const kis = createKisClient({ ...common, redis, prefix: config.redis.prefix, clock, account: { name: acct.name, env: acct.env, appKey: acct.appKey, appSecret: acct.appSecret, ...(acct.restUrl ? { restUrl: acct.restUrl } : {}) } });
    return {
      url: acct.wsUrl ?? KIS_HOSTS[acct.env].ws, appKey: acct.appKey, kis, clock, label: `KIS ${acct.env} account ${acct.name}`,
      lease: { redis, prefix: config.redis.prefix },
      async close() {
        await kis.close();
        await redis.quit().catch(() => redis.disconnect());
      },
    };
  }
  if (o.account) throw new UserError(`--account ${o.account}: no KIS accounts are configured (the embedded simulator is used)`);
  const { startSimulator } = await import('../../sim/index.js');
  const sim = await startSimulator({
    seed: config.sim.seed, speed: config.sim.speed, mode: config.sim.mode, host: '127.0.0.1', port: 0, wsPort: 0,
    ...(config.sim.start ? { start: config.sim.start } : {}),
  });
  // A private namespace: this simulator's approval keys mean nothing to any other.
  const prefix = `${config.redis.prefix}:cli-sim-${randomBytes(4).toString('hex')}`;
  const kis = createKisClient({ ...common, prefix, clock: sim.clock, account: { name: 'sim', env: config.sim.mode, appKey: sim.appKey, appSecret: sim.appSecret, restUrl: sim.restUrl } });
  return {
    url: sim.wsUrl, appKey: sim.appKey, kis, clock: sim.clock, label: 'embedded simulator',
    async close() {
      await kis.close();
      const r = new Redis(config.redis.url, { maxRetriesPerRequest: 1 });
      try {
        for await (const keys of r.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<string[]>) if (keys.length) await r.del(...keys);
      } catch {
        // Best effort: the keys expire anyway.
      } finally {
        r.disconnect();
      }
      await sim.close();
    },
  };
}

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
      const target = await openTarget(ctx, o);
      const client = new KisWsClient({
        url: target.url, appKey: target.appKey, approvalKey: approvalKeyFrom(target.kis), clock: target.clock,
        custtype: config.kis.custtype, settings: config.kis.ws, logger: ctx.logger(),
        ...(target.lease ? { redis: target.lease.redis, redisPrefix: target.lease.prefix } : {}),
      });
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
        process.stderr.write(`streaming ${pairs.map((p) => `${p.tr}/${p.code}`).join(', ')} from ${target.label}${durationMs ? ` for ${o.duration}` : ' (Ctrl-C to stop)'}\n`);
        client.start();
        const subscribed = Promise.all(pairs.map((p) => client.subscribe(p.tr, p.code)));
        await Promise.race([subscribed, stopped]);
        await stopped;
      } finally {
        clearTimeout(timer);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await client.close();
        await target.close();
        process.stderr.write(`${count} records\n`);
      }
    });
}
