/** HTML shell around server-rendered charts: no scripts, no external assets. Pure. */
import { esc } from './svg.js';

export function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${esc(title)} · krtrade</title>` +
    '<style>body{font-family:sans-serif;margin:1.5em;color:#222}a{color:#1f5fbf}td,th{padding:2px 10px;text-align:left}</style>' +
    `</head><body><p><a href="/charts">charts</a> · <a href="/charts/quality">data quality</a> · <a href="/charts/signals">signals</a> · <a href="/queues">queues</a></p><h1>${esc(title)}</h1>${body}</body></html>`
  );
}

/** Builds `path?k=v&…` with every value URL-encoded and the whole href HTML-escaped. */
export function href(path: string, q: Record<string, string>): string {
  return esc(`${path}?${new URLSearchParams(q).toString()}`);
}
