/**
 * The archive: the store and the search index kept in step. Start-up streams the index in from its last full
 * snapshot and replays the change log written since; when the result does not cover the store's revision the
 * index is rebuilt from the store (then saved in full). Every ingest adds its papers to the index and appends them
 * to the log — a cost proportional to the papers, not to the archive — and the log is folded into a new full
 * snapshot in the background once it grows past a fraction of the snapshot. `refresh()` catches up with papers
 * another process ingested.
 */
import { mkdir, open, readFile, rename, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Paper } from './digest/types.ts';
import type { Logger } from './log.ts';
import { readSnapshot, SearchIndex, SnapshotFormatError, type ByteSource } from './search/index.ts';
import type { Stores } from './store/index.ts';
import { timeSlicer } from './slices.ts';

/** A snapshot opened for reading, consumed in order. */
export interface SnapshotReader {
  read: ByteSource;
  /** Bytes of the whole snapshot. */
  size: number;
  close(): Promise<void>;
}

/** A new full snapshot written aside, not yet in place. */
export interface PreparedSnapshot {
  /** Bytes written. */
  size: number;
  /**
   * Puts the snapshot in place and starts a fresh log holding `log` (records written meanwhile that follow on
   * from it). The old log is emptied before the new snapshot replaces the old one, so a crash in between leaves
   * an old snapshot with an empty log — stale, hence rebuilt — never a log replayed over the wrong snapshot.
   */
  commit(log: readonly Uint8Array[]): Promise<void>;
  discard(): Promise<void>;
}

/** Where the index snapshot and its change log live; an edge, so tests can keep them in memory. */
export interface SnapshotFile {
  /** The last full snapshot, or undefined when there is none. */
  open(): Promise<SnapshotReader | undefined>;
  /**
   * Writes a full snapshot aside, chunk by chunk (awaiting each write, so the event loop keeps turning). A chunk is
   * valid until the next is pulled: write or copy it first.
   */
  prepare(chunks: Iterable<Uint8Array>): Promise<PreparedSnapshot>;
  /** The change log since the last full snapshot (small: it is folded in once it grows). */
  readLog(): Promise<Uint8Array | undefined>;
  /** Appends one record to the change log, durably. */
  append(record: Uint8Array): Promise<void>;
}

// ---------------------------------------------------------------------------------------------- on disk
// `<path>` holds the last full snapshot, `<path>.log` the change log since. A new snapshot is written to a temporary
// file, flushed, and renamed over the old one; the log is emptied just before the rename (see
// `PreparedSnapshot.commit`), so a kill at any point leaves a loadable pair.

/** Bytes handed to one read call while streaming a snapshot in (the event loop turns between reads). */
const READ_CHUNK = 8 << 20;

/** How far the read-ahead may run in front of the decoder. */
const READ_AHEAD = 64 << 20;

/**
 * Reads the file up to `READ_AHEAD` bytes in front of the decoder, into a throwaway buffer, so that the disk works
 * while the decoder does: from a cold page cache, a million-paper start-up waited on the disk for four of its nine
 * seconds, reading and decoding in turn. Failures are ignored (the decoder's own reads report them).
 */
function readAhead(fh: FileHandle, size: number, position: () => number): { moved(): void; stop(): Promise<void> } {
  const buf = new Uint8Array(READ_CHUNK);
  let at = 0;
  let stopped = false;
  let wake: (() => void) | undefined;
  const run = (async () => {
    while (!stopped && at < size) {
      if (at - position() >= READ_AHEAD) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const { bytesRead } = await fh.read(buf, 0, Math.min(READ_CHUNK, size - at), Math.max(at, position()));
      if (bytesRead === 0) return;
      at = Math.max(at, position()) + bytesRead;
    }
  })().catch(() => undefined);
  const resume = (): void => {
    wake?.();
    wake = undefined;
  };
  return {
    moved: resume,
    async stop() {
      stopped = true;
      resume();
      await run;
    },
  };
}

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
      const ahead = readAhead(fh, size, () => position);
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
            ahead.moved();
          }
          return true;
        },
        async close() {
          await ahead.stop();
          await fh.close();
        },
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

/** An in-memory snapshot file (tests, the preview). */
export function memorySnapshotFile(): SnapshotFile & { bytes(): { snapshot: number; log: number } } {
  let data: Uint8Array | undefined;
  let log: Uint8Array[] = [];
  const concat = (chunks: readonly Uint8Array[]): Uint8Array => Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
  return {
    async open() {
      if (!data) return undefined;
      const bytes = data;
      let at = 0;
      return {
        size: bytes.length,
        read: async (dest) => {
          if (at + dest.length > bytes.length) return false;
          dest.set(bytes.subarray(at, at + dest.length));
          at += dest.length;
          return true;
        },
        close: async () => undefined,
      };
    },
    async prepare(chunks) {
      // Copied as they come: a chunk is only valid until the next is pulled.
      const next = new Uint8Array(concat(Array.from(chunks, (c) => c.slice())));
      return {
        size: next.length,
        commit: async (records) => {
          log = [...records].map((r) => r.slice());
          data = next;
        },
        discard: async () => undefined,
      };
    },
    readLog: async () => (log.length > 0 ? new Uint8Array(concat(log)) : undefined),
    append: async (record) => {
      log.push(record.slice());
    },
    bytes: () => ({ snapshot: data?.length ?? 0, log: log.reduce((n, r) => n + r.length, 0) }),
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
   * Adds (or replaces) papers in the index, in time slices (a 400-paper digest is about half a second of analysis,
   * which must not hold up interactions). Resolves to false when `range` shows changes the index has not seen (another
   * writer, a missed announcement): the index then stays behind and `refresh()` rebuilds it from the store.
   */
  indexPapers(papers: readonly Paper[], range: RevisionRange): Promise<boolean>;
  /**
   * Catches up when the store changed behind the index's back (another process ingested): applies the papers the
   * store lists as changed since the index's revision, or rebuilds when it cannot list them. Says which it did.
   */
  refresh(): Promise<RefreshOutcome>;
  /**
   * Persists what the index gained since the last save: one log record (cheap), or a full snapshot after a
   * rebuild. A log grown past its budget is folded into a new snapshot in the background (see `settled`).
   */
  saveSnapshot(): Promise<void>;
  /** Resolves when no background compaction is running (call before exiting). */
  settled(): Promise<void>;
}

/** What `refresh` did: nothing (in step), applied the store's listed changes, or rebuilt the whole index. */
export type RefreshOutcome = 'current' | 'caught-up' | 'rebuilt';

/** How the index was obtained at open, for logs and benchmarks. */
export type IndexOrigin = 'snapshot' | 'rebuilt';

/** Tuning of the change log (tests and benchmarks shrink it). */
export interface LogPolicy {
  /** The log is folded into a new snapshot once it exceeds this share of the snapshot's size … */
  share: number;
  /** … and at least this many bytes (tiny archives would otherwise compact on every ingest) … */
  minBytes: number;
  /** … or in any case beyond this many bytes (replaying the log re-analyses its papers at start-up). */
  maxBytes: number;
}

const DEFAULT_LOG_POLICY: LogPolicy = { share: 0.1, minBytes: 1 << 20, maxBytes: 32 << 20 };

const LOG_MAGIC = 0x4c534441; // "ADSL"
const LOG_HEADER = 12;

/** One change-log record: the papers added to the index, and the store revisions it takes the index from and to. */
interface LogRecord {
  from: number;
  to: number;
  papers: Paper[];
  /** The store's paper count when the record was written (see the check at open). */
  count?: number;
}

/** Encodes a log record: magic, payload length, CRC-32 of the payload, JSON payload. */
export function encodeLogRecord(record: LogRecord): Uint8Array {
  const payload = Buffer.from(JSON.stringify(record));
  const out = Buffer.alloc(LOG_HEADER + payload.length);
  out.writeUInt32LE(LOG_MAGIC, 0);
  out.writeUInt32LE(payload.length, 4);
  out.writeUInt32LE(crc32(payload), 8);
  payload.copy(out, LOG_HEADER);
  return out;
}

/** Decodes log records up to the first torn or corrupt one (a crash mid-append leaves at most a torn tail). */
export function decodeLog(bytes: Uint8Array): LogRecord[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: LogRecord[] = [];
  let at = 0;
  while (at + LOG_HEADER <= buf.length) {
    if (buf.readUInt32LE(at) !== LOG_MAGIC) break;
    const len = buf.readUInt32LE(at + 4);
    if (at + LOG_HEADER + len > buf.length) break;
    const payload = buf.subarray(at + LOG_HEADER, at + LOG_HEADER + len);
    if (crc32(payload) !== buf.readUInt32LE(at + 8)) break;
    try {
      const record = JSON.parse(payload.toString('utf8')) as LogRecord;
      if (typeof record.from !== 'number' || typeof record.to !== 'number' || !Array.isArray(record.papers)) break;
      out.push(record);
    } catch {
      break;
    }
    at += LOG_HEADER + len;
  }
  return out;
}

/** Adds papers one at a time, giving the event loop a turn every slice (slices.ts). */
async function addSliced(index: SearchIndex, papers: readonly Paper[], log?: Logger): Promise<void> {
  const slicer = timeSlicer();
  for (const paper of papers) {
    // One paper the index cannot take (e.g. a hostile record) is left out and reported; the rest go in.
    for (const skipped of index.add([paper])) log?.warn({ paper: skipped.id, reason: skipped.reason }, 'search index: left out a paper it could not index');
    await slicer.pause();
  }
}

/** Opens the archive over `stores`, loading or rebuilding the search index. */
export async function openArchive(deps: {
  stores: Stores;
  snapshot: SnapshotFile;
  log?: Logger;
  logPolicy?: Partial<LogPolicy>;
}): Promise<Archive & { origin: IndexOrigin }> {
  const { stores, snapshot, log } = deps;
  const policy: LogPolicy = { ...DEFAULT_LOG_POLICY, ...deps.logPolicy };
  let revision = -1;
  /** The revision what is on disk (snapshot + log) covers. */
  let savedRevision = -1;
  /** Papers indexed since the last save. */
  let unsaved: Paper[] = [];
  /** True when what is on disk cannot be extended by a log record (nothing there, or the index was rebuilt). */
  let needsFull = true;
  /** The store's paper count recorded with the last save (undefined when unknown). */
  let savedCount: number | undefined;
  let snapshotBytes = 0;
  let logBytes = 0;
  let index: SearchIndex | undefined;
  let origin: IndexOrigin = 'rebuilt';

  // The store bumps its revision after writing the records: a kill in between leaves papers that no revision
  // accounts for. The store records such a cut-short write (until its next write repairs the listings), and the
  // index is then rebuilt whatever the files say. Repairing is the writer's job: this may be a second process
  // opening the store while the writer is in the middle of a write.
  const interrupted = await stores.papers.writeInterrupted();
  const current = await stores.papers.revision();
  try {
    const loaded = await load();
    // The index's own size is also compared with the store's count. The count (per-date list lengths) is written
    // after the lists, but both inside the in-progress marker, so a kill between them is `interrupted`; listing every
    // id instead took 2.4 s of a million-paper start-up.
    if (loaded && loaded.revision === current && (interrupted || loaded.index.size !== (await stores.papers.count()))) {
      log?.warn({ indexed: loaded.index.size }, 'the store changed without a new revision (a write was cut short); rebuilding the search index');
    } else if (loaded && loaded.revision === current) {
      index = loaded.index;
      savedCount = loaded.count;
      origin = 'snapshot';
      revision = savedRevision = current;
      needsFull = false;
    }
  } catch (error) {
    log?.warn({ err: error }, 'search index snapshot unreadable; rebuilding');
  }

  /** The last full snapshot with the log replayed over it, or undefined when there is no snapshot. */
  async function load(): Promise<{ index: SearchIndex; revision: number; count?: number } | undefined> {
    const reader = await snapshot.open();
    if (!reader) return undefined;
    let decoded;
    try {
      decoded = await readSnapshot(reader.read);
    } catch (error) {
      if (error instanceof SnapshotFormatError) {
        log?.info({ reason: error.message }, 'search index snapshot not usable; rebuilding');
        return undefined;
      }
      throw error;
    } finally {
      await reader.close();
    }
    snapshotBytes = reader.size;
    const loaded = SearchIndex.fromDecoded(decoded);
    let covers = decoded.revision;
    let count: number | undefined;
    const bytes = await snapshot.readLog();
    logBytes = bytes?.length ?? 0;
    for (const record of bytes ? decodeLog(bytes) : []) {
      // Records chain by revision; one that does not follow on (written before the snapshot was replaced) is skipped.
      if (record.from !== covers) continue;
      await addSliced(loaded, record.papers, log);
      covers = record.to;
      count = record.count;
    }
    return { index: loaded, revision: covers, count };
  }

  /**
   * A fresh index of every stored paper, with the revision read before reading (it covers at least that). Built in
   * slices, yielding between them, so the process keeps answering while it rebuilds.
   */
  async function rebuild(): Promise<{ index: SearchIndex; revision: number }> {
    const started = performance.now();
    const covers = await stores.papers.revision();
    const next = new SearchIndex();
    const slicer = timeSlicer();
    for await (const paper of stores.papers.all()) {
      for (const skipped of next.add([paper])) log?.warn({ paper: skipped.id, reason: skipped.reason }, 'search index: left out a paper it could not index');
      // Time-sliced: the event loop gets a turn every few milliseconds of indexing (a paper takes about one).
      await slicer.pause();
    }
    log?.info({ papers: next.size, seconds: (performance.now() - started) / 1000 }, 'search index rebuilt from the store');
    return { index: next, revision: covers };
  }

  if (!index) ({ index, revision } = await rebuild());
  let live: SearchIndex = index;

  // Persistence steps run one at a time; a background compaction only holds the queue while it swaps files.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(step: () => Promise<T>): Promise<T> => {
    const run = queue.then(step, step);
    queue = run.catch(() => undefined);
    return run;
  };
  let compaction: Promise<void> | null = null;
  /** Log records appended while a compaction writes: they follow on from it and go into its fresh log. */
  let carried: Uint8Array[] | null = null;

  /** Bumped by every full write, so a compaction that started before one does not put an older snapshot back. */
  let generation = 0;

  async function compact(): Promise<void> {
    let prepared: PreparedSnapshot | undefined;
    try {
      // Stamped with what is saved; the frozen index may hold more (unsaved papers): claiming less is safe.
      const started = await serial(async () => {
        carried = [];
        const marker = encodeLogRecord({ from: savedRevision, to: savedRevision, papers: [], count: savedCount });
        return { generation, marker, chunks: live.snapshotChunks(savedRevision) };
      });
      prepared = await snapshot.prepare(started.chunks);
      const done = prepared;
      await serial(async () => {
        if (generation !== started.generation) {
          await done.discard();
          return;
        }
        const records = [started.marker, ...(carried ?? [])];
        await done.commit(records);
        snapshotBytes = done.size;
        logBytes = records.reduce((n, r) => n + r.length, 0);
      });
    } catch (error) {
      await prepared?.discard().catch(() => undefined);
      log?.warn({ err: error }, 'could not compact the search index log');
    } finally {
      carried = null;
    }
  }

  const archive: Archive & { origin: IndexOrigin } = {
    stores,
    origin,
    get index() {
      return live;
    },
    get revision() {
      return revision;
    },
    async indexPapers(papers, range) {
      const target = live;
      await addSliced(target, papers, log);
      // The papers went into an index a concurrent refresh has since replaced: the new one was read from the store.
      if (target !== live) return false;
      unsaved.push(...papers);
      if (revision !== range.from || range.to - range.from !== range.writes) return false;
      revision = range.to;
      return true;
    },
    async refresh() {
      if ((await stores.papers.revision()) === revision) return 'current';
      // Only what changed since the index's revision, when the store can list it; else a rebuild.
      const changes = await stores.papers.changesSince(revision);
      if (changes) {
        const target = live;
        const papers = (await stores.papers.getMany(changes.ids)).filter((p): p is Paper => p !== undefined);
        // Adding a paper the index holds replaces it (a metadata update, a merged re-listing).
        await addSliced(target, papers, log);
        if (target === live && revision < changes.revision) {
          unsaved.push(...papers);
          revision = changes.revision;
        }
        return 'caught-up';
      }
      const rebuilt = await rebuild();
      live = rebuilt.index;
      revision = rebuilt.revision;
      unsaved = [];
      needsFull = true;
      return 'rebuilt';
    },
    async saveSnapshot() {
      await serial(async () => {
        if (needsFull) {
          const covers = revision;
          const pending = unsaved;
          unsaved = [];
          try {
            const count = await stores.papers.count();
            const prepared = await snapshot.prepare(live.snapshotChunks(covers));
            const marker = encodeLogRecord({ from: covers, to: covers, papers: [], count });
            await prepared.commit([marker]);
            savedCount = count;
            generation++;
            snapshotBytes = prepared.size;
            logBytes = marker.length;
          } catch (error) {
            unsaved = [...pending, ...unsaved];
            throw error;
          }
          savedRevision = covers;
          needsFull = false;
          return;
        }
        if (unsaved.length === 0 && revision === savedRevision) return;
        const count = await stores.papers.count();
        const record = encodeLogRecord({ from: savedRevision, to: revision, papers: unsaved, count });
        await snapshot.append(record);
        carried?.push(record);
        logBytes += record.length;
        savedRevision = revision;
        savedCount = count;
        unsaved = [];
      });
      const budget = Math.min(policy.maxBytes, Math.max(policy.minBytes, snapshotBytes * policy.share));
      if (!compaction && logBytes > budget) {
        compaction = compact().finally(() => {
          compaction = null;
        });
      }
    },
    async settled() {
      while (compaction) await compaction;
      await serial(async () => undefined);
    },
  };
  if (origin === 'rebuilt') await archive.saveSnapshot().catch((error: unknown) => log?.warn({ err: error }, 'could not save the search index snapshot'));
  return archive;
}
