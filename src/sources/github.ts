/**
 * GitHub folders: one git-trees API request per run lists the whole folder (the contents API stops at 1,000
 * entries), conditional on the last listing's ETag — a 304 costs nothing against the rate limit. Files are then
 * fetched from the raw host. Everything the API returns is treated as hostile: only blobs ending in `.md`, under
 * the folder, with safe path segments and a sane size, are kept.
 */
import { z } from 'zod';
import { FetchFailure, type HttpClient } from './http.ts';
import type { SourceProblemKind } from './problems.ts';
import type { GitHubSource } from '../source-spec.ts';
import { assertSafePath } from './writer.ts';

/** Where GitHub is (GitHub Enterprise, a proxy, or the tests' local server) and how to authenticate. */
export interface GitHubEndpoints {
  /** Default `https://api.github.com`. */
  apiUrl: string;
  /** Default `https://raw.githubusercontent.com`. */
  rawUrl: string;
  /** Optional: 5,000 API requests an hour instead of 60. Sent only to the two hosts above. */
  token: string | undefined;
}

/** Entries of a listing kept: a folder of daily files for 50 years. */
export const MAX_LISTING_ENTRIES = 20_000;
/** Largest listing accepted (GitHub's own cap is about 7 MB). */
export const MAX_LISTING_BYTES = 16 * 1024 * 1024;
const MAX_FILE_BYTES = 8 * 1024 * 1024;

const treeSchema = z.object({
  sha: z.string().optional(),
  truncated: z.boolean().optional(),
  tree: z.array(z.object({ path: z.unknown(), type: z.unknown(), sha: z.unknown(), size: z.unknown().optional() })),
});

/** The request headers for GitHub: the API's media type and version, and the token for GitHub's own hosts. */
export function githubHeaders(endpoints: GitHubEndpoints, kind: 'api' | 'raw', url: string): Record<string, string> {
  const headers: Record<string, string> = kind === 'api' ? { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' } : {};
  const base = kind === 'api' ? endpoints.apiUrl : endpoints.rawUrl;
  if (endpoints.token && url.startsWith(`${base}/`)) headers.authorization = `Bearer ${endpoints.token}`;
  return headers;
}

/** The trees API URL listing `source`'s folder (recursively). */
export function treeUrl(endpoints: GitHubEndpoints, source: GitHubSource): string {
  const treeish = `${source.ref ?? 'HEAD'}${source.path ? `:${source.path}` : ''}`;
  const encoded = treeish.split('/').map(encodeURIComponent).join('/').replaceAll('%3A', ':');
  return `${endpoints.apiUrl}/repos/${encodeURIComponent(source.owner)}/${encodeURIComponent(source.repo)}/git/trees/${encoded}?recursive=1`;
}

/** The raw URL of `name` (a path inside the source's folder). */
export function rawFileUrl(endpoints: GitHubEndpoints, source: GitHubSource, name: string): string {
  const parts = [source.owner, source.repo, source.ref ?? 'HEAD', ...source.path.split('/').filter(Boolean), ...name.split('/')];
  return `${endpoints.rawUrl}/${parts.map(encodeURIComponent).join('/')}`;
}

/** A listing: file path inside the folder → blob sha and size. */
export type Listing =
  | { notModified: true }
  | { notModified: false; files: Record<string, { sha: string; size: number }>; etag: string | null; truncated: boolean; skipped: number };

/** Lists the folder, conditionally on `etag`. Never throws: a failure comes back as a typed problem. */
export async function listGitHubFolder(
  http: HttpClient,
  endpoints: GitHubEndpoints,
  source: GitHubSource,
  etag: string | null,
): Promise<Listing | { failure: { kind: SourceProblemKind; detail: string; retryAt: Date | null }; url: string }> {
  const url = treeUrl(endpoints, source);
  const where = `github:${source.owner}/${source.repo}${source.ref ? `@${source.ref}` : ''}/${source.path}`;
  let response;
  try {
    response = await http.get({ url, etag, headers: githubHeaders(endpoints, 'api', url), maxBytes: MAX_LISTING_BYTES });
  } catch (error) {
    if (error instanceof FetchFailure) {
      const kind: SourceProblemKind = error.kind === 'network' ? 'unreachable' : error.kind;
      return { failure: { kind, detail: error.message, retryAt: error.retryAt }, url };
    }
    return { failure: { kind: 'unreachable', detail: (error as Error).message, retryAt: null }, url };
  }
  if (response.status === 'not-modified') return { notModified: true };
  if (response.status === 'not-found') {
    return { failure: { kind: 'not-found', detail: `${where}: no such repository, branch or folder (or it is private and GITHUB_TOKEN is not set)`, retryAt: null }, url };
  }
  let parsed;
  try {
    parsed = treeSchema.parse(JSON.parse(new TextDecoder().decode(response.body)));
  } catch {
    return { failure: { kind: 'http', detail: `${where}: the listing is not a git tree (unexpected answer from ${endpoints.apiUrl})`, retryAt: null }, url };
  }
  const files: Record<string, { sha: string; size: number }> = {};
  let skipped = 0;
  let kept = 0;
  for (const entry of parsed.tree) {
    const { path, type, sha, size } = entry;
    if (type !== 'blob') continue;
    if (typeof path !== 'string' || typeof sha !== 'string' || !/^[0-9a-f]{40,64}$/.test(sha)) {
      skipped += 1;
      continue;
    }
    if (!path.toLowerCase().endsWith('.md')) continue;
    const bytes = typeof size === 'number' ? size : 0;
    try {
      assertSafePath(path);
    } catch {
      skipped += 1;
      continue;
    }
    if (bytes > MAX_FILE_BYTES || kept >= MAX_LISTING_ENTRIES) {
      skipped += 1;
      continue;
    }
    files[path] = { sha, size: bytes };
    kept += 1;
  }
  return { notModified: false, files, etag: response.etag, truncated: parsed.truncated === true, skipped };
}
