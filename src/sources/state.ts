/**
 * Fetch state per source, kept in the store so a restart downloads nothing new and several bot processes (the
 * lease holder fetches) agree: validators of every file fetched (ETag, Last-Modified, git blob sha), the folder
 * listing's ETag, and the history `/digest status` shows (last check, last success, last new file, last error).
 */
import { z } from 'zod';
import type { MetaStore } from '../store/index.ts';
import type { SourceProblemKind } from './problems.ts';

/** What is known about one fetched file. */
export interface FileState {
  /** Path under DIGEST_DIR (`<source>/<file>`). */
  path: string;
  url: string;
  etag: string | null;
  lastModified: string | null;
  /** Git blob sha from the trees API (GitHub folders). */
  sha: string | null;
  /** When its content last changed (downloaded new or changed). */
  changedAt: string;
}

/** A failure that keeps recurring. */
export interface SourceError {
  kind: SourceProblemKind;
  /** Technical detail (host, status), never a token. */
  detail: string;
  /** First failure of this streak. */
  since: string;
  /** Failed runs in a row. */
  count: number;
  /** When a rate limit ends, when known. */
  retryAt: string | null;
}

/** The state of one source. */
export interface SourceState {
  name: string;
  /** The source's description when this state was written (a changed spec starts afresh). */
  spec: string;
  /** ETag of the last folder listing (GitHub folders). */
  listingEtag: string | null;
  /** The last listing's files: file path under the repository folder → blob sha and size. */
  listing: Record<string, { sha: string; size: number }> | null;
  lastCheck: string | null;
  lastSuccess: string | null;
  lastNewFile: { path: string; at: string } | null;
  lastError: SourceError | null;
  /** File name → state, at most {@link MAX_FILES} (the oldest dropped first). */
  files: Record<string, FileState>;
}

/** Entries kept per source: a year and a half of daily files. */
export const MAX_FILES = 550;

const fileState = z.object({
  path: z.string(),
  url: z.string(),
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
  sha: z.string().nullable(),
  changedAt: z.string(),
});
const sourceState = z.object({
  name: z.string(),
  spec: z.string(),
  listingEtag: z.string().nullable(),
  listing: z.record(z.string(), z.object({ sha: z.string(), size: z.number() })).nullable(),
  lastCheck: z.string().nullable(),
  lastSuccess: z.string().nullable(),
  lastNewFile: z.object({ path: z.string(), at: z.string() }).nullable(),
  lastError: z
    .object({
      kind: z.enum(['unreachable', 'timeout', 'rate-limited', 'denied', 'not-found', 'server', 'http', 'too-large', 'write']),
      detail: z.string(),
      since: z.string(),
      count: z.number(),
      retryAt: z.string().nullable(),
    })
    .nullable(),
  files: z.record(z.string(), fileState),
});

/** Where source states live. */
export interface SourceStateStore {
  get(name: string): Promise<SourceState | undefined>;
  put(state: SourceState): Promise<void>;
}

/** A fresh state for a source. */
export function emptyState(name: string, spec: string): SourceState {
  return { name, spec, listingEtag: null, listing: null, lastCheck: null, lastSuccess: null, lastNewFile: null, lastError: null, files: {} };
}

/** Drops the oldest file entries beyond {@link MAX_FILES} (by name: names carry their date). */
export function pruneFiles(state: SourceState): SourceState {
  const names = Object.keys(state.files);
  if (names.length <= MAX_FILES) return state;
  const keep = names.sort().slice(-MAX_FILES);
  return { ...state, files: Object.fromEntries(keep.map((n) => [n, state.files[n]!])) };
}

/**
 * States in the store's small key/value area (`meta:source:<name>`): one key per source, read once and written
 * once per run, and carried along by `cli export`/`import` with the rest of the meta values.
 */
export function metaSourceStateStore(meta: MetaStore): SourceStateStore {
  return {
    get: (name) => meta.get(`source:${name}`, sourceState),
    put: (state) => meta.set(`source:${state.name}`, pruneFiles(state)),
  };
}

/** States in memory (tests). */
export function memorySourceStateStore(): SourceStateStore & { states: Map<string, SourceState> } {
  const states = new Map<string, SourceState>();
  return {
    states,
    get: async (name) => {
      const state = states.get(name);
      return state && structuredClone(state);
    },
    put: async (state) => {
      states.set(state.name, structuredClone(pruneFiles(state)));
    },
  };
}
