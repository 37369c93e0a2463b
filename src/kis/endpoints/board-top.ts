/** The HTS [0503] screen's top bar (FHPIF05030000): the underlying index beside a future. Real accounts only. */
import { optNum, optText } from '../fields.js';
import type { KisCallOptions, KisHttp } from '../http.js';
import { priceOrNone } from '../not-computed.js';
import { readObject } from '../response.js';
import type { UnderlyingBar } from '../types.js';

export interface UnderlyingBarArgs {
  /** A listed future of the underlying (KIS's example: the front KOSPI200 future `101V06`). */
  futureCode: string;
}

/** The underlying index level (`unas_prpr`) and the future's price; 0 or blank = none. */
export async function underlyingBar(http: KisHttp, a: UnderlyingBarArgs, opts?: KisCallOptions): Promise<UnderlyingBar> {
  const { body } = await http.get(
    'underlyingBar',
    { FID_COND_MRKT_DIV_CODE: 'F', FID_INPUT_ISCD: a.futureCode, FID_COND_MRKT_DIV_CODE1: '', FID_COND_SCR_DIV_CODE: '', FID_MTRT_CNT: '', FID_COND_MRKT_CLS_CODE: '' },
    opts,
  );
  const r = readObject('underlyingBar', body, 'output1', []);
  const out: UnderlyingBar = { futureCode: a.futureCode, fields: r };
  const index = priceOrNone(optNum(r, 'unas_prpr'));
  const future = priceOrNone(optNum(r, 'futs_prpr'));
  const name = optText(r, 'hts_kor_isnm');
  if (index !== undefined) out.index = index;
  if (future !== undefined) out.futurePrice = future;
  if (name) out.name = name;
  return out;
}
