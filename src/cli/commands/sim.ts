/** `krtrade sim`: runs the KIS simulator in the foreground until Ctrl-C / SIGTERM. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { intOption } from '../context.js';
import { UserError } from '../../errors.js';
import { parseFaults, startSimulator, type SimMode } from '../../sim/index.js';
import { MAX_STOCKS } from '../../sim/market/index.js';

interface SimCliOptions {
  host?: string;
  port?: string;
  wsPort?: string;
  seed?: string;
  stocks?: string;
  speed?: string;
  start?: string;
  mode?: string;
  faults?: string;
  pingInterval?: string;
  strictPing?: string;
  night24?: boolean;
  json?: boolean;
}

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new UserError(`${name}: expected a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

export function registerSimCommands(program: Command, ctx: CliContext): void {
  program
    .command('sim')
    .description(
      'run the KIS simulator (REST + WebSocket) on this machine; prints the URLs and a test app key',
    )
    .option('--host <host>', 'address to listen on (default: sim.host, 127.0.0.1)')
    .option('--port <port>', 'REST port, 0 = any free port (default: sim.port, 9443)')
    .option('--ws-port <port>', 'WebSocket port, 0 = any free port (default: sim.wsPort, 21000)')
    .option('--seed <n>', 'market seed (default: sim.seed, 7)')
    .option(
      '--stocks <n>',
      `stocks to list: 32 hand-made, more generated from the seed (1..${MAX_STOCKS}, default 32)`,
    )
    .option('--speed <x>', 'simulated seconds per real second (default: sim.speed, 1)')
    .option('--start <YYYY-MM-DDTHH:MM>', 'simulated KST start (default: now)')
    .option('--mode <real|paper>', 'environment of the printed key (default: sim.mode, real)')
    .option(
      '--faults <spec>',
      'e.g. drop=30s,http5xx=0.05,latency=200ms,ratelimit-storm=10s,malformed-json=0.01,truncated=0.01,invalid-utf8=0.01,lockout',
    )
    .option('--ping-interval <ms>', 'PINGPONG period in real milliseconds (default 100000)')
    .option(
      '--strict-ping <periods>',
      'drop WebSocket clients that leave this many PINGPONGs in a row unanswered (default: never)',
    )
    .option('--night24', 'encode after-midnight realtime times as 24..29 h instead of 00..05')
    .option('--json', 'print the connection details as JSON')
    .action(async (opts: SimCliOptions) => {
      const cfg = ctx.config().config.sim;
      const mode = (opts.mode ?? cfg.mode) as SimMode;
      if (mode !== 'real' && mode !== 'paper')
        throw new UserError(`--mode: expected real or paper, got ${JSON.stringify(opts.mode)}`);
      const faults = opts.faults ?? cfg.faults;
      parseFaults(faults); // a bad spec fails here, naming the bad part
      const sim = await startSimulator({
        host: opts.host ?? cfg.host,
        port: opts.port !== undefined ? intOption('--port', opts.port, 0, 65535) : cfg.port,
        wsPort: opts.wsPort !== undefined ? intOption('--ws-port', opts.wsPort, 0, 65535) : cfg.wsPort,
        seed: opts.seed !== undefined ? intOption('--seed', opts.seed) : cfg.seed,
        stocks: opts.stocks !== undefined ? intOption('--stocks', opts.stocks, 1, MAX_STOCKS) : undefined,
        speed: opts.speed !== undefined ? positive('--speed', opts.speed) : cfg.speed,
        start: opts.start ?? cfg.start,
        mode,
        faults,
        pingIntervalMs:
          opts.pingInterval !== undefined ? intOption('--ping-interval', opts.pingInterval, 100) : undefined,
        strictPingPeriods:
          opts.strictPing !== undefined ? intOption('--strict-ping', opts.strictPing, 1) : undefined,
        nightHourEncoding: opts.night24 ? 'plus24' : 'wall',
        logger: ctx.logger(),
      });
      // A local test credential: printing it is the point of this command.
      const info = {
        restUrl: sim.restUrl,
        wsUrl: sim.wsUrl,
        appKey: sim.appKey,
        appSecret: sim.appSecret,
        mode,
        htsId: sim.accounts[0]!.htsId,
      };
      ctx.print(info, !!opts.json, () =>
        [
          `KIS simulator (${mode}) — Ctrl-C to stop`,
          `  REST       ${sim.restUrl}`,
          `  WebSocket  ${sim.wsUrl}/tryitout`,
          `  appkey     ${sim.appKey}`,
          `  appsecret  ${sim.appSecret}`,
          `  HTS ID     ${info.htsId}`,
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string): void => {
          if (stopping) {
            process.stderr.write(`krtrade sim: ${signal} again, exiting now\n`);
            process.exit(130);
          }
          stopping = true;
          process.stderr.write(`krtrade sim: ${signal}, stopping\n`);
          void sim.close().then(resolve);
        };
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
