/**
 * The archive: the store and the search index kept in step. Start-up loads the index from a snapshot file when
 * the snapshot's revision matches the store's, and otherwise rebuilds it from the store (then saves a snapshot).
 * Every ingest adds its papers to the index; `refresh()` catches up with papers another process ingested.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Paper } from './digest/types.ts';
import type { Logger } from './log.ts';
import { SearchIndex, snapshotRevision } from './search/index.ts';
import type { Stores } from './store/index.ts';

/** Where the index snapshot lives; an edge, so tests can keep it in memory. */
export interface SnapshotFile {
  read(): Promise<Uint8Array | undefined>;
  write(data: Uint8Array): Promise<void>;
}

/** A snapshot file on disk, written atomically (temp file + rename) so a crash never leaves half a snapshot. */
export function diskSnapshotFile(path: string): SnapshotFile {
  return {
    async read() {
      try {
        return new Uint8Array(await readFile(path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async write(data) {
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.${process.pid}.tmp`;
      await writeFile(temp, data);
      await rename(temp, path);
    },
  };
}

/** An in-memory snapshot file (tests, the preview). */
export function memorySnapshotFile(): SnapshotFile {
  let data: Uint8Array | undefined;
  return {
    read: async () => data,
    write: async (next) => {
      data = next;
    },
  };
}

/** The store plus the live search index over it. */
export interface Archive {
  stores: Stores;
  index: SearchIndex;
  /**
   * Adds (or replaces) papers in the index; call after this process stored them. The store's revision is taken
   * as seen, so `refresh()` does not rebuild for this process's own writes.
   */
  indexPapers(papers: readonly Paper[]): Promise<void>;
  /** Rebuilds the index if the store changed behind its back (another process ingested); true if it did. */
  refresh(): Promise<boolean>;
  /** Saves the index snapshot if it changed since the last save. */
  saveSnapshot(): Promise<void>;
}

/** How the index was obtained at open, for logs and benchmarks. */
export type IndexOrigin = 'snapshot' | 'rebuilt';

/** Opens the archive over `stores`, loading or rebuilding the search index. */
export async function openArchive(deps: {
  stores: Stores;
  snapshot: SnapshotFile;
  log?: Logger;
}): Promise<Archive & { origin: IndexOrigin }> {
  const { stores, snapshot, log } = deps;
  let revision = await stores.papers.revision();
  let savedRevision = -1;
  let index: SearchIndex | undefined;
  let origin: IndexOrigin = 'rebuilt';

  const data = await snapshot.read().catch((error: unknown) => {
    log?.warn({ err: error }, 'could not read the search index snapshot; rebuilding');
    return undefined;
  });
  if (data && snapshotRevision(data) === revision) {
    try {
      index = SearchIndex.fromSnapshot(data);
      origin = 'snapshot';
      savedRevision = revision;
    } catch (error) {
      log?.warn({ err: error }, 'search index snapshot unreadable; rebuilding');
    }
  }

  async function rebuild(): Promise<SearchIndex> {
    const started = performance.now();
    const next = new SearchIndex();
    let batch: Paper[] = [];
    for await (const paper of stores.papers.all()) {
      batch.push(paper);
      if (batch.length >= 2000) {
        next.add(batch);
        batch = [];
      }
    }
    next.add(batch);
    log?.info({ papers: next.size, seconds: (performance.now() - started) / 1000 }, 'search index rebuilt from the store');
    return next;
  }

  if (!index) index = await rebuild();
  const live = index;

  const archive: Archive & { origin: IndexOrigin } = {
    stores,
    origin,
    get index() {
      return index ?? live;
    },
    async indexPapers(papers) {
      (index ?? live).add(papers);
      revision = await stores.papers.revision();
    },
    async refresh() {
      const current = await stores.papers.revision();
      if (current === revision) return false;
      revision = current;
      index = await rebuild();
      return true;
    },
    async saveSnapshot() {
      const current = await stores.papers.revision();
      revision = current;
      if (current === savedRevision) return;
      await snapshot.write((index ?? live).toSnapshot(current));
      savedRevision = current;
    },
  };
  if (origin === 'rebuilt') await archive.saveSnapshot().catch((error: unknown) => log?.warn({ err: error }, 'could not save the search index snapshot'));
  return archive;
}
