/** Ingested digest files, so that the same file with the same content is never ingested twice. */
import { createHash } from 'node:crypto';
import type { StoreContext } from './context.ts';
import { addItems, loadMany, readList, updateList } from './context.ts';
import { decodeValue } from './kv.ts';
import type { FileRecord } from './records.ts';
import { storedFile, withVersion } from './records.ts';

/** Ingested files by path. */
export interface FileStore {
  get(path: string): Promise<FileRecord | undefined>;
  /** Records (or replaces) what ingesting `record.path` gave. */
  put(record: FileRecord): Promise<void>;
  putMany(records: readonly FileRecord[]): Promise<void>;
  /** Every file record, in first-ingest order. */
  list(): Promise<FileRecord[]>;
}

const INDEX_KEY = 'files:index';
// Paths can be long and contain anything, so the key is always a hash.
const fileKey = (path: string) => `file:${createHash('sha256').update(path).digest('hex').slice(0, 40)}`;

/** The content hash stored in `FileRecord.hash` (SHA-256, hex). */
export function contentHash(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** True when `record` says this exact content was already ingested (successfully), so there is nothing to do. */
export function isUnchanged(record: FileRecord | undefined, hash: string): boolean {
  return record !== undefined && record.hash === hash && record.error === null;
}

/** The Keyv-backed file store. */
export function keyvFileStore(ctx: StoreContext): FileStore {
  async function putMany(records: readonly FileRecord[]): Promise<void> {
    if (records.length === 0) return;
    await updateList(ctx, INDEX_KEY, (items) => addItems(items, records.map((r) => r.path)));
    await ctx.kv.setMany(records.map((r) => ({ key: fileKey(r.path), value: withVersion(r) })));
  }
  return {
    async get(path) {
      return decodeValue(storedFile, fileKey(path), await ctx.kv.get(fileKey(path)), ctx.log);
    },
    put: (record) => putMany([record]),
    putMany,
    async list() {
      return loadMany(ctx, storedFile, (await readList(ctx, INDEX_KEY)).map(fileKey));
    },
  };
}
