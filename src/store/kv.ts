/**
 * The one place that talks to Keyv. Repositories see a small `Kv`: JSON values in, JSON values out, batched
 * many-key operations, bounded retries on connection errors, and errors that surface instead of being swallowed.
 */
import type Keyv from 'keyv';
import type { DeserializedData } from 'keyv';
import type { z } from 'zod';
import { StoreUnavailableError, errorCode, isTransient } from './errors.ts';

/** The logger the store writes to: pino's `(obj, msg)` shape, so a pino child logger can be passed as it is. */
export interface StoreLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  debug?(obj: Record<string, unknown>, msg: string): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: StoreLogger = { warn: () => {} };

/** One key/value pair to write. */
export interface KvEntry {
  key: string;
  value: unknown;
}

/** Key/value access shared by all repositories. Values are plain JSON. */
export interface Kv {
  /** The backend's display name, credentials redacted (`redis://127.0.0.1:6379`). */
  readonly backend: string;
  get(key: string): Promise<unknown>;
  /** Values in the order of `keys`, `undefined` where missing; batched internally. */
  getMany(keys: readonly string[]): Promise<unknown[]>;
  set(key: string, value: unknown): Promise<void>;
  /**
   * Writes in batches, in order; when a key repeats, the last value wins. `unordered`: the batches may be written
   * concurrently (for writes whose order does not matter, such as idempotent marks).
   */
  setMany(entries: readonly KvEntry[], options?: { unordered?: boolean }): Promise<void>;
  deleteMany(keys: readonly string[]): Promise<void>;
  /** Deletes everything in this store's namespace (tests and `import --replace`). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** How hard to retry a failed operation before giving up with `StoreUnavailableError`. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 5 (≈3 s in total with the default delays). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RETRY: RetryOptions = { retries: 5, baseDelayMs: 100, maxDelayMs: 2000 };
/** Rows per round trip: large enough to make 25,000 papers a few dozen queries, small enough for any driver. */
export const BATCH_SIZE = 500;
/** Batches in flight at once for reads and unordered writes (the Postgres pool holds four connections). */
const PARALLEL = 4;

/** Runs `fn` over `items` with at most `limit` calls in flight; results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Raw text that is not JSON decodes to this marker, so the repository's schema rejects and reports it. */
export interface UndecodableValue {
  undecodable: string;
}

/** Keyv `serialize`: plain JSON (Keyv's default adds Buffer/BigInt handling we do not need). */
export function serializeValue(data: unknown): string {
  return JSON.stringify(data);
}

/** Keyv `deserialize` that never throws: corrupt rows become an `UndecodableValue` instead of a crash. */
export function deserializeValue<Value>(text: string): DeserializedData<Value> {
  const undecodable = { value: { undecodable: text.slice(0, 200) } satisfies UndecodableValue as Value };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'value' in parsed) return parsed as DeserializedData<Value>;
    return undecodable;
  } catch {
    return undecodable;
  }
}

/** Options for `keyvKv`. */
export interface KeyvKvOptions {
  backend: string;
  log?: StoreLogger;
  retry?: Partial<RetryOptions>;
  /** Called by `close()` after Keyv's own disconnect (pools and clients the backend opened). */
  onClose?: () => Promise<void>;
  /** Injected for tests so retries do not really wait. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Wraps a Keyv instance (which must have `throwOnErrors: true` and the serializers above) as a `Kv`. */
export function keyvKv(keyv: Keyv, options: KeyvKvOptions): Kv {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const log = options.log ?? silentLogger;
  const sleep = options.sleep ?? realSleep;
  // Keyv re-emits adapter errors; with throwOnErrors they also reject the call, so the event is only logged.
  keyv.on('error', (error: unknown) => log.debug?.({ err: error, backend: options.backend }, 'store error event'));

  async function attempt<T>(label: string, op: () => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await op();
      } catch (error) {
        if (!isTransient(error)) throw error;
        if (n >= retry.retries) {
          throw new StoreUnavailableError(
            `store ${options.backend} unavailable during ${label}: ${errorCode(error)} — nothing was lost, the operation can be retried later`,
            errorCode(error),
            { cause: error },
          );
        }
        const delay = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** n) * (0.75 + Math.random() * 0.5);
        log.warn({ backend: options.backend, op: label, code: errorCode(error), attempt: n + 1, of: retry.retries }, 'store unavailable, retrying');
        await sleep(delay);
      }
    }
  }

  return {
    backend: options.backend,
    get: (key) => attempt('get', () => keyv.get(key)),
    async getMany(keys) {
      // Reads have no order to keep: a few batches at a time.
      const batches = await mapLimited(chunks(keys, BATCH_SIZE), PARALLEL, (batch) => attempt('getMany', () => keyv.getMany([...batch])));
      return batches.flat();
    },
    async set(key, value) {
      await attempt('set', () => keyv.set(key, value));
    },
    async setMany(entries, { unordered = false } = {}) {
      // Postgres rejects an upsert batch that names a key twice, so repeated keys are collapsed here.
      const latest = new Map<string, unknown>();
      for (const { key, value } of entries) latest.set(key, value);
      const unique = [...latest].map(([key, value]) => ({ key, value }));
      await mapLimited(chunks(unique, BATCH_SIZE), unordered ? PARALLEL : 1, async (batch) => {
        const results = await attempt('setMany', () => keyv.setMany(batch));
        if (Array.isArray(results) && results.some((ok) => ok === false)) {
          throw new StoreUnavailableError(`store ${options.backend} refused a write`, 'write-failed');
        }
      });
    },
    async deleteMany(keys) {
      for (const batch of chunks(keys, BATCH_SIZE)) await attempt('deleteMany', () => keyv.deleteMany([...batch]));
    },
    clear: () => attempt('clear', () => keyv.clear()),
    async close() {
      await keyv.disconnect().catch(() => {});
      await options.onClose?.();
    },
  };
}

/** Result of decoding one stored value. */
export type Decoded<T> = { ok: true; value: T } | { ok: false };

/**
 * Validates a stored value against its schema. A value that does not decode (corrupt row, unknown schema version,
 * hand-edited data) is reported through `log.warn` and skipped — the bot keeps running on the rest.
 */
export function decodeValue<T>(schema: z.ZodType<T>, key: string, raw: unknown, log: StoreLogger): T | undefined {
  if (raw === undefined || raw === null) return undefined;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  log.warn(
    { key, issue: issue ? `${issue.path.join('.') || '(value)'}: ${issue.message}` : 'invalid' },
    'store: skipped a value that does not decode',
  );
  return undefined;
}
