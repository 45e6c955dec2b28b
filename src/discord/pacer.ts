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
 * Discord's global limit: at most 50 requests in any second. The pacer counts a request from when its answer
 * arrived (by then Discord has counted it), plus 10 ms for the two clocks' granularity, so however late a request
 * reached Discord, a window of Discord's never holds 51.
 */
export const DISCORD_GLOBAL_PACE: PaceLimit = { limit: 50, windowMs: 1010 };

/** At most `limit` requests in any `windowMs`. */
export interface PaceLimit {
  limit: number;
  windowMs: number;
}

/** Hands out send slots. */
export interface Pacer {
  /** Resolves when the caller may send (callers are served in order), with the function to call once answered. */
  take(): Promise<() => void>;
}

/** What the pacer needs: a monotonic clock in ms and a way to wait (injected: `discord/` does not read the time). */
export interface PacerDeps {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * A pacer releasing requests on an even schedule, one every `windowMs / limit`, and never more than `limit`
 * within `windowMs` of each other: a request holds its slot while in flight and for `windowMs` after its answer.
 * Discord counts a request before it answers, so this holds on Discord's side too, whatever the delays in between.
 * A timer that fires late (a busy event loop) does not lose its slots: the schedule catches up, as fast as the
 * window allows.
 */
export function createPacer(deps: PacerDeps, pace: PaceLimit = DISCORD_GLOBAL_PACE): Pacer {
  if (!(pace.limit >= 1 && pace.windowMs > 0)) throw new Error(`pace must allow at least one request per window (got ${pace.limit} per ${pace.windowMs} ms)`);
  const interval = pace.windowMs / pace.limit;
  const waiting: ((done: () => void) => void)[] = [];
  /** Slots taken within the window: `answered` is Infinity while the request is in flight. */
  let slots: { answered: number }[] = [];
  let answeredSignal: (() => void) | null = null;
  let scheduled = Number.NEGATIVE_INFINITY;
  let pumping = false;
  /** Waits until fewer than `limit` slots are held. */
  async function roomInWindow(): Promise<void> {
    for (;;) {
      const now = deps.now();
      slots = slots.filter((slot) => slot.answered + pace.windowMs > now);
      if (slots.length < pace.limit) return;
      const expires = Math.min(...slots.map((slot) => slot.answered)) + pace.windowMs;
      if (Number.isFinite(expires)) await deps.sleep(expires - now);
      else await new Promise<void>((resolve) => (answeredSignal = resolve));
    }
  }
  async function pump(): Promise<void> {
    pumping = true;
    // Slots missed while nobody was waiting are not owed: after a pause the schedule starts again from now.
    scheduled = Math.max(scheduled, deps.now() - interval);
    try {
      for (let next = waiting.shift(); next; next = waiting.shift()) {
        // Slots a late timer missed are owed (up to one window's worth): released as fast as the window allows.
        scheduled = Math.max(scheduled + interval, deps.now() - pace.windowMs);
        const wait = scheduled - deps.now();
        if (wait > 0) await deps.sleep(wait);
        await roomInWindow();
        const slot = { answered: Number.POSITIVE_INFINITY };
        slots.push(slot);
        next(() => {
          slot.answered = deps.now();
          answeredSignal?.();
          answeredSignal = null;
        });
      }
    } finally {
      pumping = false;
    }
  }
  return {
    take() {
      return new Promise<() => void>((resolve) => {
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
    if (exempt(url)) return makeRequest(url, init);
    const answered = await pacer.take();
    try {
      return await makeRequest(url, init);
    } finally {
      answered();
    }
  };
}
