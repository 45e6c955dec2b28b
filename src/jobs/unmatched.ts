/**
 * Papers new to the archive that have not been matched against subscriptions yet. Ingest adds their ids right
 * after storing them, and planning removes them once their deliveries are in the outbox; both are in the store, so
 * a crash (or a store error) between the two, or papers ingested by another process (the command line), are
 * matched by the next run instead of being lost.
 */
import { z } from 'zod';
import type { Stores } from '../store/index.ts';

const KEY = 'plan:unmatched-papers';
const ids = z.array(z.string());

/** Ids waiting to be matched, oldest first. */
export async function unmatchedPapers(stores: Pick<Stores, 'meta'>): Promise<string[]> {
  return (await stores.meta.get(KEY, ids)) ?? [];
}

/** Adds ids to the waiting list. */
export async function rememberUnmatched(stores: Pick<Stores, 'meta'>, added: readonly string[]): Promise<void> {
  if (added.length === 0) return;
  const waiting = await unmatchedPapers(stores);
  await stores.meta.set(KEY, [...new Set([...waiting, ...added])]);
}

/** Removes matched ids (keeping any added meanwhile). */
export async function forgetUnmatched(stores: Pick<Stores, 'meta'>, matched: readonly string[]): Promise<void> {
  if (matched.length === 0) return;
  const done = new Set(matched);
  const waiting = await unmatchedPapers(stores);
  await stores.meta.set(KEY, waiting.filter((id) => !done.has(id)));
}
