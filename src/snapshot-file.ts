/**
 * The search index's files on disk: `<path>` holds the last full snapshot, `<path>.log` the change log since. A
 * new snapshot is written to a temporary file, flushed, and renamed over the old one; the log is emptied just
 * before the rename (see `PreparedSnapshot.commit`), so a kill at any point leaves a loadable pair.
 */
import { mkdir, open, readFile, rename, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SnapshotFile } from './archive.ts';

/** Bytes handed to one read call while streaming a snapshot in (the event loop turns between reads). */
const READ_CHUNK = 8 << 20;

/** The snapshot and its log on disk. */
export function diskSnapshotFile(path: string): SnapshotFile {
  const logPath = `${path}.log`;
  const missing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';
  return {
    async open() {
      let fh: FileHandle;
      try {
        fh = await open(path, 'r');
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
      const size = (await fh.stat()).size;
      let position = 0;
      return {
        size,
        async read(dest) {
          if (position + dest.length > size) return false;
          for (let done = 0; done < dest.length; ) {
            const want = Math.min(READ_CHUNK, dest.length - done);
            const { bytesRead } = await fh.read(dest, done, want, position);
            if (bytesRead === 0) return false;
            done += bytesRead;
            position += bytesRead;
          }
          return true;
        },
        close: () => fh.close(),
      };
    },
    async prepare(chunks) {
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.${process.pid}.tmp`;
      const fh = await open(temp, 'w');
      let size = 0;
      try {
        // Each chunk is encoded as it is pulled and written before the next: the event loop turns in between.
        for (const chunk of chunks) {
          for (let done = 0; done < chunk.length; ) {
            const { bytesWritten } = await fh.write(chunk, done, chunk.length - done);
            done += bytesWritten;
          }
          size += chunk.length;
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      return {
        size,
        async commit(records) {
          await truncate(logPath, 0).catch((error: unknown) => {
            if (!missing(error)) throw error;
          });
          await rename(temp, path);
          for (const record of records) await appendDurably(logPath, record);
        },
        discard: () => rm(temp, { force: true }),
      };
    },
    async readLog() {
      try {
        return new Uint8Array(await readFile(logPath));
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
    async append(record) {
      await mkdir(dirname(path), { recursive: true });
      await appendDurably(logPath, record);
    },
  };
}

async function appendDurably(path: string, record: Uint8Array): Promise<void> {
  const fh = await open(path, 'a');
  try {
    await fh.write(record);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Bytes of the snapshot and its log (for benchmarks and status). */
export async function snapshotFileBytes(path: string): Promise<{ snapshot: number; log: number }> {
  const size = async (p: string): Promise<number> => (await stat(p).catch(() => ({ size: 0 }))).size;
  return { snapshot: await size(path), log: await size(`${path}.log`) };
}
