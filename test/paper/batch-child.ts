/**
 * A strategy worker process for the paper crash test: runs the pipeline's strategy adapter (configured
 * strategies + paper broker) over the minutes in PAPER_MINUTES against PAPER_DB_URL, printing `batch i`
 * after each, then `done`. The parent kills it with SIGKILL part-way and starts it again.
 */
import { Writable } from 'node:stream';
import { createPool } from '../../src/db/pool.js';
import { createLogger } from '../../src/log.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { RealClock } from '../../src/time/clock.js';
import type { KstTime } from '../../src/time/kst.js';
import { liveStrategies } from '../../src/strategy/configured.js';
import { paperAfterBatch } from '../../src/paper/index.js';
import { createStrategyRunner } from '../../workers/adapters/strategy.js';
import { PAPER_CONFIG, STRATEGIES } from './setup.js';

const pool = createPool(process.env.PAPER_DB_URL!, { max: 4, applicationName: 'paper-child' });
const minutes = JSON.parse(process.env.PAPER_MINUTES!) as KstTime[];
const cal = defaultCalendar();
const runner = createStrategyRunner(pool, cal, new RealClock(), createLogger({ level: 'silent', stream: new Writable({ write: (_c, _e, cb) => cb() }) }), {
  live: await liveStrategies(STRATEGIES),
  afterBatch: paperAfterBatch(pool, PAPER_CONFIG, cal),
});
for (const [i, m] of minutes.entries()) {
  await runner.runBatch(m, [], []);
  process.stdout.write(`batch ${i}\n`);
}
await pool.end();
process.stdout.write('done\n');
