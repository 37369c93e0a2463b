/** One line per component per window; the next line says how many were held back. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { LogThrottle } from '../../src/log-throttle.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger({ level: 'info', stream }) };
}

describe('LogThrottle', () => {
  it('writes the first line of a window, counts the rest, reports the count on the next window', () => {
    const { lines, log } = capture();
    let now = 0;
    const t = new LogThrottle(log, 10_000, () => now);
    for (let i = 0; i < 200; i++) {
      t.warn('redis', { err: 'ECONNREFUSED' }, 'redis down');
      now += 100; // 200 errors over 20 s
    }
    t.warn('postgres', { err: 'x' }, 'postgres down');
    expect(lines.map((l) => [l.component, l.suppressed])).toEqual([
      ['redis', undefined],
      ['redis', 99],
      ['postgres', undefined],
    ]);
    expect(lines[1]!.msg).toMatch(/99 similar lines suppressed in the last 10 s/);
    expect(t.suppressedFor('redis')).toBe(99);
  });
});
