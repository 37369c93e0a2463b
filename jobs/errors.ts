/**
 * How a handler's error becomes a BullMQ outcome:
 * - bad payload, KIS "give up" errors, data that can never be valid → `UnrecoverableError` (no retries);
 * - KIS rate limit / token-issue throttle → the queue's rate-limit path (the attempt is not counted);
 * - PostgreSQL, Redis or KIS unreachable → the worker waits for the service (the attempt is not counted:
 *   jobs/dependency.ts), so an outage longer than the backoff schedule does not fail work for good;
 * - a broken KIS body (`KisMalformedBodyError`) → a normal retry; after the last attempt it is quarantined;
 * - anything else → a normal failed attempt, retried with the catalog's exponential backoff.
 */
import { UnrecoverableError } from 'bullmq';
import { isKisError } from '../src/kis/errors.js';
import { errorMessage } from '../src/errors.js';
import { PayloadError } from './catalog.js';
import { type Dependency, type DependencyPorts, downDependency } from './dependency.js';

/** Thrown by handlers for input that no retry can fix (e.g. a KIS bar with high < low). */
export class BadDataError extends Error {
  override readonly name = 'BadDataError';
}

export type ErrorOutcome =
  | { kind: 'unrecoverable'; reason: string }
  | { kind: 'rate-limit'; waitMs: number; code: string }
  | { kind: 'dependency-down'; dependency: Dependency; reason: string }
  | { kind: 'retry'; reason: string };

/** `waitMs` is in clock time; the pool converts it to real time for BullMQ. */
export function classifyError(e: unknown, ports: DependencyPorts = {}): ErrorOutcome {
  if (e instanceof UnrecoverableError) return { kind: 'unrecoverable', reason: e.message };
  if (e instanceof PayloadError || e instanceof BadDataError) return { kind: 'unrecoverable', reason: e.message };
  const dependency = downDependency(e, ports);
  if (dependency) return { kind: 'dependency-down', dependency, reason: errorMessage(e) };
  if (isKisError(e)) {
    if (e.action === 'wait') return { kind: 'rate-limit', waitMs: e.retryAfterMs ?? 1_000, code: e.code ?? e.name };
    if (e.action === 'give-up') return { kind: 'unrecoverable', reason: e.message };
  }
  return { kind: 'retry', reason: errorMessage(e) };
}

/** KIS error code for metrics, or the error's type name. */
export function errorCode(e: unknown): string {
  if (isKisError(e)) return e.code ?? e.name;
  return e instanceof Error ? e.name : 'unknown';
}
