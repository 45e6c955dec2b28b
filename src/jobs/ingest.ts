/**
 * Ingest: digest files → parsed papers → the store and the search index. A file whose content hash was already
 * ingested is skipped, so running ingest twice changes nothing. A file that cannot be read or parsed is recorded
 * with its reason and the others go on.
 */
import type { Archive, RevisionRange } from '../archive.ts';
import { parseDigest } from '../digest/index.ts';
import type { Paper, ParseResult } from '../digest/types.ts';
import type { Logger } from '../log.ts';
import { contentHash, isUnchanged, type DigestRecord, type FileRecord } from '../store/index.ts';
import type { DigestFolder } from './digest-folder.ts';
import type { DigestParse } from './parse-worker.ts';
import { rememberUnmatched } from './unmatched.ts';

/** One digest that a run added to or changed in the archive. */
export interface IngestedDigest {
  date: string | null;
  source: string;
  status: DigestRecord['status'];
  message: string | null;
  /** Every paper id the digest lists (in digest order), new to the archive or not. */
  paperIds: string[];
}

/** What an ingest run did. */
export interface IngestReport {
  /** Files looked at. */
  files: number;
  /** Files that were new or changed, and so parsed. */
  changed: number;
  /** Papers listed in the parsed files (a paper in two files counts twice). */
  papers: number;
  /** Papers new to the archive, in file order. */
  added: Paper[];
  /** Papers the archive knew that changed (a new arXiv version, filled-in fields). */
  updated: Paper[];
  /** Digests found in the parsed files. */
  digests: IngestedDigest[];
  /** Files that could not be ingested, with the reason. */
  failures: { path: string; reason: string }[];
  seconds: number;
  /** The store revisions this run's paper writes span (for other processes' indexes); absent when nothing was parsed. */
  revisions?: RevisionRange;
}

/** What ingest needs. */
export interface IngestDeps {
  archive: Archive;
  folder: DigestFolder;
  log: Logger;
  now?: () => Date;
  /** Where files are parsed: the bot passes a worker thread (parse-worker.ts); default in this thread. */
  parse?: DigestParse;
}

/** Parses in the calling thread (the CLI and tests; the bot uses a worker). */
export const parseInThread: DigestParse = async (bytes, fileName) => parseDigest({ text: new TextDecoder().decode(bytes), fileName });

/**
 * Ingests the given paths of `folder` (default: every file it lists). Never throws for a bad file; store
 * failures do propagate (nothing is marked ingested that was not stored, so the next run retries).
 */
export async function ingestFolder(deps: IngestDeps, paths?: readonly string[]): Promise<IngestReport> {
  const started = performance.now();
  const now = deps.now ?? (() => new Date());
  const { stores } = deps.archive;
  const report: IngestReport = { files: 0, changed: 0, papers: 0, added: [], updated: [], digests: [], failures: [], seconds: 0 };
  const list = paths ?? (await deps.folder.list());
  for (const path of list) {
    report.files += 1;
    let bytes: Uint8Array;
    try {
      bytes = await deps.folder.read(path);
    } catch (error) {
      const reason = `cannot read: ${(error as Error).message}`;
      report.failures.push({ path, reason });
      deps.log.warn({ file: path, reason }, 'digest file skipped');
      continue;
    }
    const hash = contentHash(bytes);
    if (isUnchanged(await stores.files.get(path), hash)) continue;
    report.changed += 1;

    const parsed = await (deps.parse ?? parseInThread)(bytes, path);
    const error = digestProblem(parsed);
    const ingestedAt = now().toISOString();
    const papers = uniqueById(parsed.papers);
    report.papers += parsed.papers.length;
    const from = await stores.papers.revision();
    const { added, updated } = await stores.papers.upsertMany(papers);
    const to = await stores.papers.revision();
    // Before anything else can fail: these papers must reach subscriptions and the index even if this run dies now.
    await rememberUnmatched(stores, added.map((p) => p.id));
    const writes = added.length + updated.length > 0 ? 1 : 0;
    const changed = [...added, ...updated];
    await deps.archive.indexPapers(changed, { from, to, writes });
    // A paper the index could not take costs that paper only; say which, so the operator can look at it.
    for (const p of changed) {
      if (!deps.archive.index.has(p.id)) report.failures.push({ path, reason: `paper ${p.id} is stored but could not be indexed for search` });
    }
    // Persist the index change at once (one log append): the window in which a kill leaves the index files behind
    // the store — and so costs a rebuild at the next start — stays as short as the store write itself.
    if (writes > 0) await deps.archive.saveSnapshot().catch((error: unknown) => deps.log.warn({ err: error }, 'could not save the search index'));
    report.revisions = report.revisions
      ? { from: report.revisions.from, to, writes: report.revisions.writes + writes }
      : { from, to, writes };
    report.added.push(...added);
    report.updated.push(...updated);
    const addedIds = new Set(added.map((p) => p.id));
    const updatedIds = new Set(updated.map((p) => p.id));

    const digests: IngestedDigest[] = parsed.digests.map((d) => ({
      date: d.date,
      source: d.source,
      status: d.status,
      message: d.message,
      paperIds: [...new Set(d.papers.map((p) => p.id))],
    }));
    report.digests.push(...digests);
    await stores.digests.putMany(
      await Promise.all(
        digests.map(async (d): Promise<DigestRecord> => {
          // The same digest often comes in two files (the day's summary and the per-source file): merge them.
          const known = await stores.digests.get(d.date, d.source);
          const paperIds = [...new Set([...(known?.paperIds ?? []), ...d.paperIds])];
          return {
            date: d.date,
            source: d.source,
            status: paperIds.length > 0 ? 'ok' : d.status,
            message: paperIds.length > 0 ? null : d.message,
            papers: paperIds.length,
            added: (known?.added ?? 0) + d.paperIds.filter((id) => addedIds.has(id)).length,
            updated: (known?.updated ?? 0) + d.paperIds.filter((id) => updatedIds.has(id)).length,
            file: path,
            ingestedAt,
            paperIds,
          };
        }),
      ),
    );
    const layout = error ? parsed.warnings.find((w) => w.kind === 'unrecognised-layout') : undefined;
    const record: FileRecord = {
      path,
      hash,
      ingestedAt,
      digests: digests.map((d) => ({ ...d })),
      error,
      ...(layout ? { unrecognisedLayoutLine: layout.line } : {}),
    };
    await stores.files.put(record);
    if (error) {
      report.failures.push({ path, reason: error });
      deps.log.warn({ file: path, reason: error }, 'digest file yielded no papers');
    } else {
      deps.log.info({ file: path, papers: papers.length, added: added.length, updated: updated.length }, 'digest file ingested');
    }
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/**
 * Why a parsed file is a problem an admin should see, or null. A file that looks like a digest (it has a table
 * or a digest heading) but yields no paper and no status line is one; an index page or a status-only digest is not.
 */
function digestProblem(parsed: ParseResult): string | null {
  if (parsed.papers.length > 0) return null;
  if (parsed.digests.some((d) => d.status !== 'ok')) return null;
  // A file naming papers the parser could not read is the clearest case: say that first.
  const serious =
    parsed.warnings.find((w) => w.kind === 'unrecognised-layout') ??
    parsed.warnings.find((w) => w.kind === 'binary' || w.kind === 'parse-error' || w.kind === 'no-papers' || w.kind === 'unknown-table' || w.kind === 'row-without-link');
  return serious ? `line ${serious.line}: ${serious.message}` : null;
}

function uniqueById(papers: readonly Paper[]): Paper[] {
  const seen = new Map<string, Paper>();
  for (const paper of papers) if (!seen.has(paper.id)) seen.set(paper.id, paper);
  return [...seen.values()];
}
