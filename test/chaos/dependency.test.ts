/** Real failures of real clients are recognised as "dependency down"; the job's own faults are not. */
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { downDependency } from '../../jobs/dependency.js';
import { classifyError } from '../../jobs/errors.js';
import { KisTransportError, KisMalformedBodyError, KisBadRequestError } from '../../src/kis/errors.js';
import { BadDataError } from '../../jobs/errors.js';
import { freePort } from '../helpers/ports.js';

const errorOf = async (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

describe('dependency-down classification', () => {
  it('PostgreSQL refusing connections → postgres; Redis refusing → redis (by port); KIS unreachable → kis', async () => {
    const pgPort = await freePort();
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${pgPort}/x`, connectionTimeoutMillis: 2_000 });
    const pgErr = await errorOf(pool.query('SELECT 1'));
    await pool.end();
    expect(downDependency(pgErr)).toBe('postgres');
    expect(classifyError(pgErr)).toMatchObject({ kind: 'dependency-down', dependency: 'postgres' });

    const redisPort = await freePort();
    const r = new Redis({ port: redisPort, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    r.on('error', () => undefined);
    const redisErr = await errorOf(r.connect());
    r.disconnect();
    expect(downDependency(redisErr, { redis: redisPort })).toBe('redis');

    expect(downDependency(new KisTransportError({ endpoint: '/uapi/x' }, 'ECONNREFUSED'))).toBe('kis');
  });

  it('a job’s own faults are not dependency faults', () => {
    for (const e of [new BadDataError('high < low'), new KisMalformedBodyError({ endpoint: '/x', status: 200 }, '{"a'), new KisBadRequestError({ endpoint: '/x' }, 'bad code'), new Error('boom')]) {
      expect(downDependency(e)).toBeUndefined();
    }
    expect(classifyError(new KisMalformedBodyError({ endpoint: '/x', status: 200 }, '{"a')).kind).toBe('retry');
  });
});
