/** `krtrade kis stream` end to end: the real CLI, the embedded simulator, real Redis. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { testPrefix } from '../helpers/redis.js';

const env = { KRTRADE_SIM__START: '2026-11-24T10:00', KRTRADE_REDIS_PREFIX: testPrefix('wscli'), KRTRADE_LOG_LEVEL: 'error' };

describe('krtrade kis stream', () => {
  it('prints parsed records as JSON lines for every requested TR', async () => {
    const r = await runCli(['kis', 'stream', '005930', 'A01612', '--tr', 'H0STCNT0,H0IFCNT0,H0IFASP0', '--duration', '3s', '--json'], { env, cwd: '/tmp' });
    expect(r.stderr).toMatch(/streaming H0STCNT0\/005930, H0IFCNT0\/005930, H0IFASP0\/005930, H0STCNT0\/A01612/);
    expect(r.code).toBe(0);
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { tr: string; code: string; time: string; tradingDate: string });
    const seen = new Set(recs.map((x) => `${x.tr}/${x.code}`));
    // The simulator serves stock TRs only for stocks and F/O TRs only for derivatives, like KIS.
    expect([...seen].sort()).toEqual(['H0IFASP0/A01612', 'H0IFCNT0/A01612', 'H0STCNT0/005930']);
    for (const x of recs) {
      expect(x.tradingDate).toBe('2026-11-24');
      expect(x.time).toMatch(/^2026-11-24T10:0\d:\d\d/);
    }
  });

  it('rejects an unsupported TR and a bad duration with one-line errors', async () => {
    const a = await runCli(['kis', 'stream', '005930', '--tr', 'H0XXXXX0'], { env, cwd: '/tmp' });
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/^krtrade: --tr: "H0XXXXX0" is not supported/m);
    const b = await runCli(['kis', 'stream', '005930', '--duration', 'soon'], { env, cwd: '/tmp' });
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/--duration: expected e.g. 30s/);
  });
});
