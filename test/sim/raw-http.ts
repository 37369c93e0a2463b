/**
 * HTTP over a bare TCP socket, for the tests that must see response header names exactly as they are on the
 * wire (fetch and Node's `res.headers` lower-case them). The simulator always sends `Content-Length`.
 */
import { connect } from 'node:net';
import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  /** Header lines in wire order, names with their case as sent. */
  headers: [name: string, value: string][];
  body: string;
  json: Record<string, unknown>;
}

/** One request on a fresh connection (`Connection: close`), read to the end. */
export function rawRequest(
  baseUrl: string,
  method: 'GET' | 'POST',
  pathAndQuery: string,
  headers: Record<string, string>,
  body = '',
): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const payload = Buffer.from(body, 'utf8');
  const lines = [
    `${method} ${pathAndQuery} HTTP/1.1`,
    `Host: ${url.host}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ...(method === 'POST' ? [`Content-Length: ${payload.length}`] : []),
  ];
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(lines.join('\r\n') + '\r\n\r\n');
      socket.write(payload);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

function parseResponse(raw: Buffer): RawAnswer {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error(`no header block in ${JSON.stringify(raw.toString('utf8').slice(0, 200))}`);
  const [statusLine, ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine!)?.[1];
  if (!status) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
  const headers = lines.map((l): [string, string] => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1).trim()];
  });
  const body = raw.subarray(split + 4).toString('utf8');
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    // Not JSON (e.g. a plain-text answer): the test looks at `body`.
  }
  return { status: Number(status), headers, body, json };
}

/** Response headers as `http.request` reports them in `res.rawHeaders` (names with the case received). */
export function rawHeadersOf(url: string, headers: Record<string, string>): Promise<[string, string][]> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      const pairs: [string, string][] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2)
        pairs.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
      res.on('end', () => resolve(pairs));
    });
    req.on('error', reject);
    req.end();
  });
}
