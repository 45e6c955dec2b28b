/**
 * Locks for read-modify-write index lists: a keyed in-process mutex, plus — when several processes share one
 * Redis store — a per-key Redis lock taken inside it (see "Across processes" in README.md).
 */
import { randomBytes } from 'node:crypto';
import type { RedisClient } from './backends.ts';
import { StoreUnavailableError, errorCode, isTransient } from './errors.ts';
import type { RetryOptions, StoreLogger } from './kv.ts';
import { silentLogger } from './kv.ts';

/**
 * Called by the holder of a shared lock right before it writes: resolves when the lock is still its own (and
 * then valid long enough for the write), throws `StoreUnavailableError` when it expired and may be someone
 * else's — so a stalled holder never overwrites a newer list.
 */
export type LockGuard = () => Promise<void>;

/** A per-key lock that also excludes other processes. */
export interface SharedLock {
  /** Runs `fn` holding the lock on `key`; `fn` calls the guard before it writes. */
  run<T>(key: string, fn: (guard: LockGuard) => Promise<T>): Promise<T>;
}

/** The guard of a lock that cannot be lost (in-process only). */
const alwaysHeld: LockGuard = async () => {};

/**
 * A small keyed async mutex. Index values are read-modify-write JSON documents, so two writers touching the same
 * index key in one process must take turns or one of them silently loses the other's entries. Given a
 * `SharedLock`, `runShared` additionally takes it, so writers in other processes take turns too.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** `shared`: the cross-process lock for `runShared` (Redis); without it `runShared` is `run`. */
  constructor(private readonly shared?: SharedLock) {}

  /** Runs `fn` once every earlier holder of `key` has finished; failures do not poison the queue. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      // Forget the key once nobody queued behind us, so the map does not grow with every key ever locked.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /**
   * Like `run`, and also holds the shared lock on `key` while `fn` runs. The local mutex is taken first: it
   * orders this process's writers for free, so at most one of them per process contends for the shared lock.
   */
  runShared<T>(key: string, fn: (guard: LockGuard) => Promise<T>): Promise<T> {
    const shared = this.shared;
    return this.run(key, () => (shared ? shared.run(key, fn) : fn(alwaysHeld)));
  }
}

/** Options of `redisListLock`. */
export interface RedisListLockOptions {
  /** Prepended to every lock key; must place it inside the store's namespace (`<namespace>::lock:`). */
  prefix: string;
  /**
   * Lock time to live. It must outlast the critical section — one read and one write, each retried by the store
   * for up to its retry budget (≈4 s by default) when Redis is briefly gone — and it bounds how long a holder
   * that died blocks the list. Default: 10 s, or four retry budgets if that is longer.
   */
  ttlMs?: number;
  /**
   * How long to wait while another process holds the lock before giving up with `StoreUnavailableError`.
   * Default `ttlMs` + 2 s, so a lock left by a dead holder always expires before its waiters give up.
   */
  waitMs?: number;
  /** The store's retry policy, applied to Redis errors while acquiring (so an outage fails as fast as a read). */
  retry?: Partial<RetryOptions>;
  log?: StoreLogger;
}

// The same defaults as the key/value layer's retries (kv.ts).
const DEFAULT_RETRY: RetryOptions = { retries: 5, baseDelayMs: 100, maxDelayMs: 2000 };

/** The longest one store operation can spend retrying under `retry` (delays jitter up to +25%). */
function retryBudgetMs(retry: RetryOptions): number {
  let total = 0;
  for (let n = 0; n < retry.retries; n++) total += Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** n) * 1.25;
  return Math.ceil(total);
}

// Take the lock, or confirm we already hold it: a retried acquire whose first reply was lost must not wait for
// its own lock to expire.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

// Extend only a lock that is still ours.
const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

// Delete only a lock that is still ours: after an expiry it may be another holder's.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A `SharedLock` in Redis: `SET key token NX PX ttl` with a random token per holding, retried with jittered
 * backoff (5 ms doubling to 100 ms) for up to `waitMs`, released by a compare-and-delete script. Redis errors
 * while acquiring are retried under the store's retry policy (the client runs without an offline queue, so they
 * come at once); a failed release is only logged — the TTL frees the lock.
 */
export function redisListLock(redis: RedisClient, options: RedisListLockOptions): SharedLock {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const ttlMs = options.ttlMs ?? Math.max(10_000, 4 * retryBudgetMs(retry));
  const waitMs = options.waitMs ?? ttlMs + 2000;
  const log = options.log ?? silentLogger;

  async function acquire(lockKey: string, token: string): Promise<number> {
    const deadline = Date.now() + waitMs;
    let failures = 0;
    for (let n = 0; ; n++) {
      const askedAt = Date.now();
      let delay: number;
      try {
        const got = await redis.eval(ACQUIRE, { keys: [lockKey], arguments: [token, String(ttlMs)] });
        // Count validity from before the request: the server's clock started no earlier than that.
        if (got === 1) return askedAt;
        if (Date.now() >= deadline) {
          throw new StoreUnavailableError(
            `store lock ${lockKey} still held by another process after ${waitMs} ms — nothing was written, the operation can be retried`,
            'lock-timeout',
          );
        }
        // Contention: the holder needs two round trips, so start short and back off to 100 ms.
        delay = Math.min(100, 5 * 2 ** n) * (0.5 + Math.random());
      } catch (error) {
        if (!isTransient(error)) throw error;
        // Redis is away: the store's own retry policy decides how long that may last.
        if (failures >= retry.retries) {
          throw new StoreUnavailableError(
            `store lock ${lockKey} not acquired: ${errorCode(error)} — nothing was written, the operation can be retried later`,
            errorCode(error),
            { cause: error },
          );
        }
        delay = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** failures) * (0.75 + Math.random() * 0.5);
        failures++;
        log.warn({ key: lockKey, code: errorCode(error), attempt: failures }, 'store lock retrying');
      }
      await sleep(Math.max(1, delay));
    }
  }

  return {
    async run(key, fn) {
      const lockKey = `${options.prefix}${key}`;
      const token = randomBytes(16).toString('hex');
      let validFrom = await acquire(lockKey, token);
      const guard: LockGuard = async () => {
        // Plenty of the TTL left for one write with its retries: no round trip needed.
        if (Date.now() - validFrom < ttlMs / 2) return;
        const askedAt = Date.now();
        let extended: unknown;
        try {
          extended = await redis.eval(EXTEND, { keys: [lockKey], arguments: [token, String(ttlMs)] });
        } catch (error) {
          if (!isTransient(error)) throw error;
          throw new StoreUnavailableError(
            `store lock ${lockKey} could not be confirmed before the write (${errorCode(error)}) — nothing was written, the operation can be retried`,
            errorCode(error),
            { cause: error },
          );
        }
        if (extended !== 1) {
          throw new StoreUnavailableError(
            `store lock ${lockKey} expired before the write — nothing was written, the operation can be retried`,
            'lock-lost',
          );
        }
        validFrom = askedAt;
      };
      try {
        return await fn(guard);
      } finally {
        try {
          await redis.eval(RELEASE, { keys: [lockKey], arguments: [token] });
        } catch (error) {
          log.warn({ key: lockKey, code: errorCode(error) }, 'store: could not release a lock; it expires by itself');
        }
      }
    },
  };
}
