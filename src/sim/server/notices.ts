/**
 * Encrypted execution notices (체결통보): `1|TR|001|base64(AES-256-CBC/PKCS7)` with the session's ACK key/iv.
 * The simulator has no order book of its own, so it emits synthetic fills for the subscribed HTS ID —
 * on demand (`handle.emitFill()`) or every so often.
 */
import { createCipheriv } from 'node:crypto';
import { REALTIME_LAYOUTS, type RealtimeTrLayout } from '../../kis/spec/index.js';
import type { Clock } from '../../time/clock.js';
import { dateOf, kisHhmmss, toKst } from '../../time/kst.js';
import type { SimMarket } from '../market/types.js';
import { compileRecord, type RecordCtx } from './ws-records.js';
import type { WsSession } from './ws-session.js';

export interface FillSpec {
  /** Instrument code (default: the first instrument the market lists for the notice's product). */
  code?: string;
  side?: 'buy' | 'sell';
  qty?: number;
  /** Default: the market's last price. */
  price?: number;
}

export function encryptNotice(plain: string, key: string, iv: string): string {
  const c = createCipheriv('aes-256-cbc', Buffer.from(key, 'utf8'), Buffer.from(iv, 'utf8'));
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
}

const pad = (n: number, w: number): string => String(Math.round(n)).padStart(w, '0');

export class NoticeEmitter {
  private orderNo = 1;
  private readonly timer: NodeJS.Timeout | undefined;
  sent = 0;

  constructor(
    private readonly sessions: () => Iterable<WsSession>,
    private readonly market: SimMarket,
    private readonly clock: Clock,
    everyMs: number,
  ) {
    if (everyMs > 0) {
      this.timer = setInterval(() => {
        try {
          this.emitFill();
        } catch {
          // A synthetic notice must never take the server down.
        }
      }, everyMs);
      this.timer.unref();
    }
  }

  /** Sends one fill notice to every session subscribed to a notice TR; returns how many were sent. */
  emitFill(spec: FillSpec = {}): number {
    let n = 0;
    for (const s of this.sessions()) {
      if (!s.open || !s.account) continue;
      for (const sub of s.subs.values()) {
        if (!sub.layout.encrypted) continue;
        const record = this.record(sub.layout, s, spec);
        if (!record) continue;
        s.ws.send(`1|${sub.trId}|001|${encryptNotice(record, s.aesKey, s.aesIv)}`);
        n++;
      }
    }
    this.sent += n;
    return n;
  }

  private record(layout: RealtimeTrLayout, s: WsSession, spec: FillSpec): string | undefined {
    const now = toKst(this.clock.now());
    const stock = layout.trId === REALTIME_LAYOUTS.H0STCNI0.trId;
    const code =
      spec.code ??
      this.market.instruments(dateOf(now)).find((i) => (stock ? i.kind === 'stock' : i.kind === 'future'))
        ?.code;
    if (!code) return undefined;
    const inst = this.market.instrument(code);
    const price = spec.price ?? this.market.snapshot(code, now).last;
    const qty = spec.qty ?? 1;
    const orderNo = pad(this.orderNo++, 10);
    // Fixed-width, zero-padded values as in KIS's examples (price ×100 for derivatives is an inference from one example).
    const unitPrice = stock ? pad(price, 9) : pad(price * 100, 9);
    const account = s.account!;
    const values: Record<string, string> = {
      cust_id: account.htsId,
      acnt_no: account.accountNo,
      oder_no: orderNo,
      ooder_no: '0000000000',
      seln_byov_cls: spec.side === 'sell' ? '01' : '02',
      rctf_cls: '0',
      oder_kind: '00',
      oder_kind2: '0',
      oder_cond: '0',
      stck_shrn_iscd: code,
      cntg_qty: pad(qty, 10),
      cntg_unpr: unitPrice,
      stck_cntg_hour: kisHhmmss(now),
      rfus_yn: '0',
      cntg_yn: '2',
      acpt_yn: '2',
      brnc_no: '00950',
      oder_qty: pad(qty, 10),
      acnt_name: 'SIMULATOR',
      cntg_isnm: inst?.name ?? code,
      cntg_isnm40: inst?.name ?? code,
      oder_prc: unitPrice,
      order_prc: unitPrice,
    };
    const getters = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, () => v]));
    return compileRecord(layout, getters)({} as RecordCtx);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
