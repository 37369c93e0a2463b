import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, mask } from '../../src/log.js';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('logging', () => {
  it('redacts app keys, secrets, tokens and approval keys at any depth', () => {
    const out = capture();
    const log = createLogger({ stream: out.stream, level: 'info' }).child({ component: 'kis' });
    const secrets = {
      appKey: 'PSAPPKEY1234567890',
      appsecret: 'SECRETSECRET0987654321',
      access_token: 'eyJhbGciOiJIUzUxMiJ9.tokenbody',
      approval_key: 'a2585daf-8c09-4587-9fce-8ab893000000',
    };
    log.info(
      {
        account: { name: 'main', ...secrets },
        req: { headers: { authorization: `Bearer ${secrets.access_token}`, appkey: secrets.appKey } },
        ...secrets,
      },
      'request',
    );
    const text = out.text();
    expect(text).toContain('"component":"kis"');
    expect(text).toContain('"name":"main"');
    for (const s of Object.values(secrets)) expect(text).not.toContain(s);
    expect(text).toContain('[redacted]');
  });

  it('redacts below the compiled paths too: deep nesting, arrays, other spellings, child bindings', () => {
    const out = capture();
    const log = createLogger({ stream: out.stream, level: 'info' });
    const leaks = [
      'DEEPKEY0001',
      'ARRAYSECRET2',
      'CAPSKEY0003',
      'SNAKETOKEN04',
      'CHILDBINDING5',
      'HDRBEARER006',
    ];
    log.info(
      {
        a: { b: { c: { d: { e: { appKey: leaks[0] } } } } },
        accounts: [{ name: 'one' }, { name: 'two', appSecret: leaks[1] }],
        APPKEY: leaks[2],
        access_Token: leaks[3],
        headers: { Authorization: `Bearer ${leaks[5]}` },
        when: new Date(0),
      },
      'deep',
    );
    log.child({ component: 'ws', session: { account: { nested: { approvalKey: leaks[4] } } } }).warn('child');
    const err = Object.assign(new Error('boom'), { code: 'E1' });
    log.error({ err, ctx: { note: 'kept' } }, 'failed');
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const s of leaks) expect(out.text()).not.toContain(s);
    expect(lines[0]).toMatchObject({
      accounts: [{ name: 'one' }, { name: 'two', appSecret: '[redacted]' }],
      APPKEY: '[redacted]',
    });
    expect(lines[0]!.when).toBe('1970-01-01T00:00:00.000Z');
    expect(lines[1]).toMatchObject({
      component: 'ws',
      session: { account: { nested: { approvalKey: '[redacted]' } } },
    });
    // Errors still go through pino's serializer (message and stack kept), other fields untouched.
    expect(lines[2]).toMatchObject({ err: { message: 'boom', code: 'E1' }, ctx: { note: 'kept' } });
    expect((lines[2]!.err as { stack: string }).stack).toContain('Error: boom');
  });

  it('scrubs secret values quoted in text: messages, error messages and stacks, strings holding a frame (cut or not)', () => {
    const out = capture();
    const log = createLogger({ stream: out.stream, level: 'info' });
    const leaks = ['IVSECRET0123abcd', 'KEYSECRET456789abcdefghijklmnopq', 'APPROVALSECRET789'];
    const ack = `{"body":{"output":{"iv":"${leaks[0]}","KEY":"${leaks[1]}"}},"header":{"approval_key":"${leaks[2]}"}}`;
    log.warn({ frame: ack.slice(0, 60), note: `approval_key=${leaks[2]}` }, `bad frame ${ack}`);
    log.error({ err: new Error(`bad KIS WebSocket frame (frame: ${ack.slice(0, 70)})`) }, 'failed');
    for (const s of leaks) expect(out.text()).not.toContain(s.slice(0, 8));
    expect(out.text()).toContain('[redacted]');
    expect(out.text()).toContain('bad KIS WebSocket frame');
  });

  it('survives circular log objects', () => {
    const out = capture();
    const a: Record<string, unknown> = { token: 'CIRCTOKEN1' };
    a.self = a;
    createLogger({ stream: out.stream }).info({ a }, 'loop');
    expect(out.text()).toContain('[circular]');
    expect(out.text()).not.toContain('CIRCTOKEN1');
  });

  it('masks secrets for display', () => {
    expect(mask('PSAPPKEY1234567890')).toBe('PSAP…(18 chars)');
    expect(mask('short')).toBe('****');
    expect(mask(undefined)).toBe('(unset)');
  });
});
