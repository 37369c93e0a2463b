/** The body each webhook format expects. Pure: event in, JSON body out. */
import type { WebhookConfig } from './config.js';
import { alertTimeText, type AlertEvent } from './event.js';

const ICON: Record<AlertEvent['severity'], string> = { info: 'ℹ️', warning: '⚠️', critical: '🚨' };

function lines(e: AlertEvent): string[] {
  const details = Object.entries(e.data).map(([k, v]) => `${k}: ${v === null ? '—' : String(v)}`);
  return [`${ICON[e.severity]} ${e.title}`, ...(e.text ? [e.text] : []), ...details, alertTimeText(e.time)];
}

export function webhookBody(w: Pick<WebhookConfig, 'format' | 'chatId'>, e: AlertEvent): Record<string, unknown> {
  switch (w.format) {
    case 'slack':
      // Slack incoming webhooks: `text` is required and is what notifications show.
      return { text: lines(e).join('\n') };
    case 'telegram':
      return { chat_id: w.chatId, text: lines(e).join('\n'), disable_web_page_preview: true };
    default:
      return { kind: e.kind, severity: e.severity, title: e.title, text: e.text, time: alertTimeText(e.time), key: e.key, data: e.data };
  }
}
