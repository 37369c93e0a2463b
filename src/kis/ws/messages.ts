/** Client → server subscription messages (reference §6.2). */

export type TrType = 'register' | 'unregister';

export function subscriptionMessage(opts: {
  approvalKey: string;
  custtype: 'P' | 'B';
  type: TrType;
  trId: string;
  trKey: string;
}): string {
  return JSON.stringify({
    header: {
      approval_key: opts.approvalKey,
      custtype: opts.custtype,
      // "1" register, "2" unregister (some official docstrings say "0"; the spec and servers use "2").
      tr_type: opts.type === 'register' ? '1' : '2',
      'content-type': 'utf-8',
    },
    body: { input: { tr_id: opts.trId, tr_key: opts.trKey } },
  });
}

/** KIS hosts have no path; the official clients connect to `/tryitout`, which serves every TR. */
export function sessionUrl(base: string): string {
  const u = new URL(base);
  if (u.pathname === '' || u.pathname === '/') u.pathname = '/tryitout';
  return u.toString();
}
