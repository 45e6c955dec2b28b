/**
 * Time slicing for long CPU work on the bot's event loop (indexing, planning): give pending I/O — interactions
 * above all — a turn whenever a slice has run for a few milliseconds. Counting items instead ("every 50 targets")
 * lets one slice of heavy items stall the loop for hundreds of milliseconds.
 */

/**
 * The longest a slice runs before the event loop gets a turn. A slice may overrun by one item (a paper indexed is 1–3
 * ms); at 20 ms the first ingest after start-up still stalled 40–46 ms, at 10 ms 26–28 ms (a 30-paper digest, 10k archive).
 */
export const SLICE_MS = 10;

/** Resolves after the event loop has run pending callbacks (I/O included). */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A slicer: `await slicer.pause()` between items yields once `ms` have passed since the last yield, and is free
 * otherwise. One per loop.
 */
export function timeSlicer(ms = SLICE_MS): { pause(): Promise<void> } {
  let since = performance.now();
  return {
    async pause() {
      if (performance.now() - since < ms) return;
      await turn();
      since = performance.now();
    },
  };
}
