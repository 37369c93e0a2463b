/** A recorded stream gap as a `gap` alert (the same gap recorded again has the same key: sent once). */
import { createHash } from 'node:crypto';
import { emitAlert } from '../alerts/emit.js';
import { type KstDate, formatKst, formatKstIso } from '../time/kst.js';
import type { StreamGap } from './types.js';

const MAX_LISTED = 5;

export async function emitGapAlert(prefix: string, gap: StreamGap, tradingDate: KstDate): Promise<void> {
  const codes = [...gap.codes].sort();
  const listed = codes.slice(0, MAX_LISTED).join(', ') + (codes.length > MAX_LISTED ? ` and ${codes.length - MAX_LISTED} more` : '');
  const seconds = Math.round((gap.to - gap.from) / 1000);
  const codesHash = createHash('sha256').update(codes.join(',')).digest('hex').slice(0, 16);
  await emitAlert({
    kind: 'gap',
    severity: 'warning',
    time: gap.to,
    title: `stream gap on ${gap.appKeyName}: ${codes.length} instrument${codes.length === 1 ? '' : 's'}, ${seconds} s (${gap.reason})`,
    text: `no records for ${listed} from ${formatKst(gap.from)} to ${formatKst(gap.to)} KST; the missed minutes are being backfilled over REST (check with \`krtrade verify --date ${tradingDate}\`)`,
    key: `gap|${prefix}|${gap.appKeyName}|${gap.reason}|${formatKstIso(gap.from)}|${codesHash}`,
    data: { account: gap.appKeyName, reason: gap.reason, instruments: codes.length, seconds, from: formatKst(gap.from), to: formatKst(gap.to), tradingDate },
  });
}
