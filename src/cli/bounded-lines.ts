/**
 * Lines of a byte stream with a cap on each line's length (issue 15): `readline` keeps a whole line in memory
 * however long it is, so one 200 MB line of an import took 3.9 GB. Here a line past the cap is dropped as it
 * streams by — only its length is counted — and reported as too long; the lines after it are read as usual.
 */

/** One line: its text (without the `\n` or `\r\n`), or `tooLong` with the bytes it had. Numbered from 1. */
export type BoundedLine = { line: number; bytes: number; text: string } | { line: number; bytes: number; tooLong: true };

/** Splits `input` into lines of at most `maxBytes` bytes each (UTF-8 decoded once a line is complete). */
export async function* boundedLines(
  input: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  maxBytes: number,
): AsyncIterable<BoundedLine> {
  let pieces: Buffer[] = [];
  let held = 0;
  let bytes = 0;
  let tooLong = false;
  let line = 0;

  function end(): BoundedLine {
    line += 1;
    const out: BoundedLine = tooLong
      ? { line, bytes, tooLong: true }
      : { line, bytes, text: Buffer.concat(pieces, held).toString('utf8').replace(/\r$/, '') };
    pieces = [];
    held = 0;
    bytes = 0;
    tooLong = false;
    return out;
  }

  function keep(part: Buffer): void {
    bytes += part.length;
    if (tooLong) return;
    if (held + part.length > maxBytes) {
      // Past the cap: let go of what was held and only count from here on.
      tooLong = true;
      pieces = [];
      held = 0;
      return;
    }
    pieces.push(part);
    held += part.length;
  }

  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = 0;
    for (let at = buffer.indexOf(0x0a, from); at !== -1; at = buffer.indexOf(0x0a, from)) {
      keep(buffer.subarray(from, at));
      yield end();
      from = at + 1;
    }
    // Copied: a stream may reuse the chunk's memory for the next read.
    if (from < buffer.length) keep(Buffer.from(buffer.subarray(from)));
  }
  if (bytes > 0 || tooLong) yield end();
}
