/**
 * Response headers as KIS writes them on the wire. Standard headers are capitalised (`Content-Type`,
 * `Content-Length`; Node adds `Date`, `Connection`, `Keep-Alive` the same way); KIS's own headers are lower
 * case (`tr_id`, `tr_cont`, `gt_uid`). Casing matters: KIS's official client keeps only the all-lower-case
 * names and turns them into identifiers (`namedtuple`), so a lower-case `content-type` crashes it on every
 * call. Node writes header names exactly as given, so the names below are what a client sees.
 */
import { randomUUID } from 'node:crypto';

export const CONTENT_TYPE = 'Content-Type';
export const CONTENT_LENGTH = 'Content-Length';
export const JSON_TYPE = 'application/json; charset=utf-8';

/** KIS's own response header names, lower case as the workbook spells them. */
export const KIS_HEADERS = ['tr_id', 'tr_cont', 'gt_uid'] as const;
export type KisHeaderName = (typeof KIS_HEADERS)[number];

/**
 * `gt_uid` (거래고유번호, 32 characters, unique per transaction). KIS publishes no example value, so the
 * format is ours: 32 hex digits of a random UUID.
 */
export const newGtUid = (): string => randomUUID().replaceAll('-', '');
