/**
 * `cli parse <path...>`: parse digest files (folders are searched recursively for `*.md`) and print one
 * JSON object `{ files: [{ file, digests, papers, warnings }] }`, or with `--summary` the totals.
 * The JSON shape is a contract other checks rely on; see issue 2.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDigest } from '../digest/index.ts';
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

/** Every `*.md` file under the given paths, in a stable order; files named directly are kept as given. */
export async function collectFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new CliError(`cannot read ${path}: ${describe(error)}`);
    }
    if (info.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new CliError(`cannot read ${dir}: ${describe(error)}`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.md')) out.push(path);
  }
  return out;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
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
    const files = await collectFiles(paths);

    const started = process.hrtime.bigint();
    const totals: ParseSummary = { files: 0, digests: 0, papers: 0, distinctIds: 0, warnings: {}, bytes: 0, seconds: 0, mbPerSecond: 0 };
    const ids = new Set<string>();
    if (!summary) await write(io.stdout, '{"files":[');
    for (const [i, file] of files.entries()) {
      const { json, bytes, kinds } = await parseFile(file);
      totals.files++;
      totals.bytes += bytes;
      totals.digests += json.digests.length;
      totals.papers += json.papers.length;
      for (const p of json.papers) ids.add(p.id);
      for (const kind of kinds) totals.warnings[kind] = (totals.warnings[kind] ?? 0) + 1;
      // One file at a time, so a whole corpus never sits in memory as one string.
      if (!summary) await write(io.stdout, (i === 0 ? '' : ',') + JSON.stringify(json));
    }
    if (!summary) {
      await write(io.stdout, ']}\n');
      return 0;
    }
    totals.distinctIds = ids.size;
    totals.seconds = Number(process.hrtime.bigint() - started) / 1e9;
    totals.mbPerSecond = totals.seconds > 0 ? totals.bytes / 1e6 / totals.seconds : 0;
    totals.seconds = Math.round(totals.seconds * 1000) / 1000;
    totals.mbPerSecond = Math.round(totals.mbPerSecond * 100) / 100;
    await write(io.stdout, `${JSON.stringify(totals, null, 2)}\n`);
    return 0;
  },
};

export default command;
