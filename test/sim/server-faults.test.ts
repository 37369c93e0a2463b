/** Fault injection: the `--faults` grammar and each fault's effect on real sockets. */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/kis/spec/index.js';
import { FaultSpecError, parseFaults, startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { WsClient, approvalKey, authHeaders, issueToken } from './helpers.js';

describe('parseFaults', () => {
  it('parses every fault kind', () => {
    expect(
      parseFaults(
        'drop=30s,http5xx=0.05,latency=200ms,ratelimit-storm=10s,malformed-json=0.01,truncated=0.02,invalid-utf8=0.03,lockout,expire-tokens=10m',
      ),
    ).toEqual({
      dropEveryMs: 30_000,
      http5xxRate: 0.05,
      latencyMs: 200,
      rateLimitStorm: { durationMs: 10_000, everyMs: 60_000 },
      malformedJsonRate: 0.01,
      truncatedRate: 0.02,
      invalidUtf8Rate: 0.03,
      lockout: { maxConnects: 5, windowMs: 10_000, durationMs: 30_000 },
      expireTokensEveryMs: 600_000,
    });
    expect(parseFaults('drop=0.2, ratelimit-storm=5s/20s, lockout=2m')).toEqual({
      dropProbability: 0.2,
      rateLimitStorm: { durationMs: 5000, everyMs: 20_000 },
      lockout: { maxConnects: 5, windowMs: 10_000, durationMs: 120_000 },
    });
    expect(parseFaults('')).toEqual({});
  });

  it.each([
    ['http5xx=1.5', 'http5xx=1.5'],
    ['latency=fast', 'latency=fast'],
    ['drop=30s,explode=1', 'explode=1'],
    ['http5xx', 'http5xx'],
    ['ratelimit-storm=10s/x', 'ratelimit-storm=10s/x'],
  ])('rejects %s naming the bad part', (spec, part) => {
    expect(() => parseFaults(spec)).toThrow(FaultSpecError);
    expect(() => parseFaults(spec)).toThrow(JSON.stringify(part));
  });
});

describe('fault effects', () => {
  let sim: SimulatorHandle;
  let token: string;
  const price = () =>
    fetch(`${sim.restUrl}${ENDPOINTS.stockPrice.path}?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930`, {
      headers: authHeaders(sim, token, 'FHKST01010100'),
    });

  beforeAll(async () => {
    sim = await startSimulator({
      start: '2026-11-24T10:00',
      speed: 20,
      seed: 9,
      noticeEveryMs: 0,
      rateLimitPerSecond: 1000,
    });
    token = await issueToken(sim);
  });
  afterAll(() => sim.close());

  it('expireAllTokens → EGW00123, and a new token can be issued at once', async () => {
    expect(sim.faults.expireAllTokens()).toBeGreaterThan(0);
    const r = await price();
    expect(r.status).toBe(500);
    expect(((await r.json()) as { msg_cd: string }).msg_cd).toBe('EGW00123');
    token = await issueToken(sim);
    expect((await price()).status).toBe(200);
  });

  it('http5xx=1 answers every /uapi call with a server error, JSON or not', async () => {
    sim.faults.set('http5xx=1');
    const statuses = await Promise.all(Array.from({ length: 8 }, async () => (await price()).status));
    sim.faults.clear();
    expect(statuses.every((s) => s === 500 || s === 502)).toBe(true);
    expect(sim.faults.counters.http5xx).toBe(8);
  });

  it('latency delays responses', async () => {
    sim.faults.set({ latencyMs: 250 });
    const t0 = performance.now();
    await price();
    sim.faults.clear();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
  });

  it('a rate-limit storm answers EGW00201 and counts it', async () => {
    const before = sim.rateLimitRejections(sim.appKey);
    sim.faults.rateLimitStorm(300);
    const r = await price();
    expect(((await r.json()) as { msg_cd: string }).msg_cd).toBe('EGW00201');
    expect(sim.rateLimitRejections(sim.appKey)).toBe(before + 1);
    await new Promise((res) => setTimeout(res, 350));
    expect((await price()).status).toBe(200);
  });

  it('malformed-json and truncated break REST bodies', async () => {
    for (const f of ['malformed-json=1', 'truncated=1']) {
      sim.faults.set(f);
      const text = await (await price()).text();
      sim.faults.clear();
      expect(() => JSON.parse(text), f).toThrow();
    }
  });

  it('dropAllConnections terminates WebSocket sessions without a close frame', async () => {
    const c = await WsClient.open(sim.wsUrl);
    expect(sim.faults.dropAllConnections()).toBe(1);
    await expect(c.next(() => false, 2000)).rejects.toThrow(/closed \(1006\)/);
  });

  it('drop=<period> drops connections periodically', async () => {
    sim.faults.set('drop=300ms');
    const c = await WsClient.open(sim.wsUrl);
    await expect(c.next(() => false, 2000)).rejects.toThrow(/closed \(1006\)/);
    sim.faults.clear();
  });

  it('truncated and invalid-utf8 corrupt data frames (a strict client closes the connection)', async () => {
    // Approval keys first: the truncation fault applies to REST bodies too.
    const [k1, k2, k3] = [await approvalKey(sim), await approvalKey(sim), await approvalKey(sim)];
    const a = await WsClient.open(sim.wsUrl);
    a.subscribe(k1, 'H0STCNT0', '005930');
    await a.control();
    sim.faults.set('truncated=1');
    // Frames already in flight were whole; look only at what arrives afterwards.
    await new Promise((r) => setTimeout(r, 300));
    a.messages.length = 0;
    const frame = await a.next((m) => m.startsWith('0|'), 10_000);
    const [, , count, payload] = frame.split('|');
    // A whole record set never arrives: fewer fields than COUNT × 46, or the prefix itself is cut.
    expect(payload === undefined || payload.split('^').length < Number(count) * 46).toBe(true);
    a.ws.close();
    await new Promise((r) => setTimeout(r, 100));
    sim.faults.set('invalid-utf8=1');
    const b = await WsClient.open(sim.wsUrl);
    b.subscribe(k2, 'H0STCNT0', '005930');
    await expect(b.next(() => false, 10_000)).rejects.toThrow(/closed/);
    expect(b.lastError?.message).toMatch(/UTF-8/);
    sim.faults.clear();
    // A lenient client reads the bytes.
    await new Promise((r) => setTimeout(r, 100));
    sim.faults.set('invalid-utf8=1');
    const raw = new WebSocket(sim.wsUrl, { skipUTF8Validation: true });
    await new Promise((r) => raw.once('open', r));
    raw.send(
      JSON.stringify({
        header: { approval_key: k3, custtype: 'P', tr_type: '1' },
        body: { input: { tr_id: 'H0STCNT0', tr_key: '005930' } },
      }),
    );
    const bytes = await new Promise<Buffer>((resolve) =>
      raw.on('message', (d: Buffer) => d[0] === 0x30 && resolve(d)),
    );
    expect(bytes.includes(Buffer.from([0xc3, 0x28]))).toBe(true);
    raw.terminate();
    sim.faults.clear();
  });

  it('lockout: too many fast reconnects get OPSP8996 for a while', async () => {
    await new Promise((r) => setTimeout(r, 100));
    sim.faults.set({ lockout: { maxConnects: 2, windowMs: 5_000, durationMs: 400 } });
    const approval = await approvalKey(sim);
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await WsClient.open(sim.wsUrl);
      c.subscribe(approval, 'H0STCNT0', '005930');
      codes.push((await c.control()).body!.msg_cd);
      c.ws.close();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(codes).toEqual(['OPSP0000', 'OPSP0000', 'OPSP8996']);
    await new Promise((r) => setTimeout(r, 450));
    sim.faults.set({ lockout: { maxConnects: 100, windowMs: 5_000, durationMs: 400 } });
    const c = await WsClient.open(sim.wsUrl);
    c.subscribe(approval, 'H0STCNT0', '005930');
    expect((await c.control()).body!.msg_cd).toBe('OPSP0000');
    c.ws.close();
    sim.faults.clear();
  });
});

describe('sim-drop: drops on the simulated clock', () => {
  it('sim-drop=30s at 100× drops every WebSocket about every 300 real ms', async () => {
    expect(parseFaults('sim-drop=30s')).toEqual({ dropEverySimMs: 30_000 });
    const fast = await startSimulator({ start: '2026-12-03T10:00', speed: 100, port: 0, wsPort: 0, faults: 'sim-drop=30s' });
    try {
      const t0 = performance.now();
      const c = await WsClient.open(fast.wsUrl);
      await expect(c.next(() => false, 5_000)).rejects.toThrow(/closed \(1006\)/);
      // A drop every 30 simulated s is 300 real ms here, far sooner than the 30 real s of `drop=30s`.
      expect(performance.now() - t0).toBeLessThan(5_000);
      expect(fast.faults.counters.drops).toBeGreaterThanOrEqual(1);
    } finally {
      await fast.close();
    }
  });
});
