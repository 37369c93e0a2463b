/**
 * The WebSocket control protocol (reference §6): subscribe/unsubscribe JSON in, ACK / error JSON out.
 * Pure decisions over a session's state; the server does the I/O.
 */
import { REALTIME_LAYOUTS, type RealtimeTrLayout } from '../../kis/spec/index.js';
import { APPROVAL_KEY_FORMAT, type ApprovalStore, type SimAccount } from '../credentials.js';

export const MAX_SUBSCRIPTIONS = 41;

export interface ControlReply {
  header: { tr_id: string; tr_key: string; encrypt: 'N' };
  body: { rt_cd: string; msg_cd: string; msg1: string; output?: { iv: string; key: string } };
}

export function reply(
  trId: string,
  trKey: string,
  rtCd: string,
  msgCd: string,
  msg1: string,
  output?: { iv: string; key: string },
): ControlReply {
  return {
    header: { tr_id: trId, tr_key: trKey, encrypt: 'N' },
    body: { rt_cd: rtCd, msg_cd: msgCd, msg1, ...(output ? { output } : {}) },
  };
}

/** rt_cd 9 errors carry header tr_id "(null)" (observed for OPSP8996 and OPSP0017). */
export const sessionError = (msgCd: string, msg1: string): ControlReply =>
  reply('(null)', '', '9', msgCd, msg1);

export interface ParsedRequest {
  approvalKey: string;
  custtype: string;
  trType: string;
  trId: string;
  trKey: string;
}

const asObj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const asStr = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** Parses a client message: a request, a PINGPONG echo (ignored), or the error reply to send. */
export function parseClientMessage(
  text: string,
): { kind: 'request'; req: ParsedRequest } | { kind: 'pingpong' } | { kind: 'error'; reply: ControlReply } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      kind: 'error',
      reply: reply('', '', '1', 'OPSP9999', 'JSON PARSING ERROR : invalid json format'),
    };
  }
  const root = asObj(json);
  const header = asObj(root?.header);
  if (!header)
    return { kind: 'error', reply: reply('', '', '1', 'OPSP9998', 'JSON PARSING ERROR : header not found') };
  if (header.tr_id === 'PINGPONG') return { kind: 'pingpong' };
  const body = asObj(root?.body);
  if (!body)
    return { kind: 'error', reply: reply('', '', '1', 'OPSP9992', 'JSON PARSING ERROR : body not found') };
  const input = asObj(body.input);
  if (!input)
    return { kind: 'error', reply: reply('', '', '1', 'OPSP9991', 'JSON PARSING ERROR : input not found') };
  const trId = asStr(input.tr_id);
  const trKey = asStr(input.tr_key);
  if (!trId)
    return {
      kind: 'error',
      reply: reply('', trKey ?? '', '1', 'OPSP8991', 'SUBSCRIBE ERROR : invalid tr_id'),
    };
  if (trKey === undefined)
    return {
      kind: 'error',
      reply: reply(trId, '', '1', 'OPSP9990', 'JSON PARSING ERROR : tr_key not found'),
    };
  const custtype = asStr(header.custtype);
  if (custtype === undefined)
    return {
      kind: 'error',
      reply: reply(trId, trKey, '1', 'OPSP9997', 'JSON PARSING ERROR : custtype not found'),
    };
  return {
    kind: 'request',
    req: {
      approvalKey: asStr(header.approval_key) ?? '',
      custtype,
      trType: asStr(header.tr_type) ?? '',
      trId,
      trKey,
    },
  };
}

/** The layout a tr_id names for an account's environment (paper gets only TRs with a paper id). */
export function layoutFor(trId: string, account: SimAccount): RealtimeTrLayout | undefined {
  for (const layout of Object.values(REALTIME_LAYOUTS) as RealtimeTrLayout[]) {
    if (account.mode === 'real' && layout.trId === trId) return layout;
    if (account.mode === 'paper' && layout.trIdPaper === trId) return layout;
  }
  return undefined;
}

export function validateRequest(req: ParsedRequest): ControlReply | undefined {
  if (req.custtype !== 'P' && req.custtype !== 'B')
    return reply(req.trId, req.trKey, '1', 'OPSP8998', 'JSON PARSING ERROR : invalid custtype');
  if (req.trType !== '1' && req.trType !== '2')
    return reply(req.trId, req.trKey, '1', 'OPSP8997', 'JSON PARSING ERROR : invalid tr_type');
  return undefined;
}

/** OPSP0011; KIS's text echoes the key it refused (reference §6.7), so clients must keep it out of logs. */
const invalidApproval = (req: ParsedRequest): ControlReply =>
  reply(
    req.trId,
    req.trKey,
    '1',
    'OPSP0011',
    req.approvalKey ? `invalid approval : ${req.approvalKey}` : 'invalid approval : approval_key not found',
  );

/**
 * The account a message acts for, or the OPSP0011 refusal. KIS checks the approval key when a session
 * starts (its first accepted message); afterwards the session stays authenticated even once the key
 * expires, and each message's `approval_key` is only checked for presence and shape (and must not be
 * another app key's).
 */
export function approvedAccount(
  req: ParsedRequest,
  sessionAccount: SimAccount | undefined,
  approvals: ApprovalStore,
  accounts: ReadonlyMap<string, SimAccount>,
): SimAccount | ControlReply {
  if (!req.approvalKey) return invalidApproval(req);
  if (!sessionAccount) {
    const appKey = approvals.appKeyOf(req.approvalKey);
    return (appKey && accounts.get(appKey)) || invalidApproval(req);
  }
  if (!APPROVAL_KEY_FORMAT.test(req.approvalKey)) return invalidApproval(req);
  const owner = approvals.issuedTo(req.approvalKey);
  return owner === undefined || owner === sessionAccount.appKey ? sessionAccount : invalidApproval(req);
}

export const isControlReply = (v: SimAccount | ControlReply): v is ControlReply => 'body' in v;
