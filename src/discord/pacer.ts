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

/** Requests a second the pacer allows by default: under Discord's 50, with room for timer and network jitter. */
export const DEFAULT_REQUESTS_PER_SECOND = 48;

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
 * A pacer releasing at most `perSecond` requests a second, at least `1000 / perSecond` ms apart. The gap is
 * measured from the moment the previous caller was really released, so a timer that fires late (a busy event loop)
 * delays what follows instead of letting several out at once.
 */
export function createPacer(deps: PacerDeps, perSecond = DEFAULT_REQUESTS_PER_SECOND): Pacer {
  if (!(perSecond > 0)) throw new Error(`requests per second must be positive (got ${perSecond})`);
  const interval = 1000 / perSecond;
  const waiting: (() => void)[] = [];
  let last = Number.NEGATIVE_INFINITY;
  let pumping = false;
  async function pump(): Promise<void> {
    pumping = true;
    try {
      for (let next = waiting.shift(); next; next = waiting.shift()) {
        const wait = last + interval - deps.now();
        if (wait > 0) await deps.sleep(wait);
        last = deps.now();
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
