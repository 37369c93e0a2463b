/**
 * `krtrade worker <kind>` child processes joined to a fault scenario's pipeline (same simulator, clock,
 * PostgreSQL, Redis and prefix), so a scenario can kill -9 them. A config file in the temp directory carries
 * the simulator account; the clock travels in KRTRADE_CLOCK as for any worker joining an accelerated simulator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PoolKind } from '../../workers/pools.js';
import { BIN } from '../helpers/cli.js';
import type { ChaosEnv } from './harness.js';

export interface WorkerProcess {
  kind: PoolKind;
  child: ChildProcess;
  /** Resolves once the process logged `worker ready`. */
  ready: Promise<void>;
  isReady: boolean;
  exited: Promise<void>;
}

export class WorkerProcesses {
  private readonly dir = mkdtempSync(join(tmpdir(), 'krtrade-chaos-workers-'));
  private readonly configFile = join(this.dir, 'krtrade.config.json');
  readonly live: WorkerProcess[] = [];
  /** Output of every child, for a failure message. */
  readonly output: string[] = [];

  constructor(
    private readonly env: ChaosEnv,
    private readonly lockMs: number,
  ) {
    const c = env.config;
    writeFileSync(this.configFile, JSON.stringify({
      kis: { accounts: c.kis.accounts, rateLimit: { realPerSecond: c.kis.rateLimit.realPerSecond, optionBoardPerSecond: c.kis.rateLimit.optionBoardPerSecond } },
      database: { url: c.database.url },
      redis: { url: c.redis.url, prefix: c.redis.prefix },
      // info: `worker ready` tells the scenario the pool is serving.
      log: { level: 'info' },
    }));
  }

  start(kind: PoolKind): WorkerProcess {
    // Only what a deployment would set: the config file and the simulator clock (no KRTRADE_* of this process).
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KRTRADE_')));
    const child = spawn(process.execPath, [BIN, 'worker', kind, '--concurrency', '4', '--lock-ms', String(this.lockMs)], {
      env: { ...base, NO_COLOR: '1', KRTRADE_CONFIG: this.configFile, KRTRADE_CLOCK: JSON.stringify(this.env.sim.clock.spec()) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let readyResolve!: () => void;
    const ready = new Promise<void>((r) => (readyResolve = r));
    const onData = (d: Buffer) => {
      const text = d.toString();
      if (this.output.length < 2_000) this.output.push(`[${kind} ${child.pid}] ${text}`);
      if (text.includes('worker ready')) readyResolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const w: WorkerProcess = { kind, child, ready, exited, isReady: false };
    void ready.then(() => (w.isReady = true));
    this.live.push(w);
    void exited.then(() => this.live.splice(this.live.indexOf(w), 1));
    return w;
  }

  /** SIGKILL: no shutdown, its active jobs keep their locks until they expire. */
  async kill(w: WorkerProcess): Promise<void> {
    w.child.kill('SIGKILL');
    await w.exited;
  }

  async close(): Promise<void> {
    await Promise.all([...this.live].map((w) => this.kill(w)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
