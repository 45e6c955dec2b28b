/**
 * Discord-style rate limits: fixed-window buckets per route and major parameter (channel, guild, webhook), plus a
 * global per-second limit. Answers carry the real headers (`X-RateLimit-*`), and a 429 carries `Retry-After`,
 * `retry_after` and `X-RateLimit-Scope` (and `X-RateLimit-Global` for the global limit), which is what
 * @discordjs/rest reads. A request that arrives while the client was told to wait is a violation.
 */

/** One limit: `limit` requests per `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** Rate-limit configuration of a fake server; every field is optional in the driver options. */
export interface RateLimitConfig {
  /** Message create per channel (Discord: 5 per 5 s). */
  messages: RateLimit;
  /** Any other route, per route and major parameter. */
  routes: RateLimit;
  /** Interaction callbacks (Discord exempts them from the global limit). */
  interactions: RateLimit;
  /** All authenticated requests of the bot (Discord: 50 per second). */
  global: RateLimit;
}

/** Discord's defaults. */
export const DISCORD_RATE_LIMITS: RateLimitConfig = {
  messages: { limit: 5, windowMs: 5000 },
  routes: { limit: 50, windowMs: 1000 },
  interactions: { limit: 50, windowMs: 1000 },
  global: { limit: 50, windowMs: 1000 },
};

interface Window {
  startedAt: number;
  used: number;
  /** When set, the client has been told (by a 429) not to come back before this time. */
  blockedUntil: number;
}

/** The outcome of taking one request from a bucket. */
export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
  /** Seconds to wait, set when not allowed. */
  retryAfter?: number;
  global?: boolean;
  /** True when the client ignored an earlier 429 (came back before retry_after elapsed). */
  ignoredRetryAfter?: boolean;
}

/** Fixed-window counters keyed by bucket and major parameter. */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly config: RateLimitConfig;
  /** How many 429s the limiter produced (route and global), for tests to inspect. */
  hits = 0;

  constructor(config: RateLimitConfig) {
    this.config = config;
  }

  /** Takes one request from the global bucket. */
  takeGlobal(now: number): RateDecision {
    const decision = this.take('global', this.config.global, now);
    if (decision.allowed) return { allowed: true, headers: {} };
    return {
      ...decision,
      global: true,
      headers: { 'Retry-After': decision.headers['Retry-After'] ?? '1', 'X-RateLimit-Global': 'true', 'X-RateLimit-Scope': 'global' },
    };
  }

  /** Takes one request from a route bucket; `kind` selects the configured limit. */
  takeRoute(kind: keyof Omit<RateLimitConfig, 'global'>, bucket: string, major: string, now: number): RateDecision {
    const limit = this.config[kind];
    const decision = this.take(`${bucket}:${major}`, limit, now);
    // The hash is stable per route (not per major parameter), as Discord's are.
    decision.headers['X-RateLimit-Bucket'] = hashOf(bucket);
    if (!decision.allowed) decision.headers['X-RateLimit-Scope'] = 'user';
    return decision;
  }

  private take(key: string, limit: RateLimit, now: number): RateDecision {
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= limit.windowMs) {
      window = { startedAt: now, used: 0, blockedUntil: window?.blockedUntil ?? 0 };
      this.windows.set(key, window);
    }
    const ignoredRetryAfter = now < window.blockedUntil;
    const resetAt = window.startedAt + limit.windowMs;
    const resetAfter = Math.max(0, resetAt - now) / 1000;
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(limit.limit),
      'X-RateLimit-Reset': (resetAt / 1000).toFixed(3),
      'X-RateLimit-Reset-After': resetAfter.toFixed(3),
    };
    if (window.used >= limit.limit) {
      this.hits++;
      window.blockedUntil = resetAt;
      headers['X-RateLimit-Remaining'] = '0';
      // Discord rounds Retry-After up to whole seconds; keep millisecond precision so short test windows stay short.
      headers['Retry-After'] = resetAfter.toFixed(3);
      return { allowed: false, headers, retryAfter: resetAfter, ignoredRetryAfter };
    }
    window.used++;
    headers['X-RateLimit-Remaining'] = String(limit.limit - window.used);
    return { allowed: true, headers, ignoredRetryAfter };
  }

  /** Forgets every window (between tests). */
  reset(): void {
    this.windows.clear();
    this.hits = 0;
  }
}

function hashOf(bucket: string): string {
  let h = 0;
  for (const ch of bucket) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, '0');
}
