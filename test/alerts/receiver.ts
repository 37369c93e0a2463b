/** A local HTTP webhook receiver for alert tests: records every request, answers with a programmable status. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
}

export class Receiver {
  readonly requests: Received[] = [];
  /** Status for the next requests (consumed front to back), then `status`. */
  queue: number[] = [];
  status = 200;
  private readonly server: Server;
  private waiters: (() => void)[] = [];

  private constructor() {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => {
        const status = this.queue.shift() ?? this.status;
        this.requests.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text || 'null') as unknown, status });
        res.writeHead(status, { 'content-type': 'application/json' }).end('{"echo":"' + (req.url ?? '') + '"}');
        for (const w of this.waiters.splice(0)) w();
      });
    });
  }

  static async start(): Promise<Receiver> {
    const r = new Receiver();
    await new Promise<void>((done) => r.server.listen(0, '127.0.0.1', done));
    return r;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Waits until `pred` holds over the requests received so far (re-checked on every request). */
  async until(pred: (r: Received[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.requests)) {
      if (Date.now() > deadline) throw new Error(`receiver: condition not met; got ${this.requests.length} requests`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200).unref();
      });
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
