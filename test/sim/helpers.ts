/** Raw clients for the simulator tests (plain fetch and ws — the real KIS client is tested elsewhere). */
import WebSocket from 'ws';
import type { Clock, ClockSpec } from '../../src/time/clock.js';
import { type Instant, parseKst, toInstant } from '../../src/time/kst.js';
import type { SimulatorHandle } from '../../src/sim/index.js';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  readonly speed = 1;
  constructor(public t: number) {}
  static at(kst: string): ManualClock {
    return new ManualClock(toInstant(parseKst(kst)));
  }
  now(): Instant {
    return this.t as Instant;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }
  toRealMs(ms: number): number {
    return ms;
  }
  at(realMs: number): Instant {
    return (this.t + (realMs - Date.now())) as Instant;
  }
  realAt(t: Instant): number {
    return Date.now() + (t - this.t);
  }
  spec(): ClockSpec {
    return { kind: 'accelerated', simStart: this.t, realAnchor: Date.now(), speed: 1 };
  }
}

export async function post(
  sim: SimulatorHandle,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(sim.restUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

export async function issueToken(
  sim: SimulatorHandle,
  appKey = sim.appKey,
  appSecret = sim.appSecret,
): Promise<string> {
  const r = await post(sim, '/oauth2/tokenP', {
    grant_type: 'client_credentials',
    appkey: appKey,
    appsecret: appSecret,
  });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.access_token as string;
}

export async function approvalKey(
  sim: SimulatorHandle,
  appKey = sim.appKey,
  appSecret = sim.appSecret,
): Promise<string> {
  const r = await post(sim, '/oauth2/Approval', {
    grant_type: 'client_credentials',
    appkey: appKey,
    secretkey: appSecret,
  });
  return r.json.approval_key as string;
}

export interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

export async function get(
  sim: SimulatorHandle,
  path: string,
  query: Record<string, string>,
  headers: Record<string, string>,
): Promise<Answer> {
  const r = await fetch(`${sim.restUrl}${path}?${new URLSearchParams(query)}`, { headers });
  return { status: r.status, headers: r.headers, json: (await r.json()) as Record<string, unknown> };
}

export const authHeaders = (
  sim: SimulatorHandle,
  token: string,
  trId: string,
  appKey = sim.appKey,
  appSecret = sim.appSecret,
): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  appkey: appKey,
  appsecret: appSecret,
  tr_id: trId,
  custtype: 'P',
});

/** A WebSocket client that queues every text message for `next()`. */
export class WsClient {
  readonly messages: string[] = [];
  private waiters: Array<() => void> = [];
  closed: { code: number } | undefined;
  lastError: Error | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.messages.push(d.toString());
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('close', (code) => {
      this.closed = { code };
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('error', (e) => (this.lastError = e));
  }

  static async open(url: string, opts: WebSocket.ClientOptions = {}): Promise<WsClient> {
    const ws = new WebSocket(url, opts);
    const c = new WsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  subscribe(approval: string, trId: string, trKey: string, trType = '1'): void {
    this.send({
      header: { approval_key: approval, custtype: 'P', tr_type: trType, 'content-type': 'utf-8' },
      body: { input: { tr_id: trId, tr_key: trKey } },
    });
  }

  /** Waits for (and removes) the first message matching `pred`. */
  async next(pred: (m: string) => boolean = () => true, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.messages.findIndex(pred);
      if (i >= 0) return this.messages.splice(i, 1)[0]!;
      if (this.closed) throw new Error(`connection closed (${this.closed.code}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out; got ${this.messages.length} other messages: ${this.messages.slice(0, 3).join(' | ').slice(0, 300)}`,
        );
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async control(pred: (j: ControlFrame) => boolean = () => true, timeoutMs = 5000): Promise<ControlFrame> {
    const m = await this.next((s) => s.startsWith('{') && pred(JSON.parse(s) as ControlFrame), timeoutMs);
    return JSON.parse(m) as ControlFrame;
  }

  close(): void {
    this.ws.terminate();
  }
}

export interface ControlFrame {
  header: { tr_id: string; tr_key?: string; encrypt?: string; datetime?: string };
  body?: { rt_cd: string; msg_cd: string; msg1: string; output?: { iv: string; key: string } };
}

/** Splits a data frame into its records' field arrays (COUNT × N fields). */
export function splitFrame(frame: string): { enc: string; trId: string; count: number; payload: string } {
  const [enc, trId, count, ...rest] = frame.split('|');
  return { enc: enc!, trId: trId!, count: Number(count), payload: rest.join('|') };
}
