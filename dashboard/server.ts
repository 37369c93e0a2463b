/**
 * The dashboard: bull-board for every queue (behind basic auth, optionally read-only), read-only SVG
 * charts under `/charts` (same auth), `/health` and `/metrics`. `/health` and `/metrics` stay open for probes
 * and Prometheus; they carry no secrets.
 */
import type { Server } from 'node:http';
import express from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Logger } from '../src/log.js';
import { once } from '../src/pipeline/lifecycle.js';
import { errorMessage } from '../src/errors.js';
import { DASHBOARD_LISTENER, explainListenError } from '../src/net/listen.js';
import { catalog, QUEUE_NAMES, jobsOfQueue } from '../jobs/catalog.js';
import type { Queues } from '../jobs/queues.js';
import { adminOnly, checkAuthSetup, login, roleOf } from './auth.js';
import { sameOriginActions } from './security/same-origin.js';
import { selfContained } from './security/self-contained.js';
import { createMetrics } from './metrics.js';
import { registerStreamMetrics } from '../src/stream/metrics.js';
import { registerRepairMetrics } from './repair-metrics.js';
import { health, type HealthDeps } from './health.js';
import { CHARTS_PATH, chartsRouter } from './charts/routes.js';
import { backtestRouter } from './charts/backtest.js';
import type { StrategyEntry } from '../src/strategy/config.js';
import { PAPER_PATH, paperRouter } from './charts/paper.js';
import { CandleFeed } from '../src/live/candle-bus.js';
import { defaultCalendar, type TradingCalendar } from '../src/market/calendar/index.js';
import { repairAction } from './actions/repair.js';
import { createQueues } from '../jobs/queues.js';
import { SIMULATOR_ACCOUNT } from '../src/pipeline/subscriptions.js';

export interface DashboardOptions extends HealthDeps {
  host: string;
  port: number;
  username?: string;
  password?: string;
  viewerUsername?: string;
  viewerPassword?: string;
  readOnly: boolean;
  /** Put `/health` and `/metrics` behind the login too (default: open for probes and Prometheus). */
  protectProbes?: boolean;
  insecureLocal: boolean;
  queues: Queues;
  log: Logger;
  /** Redis key prefix of the pipeline: live chart updates come from its pub/sub channel. */
  prefix?: string;
  calendar?: TradingCalendar;
  /** The config's `strategies`: `/charts/backtest` resolves names the way live and replay do. */
  strategies?: readonly StrategyEntry[];
  /** KIS account (config name) that repair backfills fetch with (default: the simulator's). */
  account?: string;
}

export interface Dashboard {
  url: string;
  /** Board URL including the path; credentials are never part of it. */
  boardUrl: string;
  /** Chart index URL (same auth as the board). */
  chartsUrl: string;
  auth: boolean;
  close(): Promise<void>;
}

export const BOARD_PATH = '/queues';
/** Every state-changing route of our own pages lives under here (admin only, same-origin only). */
export const ACTIONS_PATH = '/actions';

// Job times in KST wall-clock whatever the browser's zone (labelled once, in the title); links to our pages.
type BoardUi = NonNullable<NonNullable<Parameters<typeof createBullBoard>[0]['options']>['uiConfig']>;
const KST: Intl.DateTimeFormatOptions = { timeZone: 'Asia/Seoul', hourCycle: 'h23' };
const BOARD_UI: BoardUi = {
  boardTitle: 'krtrade · times KST',
  hideDocsLink: true,
  miscLinks: [
    { text: 'Charts', url: '/charts' },
    { text: 'Data quality', url: '/charts/quality' },
  ],
  dateFormats: {
    short: { ...KST, hour: '2-digit', minute: '2-digit', second: '2-digit' },
    common: { ...KST, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' },
    full: { ...KST, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' },
  },
};

function boardRouter(queues: Queues, readOnly: boolean): express.Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: QUEUE_NAMES.map(
      (n) => new BullMQAdapter(queues[n], { readOnlyMode: readOnly, description: jobsOfQueue(n).map((j) => `${j}: ${catalog[j].description}`).join(' · ') }),
    ),
    serverAdapter,
    options: { uiConfig: BOARD_UI },
  });
  return serverAdapter.getRouter() as express.Router;
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const setup = checkAuthSetup(
    o.host,
    { username: o.username, password: o.password, viewerUsername: o.viewerUsername, viewerPassword: o.viewerPassword },
    o.insecureLocal,
  );
  // bull-board's read-only mode is per board, so each role gets its own board on the same path.
  const boards = { admin: boardRouter(o.queues, o.readOnly), viewer: boardRouter(o.queues, true) };
  const registry = createMetrics({ stats: o.stats, queues: o.queues, clock: o.clock });
  if (o.prefix) registerStreamMetrics(registry, o.redis, o.prefix);
  if (o.prefix) registerRepairMetrics(registry, o.redis, o.prefix);

  const app = express();
  app.disable('x-powered-by');
  app.use(selfContained());
  const authenticate = login(setup, o.readOnly);
  const probe = (path: string, h: express.RequestHandler): void => {
    if (o.protectProbes) app.get(path, authenticate, h);
    else app.get(path, h);
  };
  probe('/health', async (_req, res) => {
    const h = await health(o);
    res.status(200).json(h);
  });
  probe('/metrics', async (_req, res) => {
    try {
      res.setHeader('Content-Type', registry.contentType);
      res.send(await registry.metrics());
    } catch (e) {
      res.status(500).send(`metrics unavailable: ${errorMessage(e)}`);
    }
  });
  app.use(authenticate, sameOriginActions());
  app.use(BOARD_PATH, (req, res, next) => boards[roleOf(res)](req, res, next));
  const feed = o.prefix ? new CandleFeed(o.redis, o.prefix) : undefined;
  app.use(PAPER_PATH, paperRouter(o.pool, o.log));
  app.use(CHARTS_PATH, chartsRouter(o.pool, o.log, { calendar: o.calendar ?? defaultCalendar(), clock: o.clock, redis: o.redis, ...(o.prefix ? { prefix: o.prefix } : {}), ...(feed ? { feed } : {}) }));
  app.use(`${CHARTS_PATH}/backtest`, backtestRouter(o.pool, o.log, o.strategies));
  app.use(ACTIONS_PATH, adminOnly());
  const actionQueues = o.prefix ? createQueues(o.redis, o.prefix, { log: o.log }) : undefined;
  if (actionQueues) app.use(`${ACTIONS_PATH}/repair`, repairAction({ ...(o.pool ? { pool: o.pool } : {}), queues: actionQueues, calendar: o.calendar ?? defaultCalendar(), clock: o.clock, log: o.log, account: o.account ?? SIMULATOR_ACCOUNT }));
  app.get('/', (_req, res) => res.redirect(BOARD_PATH));

  const server: Server = await new Promise<Server>((resolve, reject) => {
    const fail = (e: unknown): void => reject(explainListenError(e, o.host, o.port, DASHBOARD_LISTENER));
    const s = app.listen(o.port, o.host, (err?: Error) => (err ? fail(err) : resolve(s)));
    s.on('error', fail);
  }).catch(async (e: unknown) => {
    // The live feed holds a Redis subscriber; left open it would keep a failed start alive.
    await feed?.close();
    await actionQueues?.close();
    throw e;
  });
  server.on('error', (e) => o.log.error({ err: errorMessage(e) }, 'dashboard server error'));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${host}:${port}`;
  return {
    url,
    boardUrl: `${url}${BOARD_PATH}`,
    chartsUrl: `${url}${CHARTS_PATH}`,
    auth: !!setup,
    close: once(async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await feed?.close();
      await actionQueues?.close();
    }),
  };
}
