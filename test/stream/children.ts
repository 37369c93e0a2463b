/** Stream workers as real child processes (tsx), their JSON event lines collected, for the takeover tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./fixtures/worker-child.ts', import.meta.url));

export interface ChildEvent {
  event: string;
  [k: string]: unknown;
}

export class WorkerChild {
  readonly events: ChildEvent[] = [];
  stderr = '';
  exited = false;
  private readonly proc: ChildProcess;

  constructor(env: Record<string, string>) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    this.proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) if (l.trim()) this.events.push(JSON.parse(l) as ChildEvent);
    });
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.on('exit', () => (this.exited = true));
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** Accounts it holds according to its latest report. */
  holding(): string[] {
    const last = this.events.filter((e) => e.event === 'records').at(-1);
    return (last?.holding as string[] | undefined) ?? [];
  }

  records(): number {
    return Number(this.events.filter((e) => e.event === 'records').at(-1)?.n ?? 0);
  }

  of(event: string): ChildEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  kill9(): void {
    this.proc.kill('SIGKILL');
  }

  /** SIGTERM (a clean close) and wait for the exit; SIGKILL if it hangs. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(t);
  }
}

export async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
