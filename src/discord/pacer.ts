/**
 * Pacing under Discord's global limit (50 requests a second per bot). @discordjs/rest counts that limit in its own
 * one-second windows, which do not line up with Discord's: with many sends in flight, bursts of 50 straddle two of
 * Discord's windows, some come back 429 and the whole bot waits out the Retry-After (issue 18: delivery at a
 * thousand channels ran 11–33 % over the rate-limit floor). The pacer releases requests one at a time, evenly
 * spaced, a little under the limit, so no window of Discord's ever sees more than it allows.
 *
 * It sits where a request really leaves (the REST client's `makeRequest`): after @discordjs/rest has waited for
 * the request's route bucket (5 messages per 5 s per channel) and for any Retry-After it was given, so a slot is
 * never spent on a request that must wait anyway. Interaction callbacks and their webhooks are exempt from the
 * global limit (and must answer within 3 s), so they are never held back.
 */

/**
 * Discord's global limit, with a margin: at most 50 requests in any 1,040 ms (48 a second). The margin absorbs the
 * difference between when a request leaves here and when Discord counts it (Discord's window starts at the first
 * request it sees), so a window never holds 51.
 */
export const DISCORD_GLOBAL_PACE: PaceLimit = { limit: 50, windowMs: 1040 };

/** At most `limit` requests in any `windowMs`. */
export interface PaceLimit {
  limit: number;
  windowMs: number;
}

/** Hands out send slots. */
export interface Pacer {
  /** Resolves when the caller may send (callers are served in order). */
  take(): Promise<void>;
}

/** What the pacer needs: a monotonic clock in ms and a way to wait (injected: `discord/` does not read the time). */
export interface PacerDeps {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * A pacer releasing requests on an even schedule, one every `windowMs / limit`, and never more than `limit` in
 * any `windowMs` (a sliding window over the last `limit` releases). A timer that fires late (a busy event loop)
 * does not lose its slots: the schedule catches up, as fast as the window allows, so the rate holds under load
 * without a burst ever crossing the limit.
 */
export function createPacer(deps: PacerDeps, pace: PaceLimit = DISCORD_GLOBAL_PACE): Pacer {
  if (!(pace.limit >= 1 && pace.windowMs > 0)) throw new Error(`pace must allow at least one request per window (got ${pace.limit} per ${pace.windowMs} ms)`);
  const interval = pace.windowMs / pace.limit;
  const waiting: (() => void)[] = [];
  /** The last `limit` release times, oldest first. */
  const released: number[] = [];
  let scheduled = Number.NEGATIVE_INFINITY;
  let pumping = false;
  async function pump(): Promise<void> {
    pumping = true;
    // Slots missed while nobody was waiting are not owed: after a pause the schedule starts again from now.
    scheduled = Math.max(scheduled, deps.now() - interval);
    try {
      for (let next = waiting.shift(); next; next = waiting.shift()) {
        const now = deps.now();
        // Slots a late timer missed are owed (up to one window's worth): released as fast as the window allows.
        scheduled = Math.max(scheduled + interval, now - pace.windowMs);
        const oldest = released.length >= pace.limit ? (released[0] ?? now) : Number.NEGATIVE_INFINITY;
        const wait = Math.max(scheduled, oldest + pace.windowMs) - now;
        if (wait > 0) await deps.sleep(wait);
        released.push(deps.now());
        if (released.length > pace.limit) released.shift();
        next();
      }
    } finally {
      pumping = false;
    }
  }
  return {
    take() {
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (!pumping) void pump();
      });
    },
  };
}

/** Interaction callbacks and follow-ups (webhooks): not under the global limit. */
function exempt(url: string): boolean {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  return /\/(?:interactions|webhooks)\//.test(path);
}

/** Wraps the REST client's `makeRequest` so every request under the global limit waits for its slot. */
export function pacedRequest<Init, Response>(
  pacer: Pacer,
  makeRequest: (url: string, init: Init) => Promise<Response>,
): (url: string, init: Init) => Promise<Response> {
  return async (url, init) => {
    if (!exempt(url)) await pacer.take();
    return makeRequest(url, init);
  };
}
