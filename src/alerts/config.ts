/**
 * The `alerts` config section. Webhook URLs (and any headers) are secrets: they live here only — jobs name
 * their webhook, never carry its URL — and are redacted wherever they could be printed.
 */
import { z } from 'zod';

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const webhookSchema = z
  .strictObject({
    /** How jobs, logs and errors refer to this webhook (never by its URL). */
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, - or _'),
    url: z.url({ protocol: /^https?$/ }),
    /** `json`: krtrade's own body; `slack`: `{ text }` for Slack incoming webhooks; `telegram`: Bot API sendMessage. */
    format: z.enum(['json', 'slack', 'telegram']).default('json'),
    /** Telegram chat to post to (required with format telegram). */
    chatId: z.string().min(1).optional(),
    /** Extra request headers (e.g. Authorization); values are secrets. */
    headers: z.record(z.string(), z.string()).default({}),
    /** Event kinds to send (default: all). */
    events: z.array(z.string().min(1)).min(1).optional(),
    minSeverity: z.enum(ALERT_SEVERITIES).default('info'),
  })
  .refine((w) => w.format !== 'telegram' || w.chatId !== undefined, { message: 'format telegram needs chatId', path: ['chatId'] });
export type WebhookConfig = z.infer<typeof webhookSchema>;

export const alertsSchema = z
  .strictObject({
    webhooks: z.array(webhookSchema).default([]),
    /** Strategy signal kinds that become alerts (`monitor` is every minute: not by default). */
    signalKinds: z.array(z.string().min(1)).default(['enter_long', 'enter_short', 'exit']),
    /** Delivery attempts per webhook and event, with exponential backoff from `backoffMs`. */
    attempts: z.number().int().min(1).max(100).default(10),
    backoffMs: z.number().int().min(10).default(2_000),
    /** One POST's time limit. */
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .prefault({})
  .superRefine((a, ctx) => {
    const seen = new Set<string>();
    a.webhooks.forEach((w, i) => {
      if (seen.has(w.name)) ctx.addIssue({ code: 'custom', path: ['webhooks', i, 'name'], message: `duplicate webhook name ${JSON.stringify(w.name)}` });
      seen.add(w.name);
    });
  });
export type AlertsConfig = z.infer<typeof alertsSchema>;
