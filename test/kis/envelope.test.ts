/** The three KIS envelopes map to errors that say what to do next, whatever the HTTP status. */
import { describe, expect, it } from 'vitest';
import { failureOf, parseJsonObject } from '../../src/kis/envelope.js';
import {
  KisBadRequestError,
  KisRateLimitError,
  KisMalformedBodyError,
  KisServerError,
  KisTokenExpiredError,
  KisTokenIssueThrottledError,
} from '../../src/kis/errors.js';

const EP = '/uapi/domestic-stock/v1/quotations/inquire-price';

describe('KIS envelopes', () => {
  it('reads success in all three shapes', () => {
    expect(failureOf(EP, 200, { rt_cd: '0', msg_cd: 'MCA00000', msg1: '정상처리 되었습니다.' })).toBeUndefined();
    expect(failureOf('/oauth2/tokenP', 200, { access_token: 'x', expires_in: 86400 })).toBeUndefined();
    expect(failureOf('/oauth2/revokeP', 200, { code: 200, message: '접근토큰 폐기에 성공하였습니다' })).toBeUndefined();
  });

  it('maps /uapi gateway codes by msg_cd whether HTTP says 500 or 200', () => {
    for (const status of [500, 200]) {
      const rl = failureOf(EP, status, { rt_cd: '1', msg_cd: 'EGW00201', msg1: '초당 거래건수를 초과하였습니다.' });
      expect(rl).toBeInstanceOf(KisRateLimitError);
      expect(rl!.action).toBe('wait');
      expect(rl!.retryAfterMs).toBeGreaterThan(0);
      const exp = failureOf(EP, status, { rt_cd: '1', msg_cd: 'EGW00123', msg1: '기간이 만료된 token 입니다.' });
      expect(exp).toBeInstanceOf(KisTokenExpiredError);
      expect(exp!.action).toBe('refresh-token');
    }
    expect(failureOf(EP, 500, { rt_cd: '1', msg_cd: 'EGW00121', msg1: '' })).toBeInstanceOf(KisTokenExpiredError);
    const server = failureOf(EP, 500, { rt_cd: '1', msg_cd: 'EGW00001', msg1: '일시적 오류가 발생했습니다.' });
    expect(server).toBeInstanceOf(KisServerError);
    expect(server!.retryable).toBe(true);
  });

  it('maps business errors (HTTP 200, rt_cd 1) to unrecoverable bad requests carrying msg_cd, msg1 and endpoint', () => {
    const e = failureOf(EP, 200, { rt_cd: '1', msg_cd: 'MCA05918', msg1: '종목코드 오류입니다.   ' }) as KisBadRequestError;
    expect(e).toBeInstanceOf(KisBadRequestError);
    expect(e.retryable).toBe(false);
    expect(e.code).toBe('MCA05918');
    expect(e.serverMessage).toBe('종목코드 오류입니다.');
    expect(e.endpoint).toBe(EP);
    expect(e.message).toContain(EP);
  });

  it('maps the oauth envelope (HTTP 403 error_code/error_description)', () => {
    const t = failureOf('/oauth2/tokenP', 403, { error_code: 'EGW00133', error_description: '접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)' });
    expect(t).toBeInstanceOf(KisTokenIssueThrottledError);
    expect(t!.retryAfterMs).toBeGreaterThanOrEqual(60_000);
    const bad = failureOf('/oauth2/tokenP', 403, { error_code: 'EGW00103', error_description: '유효하지 않은 AppKey입니다.' });
    expect(bad).toBeInstanceOf(KisBadRequestError);
    expect(bad!.message).toContain('appKey');
  });

  it('classifies bodies without a KIS code by HTTP status', () => {
    expect(failureOf(EP, 502, {})).toBeInstanceOf(KisServerError);
    expect(failureOf(EP, 404, {})).toBeInstanceOf(KisBadRequestError);
    expect(() => parseJsonObject(EP, 502, '<html>Bad gateway</html>')).toThrow(KisServerError);
    expect(() => parseJsonObject(EP, 200, '{"rt_cd":"0","outp')).toThrow(KisMalformedBodyError);
    const secret = 'PSabcdefghijklmnopqrstuvwxyz012345678';
    let broken: unknown;
    try {
      parseJsonObject(EP, 200, `{"appkey":"${secret}","outp`, (s) => s.split(secret).join('[redacted]'));
    } catch (e) {
      broken = e;
    }
    expect(broken).toBeInstanceOf(KisMalformedBodyError);
    expect((broken as KisMalformedBodyError).rawBody).toBe('{"appkey":"[redacted]","outp');
    expect(() => parseJsonObject(EP, 200, '[1,2]')).toThrow(/not a JSON object/);
  });

  it('scrubs secrets that a server message echoes', () => {
    const secret = 'PSabcdefghijklmnopqrstuvwxyz012345678';
    const e = failureOf(EP, 200, { rt_cd: '1', msg_cd: 'OPSP0011', msg1: `invalid approval : ${secret}` }, (s) => s.split(secret).join('[redacted]'));
    expect(e!.message).not.toContain(secret);
    expect(e!.message).toContain('[redacted]');
  });
});
