/** A taken port is one line naming the port and the setting that moves it, and nothing is destroyed first. */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { deleteKeys, testPrefix } from '../helpers/redis.js';

let busy: Server;
let port: number;
let db: TestDb;
let demoDb: TestDb;
const prefix = testPrefix('ports');

beforeAll(async () => {
  busy = createServer();
  port = await new Promise<number>((resolve) => busy.listen(0, '127.0.0.1', () => resolve((busy.address() as { port: number }).port)));
  db = await createTestDb();
  demoDb = await createTestDb({ migrate: false });
  await demoDb.pool.query('CREATE TABLE marker (x int)');
});
afterAll(async () => {
  busy?.close();
  await Promise.all([db?.drop(), demoDb?.drop(), deleteKeys(prefix)]);
});

const env = () => ({ KRTRADE_DATABASE_URL: db.url, KRTRADE_REDIS_PREFIX: prefix });
const oneLine = (stderr: string): string => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at |unexpected error/);
  return stderr.trim();
};

describe('listeners on a taken port', () => {
  it('demo --port: one line, before the demo database is dropped', async () => {
    const r = await runCli(['demo', '--port', String(port), '--database', demoDb.name], { env: env() });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`krtrade: dashboard: port ${port} on 127.0.0.1 is already in use; set dashboard.port (KRTRADE_DASHBOARD__PORT) or pass --port`);
    const marker = await demoDb.pool.query("SELECT to_regclass('marker') AS t");
    expect(marker.rows[0].t).toBe('marker');
  });

  it('demo takes its port from dashboard.port (environment) when --port is not given', async () => {
    const r = await runCli(['demo', '--database', demoDb.name], { env: { ...env(), KRTRADE_DASHBOARD__PORT: String(port) } });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toContain(`port ${port} on 127.0.0.1 is already in use`);
  });

  it('dashboard --port: one line', async () => {
    const r = await runCli(['dashboard', '--insecure-local', '--port', String(port)], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`krtrade: dashboard: port ${port} on 127.0.0.1 is already in use; set dashboard.port`);
    expect(r.stderr).not.toMatch(/\n\s+at |unexpected error/);
  });

  it('sim --port: one line naming sim.port', async () => {
    const r = await runCli(['sim', '--port', String(port), '--ws-port', '0'], { env: env() });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`krtrade: simulator REST: port ${port} on 127.0.0.1 is already in use; set sim.port (KRTRADE_SIM__PORT) or pass --port`);
  });
});
