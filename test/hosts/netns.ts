/**
 * Simulated hosts on this machine: one network namespace per host, joined to the root namespace by a veth
 * pair, each process started in it under its own hostname (`unshare --uts`). Services of the root side
 * are reached on the veth address: a TCP relay per address forwards to a loopback-only server (the shared
 * PostgreSQL). Everything made here is removed by `destroy()`, also after a failure.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Server } from 'node:net';

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });

export interface SimHost {
  ns: string;
  hostname: string;
  /** Address of the root side of the veth pair: where this host reaches Redis, PostgreSQL, the simulator. */
  gateway: string;
  address: string;
}

export function namespacesAvailable(): boolean {
  try {
    const probe = `krt-probe-${process.pid}`;
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    execFileSync('unshare', ['--uts', 'true']);
    return true;
  } catch {
    return false;
  }
}

/** Creates the namespace and its veth pair; `net` picks the /30 (10.<b>.<c>.0). */
export function createHost(tag: string, hostname: string, net: [number, number]): SimHost {
  const ns = `krt-${tag}`;
  const [b, c] = net;
  const gateway = `10.${b}.${c}.1`;
  const address = `10.${b}.${c}.2`;
  const outer = `kv${tag}`.slice(0, 15);
  ip('netns', 'add', ns);
  ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
  ip('addr', 'add', `${gateway}/30`, 'dev', outer);
  ip('link', 'set', outer, 'up');
  ip('-n', ns, 'addr', 'add', `${address}/30`, 'dev', 'eth0');
  ip('-n', ns, 'link', 'set', 'eth0', 'up');
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  return { ns, hostname, gateway, address };
}

/** Starts `argv` inside the host (its namespace and hostname); the pid is the program's own (exec chain). */
export function spawnOnHost(h: SimHost, argv: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn('ip', ['netns', 'exec', h.ns, 'unshare', '--uts', 'sh', '-c', `hostname ${h.hostname} && exec "$@"`, 'sh', ...argv], {
    env, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Every process in the host's namespace: the programs started by `spawnOnHost` and any children of theirs. */
export function hostPids(h: SimHost): number[] {
  return ip('netns', 'pids', h.ns).split('\n').filter(Boolean).map(Number);
}

/**
 * Every process in the host's namespace, killed at once with SIGKILL (the host "disappears"). Returns how
 * many: more than were spawned when they have children (tsx's esbuild service, started by a worker that
 * had to transform sources with a cold cache).
 */
export function killHost(h: SimHost): number {
  const pids = hostPids(h);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return pids.length;
}

export function destroyHost(h: SimHost): void {
  try {
    killHost(h);
  } catch {
    /* namespace already gone */
  }
  // Deleting the namespace deletes its end of the veth pair, and with it the root end.
  try {
    ip('netns', 'del', h.ns);
  } catch {
    /* already gone */
  }
}

/** A TCP relay on `host:0` to `target`: the loopback-only PostgreSQL made reachable from the namespaces. */
export async function relay(host: string, target: { host: string; port: number }): Promise<{ port: number; server: Server }> {
  const server = createServer((inbound) => {
    const out = connect(target.port, target.host);
    inbound.pipe(out).pipe(inbound);
    const end = () => {
      inbound.destroy();
      out.destroy();
    };
    inbound.on('error', end).on('close', end);
    out.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  return { port: (server.address() as { port: number }).port, server };
}
