import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logTimeKst } from '../../src/log.js';
import { parseKst, toInstant } from '../../src/time/kst.js';

describe('pretty logs to a given stream (a terminal) read in KST whatever the process zone', () => {
  it('is a readable line, not JSON, with the KST wall-clock time labelled', () => {
    const chunks: string[] = [];
    const stream = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c.toString()), cb()) });
    const before = Date.now();
    createLogger({ stream, pretty: true, level: 'info' }).info({ appKey: 'PSAPPKEY1234567890' }, 'worker ready');
    const line = chunks.join('');
    expect(line.startsWith('{')).toBe(false);
    expect(line).toContain('worker ready');
    expect(line).not.toContain('PSAPPKEY1234567890');
    const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d{3}) KST/.exec(line);
    expect(m, line).not.toBeNull();
    const at = toInstant(parseKst(m![1]!)) + Number(m![2]);
    expect(Math.abs(at - before)).toBeLessThan(5_000);
  });

  it('formats an instant as KST with milliseconds', () => {
    // 2026-11-24 00:30:05.007 UTC = 09:30:05.007 KST
    expect(logTimeKst(Date.UTC(2026, 10, 24, 0, 30, 5, 7))).toBe('2026-11-24 09:30:05.007 KST');
    expect(logTimeKst(Date.UTC(2026, 10, 24, 0, 30, 5, 0))).toBe('2026-11-24 09:30:05.000 KST');
  });
});
