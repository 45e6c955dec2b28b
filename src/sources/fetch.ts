/**
 * One fetch run over every configured source: which files to ask for (the date range, or a GitHub folder's
 * listing), conditional requests from the stored validators, atomic writes into DIGEST_DIR, and the per-source
 * state `/digest status` shows. A source that fails never stops the others, and nothing here throws for a
 * remote problem (only a store that cannot be written propagates, so the next run retries).
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../log.ts';
import { addDays, dateInName, datesBetween, lookbackRange, type DateRange } from './dates.ts';
import { githubHeaders, listGitHubFolder, rawFileUrl, type GitHubEndpoints } from './github.ts';
import { FetchFailure, type HttpClient, type HttpResponse } from './http.ts';
import type { SourceProblemKind } from './problems.ts';
import { describeSource, expandTemplate, type GitHubSource, type SourceSpec } from '../source-spec.ts';
import { emptyState, type FileState, type SourceState, type SourceStateStore } from './state.ts';
import type { DigestWriter } from './writer.ts';

/** The status of one file in a run (the `cli fetch` contract). */
export type FetchStatus = 'new' | 'changed' | 'unchanged' | 'missing' | 'failed';

/** One file of a run. */
export interface FetchedFile {
  source: string;
  url: string;
  /** Path under DIGEST_DIR. */
  path: string;
  status: FetchStatus;
  /** Why it failed; null otherwise. */
  message: string | null;
}

/** What a run did (the `cli fetch` contract; new fields are additive). */
export interface FetchReport {
  sources: number;
  requests: number;
  downloaded: number;
  unchanged: number;
  missing: number;
  failed: number;
  files: FetchedFile[];
  /** Body bytes received. */
  bytes: number;
}

/** What a run needs. */
export interface FetchDeps {
  sources: readonly SourceSpec[];
  http: HttpClient;
  state: SourceStateStore;
  writer: DigestWriter;
  github: GitHubEndpoints;
  log: Logger;
  now?: () => Date;
  timeZone: string;
  lookbackDays: number;
  /** Called once per file decided (progress). */
  onFile?: (file: FetchedFile) => void;
}

/** Files downloaded between two saves of a source's state during one run. */
const CHECKPOINT_EVERY = 25;

const PER_FILE = new Set<SourceProblemKind>(['http', 'too-large', 'denied']);

/** Largest digest file accepted: real ones are under 300 KB. */
export const MAX_DIGEST_BYTES = 8 * 1024 * 1024;

/** Fetches every source once, for `range` (default: the lookback window ending today in the time zone). */
export async function fetchSources(deps: FetchDeps, range?: DateRange): Promise<FetchReport> {
  const now = deps.now ?? (() => new Date());
  const dates = range ?? lookbackRange(now(), deps.timeZone, deps.lookbackDays);
  // A generator in a time zone ahead of ours names its file after its own date, which is our tomorrow for hours:
  // a listed folder shows that file at no extra cost, so the lookback window takes it (a template would need a
  // request more per run, so it keeps to the exact window).
  const ahead = range ? 0 : 1;
  const before = { ...deps.http.stats };
  const files: FetchedFile[] = [];
  for (const source of deps.sources) {
    const found = await fetchSource(deps, source, dates, now, ahead);
    files.push(...found);
  }
  const count = (status: FetchStatus) => files.filter((f) => f.status === status).length;
  return {
    sources: deps.sources.length,
    requests: deps.http.stats.requests - before.requests,
    downloaded: count('new') + count('changed'),
    unchanged: count('unchanged'),
    missing: count('missing'),
    failed: count('failed'),
    files,
    bytes: deps.http.stats.bytes - before.bytes,
  };
}

/** A failure that ends the source's run (later files are not asked for). */
interface Stop {
  kind: SourceProblemKind;
  detail: string;
  retryAt: Date | null;
}

async function fetchSource(deps: FetchDeps, source: SourceSpec, range: DateRange, now: () => Date, ahead: number): Promise<FetchedFile[]> {
  const spec = describeSource(source);
  const known = await deps.state.get(source.name);
  const state: SourceState = known && known.spec === spec ? known : emptyState(source.name, spec);
  const out: FetchedFile[] = [];
  const emit = (file: FetchedFile) => {
    out.push(file);
    deps.onFile?.(file);
  };
  let stop: Stop | null = null;
  let fileFailure: Stop | null = null;
  let failures = 0;
  let downloadsSinceSave = 0;
  // A rate limit the server told us about: ask nothing until it ends (GitHub counts even refused requests).
  const waitUntil = state.lastError?.retryAt ? new Date(state.lastError.retryAt) : null;
  if (waitUntil && waitUntil > now()) {
    stop = { kind: 'rate-limited', detail: state.lastError?.detail ?? 'rate limited', retryAt: waitUntil };
  }

  const fetchOne = async (name: string, url: string, path: string, sha: string | null, headers: Record<string, string>) => {
    if (stop) {
      failures += 1;
      emit({ source: source.name, url, path, status: 'failed', message: stop.detail });
      return;
    }
    const previous = state.files[name];
    let local: Uint8Array | null;
    try {
      local = await deps.writer.read(path);
    } catch (error) {
      failures += 1;
      emit({ source: source.name, url, path, status: 'failed', message: `cannot read ${path}: ${(error as Error).message}` });
      return;
    }
    // The same blob as last time, and still on disk: nothing to ask for.
    if (sha && previous?.sha === sha && local) {
      emit({ source: source.name, url, path, status: 'unchanged', message: null });
      return;
    }
    let response: HttpResponse;
    try {
      response = await deps.http.get({
        url,
        // Validators only when we still have the file: a deleted file must come back.
        ...(local && previous && { etag: previous.etag, lastModified: previous.lastModified }),
        headers,
        maxBytes: MAX_DIGEST_BYTES,
      });
    } catch (error) {
      failures += 1;
      const failure = asFailure(error);
      // A problem with one file (a 400, a file too large) says nothing about the others; a host that is down,
      // slow or rate limiting does: ask it nothing more this run.
      if (PER_FILE.has(failure.kind)) fileFailure = failure;
      else stop = failure;
      emit({ source: source.name, url, path, status: 'failed', message: failure.detail });
      return;
    }
    if (response.status === 'not-found') {
      emit({ source: source.name, url, path, status: 'missing', message: null });
      return;
    }
    if (response.status === 'not-modified') {
      emit({ source: source.name, url, path, status: 'unchanged', message: null });
      return;
    }
    const at = now().toISOString();
    const same = local !== null && Buffer.from(local).equals(Buffer.from(response.body));
    if (!same) {
      try {
        await deps.writer.write(path, response.body);
      } catch (error) {
        failures += 1;
        stop = { kind: 'write', detail: `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, retryAt: null };
        emit({ source: source.name, url, path, status: 'failed', message: stop.detail });
        return;
      }
      state.lastNewFile = { path, at };
    }
    const entry: FileState = {
      path,
      url,
      etag: response.etag,
      lastModified: response.lastModified,
      // The blob actually received (the branch may have moved since the listing).
      sha: sha ? gitBlobSha(response.body) : null,
      changedAt: same && previous ? previous.changedAt : at,
    };
    state.files[name] = entry;
    emit({ source: source.name, url, path, status: same ? 'unchanged' : local ? 'changed' : 'new', message: null });
    // A long backfill keeps its progress: interrupted, the next run does not download these again.
    if (++downloadsSinceSave >= CHECKPOINT_EVERY) {
      downloadsSinceSave = 0;
      await deps.state.put(state);
    }
  };
  if (source.kind === 'template') {
    for (const date of datesBetween(range.since, range.until)) {
      const url = expandTemplate(source.template, date);
      const name = templateFileName(url, date);
      // A template on GitHub's raw host gets the token too (private repositories); any other host never does.
      await fetchOne(name, url, `${source.name}/${name}`, null, githubHeaders(deps.github, 'raw', url));
    }
  } else if (!stop) {
    const listing = await listFolder(deps, source, state);
    if ('stop' in listing) {
      stop = listing.stop;
      failures += 1;
      emit({ source: source.name, url: listing.url, path: source.name, status: 'failed', message: stop.detail });
    } else {
      for (const [name, entry] of Object.entries(listing.files).sort(([a], [b]) => (a < b ? 1 : -1))) {
        const date = dateInName(name.split('/').pop() ?? '');
        if (!date || date < range.since || date > addDays(range.until, ahead)) continue;
        const url = rawFileUrl(deps.github, source, name);
        await fetchOne(name, url, `${source.name}/${name}`, entry.sha, githubHeaders(deps.github, 'raw', url));
      }
    }
  } else {
    failures += 1;
    emit({ source: source.name, url: deps.github.apiUrl, path: source.name, status: 'failed', message: stop.detail });
  }

  const at = now().toISOString();
  state.lastCheck = at;
  const problem = stop ?? fileFailure;
  if (failures > 0 && problem) {
    const streak = state.lastError && state.lastError.kind === problem.kind ? state.lastError : null;
    state.lastError = {
      kind: problem.kind,
      detail: problem.detail,
      since: streak?.since ?? at,
      count: (streak?.count ?? state.lastError?.count ?? 0) + 1,
      retryAt: problem.retryAt?.toISOString() ?? null,
    };
    deps.log.warn({ source: source.name, kind: problem.kind, detail: problem.detail, failures }, 'source fetch failed');
  } else {
    state.lastError = null;
    state.lastSuccess = at;
  }
  await deps.state.put(state);
  const changed = out.filter((f) => f.status === 'new' || f.status === 'changed').length;
  if (changed) deps.log.info({ source: source.name, files: changed }, 'new digest files fetched');
  return out;
}

/** The folder's listing: fresh (200), the stored one (304), or why it could not be had. */
async function listFolder(
  deps: FetchDeps,
  source: GitHubSource,
  state: SourceState,
): Promise<{ files: Record<string, { sha: string; size: number }> } | { stop: Stop; url: string }> {
  const result = await listGitHubFolder(deps.http, deps.github, source, state.listing ? state.listingEtag : null);
  if ('failure' in result) {
    return { stop: result.failure, url: result.url };
  }
  if (result.notModified) {
    if (state.listing) return { files: state.listing };
    return { stop: { kind: 'http', detail: 'the listing answered 304 to an unconditional request', retryAt: null }, url: deps.github.apiUrl };
  }
  if (result.truncated) deps.log.warn({ source: source.name }, 'the folder listing was truncated by GitHub; some files may be missed');
  state.listing = result.files;
  state.listingEtag = result.etag;
  return { files: result.files };
}

function asFailure(error: unknown): Stop {
  if (error instanceof FetchFailure) {
    const kind: SourceProblemKind =
      error.kind === 'network' ? 'unreachable' : error.kind === 'timeout' ? 'timeout' : error.kind === 'rate-limited' ? 'rate-limited' : error.kind;
    return { kind, detail: error.message, retryAt: error.retryAt };
  }
  return { kind: 'unreachable', detail: (error as Error).message, retryAt: null };
}

/**
 * The local name of a template's file for `date`: the URL's last segment (made safe), prefixed with the date when
 * it does not contain it (so `…/{date}/digest.md` does not write every day to one file), always ending in `.md`.
 */
export function templateFileName(url: string, date: string): string {
  let base = new URL(url).pathname.split('/').filter(Boolean).pop() ?? 'digest';
  try {
    base = decodeURIComponent(base);
  } catch {
    // keep it encoded
  }
  base = base.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^[.-]+/, '').slice(0, 150) || 'digest';
  if (!base.includes(date)) base = `${date}-${base}`;
  if (!base.toLowerCase().endsWith('.md')) base = `${base}.md`;
  return base;
}

/** Git's blob id of `content` (what the trees API reports), to know which version was actually downloaded. */
export function gitBlobSha(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}
