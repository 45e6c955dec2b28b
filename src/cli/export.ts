/**
 * `cli export [--store URL] [--out FILE]`: the whole archive as JSON Lines, one `{ kind, record }` per line
 * (`Stores.exportAll()`), to stdout or to FILE. With `--out`, stdout gets one JSON summary
 * `{ records, kinds, seconds, out }` (a contract); the file is written under a temporary name and renamed when
 * complete, so an interrupted export never looks like a finished one. Progress goes to stderr.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Stores } from '../store/index.ts';
import { openCliStores, takeOption } from './archive.ts';
import { createProgress } from './progress.ts';
import { CliError, type CliCommand, type CliIo } from './types.ts';

const command: CliCommand = {
  summary: 'export [--store URL] [--out FILE]: write the whole archive as JSON Lines (stdout by default)',
  async run(argv, io) {
    const args = [...argv];
    const store = takeOption(args, '--store');
    const out = takeOption(args, '--out');
    if (args.length > 0) throw new CliError(`unexpected argument ${args[0] ?? ''}`);
    const stores = await openCliStores(io, store, 'read');
    try {
      if (out === undefined) {
        await exportTo(stores, io.stdout, io);
        return 0;
      }
      const temp = `${out}.${process.pid}.partial`;
      const file = createWriteStream(temp);
      try {
        await once(file, 'open');
      } catch (error) {
        throw new CliError(`cannot write ${out}: ${(error as Error).message}`);
      }
      try {
        const summary = await exportTo(stores, file, io);
        file.end();
        await once(file, 'finish');
        await rename(temp, out);
        io.stdout.write(`${JSON.stringify({ ...summary, out })}\n`);
        return 0;
      } catch (error) {
        file.destroy();
        await rm(temp, { force: true });
        throw error;
      }
    } finally {
      await stores.close();
    }
  },
};

/** What an export wrote. */
export interface ExportSummary {
  records: number;
  /** Records per kind. */
  kinds: Record<string, number>;
  seconds: number;
}

/** Streams every record of `stores` to `stream` as JSON Lines, honouring back-pressure. */
export async function exportTo(stores: Stores, stream: NodeJS.WritableStream, io: Pick<CliIo, 'stderr'>): Promise<ExportSummary> {
  const started = performance.now();
  const kinds: Record<string, number> = {};
  let records = 0;
  const progress = createProgress(io.stderr, { label: 'export', unit: 'records' });
  let buffer = '';
  // A write error (EPIPE from `| head`) may come while no one waits for a drain: keep it and stop at the next write.
  let failure: unknown;
  const onError = (error: unknown) => {
    failure ??= error;
  };
  stream.on('error', onError);
  const write = async (text: string) => {
    if (failure) throw new CliError(`cannot write the export: ${(failure as Error).message ?? String(failure)}`);
    if (!stream.write(text)) await drained(stream);
  };
  for await (const line of stores.exportAll()) {
    buffer += `${JSON.stringify(line)}\n`;
    kinds[line.kind] = (kinds[line.kind] ?? 0) + 1;
    records += 1;
    progress.tick();
    // Write in chunks of ~64 KiB: one write per line is slow on a pipe.
    if (buffer.length >= 65_536) {
      await write(buffer);
      buffer = '';
    }
  }
  if (buffer) await write(buffer);
  stream.off('error', onError);
  progress.finish();
  return { records, kinds, seconds: Math.round(performance.now() - started) / 1000 };
}

/** Waits for a full stream to drain; a stream closed meanwhile (`| head`) ends the export instead of hanging it. */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: unknown) => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      stream.off('error', settle);
      if (error) reject(error instanceof Error ? new CliError(`cannot write the export: ${error.message}`) : new CliError(String(error)));
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('the output was closed before the export finished'));
    stream.on('drain', onDrain);
    stream.on('close', onClose);
    stream.on('error', settle);
  });
}

export default command;
