/**
 * Who runs the scheduled job and the outbox: exactly one process at a time. With a single process (SQLite,
 * Postgres, or one bot on Redis) that is always this one ({@link localLease}); with several bot processes sharing
 * Redis it is whoever holds a Redis lease ({@link redisLease}): taken with SET NX and a TTL, renewed while working,
 * and carrying a fencing token (a counter incremented on every new holder) so that a process that lost the lease
 * (a long pause, a network split) can tell before it acts on stale authority.
 */
import type { RedisClient } from '../store/index.ts';

/** A lease on the job. */
export interface Lease {
  /** Takes the lease, or renews it if this process holds it; the fencing token while held, else null. */
  acquire(): Promise<number | null>;
  /** True when this process's token is still the lease's (asks the server; use before acting on authority). */
  stillHeld(): Promise<boolean>;
  /** The token of the last successful acquire/renew, or null. */
  readonly token: number | null;
  /** Gives the lease up (on shutdown) so another process takes over at once instead of after the TTL. */
  release(): Promise<void>;
  /** The lease's time to live in ms (how long a dead holder blocks the others). */
  readonly ttlMs: number;
}

/** The lease of a process that is alone: always held. */
export function localLease(): Lease {
  return { acquire: async () => 1, stillHeld: async () => true, token: 1, release: async () => undefined, ttlMs: 0 };
}

// Atomically: renew when we hold it; take it (with a new token) when nobody does; else report the holder's absence.
const ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if v then
  local owner, token = string.match(v, '^(.*)|(%d+)$')
  if owner == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return tonumber(token)
  end
  return false
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return token`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** A lease in Redis under `<prefix>:lease`, held by `owner` (unique per process). */
export function redisLease(redis: RedisClient, options: { prefix: string; owner: string; ttlMs?: number }): Lease {
  const key = `${options.prefix}:lease`;
  const counter = `${options.prefix}:lease-token`;
  const ttlMs = options.ttlMs ?? 15_000;
  if (options.owner.includes('|')) throw new Error('lease owner must not contain "|"');
  let token: number | null = null;
  return {
    ttlMs,
    get token() {
      return token;
    },
    async acquire() {
      const result = await redis.eval(ACQUIRE, { keys: [key, counter], arguments: [options.owner, String(ttlMs)] });
      token = typeof result === 'number' ? result : null;
      return token;
    },
    async stillHeld() {
      if (token === null) return false;
      return (await redis.get(key)) === `${options.owner}|${token}`;
    },
    async release() {
      if (token === null) return;
      await redis.eval(RELEASE, { keys: [key], arguments: [`${options.owner}|${token}`] });
      token = null;
    },
  };
}
