/**
 * A throwaway Redis Cluster for tests: 3 masters + 3 replicas (Debian's `redis-server` in cluster mode, no
 * persistence) on free ports in a temp dir, joined by `redis-cli --cluster create`. `close()` kills every
 * node and removes the dir; so does the process's exit, should a test runner die before afterAll.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '../helpers/ports.js';

const run = promisify(execFile);
/** Short, so a killed master's replica takes over within seconds. */
const NODE_TIMEOUT_MS = 2_000;

export interface ClusterNode {
  port: number;
  busPort: number;
  dir: string;
  /** The watchdog shell; undefined while the node is down. */
  child: ChildProcess | undefined;
  /** The redis-server's own pid. */
  pid: number;
}

export interface LocalCluster {
  nodes: ClusterNode[];
  /** `redis+cluster://` URL naming every node. */
  url: string;
  /** The master serving `slot` now, and one of its replicas. */
  owners(slot: number): Promise<{ master: ClusterNode; replica: ClusterNode }>;
  /** Graceful failover: the replica takes over from its master with no write lost (CLUSTER FAILOVER). */
  failover(replica: ClusterNode): Promise<void>;
  /** kill -9 of one node (its data is gone: no persistence). */
  kill(node: ClusterNode): Promise<void>;
  /** Starts a killed node again; it rejoins from its nodes.conf. */
  restart(node: ClusterNode): Promise<void>;
  /** kill -9 of every node: the whole cluster is down. */
  killAll(): Promise<void>;
  /** Every node started again empty (data and cluster config wiped) and joined into a new cluster on the same ports. */
  recreate(): Promise<void>;
  /** Waits until every live node reports cluster_state:ok and agrees on who serves `slot`. */
  waitOk(slot?: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

const pids = new Set<number>();
process.once('exit', () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One command to one node over a fresh connection (no cluster redirection). */
async function ask(port: number, ...args: string[]): Promise<unknown> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await r.call(args[0]!, ...args.slice(1));
  } finally {
    r.disconnect();
  }
}

interface NodeLine {
  id: string;
  port: number;
  master: boolean;
  failed: boolean;
  masterId: string;
  slots: Array<[number, number]>;
}

function parseNodes(text: string): NodeLine[] {
  return text.trim().split('\n').map((line) => {
    const f = line.split(' ');
    const port = Number(/:(\d+)@/.exec(f[1]!)![1]);
    const slots = f.slice(8).filter((s) => /^\d/.test(s)).map((s) => {
      const [a, b] = s.split('-').map(Number);
      return [a!, b ?? a!] as [number, number];
    });
    return { id: f[0]!, port, master: f[2]!.includes('master'), failed: /fail/.test(f[2]!), masterId: f[3]!, slots };
  });
}

export async function startLocalCluster(): Promise<LocalCluster> {
  const root = mkdtempSync(join(tmpdir(), 'krtrade-cluster-'));
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < 6; i++) nodes.push({ port: await freePort(), busPort: await freePort(), dir: join(root, String(i)), child: undefined, pid: 0 });

  const start = async (n: ClusterNode): Promise<void> => {
    await run('mkdir', ['-p', n.dir]);
    const args = [
      '--port', n.port, '--cluster-port', n.busPort, '--bind', '127.0.0.1', '--dir', n.dir,
      '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', NODE_TIMEOUT_MS,
      '--save', "''", '--appendonly', 'no', '--logfile', 'redis.log',
    ].join(' ');
    // A watchdog beside the server: should this test process die without cleaning up (a killed runner),
    // the node is killed and the temp dir removed all the same. The shell exits when the server does.
    const script =
      `redis-server ${args} & r=$!; ` +
      `( while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 $r 2>/dev/null; rm -rf '${root}' ) & w=$!; ` +
      'wait $r; kill $w 2>/dev/null';
    const child = spawn('sh', ['-c', script], { stdio: 'ignore' });
    n.child = child;
    await until(`redis-server on ${n.port}`, async () => (await ask(n.port, 'PING')) === 'PONG', 20_000);
    n.pid = Number(/process_id:(\d+)/.exec(String(await ask(n.port, 'INFO', 'server')))![1]);
    pids.add(n.pid);
  };
  const kill = async (n: ClusterNode): Promise<void> => {
    const c = n.child;
    n.child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    process.kill(n.pid, 'SIGKILL');
    pids.delete(n.pid);
    await exited;
  };
  const close = (): void => {
    for (const n of nodes) {
      if (!n.child) continue;
      try {
        process.kill(n.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      n.child = undefined;
    }
    rmSync(root, { recursive: true, force: true });
  };

  const nodesOf = async (port: number): Promise<NodeLine[]> => parseNodes(String(await ask(port, 'CLUSTER', 'NODES')));
  const byPort = (port: number): ClusterNode => nodes.find((n) => n.port === port)!;
  const owners = async (slot: number) => {
    for (const n of nodes.filter((x) => x.child)) {
      const lines = await nodesOf(n.port).catch(() => undefined);
      if (!lines) continue;
      const master = lines.find((l) => l.master && !l.failed && l.slots.some(([a, b]) => slot >= a && slot <= b));
      const replica = master && lines.find((l) => !l.master && !l.failed && l.masterId === master.id && byPort(l.port).child);
      if (master && replica) return { master: byPort(master.port), replica: byPort(replica.port) };
    }
    throw new Error(`no master with a live replica serves slot ${slot}`);
  };
  const waitOk = async (slot?: number, timeoutMs = 30_000): Promise<void> => {
    await until('cluster_state:ok on every node', async () => {
      const up = nodes.filter((n) => n.child);
      const infos = await Promise.all(up.map((n) => ask(n.port, 'CLUSTER', 'INFO')));
      if (!infos.every((i) => /cluster_state:ok/.test(String(i)))) return false;
      // Replicas in sync: a replica that never synced will not stand in for its master.
      const repl = await Promise.all(up.map((n) => ask(n.port, 'INFO', 'replication')));
      if (!repl.every((i) => /role:master/.test(String(i)) || /master_link_status:up/.test(String(i)))) return false;
      if (slot === undefined) return true;
      // Every node names the same live master for the slot (clients follow MOVED, but not a node's stale view).
      const views = await Promise.all(up.map(async (n) => (await nodesOf(n.port)).find((l) => l.master && !l.failed && l.slots.some(([a, b]) => slot >= a && slot <= b))?.port));
      return views.every((p) => p !== undefined && p === views[0] && byPort(p).child !== undefined);
    }, timeoutMs);
  };

  const create = async (): Promise<void> => {
    await Promise.all(nodes.map(start));
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 60_000 });
    await waitOk();
  };
  try {
    await create();
  } catch (e) {
    close();
    throw e;
  }
  return {
    nodes,
    url: `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    owners,
    async failover(replica) {
      await ask(replica.port, 'CLUSTER', 'FAILOVER');
      await until(`node ${replica.port} to become a master`, async () => (await nodesOf(replica.port)).some((l) => l.port === replica.port && l.master), 30_000);
    },
    kill,
    restart: start,
    async killAll() {
      await Promise.all(nodes.map(kill));
    },
    async recreate() {
      await Promise.all(nodes.map(kill));
      for (const n of nodes) rmSync(n.dir, { recursive: true, force: true });
      await create();
    },
    waitOk,
    close,
  };
}

/** The cluster slot of a key (CRC16 of its hash tag), asked of any node. */
export async function keySlot(cluster: LocalCluster, key: string): Promise<number> {
  const node = cluster.nodes.find((n) => n.child)!;
  return Number(await ask(node.port, 'CLUSTER', 'KEYSLOT', key));
}
