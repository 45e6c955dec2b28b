/**
 * A child process for the index crash test: opens the archive (SQLite store + index files in `dir`) and ingests
 * 30-paper digests back to back, each appended to the index log, with a tiny log budget so that compactions (full
 * snapshot writes) run all the time as well. Prints `ready` once the archive is open; runs until killed.
 *
 *   node --import tsx tests/helpers/index-writer.ts <dir>
 */
import { join } from 'node:path';
import pino from 'pino';
import { diskSnapshotFile, openArchive } from '../../src/archive.ts';
import { ingestFolder } from '../../src/jobs/ingest.ts';
import { memoryDigestFolder } from '../../src/jobs/digest-folder.ts';
import { openStores } from '../../src/store/index.ts';
import { digestMarkdown, rows } from './digests.ts';

const dir = process.argv[2]!;
const log = pino({ level: 'silent' });
const stores = await openStores(`sqlite://${join(dir, 'store.sqlite')}`);
const archive = await openArchive({
  stores,
  snapshot: diskSnapshotFile(join(dir, 'index.bin')),
  log,
  logPolicy: { minBytes: 30_000, maxBytes: 30_000, share: 0 },
});
process.stdout.write('ready\n');
// Each process ingests its own papers: ids from a start number unique to this process and round.
let start = (process.pid % 500) * 60 + Math.floor(Math.random() * 30);
for (let round = 0; ; round++) {
  const date = `2026-03-${String(1 + (round % 28)).padStart(2, '0')}`;
  const folder = memoryDigestFolder(new Map([[`${process.pid}-${round}.md`, digestMarkdown(date, rows(30, 10000 + (start % 89000), `崩溃测试${process.pid}-${round}`))]]));
  start += 30;
  await ingestFolder({ archive, folder, log });
}
