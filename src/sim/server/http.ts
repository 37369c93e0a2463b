/**
 * The REST server (plain node:http). Routes by exact path, applies KIS's gateway checks in order
 * (app key/secret → rate limit → token → custtype → tr_id → paper support → parameters), then runs the
 * endpoint's handler and wraps it in the `rt_cd/msg_cd/msg1` envelope. Never throws on bad input.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ENDPOINTS, type EndpointName } from '../../kis/spec/index.js';
import { toKst, type KstTime } from '../../time/kst.js';
import type { SimAccount } from '../credentials.js';
import type { ServerDeps } from './deps.js';
import { BusinessError, gatewayError, oauthError, type RestAnswer } from './rest-errors.js';
import { hashkey, tokenIssue, tokenRevoke, wsApproval } from './rest-oauth.js';
import { padRight } from './layout.js';
import { CONTENT_LENGTH, CONTENT_TYPE, JSON_TYPE, newGtUid } from './wire-headers.js';

export interface QuoteRequest {
  /** Query parameter by name, case-insensitive. */
  query(name: string): string | undefined;
  account: SimAccount;
  now: KstTime;
  /** The request's `tr_cont` header ('' on a first call, 'N' for the next page). */
  trCont: string;
}

export interface QuoteResult {
  /** Response blocks (`output`, `output1`, …) and extra top-level fields, in wire order. */
  blocks: Record<string, unknown>;
  trCont?: string;
  msgCd?: string;
  msg1?: string;
}

export type QuoteHandler = (req: QuoteRequest, deps: ServerDeps) => QuoteResult;
export type QuoteHandlers = Partial<Record<EndpointName, QuoteHandler>>;

const MAX_BODY = 1 << 20;
const OK_MSG = { msgCd: 'MCA00000', msg1: '정상처리 되었습니다.' };

type Route =
  { kind: 'oauth'; fn: 'token' | 'revoke' | 'approval' | 'hashkey' } | { kind: 'quote'; name: EndpointName };

function buildRoutes(): Map<string, Route> {
  const routes = new Map<string, Route>([
    [ENDPOINTS.tokenIssue.path, { kind: 'oauth', fn: 'token' }],
    [ENDPOINTS.tokenRevoke.path, { kind: 'oauth', fn: 'revoke' }],
    [ENDPOINTS.wsApproval.path, { kind: 'oauth', fn: 'approval' }],
    [ENDPOINTS.hashkey.path, { kind: 'oauth', fn: 'hashkey' }],
  ]);
  for (const [name, ep] of Object.entries(ENDPOINTS)) {
    if (ep.path.startsWith('/uapi/') && 'trIdReal' in ep)
      routes.set(ep.path, { kind: 'quote', name: name as EndpointName });
  }
  return routes;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export interface RestServer {
  server: Server;
  close(): Promise<void>;
}

export function createRestServer(deps: ServerDeps, handlers: QuoteHandlers): RestServer {
  const routes = buildRoutes();
  const sockets = new Set<Socket>();

  async function answer(req: IncomingMessage, raw: string): Promise<RestAnswer> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const a = await routeAnswer(req, url, raw);
    return url.pathname.startsWith('/uapi/') ? withGatewayHeaders(req, a) : a;
  }

  async function routeAnswer(req: IncomingMessage, url: URL, raw: string): Promise<RestAnswer> {
    const route = routes.get(url.pathname);
    if (!route) return gatewayError('EGW00202', 404);
    if (route.kind === 'oauth') {
      if (req.method !== 'POST') return gatewayError('EGW00101', 405);
      let body: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(raw || '{}');
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return oauthError('EGW00101');
        body = parsed as Record<string, unknown>;
      } catch {
        return oauthError('EGW00101');
      }
      if (route.fn === 'token') return tokenIssue(deps, body);
      if (route.fn === 'revoke') return tokenRevoke(deps, body);
      if (route.fn === 'approval') return wsApproval(deps, body);
      return hashkey(deps, req.headers, raw, body);
    }
    return quote(req, url, route.name);
  }

  /**
   * Every `/uapi` answer of the gateway carries a `gt_uid`, and the request's `tr_id` echoed (also on
   * gateway errors, where the workbook says nothing: assumed). A bare proxy page (the 502 fault) has neither.
   */
  function withGatewayHeaders(req: IncomingMessage, a: RestAnswer): RestAnswer {
    if (a.raw !== undefined) return a;
    const trId = header(req, 'tr_id');
    return { ...a, headers: { ...(trId ? { tr_id: trId } : {}), ...a.headers, gt_uid: newGtUid() } };
  }

  function quote(req: IncomingMessage, url: URL, name: EndpointName): RestAnswer {
    const ep = ENDPOINTS[name];
    if (!('trIdReal' in ep)) return gatewayError('EGW00202', 404);
    if (req.method !== ep.method) return gatewayError('EGW00101', 405);
    const { faults, limiter } = deps;
    if (faults.isDown(name)) {
      faults.counters.http5xx++;
      return gatewayError('EGW00001');
    }
    if (faults.hit(faults.config.http5xxRate)) {
      faults.counters.http5xx++;
      return faults.chance() < 0.5
        ? gatewayError('EGW00001')
        : { status: 502, body: null, raw: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
    }
    const appKey = header(req, 'appkey');
    if (!appKey) return gatewayError('EGW00102');
    const account = deps.accounts.get(appKey);
    if (!account) return gatewayError('EGW00103');
    const secret = header(req, 'appsecret');
    if (!secret) return gatewayError('EGW00104');
    if (secret !== account.appSecret) return gatewayError('EGW00105');
    if (faults.inRateLimitStorm()) {
      faults.counters.stormRejections++;
      limiter.reject(appKey);
      return gatewayError('EGW00201');
    }
    const perSecond = account.mode === 'paper' ? deps.limits.paperPerSecond : deps.limits.realPerSecond;
    const windows = [{ key: appKey, limit: perSecond }];
    // The option board has its own 1/s window on top of the key's (KIS: "1초당 1건").
    if ('maxPerSecond' in ep && ep.maxPerSecond)
      windows.push({ key: `${appKey} ${ep.path}`, limit: deps.limits.optionBoardPerSecond });
    if (!limiter.tryAcquireAll(windows, appKey)) return gatewayError('EGW00201');
    const auth = header(req, 'authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    if (!m) return gatewayError('EGW00205');
    const tokenState = deps.tokens.check(m[1]!, appKey);
    if (tokenState !== 'ok') return gatewayError(tokenState);
    const custtype = header(req, 'custtype');
    if (custtype !== 'P' && custtype !== 'B') return gatewayError('EGW00208');
    const trId = header(req, 'tr_id');
    if (!trId) return gatewayError('OPSQ9999');
    if (trId !== ep.trIdReal && trId !== ep.trIdPaper) return gatewayError('OPSQ0002');
    if (account.mode === 'paper' && ep.trIdPaper === null) return gatewayError('EGW00213');
    const trContHeader = ep.responseHeaders.includes('tr_cont');
    // A refusal in the body (HTTP 200, rt_cd "1") comes with the same headers as a last page.
    const refusalHeaders = { tr_id: trId, ...(trContHeader ? { tr_cont: 'D' } : {}) };
    const params = new Map<string, string>();
    for (const [k, v] of url.searchParams) params.set(k.toUpperCase(), v);
    for (const p of ep.query) {
      if (p.required && !params.has(p.name.toUpperCase())) {
        return {
          status: 200,
          headers: refusalHeaders,
          body: { rt_cd: '1', msg_cd: 'OPSQ2002', msg1: `ERROR : INPUT_FIELD_NOT_FOUND [${p.name}]` },
        };
      }
    }
    const handler = handlers[name];
    if (!handler) return gatewayError('OPSQ0002');
    try {
      const res = handler(
        {
          query: (n) => params.get(n.toUpperCase()),
          account,
          now: toKst(deps.clock.now()),
          trCont: header(req, 'tr_cont') ?? '',
        },
        deps,
      );
      const headers: Record<string, string> = { tr_id: trId };
      if (trContHeader) headers['tr_cont'] = res.trCont ?? 'D';
      const msg1 = res.msg1 ?? OK_MSG.msg1;
      return {
        status: 200,
        headers,
        body: { ...res.blocks, rt_cd: '0', msg_cd: res.msgCd ?? OK_MSG.msgCd, msg1 },
      };
    } catch (e) {
      if (e instanceof BusinessError) {
        return {
          status: 200,
          headers: refusalHeaders,
          body: { rt_cd: '1', msg_cd: e.msgCd, msg1: padRight(e.msg1, 20) },
        };
      }
      deps.logger.error({ err: e, path: ep.path }, 'sim: handler failed');
      return gatewayError('EGW00001');
    }
  }

  function send(res: ServerResponse, a: RestAnswer): void {
    let text = a.raw ?? JSON.stringify(a.body);
    const { faults } = deps;
    if (a.raw === undefined && faults.hit(faults.config.malformedJsonRate)) {
      faults.counters.malformed++;
      text = text.replace(/":/, '":,');
    } else if (a.raw === undefined && faults.hit(faults.config.truncatedRate)) {
      faults.counters.truncated++;
      text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    }
    const body = Buffer.from(text, 'utf8');
    // Names exactly as KIS writes them (see wire-headers.ts): Node keeps the case it is given.
    res.writeHead(a.status, {
      [CONTENT_TYPE]: a.raw === undefined ? JSON_TYPE : 'text/html',
      [CONTENT_LENGTH]: body.length,
      ...a.headers,
    });
    res.end(body);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const t0 = performance.now();
      answer(req, raw)
        .then(async (a) => {
          const latency = deps.faults.config.latencyMs;
          if (latency) await new Promise((r) => setTimeout(r, latency));
          send(res, a);
          deps.logger.debug(
            {
              method: req.method,
              path: req.url?.split('?')[0],
              status: a.status,
              ms: +(performance.now() - t0).toFixed(2),
            },
            'sim: rest',
          );
        })
        .catch((e: unknown) => {
          deps.logger.error({ err: e }, 'sim: rest request failed');
          if (!res.headersSent) send(res, gatewayError('EGW00001'));
        });
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  let closing: Promise<void> | undefined;
  return {
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
