/** `/oauth2/tokenP`, `/oauth2/revokeP`, `/oauth2/Approval` and `/uapi/hashkey`. */
import { createHash } from 'node:crypto';
import { ENDPOINTS } from '../../kis/spec/index.js';
import type { ServerDeps } from './deps.js';
import { oauthError, type RestAnswer } from './rest-errors.js';

type Body = Record<string, unknown>;

const text = (b: Body, k: string): string | undefined =>
  typeof b[k] === 'string' ? (b[k] as string) : undefined;

/** Checks the app key and its secret (under whatever name the endpoint uses). */
function checkCredentials(deps: ServerDeps, body: Body, secretField: string): RestAnswer | undefined {
  const appKey = text(body, 'appkey');
  const secret = text(body, secretField);
  if (!appKey) return oauthError('EGW00102');
  const account = deps.accounts.get(appKey);
  if (!account) return oauthError('EGW00103');
  if (!secret) return oauthError('EGW00104');
  if (secret !== account.appSecret) return oauthError('EGW00105');
  return undefined;
}

function checkGrant(body: Body): RestAnswer | undefined {
  const grant = text(body, 'grant_type');
  if (!grant) return oauthError('EGW00115');
  if (grant !== 'client_credentials') return oauthError('EGW00116');
  return undefined;
}

/** Orders an object's keys as the layout's top-level fields. */
function ordered(fields: readonly string[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = values[f];
  return out;
}

export function tokenIssue(deps: ServerDeps, body: Body): RestAnswer {
  const bad = checkGrant(body) ?? checkCredentials(deps, body, 'appsecret');
  if (bad) return bad;
  const appKey = text(body, 'appkey')!;
  const r = deps.tokens.issue(appKey);
  if (!r.ok) return oauthError(r.code);
  deps.logger.debug({ reused: r.reused }, 'sim: access token answered');
  return {
    status: 200,
    body: ordered(ENDPOINTS.tokenIssue.topFields, {
      access_token: r.token,
      token_type: 'Bearer',
      // The one numeric field in KIS payloads.
      expires_in: r.expiresInSec,
      access_token_token_expired: r.expiresText,
    }),
  };
}

export function tokenRevoke(deps: ServerDeps, body: Body): RestAnswer {
  const bad = checkCredentials(deps, body, 'appsecret');
  if (bad) return bad;
  const token = text(body, 'token');
  if (!token || !deps.tokens.revoke(token, text(body, 'appkey')!)) return oauthError('EGW00121');
  return {
    status: 200,
    body: ordered(ENDPOINTS.tokenRevoke.topFields, { code: 200, message: '접근토큰 폐기에 성공하였습니다' }),
  };
}

export function wsApproval(deps: ServerDeps, body: Body): RestAnswer {
  // KIS names the secret `secretkey` here (the spec apologises for it).
  const bad = checkGrant(body) ?? checkCredentials(deps, body, 'secretkey');
  if (bad) return bad;
  return {
    status: 200,
    body: ordered(ENDPOINTS.wsApproval.topFields, {
      approval_key: deps.approvals.issue(text(body, 'appkey')!),
    }),
  };
}

export function hashkey(
  deps: ServerDeps,
  headers: Record<string, string | string[] | undefined>,
  raw: string,
  body: Body,
): RestAnswer {
  const appKey = typeof headers['appkey'] === 'string' ? headers['appkey'] : undefined;
  const secret = typeof headers['appsecret'] === 'string' ? headers['appsecret'] : undefined;
  const bad = checkCredentials(deps, { appkey: appKey, appsecret: secret }, 'appsecret');
  if (bad) return bad;
  return { status: 200, body: { BODY: body, HASH: createHash('sha256').update(raw).digest('hex') } };
}
