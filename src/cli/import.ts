/**
 * `cli import [--store URL] [FILE|-]`: reads an export (JSON Lines of `{ kind, record }`, from FILE or stdin) into
 * a store with `Stores.importMany()` and prints `{ records, kinds, seconds, store }` (a contract). Records are
 * merged into what the store holds; importing the same file twice changes nothing. The first bad line stops the
 * import with its line number; the lines before it are imported, so a fixed file can simply be imported again.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { InvalidRecordError, type ExportKind, type ExportLine } from '../store/transfer.ts';
import { openCliStores, takeOption } from './archive.ts';
import { createProgress, type Progress } from './progress.ts';
import { CliError, type CliCommand } from './types.ts';

const KINDS: readonly ExportKind[] = ['paper', 'file', 'digest', 'channel', 'subscription', 'outbox', 'delivery', 'meta', 'saved', 'save-day', 'weekly'];

/** Where reading stands, shared between the line reader and the error report. */
interface Cursor {
  line: number;
  kinds: Record<string, number>;
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
    const cursor: Cursor = { line: 0, kinds: {} };
    try {
      const existing = await stores.papers.count();
      if (existing > 0) io.stderr.write(`note: ${stores.backend} already holds ${existing} papers; the import is merged into them\n`);
      const input = fromStdin ? process.stdin : createReadStream(source);
      const progress = createProgress(io.stderr, size === undefined ? { label: 'import', unit: 'records' } : { label: 'import', unit: 'bytes', total: size });
      let records: number;
      try {
        records = await stores.importMany(readLines(input, cursor, progress, size !== undefined));
      } catch (error) {
        if (error instanceof InvalidRecordError || error instanceof BadLineError) {
          // A bad record was already counted when it was read; a line that is not a record never was.
          const read = Object.values(cursor.kinds).reduce((a, b) => a + b, 0);
          const before = error instanceof InvalidRecordError ? read - 1 : read;
          throw new CliError(
            `line ${cursor.line}: ${error.message} — the ${before} records before it were imported; fix the line and import the file again (importing twice is safe)`,
          );
        }
        throw error;
      } finally {
        progress.finish();
      }
      const seconds = Math.round(performance.now() - started) / 1000;
      io.stdout.write(`${JSON.stringify({ records, kinds: cursor.kinds, seconds, store: stores.backend })}\n`);
      return 0;
    } finally {
      await stores.close();
    }
  },
};

/** A line that is not an export record at all (not JSON, no kind). */
class BadLineError extends Error {}

/** The records of a JSON Lines stream; blank lines are skipped, `cursor` tracks the line being imported. */
async function* readLines(
  input: NodeJS.ReadableStream,
  cursor: Cursor,
  progress: Progress,
  countBytes: boolean,
): AsyncIterable<ExportLine> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const raw of lines) {
      cursor.line += 1;
      progress.tick(countBytes ? Buffer.byteLength(raw) + 1 : raw.trim() ? 1 : 0);
      const text = (cursor.line === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
      if (!text) continue;
      const line = parseLine(text);
      cursor.kinds[line.kind] = (cursor.kinds[line.kind] ?? 0) + 1;
      yield line;
    }
  } catch (error) {
    if (error instanceof BadLineError) throw error;
    throw new CliError(`cannot read the import: ${(error as Error).message}`);
  } finally {
    lines.close();
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
