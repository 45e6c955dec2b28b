/**
 * `cli parse <path...>`: parse digest files (folders are searched recursively for `*.md`) and print one
 * JSON object `{ files: [{ file, digests, papers, warnings }] }`, or with `--summary` the totals.
 * The JSON shape is a contract other checks rely on; see issue 2.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseDigest } from '../digest/index.ts';
import { walkDigestFiles } from '../jobs/digest-folder.ts';
import type { Paper, ParseWarning, WarningKind } from '../digest/index.ts';
import { CliError, type CliCommand, type CliIo } from './types.ts';

/** One file as printed: digests carry a paper count, the papers are listed once at file level. */
export interface ParsedFileJson {
  file: string;
  digests: Array<{ date: string | null; source: string; status: string; message: string | null; papers: number }>;
  papers: Paper[];
  /** `{ line, message }` exactly as the contract shows; the kind is counted by `--summary` only. */
  warnings: Pick<ParseWarning, 'line' | 'message'>[];
}

/** Totals printed by `--summary`. */
export interface ParseSummary {
  files: number;
  digests: number;
  papers: number;
  distinctIds: number;
  warnings: Partial<Record<WarningKind, number>>;
  bytes: number;
  seconds: number;
  mbPerSecond: number;
}

/**
 * Every `*.md` file under the given paths, in a stable order; files named directly are kept as given. Links to
 * files are listed (a dangling one too, so reading it reports why); links to folders are not followed (they could
 * loop or lead anywhere) and are passed to `onSkip`.
 */
export async function collectFiles(paths: string[], onSkip: (path: string, reason: string) => void = () => undefined): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new CliError(`cannot read ${path}: ${describe(error)}`);
    }
    if (info.isDirectory()) out.push(...(await walk(path, onSkip)));
    else out.push(path);
  }
  return out;
}

async function walk(dir: string, onSkip: (path: string, reason: string) => void): Promise<string[]> {
  try {
    return await walkDigestFiles(dir, (path) => onSkip(path, 'a link to a folder is not followed (it could loop or lead outside); name its target instead'));
  } catch (error) {
    throw new CliError(`cannot read ${(error as NodeJS.ErrnoException).path ?? dir}: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'a link that loops back on itself';
  return (error as Error)?.message ?? String(error);
}

/** Read and parse one file into its printed shape. */
export async function parseFile(file: string): Promise<{ json: ParsedFileJson; bytes: number; kinds: WarningKind[] }> {
  let buffer: Buffer;
  try {
    buffer = await readFile(file);
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${describe(error)}`);
  }
  const result = parseDigest({ text: buffer.toString('utf8'), fileName: file });
  return {
    bytes: buffer.length,
    kinds: result.warnings.map((w) => w.kind),
    json: {
      file,
      digests: result.digests.map((d) => ({ date: d.date, source: d.source, status: d.status, message: d.message, papers: d.papers.length })),
      papers: result.papers,
      warnings: result.warnings.map(({ line, message }) => ({ line, message })),
    },
  };
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(text)) resolve();
    else stream.once('drain', () => resolve());
  });
}

const command: CliCommand = {
  summary: 'parse <path...> [--summary]: print the papers found in digest files as JSON',
  async run(args: string[], io: CliIo): Promise<number> {
    const summary = args.includes('--summary');
    const unknown = args.find((a) => a.startsWith('-') && a !== '--summary');
    if (unknown) throw new CliError(`unknown option ${unknown} (usage: parse [--summary] <path...>)`);
    const paths = args.filter((a) => !a.startsWith('-'));
    if (paths.length === 0) throw new CliError('no path given (usage: parse [--summary] <path...>)');
    const files = await collectFiles(paths, (path, reason) => io.stderr.write(`warning: ${path}: ${reason}\n`));

    const started = process.hrtime.bigint();
    const totals: ParseSummary = { files: 0, digests: 0, papers: 0, distinctIds: 0, warnings: {}, bytes: 0, seconds: 0, mbPerSecond: 0 };
    const ids = new Set<string>();
    if (!summary) await write(io.stdout, '{"files":[');
    let printed = 0;
    const unreadable: string[] = [];
    for (const file of files) {
      let parsed;
      try {
        parsed = await parseFile(file);
      } catch (error) {
        // One unreadable file costs that file only: stdout must stay one complete JSON document.
        if (!(error instanceof CliError)) throw error;
        unreadable.push(file);
        io.stderr.write(`warning: ${error.message} — skipped\n`);
        continue;
      }
      const { json, bytes, kinds } = parsed;
      totals.files++;
      totals.bytes += bytes;
      totals.digests += json.digests.length;
      totals.papers += json.papers.length;
      for (const p of json.papers) ids.add(p.id);
      for (const kind of kinds) totals.warnings[kind] = (totals.warnings[kind] ?? 0) + 1;
      // One file at a time, so a whole corpus never sits in memory as one string.
      if (!summary) await write(io.stdout, (printed++ === 0 ? '' : ',') + JSON.stringify(json));
    }
    const code = unreadable.length === 0 ? 0 : 1;
    if (code !== 0) io.stderr.write(`error: ${unreadable.length} file${unreadable.length === 1 ? '' : 's'} could not be read (listed above); the others were parsed\n`);
    if (!summary) {
      await write(io.stdout, ']}\n');
      return code;
    }
    totals.distinctIds = ids.size;
    totals.seconds = Number(process.hrtime.bigint() - started) / 1e9;
    totals.mbPerSecond = totals.seconds > 0 ? totals.bytes / 1e6 / totals.seconds : 0;
    totals.seconds = Math.round(totals.seconds * 1000) / 1000;
    totals.mbPerSecond = Math.round(totals.mbPerSecond * 100) / 100;
    await write(io.stdout, `${JSON.stringify(totals, null, 2)}\n`);
    return code;
  },
};

export default command;
