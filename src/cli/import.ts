/**
 * `cli import [--store URL] [FILE|-]`: reads an export (JSON Lines of `{ kind, record }`, from FILE or stdin) into
 * a store with `Stores.importMany()` and prints `{ records, kinds, seconds, store, skipped }` (a contract; `skipped`
 * was added in issue 15). Records are merged into what the store holds; importing the same file twice changes
 * nothing. Every record is validated as ingest would have written it (import-rules.ts), and a line is at most
 * {@link IMPORT_LINE_MAX_BYTES} long (read with a bounded buffer, so a giant line costs no memory). A bad line is
 * reported on stderr with its number and what is wrong, then skipped: the good records around it are all imported.
 * The exit code is 1 when any line was skipped, so a script notices; fixing those lines and importing the file
 * again is safe. At the end the search snapshot is built, so the first search after a large import is not the one
 * that waits for it.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ExportKind, ExportLine } from '../store/transfer.ts';
import { buildCliSnapshot, openCliStores, takeOption } from './archive.ts';
import { boundedLines, type BoundedLine } from './bounded-lines.ts';
import { createProgress, type Progress } from './progress.ts';
import { CliError, type CliCommand } from './types.ts';

/**
 * Longest line `cli import` reads: 16 MiB. The largest record the bot writes is far smaller (a paper is bounded by
 * PAPER_LIMITS to ~1 MB of JSON even fully escaped; deliveries are exported 1,000 ids a line).
 */
export const IMPORT_LINE_MAX_BYTES = 16 * 1024 * 1024;

const KINDS: readonly ExportKind[] = ['paper', 'file', 'digest', 'channel', 'subscription', 'outbox', 'delivery', 'meta', 'saved', 'save-day', 'weekly'];

/** Where reading stands, shared between the line reader and the error report. */
interface Cursor {
  line: number;
  kinds: Record<string, number>;
  /** Lines skipped (reported on stderr as they were met). */
  skipped: number;
}

const command: CliCommand = {
  summary: 'import [--store URL] [FILE|-]: read an export (JSON Lines) into the store, merging',
  async run(argv, io) {
    const args = [...argv];
    const store = takeOption(args, '--store');
    const unknown = args.find((a) => a.startsWith('--'));
    if (unknown) throw new CliError(`unknown option ${unknown}`);
    if (args.length > 1) throw new CliError('import reads one file (or - for stdin)');
    const source = args[0] ?? '-';
    const fromStdin = source === '-';
    if (fromStdin && (process.stdin as { isTTY?: boolean }).isTTY) {
      throw new CliError('import needs a file: cli import export.jsonl (or pipe one in with -)');
    }
    let size: number | undefined;
    if (!fromStdin) {
      try {
        size = (await stat(source)).size;
      } catch (error) {
        throw new CliError(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    const stores = await openCliStores(io, store, 'write');
    const started = performance.now();
    const cursor: Cursor = { line: 0, kinds: {}, skipped: 0 };
    const skip = (line: number, reason: string) => {
      cursor.skipped += 1;
      io.stderr.write(`warning: line ${line}: ${reason} — skipped\n`);
    };
    try {
      const existing = await stores.papers.count();
      if (existing > 0) io.stderr.write(`note: ${stores.backend} already holds ${existing} papers; the import is merged into them\n`);
      const input = fromStdin ? process.stdin : createReadStream(source);
      const progress = createProgress(io.stderr, size === undefined ? { label: 'import', unit: 'records' } : { label: 'import', unit: 'bytes', total: size });
      let records: number;
      try {
        records = await stores.importMany(readLines(input, cursor, progress, size !== undefined, skip), {
          // A record is counted when it is read; one that turns out invalid is taken back out of its kind.
          onInvalid: (error, line) => {
            cursor.kinds[line.kind] = (cursor.kinds[line.kind] ?? 1) - 1;
            if (cursor.kinds[line.kind] === 0) delete cursor.kinds[line.kind];
            skip(cursor.line, error.message);
          },
        });
      } finally {
        progress.finish();
      }
      if ((cursor.kinds.paper ?? 0) > 0) await buildCliSnapshot(io, store, stores);
      const seconds = Math.round(performance.now() - started) / 1000;
      io.stdout.write(`${JSON.stringify({ records, kinds: cursor.kinds, seconds, store: stores.backend, skipped: cursor.skipped })}\n`);
      if (cursor.skipped === 0) return 0;
      io.stderr.write(
        `error: ${cursor.skipped} line${cursor.skipped === 1 ? ' was' : 's were'} skipped (listed above); the other ${records} records were imported — fix those lines and import the file again (importing twice is safe)\n`,
      );
      return 1;
    } finally {
      await stores.close();
    }
  },
};

/** A line that is not an export record at all (not JSON, no kind). */
class BadLineError extends Error {}

/**
 * The records of a JSON Lines stream; blank lines are skipped, `cursor` tracks the line being imported, and a line
 * that is not a record (too long, not JSON, no known kind) goes to `skip` with its number.
 */
async function* readLines(
  input: AsyncIterable<Uint8Array | string>,
  cursor: Cursor,
  progress: Progress,
  countBytes: boolean,
  skip: (line: number, reason: string) => void,
): AsyncIterable<ExportLine> {
  const lines = boundedLines(input, IMPORT_LINE_MAX_BYTES);
  const iterator = lines[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<BoundedLine>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw new CliError(`cannot read the import at line ${cursor.line + 1}: ${(error as Error).message}`);
    }
    if (next.done) return;
    const read = next.value;
    cursor.line = read.line;
    if ('tooLong' in read) {
      progress.tick(countBytes ? read.bytes + 1 : 1);
      skip(read.line, `longer than ${IMPORT_LINE_MAX_BYTES / 1024 / 1024} MiB (${read.bytes} bytes); no record the bot writes is that long`);
      continue;
    }
    progress.tick(countBytes ? read.bytes + 1 : read.text.trim() ? 1 : 0);
    const text = (read.line === 1 ? read.text.replace(/^\uFEFF/, '') : read.text).trim();
    if (!text) continue;
    let line: ExportLine;
    try {
      line = parseLine(text);
    } catch (error) {
      if (!(error instanceof BadLineError)) throw error;
      skip(read.line, error.message);
      continue;
    }
    cursor.kinds[line.kind] = (cursor.kinds[line.kind] ?? 0) + 1;
    yield line;
  }
}

function parseLine(text: string): ExportLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadLineError(`not JSON (expected one {"kind": …, "record": …} object per line)`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadLineError('not a {"kind": …, "record": …} object');
  }
  const { kind, record } = value as { kind?: unknown; record?: unknown };
  if (typeof kind !== 'string' || !KINDS.includes(kind as ExportKind)) {
    throw new BadLineError(`unknown record kind ${JSON.stringify(kind)} (expected one of ${KINDS.join(', ')})`);
  }
  if (record === undefined) throw new BadLineError(`${kind} line without a "record"`);
  return { kind: kind as ExportKind, record };
}

export default command;
