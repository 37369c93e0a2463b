/** Shared by the pipeline benches: a throw-away migrated database, and the simulator in its own process. */
import pg from 'pg';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPool } from '../../src/db/pool.js';
import { migrate } from '../../src/db/migrate.js';
import type { BenchClock } from './phases.js';

const ADMIN = process.env.KRTRADE_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function withDatabase<T>(name: string, fn: (url: string) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = ADMIN.replace(/\/[^/]*$/, `/${name}`);
  try {
    const mp = createPool(url, { max: 1 });
    await migrate(mp);
    await mp.end();
    return await fn(url);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}


export interface SimProcess {
  restUrl: string;
  wsUrl: string;
  /** Every app key the simulator accepts (real accounts). */
  accounts: { appKey: string; appSecret: string }[];
  appKey: string;
  appSecret: string;
  pid: number;
  close(): Promise<void>;
}

/** bench/pipeline/sim-process.ts in a child process, following `clock`. */
export async function startSimulatorProcess(n: number, clock: BenchClock, keys = 1, warmDays: readonly string[] = ['2026-11-24', '2026-11-25']): Promise<SimProcess> {
  const child = fork(fileURLToPath(new URL('./sim-process.ts', import.meta.url)), [String(n), JSON.stringify(clock.params), String(keys)], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_SIM_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SIM_PROF}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMsg = (m: Record<string, unknown>) => {
        if (key in m) {
          child.off('message', onMsg);
          resolve(m[key] as T);
        }
      };
      child.on('message', onMsg);
      child.once('exit', (code) => reject(new Error(`simulator process exited with ${code}`)));
    });
  const ready = await next<Omit<SimProcess, 'close' | 'pid'>>('ready');
  clock.follower = async (c) => {
    const ack = next('clockSet');
    child.send({ clock: c });
    await ack;
  };
  const warmed = next('warmed');
  child.send({ warm: warmDays });
  await warmed;
  return {
    ...ready,
    pid: child.pid!,
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ close: true });
      await exited;
    },
  };
}

