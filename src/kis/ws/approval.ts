/**
 * The WebSocket approval key of a KIS REST client, in the form the realtime client wants: the key
 * shared by every process of the app key (Redis), and dropped from that cache when KIS rejects it
 * (OPSP0011) so that the next connection asks KIS for a fresh one instead of repeating the bad key.
 */
import type { KisClient } from '../client.js';
import type { ApprovalKeySource } from './client.js';

export function approvalKeyFrom(kis: Pick<KisClient, 'approvalKey' | 'invalidateApprovalKey'>): ApprovalKeySource {
  return {
    get: () => kis.approvalKey(),
    invalidate: (rejected) => kis.invalidateApprovalKey(rejected),
  };
}
