/**
 * `cli search "<query>" [--store URL] [--limit N]` and `cli search --queries FILE …`: search the archive.
 * Prints `{ query, total, tookMs, results: [{ id, title, score }] }`, one object a line with `--queries` (the
 * index is loaded once). A contract other checks rely on.
 */
import { readFile } from 'node:fs/promises';
import type { SearchIndex } from '../search/index.ts';
import { openCliArchive, takeLimit, takeOption } from './archive.ts';
import { CliError, type CliCommand } from './types.ts';

const command: CliCommand = {
  summary: 'search "<query>" | --queries FILE [--store URL] [--limit N]: search the archive',
  async run(argv, io) {
    const args = [...argv];
    const store = takeOption(args, '--store');
    const queriesFile = takeOption(args, '--queries');
    const limit = takeLimit(args, 10);
    const unknown = args.find((a) => a.startsWith('--'));
    if (unknown) throw new CliError(`unknown option ${unknown}`);
    let queries: string[];
    if (queriesFile !== undefined) {
      if (args.length) throw new CliError('give either a query or --queries FILE, not both');
      let text: string;
      try {
        text = await readFile(queriesFile, 'utf8');
      } catch (error) {
        throw new CliError(`cannot read ${queriesFile}: ${(error as Error).message}`);
      }
      queries = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    } else {
      if (args.length !== 1) throw new CliError('search needs one query (quote it), or --queries FILE');
      queries = [args[0] as string];
    }
    const archive = await openCliArchive(io, store, 'read');
    try {
      for (const query of queries) io.stdout.write(`${JSON.stringify(runQuery(archive.index, query, limit))}\n`);
      return 0;
    } finally {
      await archive.stores.close();
    }
  },
};

function runQuery(index: SearchIndex, query: string, limit: number) {
  const started = performance.now();
  const result = index.search(query, { limit });
  const tookMs = Math.round((performance.now() - started) * 1000) / 1000;
  return {
    query,
    total: result.total,
    tookMs,
    results: result.results.map((r) => ({ id: r.id, title: r.title, score: Math.round(r.score * 10000) / 10000 })),
  };
}

export default command;
