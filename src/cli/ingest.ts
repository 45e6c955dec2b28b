/**
 * `cli ingest <path...> [--store URL]`: parse digest files (folders searched for `*.md`) into the store and its
 * search index, posting nothing. Prints `{ files, papers, new, updated, seconds }` (a contract); progress goes
 * to stderr. Files are recorded under the key the bot gives them (`digestFileKey`: relative to `DIGEST_DIR`), so
 * a file ingested here is not ingested again by the bot as a new one.
 */
import { stat } from 'node:fs/promises';
import { digestFileKey, keyedFileFolder, type DigestFolder } from '../jobs/digest-folder.ts';
import { ingestFolder } from '../jobs/ingest.ts';
import { createLogger } from '../log.ts';
import { cliConfig, openCliArchive, takeOption } from './archive.ts';
import { collectFiles } from './parse.ts';
import { createProgress, type Progress } from './progress.ts';
import { CliError, type CliCommand } from './types.ts';

const command: CliCommand = {
  summary: 'ingest <path...> [--store URL]: parse digests into the store (posts nothing)',
  async run(argv, io) {
    const args = [...argv];
    const store = takeOption(args, '--store');
    const unknown = args.find((a) => a.startsWith('--'));
    if (unknown) throw new CliError(`unknown option ${unknown}`);
    if (args.length === 0) throw new CliError('ingest needs at least one file or folder');
    const { digestDir } = cliConfig(io);
    const files: { key: string; path: string }[] = [];
    for (const arg of args) {
      const found = await collectFiles([arg], (path, reason) => io.stderr.write(`warning: ${path}: ${reason}\n`));
      const folder = (await stat(arg)).isDirectory() ? arg : undefined;
      for (const path of found) files.push({ key: digestFileKey(path, digestDir, folder), path });
    }
    const archive = await openCliArchive(io, store, 'write');
    try {
      const log = createLogger({ level: io.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent', destination: io.stderr });
      const progress = createProgress(io.stderr, { label: 'ingest', unit: 'files', total: files.length });
      const report = await ingestFolder({ archive, folder: countingReads(keyedFileFolder(files), progress), log }).finally(() =>
        progress.finish(),
      );
      for (const failure of report.failures) io.stderr.write(`warning: ${failure.path}: ${failure.reason}\n`);
      io.stdout.write(
        `${JSON.stringify({ files: report.files, papers: report.papers, new: report.added.length, updated: report.updated.length, seconds: round(report.seconds) })}\n`,
      );
      return 0;
    } finally {
      await archive.stores.close();
    }
  },
};

/** The folder, ticking `progress` once per file read (ingest reads each file once, in order). */
function countingReads(folder: DigestFolder, progress: Progress): DigestFolder {
  return {
    ...folder,
    async read(path) {
      try {
        return await folder.read(path);
      } finally {
        progress.tick();
      }
    },
  };
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

export default command;
