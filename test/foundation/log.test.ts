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
    const secrets = { appKey: 'PSAPPKEY1234567890', appsecret: 'SECRETSECRET0987654321', access_token: 'eyJhbGciOiJIUzUxMiJ9.tokenbody', approval_key: 'a2585daf-8c09-4587-9fce-8ab893000000' };
    log.info({ account: { name: 'main', ...secrets }, req: { headers: { authorization: `Bearer ${secrets.access_token}`, appkey: secrets.appKey } }, ...secrets }, 'request');
    const text = out.text();
    expect(text).toContain('"component":"kis"');
    expect(text).toContain('"name":"main"');
    for (const s of Object.values(secrets)) expect(text).not.toContain(s);
    expect(text).toContain('[redacted]');
  });

  it('masks secrets for display', () => {
    expect(mask('PSAPPKEY1234567890')).toBe('PSAP…(18 chars)');
    expect(mask('short')).toBe('****');
    expect(mask(undefined)).toBe('(unset)');
  });
});
