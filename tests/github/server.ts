/**
 * A local stand-in for GitHub's two hosts, for tests: the REST API (`GET /repos/:owner/:repo/git/trees/:treeish`,
 * recursive listings with ETags and 304s) on one port and the raw host (`/:owner/:repo/:ref/:path`, ETags,
 * Last-Modified, 304s, 404s) on another. Faults are injected per host (status codes, `Retry-After`, GitHub's
 * rate-limit headers, slow answers), the servers can go down (connection refused) and come back on the same
 * ports, and every request and body byte is counted.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Which of the two hosts. */
export type GitHubHost = 'api' | 'raw';

/** A fault answered instead of the real response, `times` times, for requests whose path contains `match`. */
export interface Fault {
  host: GitHubHost;
  match?: string;
  status?: number;
  times?: number;
  /** Sent as `Retry-After`. */
  retryAfter?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (a slow server); with no status, the real response follows. */
  delayMs?: number;
}

/** One request seen. */
export interface SeenRequest {
  host: GitHubHost;
  path: string;
  status: number;
  bytes: number;
  headers: IncomingMessage['headers'];
}

interface StoredFile {
  content: Buffer;
  modified: Date;
}

/** The running fake. */
export interface FakeGitHub {
  apiUrl: string;
  rawUrl: string;
  /** Writes (or rewrites) a file of `owner/repo` on its default branch. */
  put(repo: string, path: string, content: string, modified?: Date): void;
  remove(repo: string, path: string): void;
  /** Extra raw entries added to every listing of `repo` (hostile-input tests). */
  extraTreeEntries: Map<string, unknown[]>;
  /**
   * Which validators the raw host sends and honours (both by default). `etag: false` plays a server that sends
   * only `Last-Modified`: no `ETag` header, `If-None-Match` ignored, a 304 only from `If-Modified-Since`.
   */
  rawValidators: { etag: boolean; lastModified: boolean };
  inject(fault: Fault): void;
  requests: SeenRequest[];
  /** Requests and body bytes sent, per host and in all. */
  counts(): { requests: number; bytes: number; api: number; raw: number };
  resetCounts(): void;
  /** The most requests one host had in flight at once since the last reset. */
  maxConcurrent(host: GitHubHost): number;
  /** Forgets every file, fault, extra entry, validator setting and request (between tests). */
  reset(): void;
  /** Stops listening: connections are refused until {@link up}. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** The git blob id of `content`. */
export function blobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Starts both hosts on ephemeral ports of 127.0.0.1. */
export async function startFakeGitHub(options: { defaultBranch?: string } = {}): Promise<FakeGitHub> {
  const branch = options.defaultBranch ?? 'main';
  const repos = new Map<string, Map<string, StoredFile>>();
  const faults: Fault[] = [];
  const requests: SeenRequest[] = [];
  const extraTreeEntries = new Map<string, unknown[]>();
  const inFlight: Record<GitHubHost, number> = { api: 0, raw: 0 };
  const most: Record<GitHubHost, number> = { api: 0, raw: 0 };
  const sockets = new Set<Socket>();
  const rawValidators = { etag: true, lastModified: true };

  const send = (res: ServerResponse, seen: SeenRequest, status: number, body: string | Buffer, headers: Record<string, string> = {}) => {
    const buffer = typeof body === 'string' ? Buffer.from(body) : body;
    seen.status = status;
    seen.bytes = status === 304 ? 0 : buffer.length;
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers, ...(status !== 304 && { 'content-length': String(buffer.length) }) });
    res.end(status === 304 ? undefined : buffer);
  };

  function tree(repoKey: string, treeish: string): { status: number; body: string; etag?: string } {
    const files = repos.get(repoKey);
    const colon = treeish.indexOf(':');
    const ref = colon === -1 ? treeish : treeish.slice(0, colon);
    const folder = colon === -1 ? '' : treeish.slice(colon + 1).replace(/^\/+|\/+$/g, '');
    if (!files || (ref !== 'HEAD' && ref !== branch)) return { status: 404, body: JSON.stringify({ message: 'Not Found' }) };
    const prefix = folder ? `${folder}/` : '';
    const entries: unknown[] = [];
    const dirs = new Set<string>();
    for (const [path, file] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!path.startsWith(prefix)) continue;
      const rel = path.slice(prefix.length);
      const parts = rel.split('/');
      for (let i = 1; i < parts.length; i += 1) dirs.add(parts.slice(0, i).join('/'));
      entries.push({ path: rel, mode: '100644', type: 'blob', sha: blobSha(file.content), size: file.content.length, url: 'x' });
    }
    if (folder && entries.length === 0) return { status: 404, body: JSON.stringify({ message: 'Not Found' }) };
    for (const dir of dirs) entries.push({ path: dir, mode: '040000', type: 'tree', sha: 'd'.repeat(40), url: 'x' });
    entries.push(...(extraTreeEntries.get(repoKey) ?? []));
    const body = JSON.stringify({ sha: 'f'.repeat(40), url: 'x', tree: entries, truncated: false });
    return { status: 200, body, etag: `W/"${createHash('sha1').update(body).digest('hex')}"` };
  }

  function handler(host: GitHubHost) {
    return async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const seen: SeenRequest = { host, path: `${url.pathname}${url.search}`, status: 0, bytes: 0, headers: req.headers };
      requests.push(seen);
      inFlight[host] += 1;
      most[host] = Math.max(most[host], inFlight[host]);
      res.once('close', () => (inFlight[host] -= 1));
      const fault = faults.find((f) => f.host === host && (!f.match || seen.path.includes(f.match)) && (f.times ?? 1) > 0);
      if (fault) {
        fault.times = (fault.times ?? 1) - 1;
        if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        if (fault.status) {
          send(res, seen, fault.status, JSON.stringify({ message: `injected ${fault.status}` }), {
            ...(fault.retryAfter !== undefined && { 'retry-after': fault.retryAfter }),
            ...fault.headers,
          });
          return;
        }
      }
      if (res.destroyed) return;
      if (host === 'api') {
        const m = /^\/repos\/([^/]+)\/([^/]+)\/git\/trees\/(.+)$/.exec(url.pathname);
        if (!m || req.method !== 'GET') return send(res, seen, 404, JSON.stringify({ message: 'Not Found' }));
        const result = tree(`${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`, decodeURIComponent(m[3]!));
        const common = { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '59' };
        if (result.status !== 200) return send(res, seen, result.status, result.body, common);
        if (req.headers['if-none-match'] === result.etag) return send(res, seen, 304, '', { ...common, etag: result.etag! });
        return send(res, seen, 200, result.body, { ...common, etag: result.etag! });
      }
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const [owner, repo, ref, ...rest] = parts;
      const file = repos.get(`${owner}/${repo}`)?.get(rest.join('/'));
      if (!file || (ref !== 'HEAD' && ref !== branch)) return send(res, seen, 404, '404: Not Found');
      const etag = `"${blobSha(file.content)}"`;
      const lastModified = file.modified.toUTCString();
      const since = req.headers['if-modified-since'] && rawValidators.lastModified ? Date.parse(req.headers['if-modified-since']) : NaN;
      const ifNoneMatch = rawValidators.etag ? req.headers['if-none-match'] : undefined;
      // RFC 9110 13.1.3: If-Modified-Since is ignored when If-None-Match is present.
      const notModified =
        ifNoneMatch !== undefined ? ifNoneMatch === etag : !Number.isNaN(since) && Math.floor(file.modified.getTime() / 1000) * 1000 <= since;
      const validators = { ...(rawValidators.etag && { etag }), ...(rawValidators.lastModified && { 'last-modified': lastModified }) };
      if (notModified) return send(res, seen, 304, '', validators);
      return send(res, seen, 200, file.content, validators);
    };
  }

  const servers: Record<GitHubHost, Server> = { api: createServer(handler('api')), raw: createServer(handler('raw')) };
  for (const server of Object.values(servers)) {
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  }
  const ports: Record<GitHubHost, number> = { api: 0, raw: 0 };
  const listen = (host: GitHubHost) =>
    new Promise<void>((resolve, reject) => {
      servers[host].once('error', reject);
      servers[host].listen(ports[host], '127.0.0.1', () => {
        ports[host] = (servers[host].address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(Object.values(servers).map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
  };
  await listen('api');
  await listen('raw');

  return {
    apiUrl: `http://127.0.0.1:${ports.api}`,
    rawUrl: `http://127.0.0.1:${ports.raw}`,
    put(repo, path, content, modified = new Date()) {
      if (!repos.has(repo)) repos.set(repo, new Map());
      repos.get(repo)!.set(path, { content: Buffer.from(content), modified });
    },
    remove(repo, path) {
      repos.get(repo)?.delete(path);
    },
    extraTreeEntries,
    rawValidators,
    inject(fault) {
      faults.push({ times: 1, ...fault });
    },
    requests,
    counts() {
      return {
        requests: requests.length,
        bytes: requests.reduce((n, r) => n + r.bytes, 0),
        api: requests.filter((r) => r.host === 'api').length,
        raw: requests.filter((r) => r.host === 'raw').length,
      };
    },
    resetCounts() {
      requests.length = 0;
    },
    maxConcurrent: (host) => most[host],
    reset() {
      most.api = 0;
      most.raw = 0;
      repos.clear();
      faults.length = 0;
      extraTreeEntries.clear();
      requests.length = 0;
      rawValidators.etag = true;
      rawValidators.lastModified = true;
    },
    down: stop,
    async up() {
      await listen('api');
      await listen('raw');
    },
    close: stop,
  };
}
