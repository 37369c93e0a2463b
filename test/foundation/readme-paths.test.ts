/**
 * The README's two newcomer paths, top to bottom on a fresh database: the demo, and the production commands
 * of the quickstart as written there, through `bin/krtrade` (the supervisor entry point: SIGTERM stops it
 * cleanly because the script execs node).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_URL } from '../helpers/db.js';
import { freePort } from '../helpers/ports.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';

const ENTRY = fileURLToPath(new URL('../../bin/krtrade', import.meta.url));
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const QUICKSTART = README.slice(README.indexOf('## Quickstart'), README.indexOf('## Tests'));
/** Step 3 of the quickstart: the production commands. */
const PRODUCTION_STEP = QUICKSTART.slice(QUICKSTART.indexOf('\n3. '), QUICKSTART.indexOf('\n4. '));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

function freshDatabase(): { name: string; url: string } {
  const name = `krt_test_readme_${randomBytes(4).toString('hex')}`;
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  return { name, url: ADMIN_URL.replace(/\/[^/]*$/, `/${name}`) };
}

async function baseEnv(extra: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('KIS_') || k.startsWith('KRTRADE_')) delete env[k];
  const prefix = testPrefix('readme');
  cleanups.push(() => deleteKeys(prefix));
  return {
    ...env,
    KRTRADE_REDIS_URL: REDIS_URL,
    KRTRADE_REDIS_PREFIX: prefix,
    KRTRADE_SIM__PORT: String(await freePort()),
    KRTRADE_SIM__WS_PORT: String(await freePort()),
    KRTRADE_SIM__START: '2026-11-24T08:59:30',
    KRTRADE_SIM__SPEED: '60',
    KRTRADE_PIPELINE__SUBSCRIPTIONS: JSON.stringify([{ rule: 'stocks', codes: ['005930'] }, { rule: 'front-future', family: 'kospi200' }]),
    ...extra,
  };
}

interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function start(args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(ENTRY, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => out, exited };
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const p = start(args, env);
  return { code: await p.exited, output: p.output() };
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, proc: Proc): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function distinctSymbols(url: string, table: 'candles_1m' | 'ticks'): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ n: number }>(`SELECT count(DISTINCT symbol)::int AS n FROM ${table}`)).rows[0]!.n;
  } finally {
    await c.end();
  }
}
const candleCount = (url: string): Promise<number> => distinctSymbols(url, 'candles_1m');

describe("the README's quickstart", () => {
  it('production path: the commands as the README writes them, on a server without the database', async () => {
    const commands = [...PRODUCTION_STEP.matchAll(/`(bin\/krtrade [^`]+)`/g)].map((m) => m[1]!);
    expect(commands).toEqual(['bin/krtrade db migrate', 'bin/krtrade run --dashboard --insecure-local']);
    const db = freshDatabase();
    const env = await baseEnv({ KRTRADE_DATABASE_URL: db.url, KRTRADE_DASHBOARD__PORT: String(await freePort()) });
    const argsOf = (c: string): string[] => c.split(' ').slice(1);

    const migrated = await run(argsOf(commands[0]!), env);
    expect(migrated.output).toContain('created database');
    expect(migrated.code).toBe(0);

    const pipeline = start(argsOf(commands[1]!), env);
    await until('candles of both instruments', async () => (await candleCount(db.url)) === 2, 90_000, pipeline);
    const dash = /dashboard (http:\/\/127\.0\.0\.1:\d+)\/queues/.exec(pipeline.output())![1]!;
    expect(((await (await fetch(`${dash}/health`)).json()) as { status: string }).status).toBe('ok');

    // The supervisor's SIGTERM reaches krtrade through bin/krtrade, which shuts down cleanly.
    pipeline.child.kill('SIGTERM');
    expect(await pipeline.exited).toBe(0);
    expect(pipeline.output()).not.toMatch(/\n\s+at |unexpected error/);
  }, 180_000);

  it('demo: `npm run demo` stores candles and realtime trades in its fresh database and stops on SIGTERM', async () => {
    expect(README.split('\n').slice(0, 6).join('\n')).toContain('npm ci && npm run demo');
    const db = freshDatabase();
    const env = await baseEnv({ KRTRADE_DATABASE_URL: ADMIN_URL });
    const demo = start(['demo', '--database', db.name, '--port', String(await freePort()), '--speed', '60', '--start', '2026-11-24T08:59'], env);
    await until('the banner', async () => demo.output().includes('bull-board:'), 60_000, demo);
    await until('candles of both instruments', async () => (await candleCount(db.url)) === 2, 90_000, demo);
    expect(demo.output()).toContain('watch trades:');
    await until('trades of both instruments from the stream', async () => (await distinctSymbols(db.url, 'ticks')) === 2, 90_000, demo);
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
  }, 180_000);
});
