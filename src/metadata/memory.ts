/**
 * An in-memory metadata client (tests, the preview): answers from a table, counts requests like a real client
 * (one per key), and can be switched to "down" to play an outage.
 */
import type { FetchedMetadata, LookupOutcome, MetadataClient } from './types.ts';

/** A client answering from `known`; keys it lacks are "not found"; while `down`, every key "failed". */
export function memoryMetadataClient(known: Map<string, FetchedMetadata>): MetadataClient & { down: boolean; asked: string[] } {
  let requests = 0;
  const client = {
    down: false,
    asked: [] as string[],
    get requests() {
      return requests;
    },
    async lookup(keys: readonly string[], signal?: AbortSignal) {
      const out = new Map<string, LookupOutcome>();
      for (const key of keys) {
        if (signal?.aborted) break;
        requests++;
        client.asked.push(key);
        const m = known.get(key);
        out.set(key, client.down ? { kind: 'failed', reason: 'service down' } : m ? { kind: 'found', metadata: m } : { kind: 'not-found' });
        await Promise.resolve();
      }
      return out;
    },
  };
  return client;
}
