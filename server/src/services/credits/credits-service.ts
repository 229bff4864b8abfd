import { notFound } from '../../core/errors/app-error';
import type { LedgerEntry } from '../../core/ports/store';
import type { Deps } from '../deps';
import { insufficientCredits } from './ledger';

export async function listLedger(deps: Deps, userId: string, limit: number, beforeId?: number): Promise<{ balance: number; entries: LedgerEntry[] }> {
  return deps.store.read(async (r) => {
    const user = await r.users.get(userId);
    return { balance: user?.credits ?? 0, entries: await r.ledger.listForUser(userId, limit, beforeId) };
  });
}

/** An admin's grant (positive) or correction (negative, never below zero). */
export async function adjustCredits(deps: Deps, input: { userId: string; amount: number; reason: string; idemKey: string }): Promise<{ balance: number; applied: boolean }> {
  return deps.store.tx(async (r) => {
    const user = await r.users.getForUpdate(input.userId);
    if (!user) throw notFound('USER_NOT_FOUND', 'User not found');
    const res = await r.ledger.apply({
      userId: input.userId, kind: input.amount >= 0 ? 'grant' : 'adjust', amount: input.amount,
      jobId: null, itemIndex: null, idemKey: input.idemKey, reason: input.reason,
    });
    if (res.outcome === 'insufficient') throw insufficientCredits(-input.amount, res.balance);
    const after = await r.users.get(input.userId);
    return { balance: after!.credits, applied: res.outcome === 'applied' };
  });
}
