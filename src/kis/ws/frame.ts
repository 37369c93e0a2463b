/**
 * Classifies one KIS WebSocket text frame. Pure and total: it never throws, every unusable frame comes
 * back as `{ kind: 'bad', reason, rejection }`. Given the frame's bytes it decodes them strictly: KIS
 * sometimes sends invalid UTF-8, and a lenient decoder turns it into U+FFFD inside codes and numbers
 * (`A0161�(�2`), which must never be passed on as data.
 *
 * Control frames are JSON (ACK, unsubscribe ACK, refusals, PINGPONG). Data frames are
 * `0|TR|NNN|payload` (plain) or `1|TR|NNN|base64` (AES-256-CBC); the prefix decides, never the ACK's
 * `encrypt` flag (KIS's own ACK example says "N" for encrypted TRs). NNN records are concatenated with
 * `^`, so the record width is total fields / NNN — robust when KIS appends fields to a TR.
 */
import { isUtf8 } from 'node:buffer';
import { type AesKey, decryptPayload } from './crypto.js';
import { displayFrame } from './errors.js';
import { fieldEnds, fieldText } from './fields.js';
import type { RejectReason } from './rejects.js';

export type { AesKey };

export interface DataFrame {
  kind: 'data';
  trId: string;
  /** Records in the frame (NNN). */
  count: number;
  encrypted: boolean;
  /** The (decrypted) payload: all records' fields joined by `^`. */
  payload: string;
  /** Field k of the payload ends at `ends[k]`; record r's field i is field `r * width + i` (see fields.ts). */
  ends: Int32Array;
  /** Fields in the payload (count × width). */
  fieldCount: number;
  /** Fields per record. */
  width: number;
}

export interface AckFrame {
  kind: 'ack';
  trId: string;
  trKey: string;
  msgCd: string;
  msg: string;
  /** AES key/iv for this TR (present in every KIS ACK, used by encrypted TRs). */
  aes: AesKey | undefined;
}

export interface UnsubscribedFrame {
  kind: 'unsubscribed';
  trId: string;
  trKey: string;
  msgCd: string;
  msg: string;
}

/** `rt_cd` other than "0": duplicate, limit, bad approval, key in use, … (reference §6.7). */
export interface RefusalFrame {
  kind: 'refusal';
  rtCd: string;
  msgCd: string;
  msg: string;
  /** null when KIS sends `"(null)"`, `null` or nothing. */
  trId: string | null;
  trKey: string | null;
}

/** Any other rt_cd "0" control message. */
export interface InfoFrame {
  kind: 'info';
  trId: string | null;
  msgCd: string;
  msg: string;
}

export interface PingPongFrame {
  kind: 'pingpong';
}

export interface BadFrame {
  kind: 'bad';
  reason: string;
  rejection: RejectReason;
  /** The frame for display: secrets scrubbed, truncated. */
  raw: string;
}

export type Frame = DataFrame | AckFrame | UnsubscribedFrame | RefusalFrame | InfoFrame | PingPongFrame | BadFrame;

/** Looks up the AES key of an encrypted TR (from its ACK). */
export type KeyLookup = (trId: string) => AesKey | undefined;

const TR_ID_RE = /^[A-Z0-9]{2,12}$/;
const COUNT_RE = /^\d{1,4}$/;

const bad = (reason: string, raw: string, rejection: RejectReason = 'malformed'): BadFrame => ({ kind: 'bad', reason, rejection, raw: displayFrame(raw) });
/** A piece of the frame quoted in a reason, kept short. */
const quote = (s: string): string => JSON.stringify(s.length > 20 ? `${s.slice(0, 20)}…` : s);

/** The frame's text, or null when its bytes are not valid UTF-8. */
export function frameText(bytes: Uint8Array): string | null {
  if (!isUtf8(bytes)) return null;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** The frame as text for display only (invalid bytes shown as U+FFFD). */
export const lossyText = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

export function parseFrame(frame: string | Uint8Array, keys?: KeyLookup): Frame {
  let text: string;
  if (typeof frame === 'string') text = frame;
  else if (frame instanceof Uint8Array) {
    const t = frameText(frame);
    if (t === null) return bad('the frame is not valid UTF-8', lossyText(frame), 'utf8');
    text = t;
  } else return bad('empty frame', String(frame ?? ''));
  if (text.length === 0) return bad('empty frame', text);
  const c0 = text.charCodeAt(0);
  if (c0 === 0x30 /* 0 */ || c0 === 0x31 /* 1 */) return parseData(text, c0 === 0x31, keys);
  if (c0 === 0x7b /* { */ || /^\s*\{/.test(text)) return parseControl(text);
  return bad('neither a data frame (0|… / 1|…) nor a JSON control frame', text);
}

function parseData(text: string, encrypted: boolean, keys: KeyLookup | undefined): Frame {
  if (text.charCodeAt(1) !== 0x7c /* | */) return bad('data frame prefix is not "0|" or "1|"', text);
  const p2 = text.indexOf('|', 2);
  const p3 = p2 < 0 ? -1 : text.indexOf('|', p2 + 1);
  if (p3 < 0) return bad('data frame needs 4 "|"-separated parts: enc|TR|NNN|payload', text);
  const trId = text.slice(2, p2);
  if (!TR_ID_RE.test(trId)) return bad(`invalid tr_id ${quote(trId)}`, text);
  const countText = text.slice(p2 + 1, p3);
  if (!COUNT_RE.test(countText)) return bad(`record count ${quote(countText)} is not a number`, text);
  const count = Number(countText);
  if (count < 1) return bad('record count is 0', text);
  let payload = text.slice(p3 + 1);
  if (encrypted) {
    const aes = keys?.(trId);
    if (!aes) return bad(`encrypted ${trId} frame but no key/iv from an ACK for ${trId}`, text, 'decrypt');
    const plain = decryptPayload(payload, aes);
    if (typeof plain !== 'string') return bad(`cannot decrypt ${trId} payload: ${plain.error}`, text, 'decrypt');
    payload = plain;
  }
  if (payload.length === 0) return bad('empty payload', text);
  // Valid UTF-8 can still carry U+FFFD: a lenient decoder upstream already replaced bytes it could not read.
  if (payload.indexOf('\uFFFD') >= 0) return bad('U+FFFD (an undecodable byte) in the payload', text, 'utf8');
  const ends = fieldEnds(payload);
  const width = ends.length / count;
  if (!Number.isInteger(width)) {
    return bad(`${ends.length} fields do not split into ${count} equal records`, text, 'field-count');
  }
  return { kind: 'data', trId, count, encrypted, payload, ends, fieldCount: ends.length, width };
}


/** All fields of a data frame as strings (convenient, not fast: the typed parsers read in place). */
export function frameFields(f: DataFrame): string[] {
  return Array.from({ length: f.fieldCount }, (_, k) => fieldText(f.payload, f.ends, k));
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
/** KIS writes a missing tr_id as the string "(null)". */
const trIdOf = (v: unknown): string | null => {
  const s = str(v);
  return s === null || s === '' || s === '(null)' || s === 'null' ? null : s;
};

function parseControl(text: string): Frame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return bad('invalid JSON in control frame', text);
  }
  if (!isObj(json)) return bad('control frame is not a JSON object', text);
  const header = isObj(json.header) ? json.header : undefined;
  const body = json.body;
  // rt_cd first: error frames can carry tr_id "(null)" (or even "PINGPONG" is not to be trusted then).
  if (isObj(body) && body.rt_cd !== undefined) {
    const rtCd = str(body.rt_cd);
    if (rtCd === null) return bad('body.rt_cd is not a string', text);
    const msgCd = str(body.msg_cd) ?? '';
    const msg = str(body.msg1) ?? '';
    const trId = trIdOf(header?.tr_id);
    const trKey = str(header?.tr_key);
    if (rtCd !== '0') return { kind: 'refusal', rtCd, msgCd, msg, trId, trKey };
    if (msgCd === 'OPSP0000' || /^SUBSCRIBE SUCCESS/i.test(msg)) {
      if (trId === null) return bad('subscribe ACK without header.tr_id', text);
      return { kind: 'ack', trId, trKey: trKey ?? '', msgCd, msg, aes: aesOf(body.output) };
    }
    if (msgCd === 'OPSP0001' || /^UNSUB/i.test(msg)) {
      if (trId === null) return bad('unsubscribe ACK without header.tr_id', text);
      return { kind: 'unsubscribed', trId, trKey: trKey ?? '', msgCd, msg };
    }
    return { kind: 'info', trId, msgCd, msg };
  }
  if (header && header.tr_id === 'PINGPONG') return { kind: 'pingpong' };
  return bad(header ? 'control frame without body.rt_cd' : 'control frame without header', text);
}

function aesOf(output: unknown): AesKey | undefined {
  if (!isObj(output)) return undefined;
  const key = str(output.key);
  const iv = str(output.iv);
  return key && iv ? { key, iv } : undefined;
}
