/** `krtrade stream status`: the realtime stream across every stream worker (sessions per key, holder, rates, lag, gaps today). */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { clockFromEnv } from '../../time/clock.js';
import { streamStatus } from '../../../workers/stream-serve.js';
import { explainRedisErrors } from './redis-errors.js';

export function registerStreamCommands(program: Command, ctx: CliContext): void {
  const stream = program.command('stream').description('the realtime (WebSocket) stream: `krtrade worker stream` runs it');
  stream
    .command('status')
    .description('sessions per app key and their holder, registrations, records/s, lag, reconnects, takeovers, gaps today')
    .option('--json', 'the status as one JSON object')
    .action(async (o: { json?: boolean }) => {
      const { config } = ctx.config();
      const { status, text } = await explainRedisErrors(() => streamStatus(config, clockFromEnv(), ctx.logger()), config.redis.url);
      process.stdout.write((o.json ? JSON.stringify(status, null, 2) : text) + '\n');
    });
}
