/**
 * KIS error answers. Three envelopes (reference §4): `/uapi` gateway errors (EGW…, OPSQ…) as HTTP 500 with
 * `rt_cd/msg_cd/msg1`; business errors as HTTP 200 with `rt_cd "1"`; oauth errors as HTTP 403 with
 * `error_code/error_description`.
 */

/** Gateway / query-server codes the simulator answers, with KIS's message text. */
export const GATEWAY_MESSAGES = {
  EGW00001: '일시적 오류가 발생했습니다.',
  EGW00101: '유효하지 않은 요청입니다.',
  EGW00102: 'AppKey는 필수입니다.',
  EGW00103: '유효하지 않은 AppKey입니다.',
  EGW00104: 'AppSecret은 필수입니다.',
  EGW00105: '유효하지 않은 AppSecret입니다.',
  EGW00115: 'grant_type은 필수입니다.',
  EGW00116: '지원하지 않는 grant_type입니다.',
  EGW00121: '유효하지 않은 token 입니다.',
  EGW00123: '기간이 만료된 token 입니다.',
  EGW00132: 'Content-Type이 유효하지 않습니다.',
  EGW00133: '접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)',
  EGW00201: '초당 거래건수를 초과하였습니다.',
  EGW00202: 'GW라우팅 중 오류가 발생했습니다.',
  EGW00205: 'credentials_type이 유효하지 않습니다(Bearer)',
  EGW00208: 'custtype이 유효하지 않습니다.',
  EGW00213: '모의투자 TR 이 아닙니다.',
  OPSQ0002: '없는 서비스 코드 입니다',
  OPSQ9999: 'JSON PARSING ERROR : tr_id not found',
} as const;

export type GatewayCode = keyof typeof GATEWAY_MESSAGES;

export interface RestAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Raw body instead of JSON (e.g. a bare 502 page). */
  raw?: string;
}

export function gatewayError(code: GatewayCode, status = 500, detail?: string): RestAnswer {
  return { status, body: { rt_cd: '1', msg_cd: code, msg1: detail ?? GATEWAY_MESSAGES[code] } };
}

export function oauthError(code: GatewayCode, status = 403): RestAnswer {
  return { status, body: { error_description: GATEWAY_MESSAGES[code], error_code: code } };
}

/** A business-level refusal from a quotation handler: HTTP 200, rt_cd "1". */
export class BusinessError extends Error {
  constructor(
    readonly msgCd: string,
    readonly msg1: string,
  ) {
    super(`${msgCd} ${msg1}`);
    this.name = 'BusinessError';
  }
}

export const unknownCode = (code: string): BusinessError =>
  new BusinessError('MCA05918', `종목코드 오류입니다. (${code})`);
export const badInput = (param: string, value: string, expected: string): BusinessError =>
  new BusinessError('OPSQ2002', `ERROR : INPUT_FIELD [${param}] ${JSON.stringify(value)}: ${expected}`);
