/** Digests seen by ingest (one per date × source), with their status and counts, for `/digest status`. */
import type { StoreContext } from './context.ts';
import { loadMany, readList, safeKey, updateList } from './context.ts';
import { decodeValue } from './kv.ts';
import type { DigestRecord } from './records.ts';
import { storedDigest, withVersion } from './records.ts';

/** Digests by date and source. */
export interface DigestStore {
  get(date: string | null, source: string): Promise<DigestRecord | undefined>;
  /** Records (or replaces) a digest; the same date × source seen again (another file) is one digest. */
  put(record: DigestRecord): Promise<void>;
  putMany(records: readonly DigestRecord[]): Promise<void>;
  /** Newest digest date first (undated last), then by source. */
  list(options?: { limit?: number }): Promise<DigestRecord[]>;
  /** The newest digest, if any. */
  last(): Promise<DigestRecord | undefined>;
}

const INDEX_KEY = 'digests:index';
// `~` sorts after digits, so undated digests come last in the newest-first order.
const idOf = (date: string | null, source: string) => `${date ?? '~undated'}|${source}`;
const digestKey = (id: string) => safeKey('digest', id);
const newestFirst = (a: string, b: string) => {
  const [da = '', sa = ''] = a.split('|');
  const [db = '', sb = ''] = b.split('|');
  if (da !== db) return (da === '~undated' ? '' : da) < (db === '~undated' ? '' : db) ? 1 : -1;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
};

/** The Keyv-backed digest store. The index is kept sorted, so `list({ limit })` reads only `limit` records. */
export function keyvDigestStore(ctx: StoreContext): DigestStore {
  async function putMany(records: readonly DigestRecord[]): Promise<void> {
    if (records.length === 0) return;
    const ids = records.map((r) => idOf(r.date, r.source));
    await updateList(ctx, INDEX_KEY, (items) => [...new Set([...items, ...ids])].sort(newestFirst));
    await ctx.kv.setMany(records.map((r, i) => ({ key: digestKey(ids[i] ?? ''), value: withVersion(r) })));
  }
  async function list(options?: { limit?: number }): Promise<DigestRecord[]> {
    const ids = await readList(ctx, INDEX_KEY);
    const wanted = options?.limit === undefined ? ids : ids.slice(0, Math.max(0, options.limit));
    return loadMany(ctx, storedDigest, wanted.map(digestKey));
  }
  return {
    async get(date, source) {
      const key = digestKey(idOf(date, source));
      return decodeValue(storedDigest, key, await ctx.kv.get(key), ctx.log);
    },
    put: (record) => putMany([record]),
    putMany,
    list,
    async last() {
      return (await list({ limit: 1 }))[0];
    },
  };
}
