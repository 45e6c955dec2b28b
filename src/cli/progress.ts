/**
 * Progress for long command-line work (ingesting a large folder, export, import). On a terminal it is one line
 * redrawn in place (a bar when the total is known); otherwise (a log file, CI) a plain line every few seconds, so
 * a log is readable and not flooded. It only ever writes to the stream it is given — stderr in the commands —
 * because stdout carries the JSON output those commands promise.
 */

/** The stream progress goes to; `isTTY` and `columns` are read the way Node's `tty.WriteStream` exposes them. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** What is being done (`ingest`, `export`). */
  label: string;
  /** What is counted (`files`, `records`, `bytes`). */
  unit: string;
  /** How many units there are in all; undefined when unknown (a count is shown instead of a bar). */
  total?: number;
  /** Force terminal or plain output; default `stream.isTTY`. */
  tty?: boolean;
  /** Least time between two redraws on a terminal. Default 100 ms. */
  redrawMs?: number;
  /** Least time between two plain lines. Default 5 s. */
  intervalMs?: number;
  /** Clock in ms (tests). Default `performance.now()`. */
  now?: () => number;
}

/** A running progress report. */
export interface Progress {
  /** Counts `n` more units done (default 1). */
  tick(n?: number): void;
  /** Sets the number of units done. */
  set(done: number): void;
  /** Ends the report: the final state on a terminal (then a newline), a last plain line otherwise. */
  finish(): void;
}

const BAR_WIDTH = 24;

/** Starts a progress report on `stream`. Writes nothing until some time has passed, so quick work stays quiet. */
export function createProgress(stream: ProgressStream, options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const tty = options.tty ?? stream.isTTY === true;
  const every = tty ? (options.redrawMs ?? 100) : (options.intervalMs ?? 5000);
  const started = now();
  let done = 0;
  let last = started;
  let drawn = false;
  let finished = false;

  function text(): string {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = `${formatCount(done / seconds)} ${options.unit}/s`;
    const { total } = options;
    if (total === undefined || total <= 0) return `${options.label}: ${formatCount(done)} ${options.unit} · ${rate}`;
    const ratio = Math.min(done / total, 1);
    const percent = `${Math.floor(ratio * 100)}%`;
    const counts = `${formatCount(done)}/${formatCount(total)} ${options.unit}`;
    if (!tty) return `${options.label}: ${counts} (${percent}) · ${rate}`;
    const filled = Math.round(ratio * BAR_WIDTH);
    return `${options.label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent} ${counts} · ${rate}`;
  }

  function draw(): void {
    if (tty) {
      const line = text();
      // Clear to the end of the line: a shorter line must not leave the tail of the previous one.
      stream.write(`\r${fit(line, stream.columns)}\x1b[K`);
    } else {
      stream.write(`${text()}\n`);
    }
    drawn = true;
  }

  function maybeDraw(): void {
    const t = now();
    if (t - last < every) return;
    last = t;
    draw();
  }

  return {
    tick(n = 1) {
      done += n;
      maybeDraw();
    },
    set(value) {
      done = value;
      maybeDraw();
    },
    finish() {
      if (finished) return;
      finished = true;
      // Quick work that never drew stays silent; otherwise show where it ended.
      if (!drawn) return;
      draw();
      if (tty) stream.write('\n');
    },
  };
}

/** A progress report that writes nothing (when progress is not wanted). */
export const noProgress: Progress = { tick() {}, set() {}, finish() {} };

function formatCount(n: number): string {
  if (n >= 10_000_000) return `${(n / 1_000_000).toFixed(0)}M`;
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 100_000) return `${(n / 1000).toFixed(0)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 1 : 0);
}

function fit(line: string, columns: number | undefined): string {
  // One column short of the width: writing the last column makes some terminals wrap.
  return columns && columns > 10 && line.length >= columns ? line.slice(0, columns - 1) : line;
}
