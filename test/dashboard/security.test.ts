import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/time/clock.js';
import { UserError } from '../../src/errors.js';
import { startDashboard, type Dashboard, type DashboardOptions } from '../../dashboard/server.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from '../pipeline/helpers.js';

let h: QueueHarness | undefined;
let dash: Dashboard | undefined;
afterEach(async () => {
  await dash?.close();
  await h?.close();
  dash = h = undefined;
});

const ADMIN = { username: 'ops', password: 'Kiwi-Harbor-7-Lantern' };
const VIEWER = { viewerUsername: 'desk', viewerPassword: 'Maple-Orbit-42-Quartz' };

function start(extra: Partial<DashboardOptions>): Promise<Dashboard> {
  h ??= queueHarness(testPrefix('dashsec'), new RealClock());
  return startDashboard({
    host: '127.0.0.1', port: 0, readOnly: false, insecureLocal: false,
    queues: h.services.queues.queues, redis: h.redis, stats: h.services.stats, clock: new RealClock(), log: h.services.log,
    ...extra,
  });
}

const basic = (u: string, p: string, scheme = 'Basic') => ({ authorization: `${scheme} ${Buffer.from(`${u}:${p}`).toString('base64')}` });
const board = (path: string) => `${dash!.boardUrl}/api/${path}`;

describe('dashboard security', () => {
  it('refuses weak passwords at start with a one-line error naming the setting, never the password', async () => {
    for (const weak of ['password123', 'ops12345', 'krtrade2026', 'qwertyuiop']) {
      const err = await start({ username: 'ops', password: weak }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/^dashboard\.password is too weak/);
      expect((err as Error).message).not.toContain(weak);
      expect((err as Error).message).not.toContain('\n');
    }
    await expect(start({ ...ADMIN, viewerUsername: 'desk', viewerPassword: 'desk1234' })).rejects.toThrow(/dashboard\.viewerPassword is too weak/);
    await expect(start({ ...ADMIN, viewerUsername: 'desk' })).rejects.toThrow(/set both dashboard\.viewerUsername and dashboard\.viewerPassword/);
  });

  it('accepts the Basic scheme in any letter case (RFC 7617)', async () => {
    dash = await start(ADMIN);
    for (const scheme of ['Basic', 'basic', 'BASIC', 'bAsIc']) {
      expect((await fetch(board('queues'), { headers: basic(ADMIN.username, ADMIN.password, scheme) })).status, scheme).toBe(200);
    }
    // A password may contain colons: the user-id ends at the first one.
    await dash.close();
    dash = await start({ username: 'ops', password: 'Kiwi:Harbor:7:Lantern' });
    expect((await fetch(board('queues'), { headers: basic('ops', 'Kiwi:Harbor:7:Lantern') })).status).toBe(200);
  });

  it('the viewer login sees every queue but no action; the admin acts', async () => {
    dash = await start({ ...ADMIN, ...VIEWER });
    const viewer = basic(VIEWER.viewerUsername, VIEWER.viewerPassword);
    const admin = basic(ADMIN.username, ADMIN.password);
    const seen = (await (await fetch(board('queues'), { headers: viewer })).json()) as { queues: { readOnlyMode: boolean }[] };
    expect(seen.queues.length).toBe(5);
    expect(seen.queues.every((q) => q.readOnlyMode)).toBe(true);
    expect((await fetch(board('queues/fetch/pause'), { method: 'PUT', headers: viewer })).status).toBe(405);
    expect(await h!.services.queues.queues.fetch.isPaused()).toBe(false);
    const adminSeen = (await (await fetch(board('queues'), { headers: admin })).json()) as { queues: { readOnlyMode: boolean }[] };
    expect(adminSeen.queues.every((q) => !q.readOnlyMode)).toBe(true);
    expect((await fetch(board('queues/fetch/pause'), { method: 'PUT', headers: admin })).status).toBe(200);
    expect(await h!.services.queues.queues.fetch.isPaused()).toBe(true);
    // Our own actions: refused to the viewer before anything runs.
    expect((await fetch(`${dash.url}/actions/anything`, { method: 'POST', headers: viewer })).status).toBe(403);
  });

  it('throttles failed logins per client: after 5 wrong passwords even the right one waits', async () => {
    dash = await start(ADMIN);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetch(board('queues'), { headers: basic('ops', `wrong-${i}`) })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const blocked = await fetch(board('queues'), { headers: basic(ADMIN.username, ADMIN.password) });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // A browser asking for the prompt (no credentials) is not counted as a guess.
    await dash.close();
    dash = await start(ADMIN);
    for (let i = 0; i < 10; i++) expect((await fetch(board('queues'))).status).toBe(401);
    expect((await fetch(board('queues'), { headers: basic(ADMIN.username, ADMIN.password) })).status).toBe(200);
  });

  it('refuses actions coming from another site (CSRF), allows our own pages and non-browser clients', async () => {
    dash = await start(ADMIN);
    const auth = basic(ADMIN.username, ADMIN.password);
    const pause = (headers: Record<string, string>) => fetch(board('queues/fetch/pause'), { method: 'PUT', headers: { ...auth, ...headers } });
    expect((await pause({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await pause({ origin: 'http://evil.example' })).status).toBe(403);
    expect(await h!.services.queues.queues.fetch.isPaused()).toBe(false);
    const host = new URL(dash.url).host;
    expect((await pause({ 'sec-fetch-site': 'same-origin', origin: `http://${host}` })).status).toBe(200);
    expect(await h!.services.queues.queues.fetch.isPaused()).toBe(true);
    const resume = await fetch(board('queues/fetch/resume'), { method: 'PUT', headers: auth });
    expect(resume.status).toBe(200);
    // Reading stays possible from anywhere the login reaches.
    expect((await fetch(board('queues'), { headers: { ...auth, 'sec-fetch-site': 'cross-site' } })).status).toBe(200);
  });

  it('/health and /metrics are open by default and behind the login with protectProbes', async () => {
    dash = await start(ADMIN);
    expect((await fetch(`${dash.url}/metrics`)).status).toBe(200);
    await dash.close();
    dash = await start({ ...ADMIN, protectProbes: true });
    expect((await fetch(`${dash.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${dash.url}/health`)).status).toBe(401);
    expect((await fetch(`${dash.url}/metrics`, { headers: basic(ADMIN.username, ADMIN.password) })).status).toBe(200);
  });
});
