/**
 * One webhook POST. Errors say which webhook (by name) and what happened, never its URL or headers: the
 * message goes to logs and into BullMQ's failed-job record, both readable by more people than the config.
 */
import { UnrecoverableError } from 'bullmq';
import { KrtradeError, errorMessage } from '../errors.js';
import type { WebhookConfig } from './config.js';

export class AlertDeliveryError extends KrtradeError {}

/** Replaces every secret part of the webhook (URL, its path and query, header values) in `text`. */
export function redactWebhook(text: string, w: Pick<WebhookConfig, 'url' | 'headers'>): string {
  const u = new URL(w.url);
  const secrets = [w.url, `${u.pathname}${u.search}`, u.pathname, u.search, ...Object.values(w.headers)]
    .filter((s) => s.length > 3)
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of secrets) out = out.split(s).join('****');
  return out;
}

/** A safe label for logs: the name and the host (no path, no token). */
export const webhookLabel = (w: Pick<WebhookConfig, 'name' | 'url'>): string => `${w.name} (${new URL(w.url).host})`;

/** 4xx other than 408/429 will not get better by retrying (wrong URL, revoked token, bad chat id). */
const permanent = (status: number): boolean => status >= 400 && status < 500 && status !== 408 && status !== 429;

export async function postWebhook(w: WebhookConfig, body: unknown, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(w.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...w.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    throw new AlertDeliveryError(redactWebhook(`webhook ${webhookLabel(w)} unreachable: ${cause ?? errorMessage(e)}; will retry`, w));
  }
  // Drain the body so the connection is reused; its text is not echoed (a receiver may reflect secrets).
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return;
  const what = `webhook ${webhookLabel(w)} answered HTTP ${res.status}`;
  if (permanent(res.status)) throw new UnrecoverableError(`${what}: check its url, token and chatId in alerts.webhooks; not retried`);
  throw new AlertDeliveryError(`${what}; will retry`);
}
