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

/**
 * Which store changes a batch of papers accounts for: the store's paper revision before and after, and how many
 * writes (upserts that changed something) happened in between. The index adopts `to` only when it was at `from`
 * and nobody else wrote meanwhile, so it can never claim to cover papers it has not seen.
 */
export interface RevisionRange {
  from: number;
  to: number;
  writes: number;
}

/** The store plus the live search index. */
export interface Archive {
  stores: Stores;
  index: SearchIndex;
  /** The store revision the index is known to cover. */
  readonly revision: number;
  /**
   * Adds (or replaces) papers in the index. Returns false when `range` shows changes the index has not seen (another
   * writer, a missed announcement): the index then stays behind and `refresh()` rebuilds it from the store.
   */
  indexPapers(papers: readonly Paper[], range: RevisionRange): boolean;
  /** Rebuilds the index if the store changed behind its back (another process ingested); true if it did. */
  refresh(): Promise<boolean>;
  /** Saves the index snapshot, stamped with the revision the index covers, if that changed since the last save. */
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
  let revision = -1;
  let savedRevision = -1;
  let index: SearchIndex | undefined;
  let origin: IndexOrigin = 'rebuilt';

  const current = await stores.papers.revision();
  const data = await snapshot.read().catch((error: unknown) => {
    log?.warn({ err: error }, 'could not read the search index snapshot; rebuilding');
    return undefined;
  });
  if (data && snapshotRevision(data) === current) {
    try {
      index = SearchIndex.fromSnapshot(data);
      origin = 'snapshot';
      revision = savedRevision = current;
    } catch (error) {
      log?.warn({ err: error }, 'search index snapshot unreadable; rebuilding');
    }
  }

  /** A fresh index of every stored paper, with the revision read before reading (it covers at least that). */
  /** Adds papers to `target`, logging any the index had to leave out (one bad record never stops the rest). */
  function addLogged(target: SearchIndex, papers: readonly Paper[]): void {
    for (const skipped of target.add(papers)) log?.warn({ paper: skipped.id, reason: skipped.reason }, 'search index: left out a paper it could not index');
  }

  async function rebuild(): Promise<{ index: SearchIndex; revision: number }> {
    const started = performance.now();
    const covers = await stores.papers.revision();
    const next = new SearchIndex();
    let batch: Paper[] = [];
    for await (const paper of stores.papers.all()) {
      batch.push(paper);
      if (batch.length >= 2000) {
        addLogged(next, batch);
        batch = [];
      }
    }
    addLogged(next, batch);
    log?.info({ papers: next.size, seconds: (performance.now() - started) / 1000 }, 'search index rebuilt from the store');
    return { index: next, revision: covers };
  }

  if (!index) ({ index, revision } = await rebuild());
  let live: SearchIndex = index;

  const archive: Archive & { origin: IndexOrigin } = {
    stores,
    origin,
    get index() {
      return live;
    },
    get revision() {
      return revision;
    },
    indexPapers(papers, range) {
      addLogged(live, papers);
      if (revision !== range.from || range.to - range.from !== range.writes) return false;
      revision = range.to;
      return true;
    },
    async refresh() {
      if ((await stores.papers.revision()) === revision) return false;
      ({ index: live, revision } = await rebuild());
      return true;
    },
    async saveSnapshot() {
      if (revision === savedRevision) return;
      const covered = revision;
      await snapshot.write(live.toSnapshot(covered));
      savedRevision = covered;
    },
  };
  if (origin === 'rebuilt') await archive.saveSnapshot().catch((error: unknown) => log?.warn({ err: error }, 'could not save the search index snapshot'));
  return archive;
}
