/**
 * Time as the metadata clients see it: injected, so tests can run the three-second arXiv pace on a fake clock
 * instead of waiting for it.
 */

/** A clock in milliseconds with a cancellable sleep. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

/**
 * A fake clock for tests: `sleep` advances time at once (in due order), so a test of a 3 s pace takes
 * microseconds while every timestamp it records is what the real clock would have shown.
 */
export function fakeClock(start = 0): Clock & { readonly slept: number } {
  let now = start;
  let slept = 0;
  return {
    now: () => now,
    get slept() {
      return slept;
    },
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      if (ms > 0) {
        now += ms;
        slept += ms;
      }
      // Let other callers run in between, as a real timer would.
      await Promise.resolve();
      signal?.throwIfAborted();
    },
  };
}
