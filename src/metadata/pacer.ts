/**
 * A pacer: one request at a time, with at least `intervalMs` between the starts of two requests. The arXiv terms
 * of use ask for exactly that ("no more than one request every three seconds, one connection at a time"), for all
 * of a user's callers together, so the pacer of a service is shared by every client in the process
 * ({@link sharedPacer}) rather than owned by one client object.
 */
import { systemClock, type Clock } from './clock.ts';

/** Serialises and spaces out calls. */
export interface Pacer {
  /** Runs `fn` when it is its turn: after every earlier call has finished and the interval has passed. */
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Holds every later call back until `ms` after now (a 429 or 5xx backoff). */
  pause(ms: number): void;
  /** Starts of the calls so far (clock ms), newest last, at most the last 100 (tests and figures). */
  readonly starts: readonly number[];
}

/** Creates a pacer on `clock`. */
export function createPacer(intervalMs: number, clock: Clock = systemClock): Pacer {
  let tail: Promise<unknown> = Promise.resolve();
  let lastStart = Number.NEGATIVE_INFINITY;
  let notBefore = Number.NEGATIVE_INFINITY;
  const starts: number[] = [];
  return {
    starts,
    run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      const turn = tail.then(async () => {
        signal?.throwIfAborted();
        const wait = Math.max(lastStart + intervalMs, notBefore) - clock.now();
        if (wait > 0) await clock.sleep(wait, signal);
        lastStart = clock.now();
        starts.push(lastStart);
        if (starts.length > 100) starts.shift();
        return fn();
      });
      // The next caller waits for this one to settle, whatever its outcome.
      tail = turn.catch(() => undefined);
      return turn;
    },
    pause(ms) {
      notBefore = Math.max(notBefore, clock.now() + ms);
    },
  };
}

const shared = new Map<string, Pacer>();

/**
 * The process-wide pacer of one service (by key, e.g. the API's origin): every client of that service in the
 * process shares it, so two clients, or a background back-fill beside a run, still keep the service's pace.
 */
export function sharedPacer(key: string, intervalMs: number): Pacer {
  let pacer = shared.get(key);
  if (!pacer) shared.set(key, (pacer = createPacer(intervalMs)));
  return pacer;
}
