/**
 * The preview's HTTP server (node:http, no framework): `GET /` digest posts, `GET /search?q=…` search results,
 * `GET /healthz`. It listens on 127.0.0.1 only and answers only requests addressed to a loopback name, so a web
 * page elsewhere cannot reach it through DNS rebinding.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeCustomId } from '../discord/custom-id.ts';
import type { ChannelMode } from '../discord/messages.ts';
import type { Logger } from '../log.ts';
import type { PreviewContent } from './content.ts';
import { renderPage } from './render.ts';

/** The only address the preview binds to. */
export const PREVIEW_HOST = '127.0.0.1';

const MODES = new Set<string>(['embeds', 'compact', 'thread']);
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
// Inline styles only: no script, no remote resource; links open elsewhere.
const HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function modeOf(params: URLSearchParams): ChannelMode {
  const mode = params.get('mode') ?? 'embeds';
  return (MODES.has(mode) ? mode : 'embeds') as ChannelMode;
}

function pageOf(params: URLSearchParams): number {
  const page = Number.parseInt(params.get('page') ?? '0', 10);
  return Number.isFinite(page) && page > 0 ? Math.min(page, 1_000_000) : 0;
}

function send(res: ServerResponse, status: number, type: string, body: string, head = false): void {
  res.writeHead(status, { ...HEADERS, 'content-type': `${type}; charset=utf-8`, 'content-length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

function hostAllowed(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (!host) return true;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
  return LOOPBACK_NAMES.has(name.toLowerCase());
}

/** Handles one request; exported for tests that skip the socket. */
export async function handlePreviewRequest(content: PreviewContent, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'text/plain', 'method not allowed\n');
  }
  if (!hostAllowed(req)) return send(res, 403, 'text/plain', 'the preview answers only on 127.0.0.1 or localhost\n', head);
  // `//x` would parse as a host name; the request target is always a path here.
  let url: URL;
  try {
    url = new URL(`http://127.0.0.1/${(req.url ?? '/').replace(/^\/+/, '')}`);
  } catch {
    return send(res, 400, 'text/plain', 'bad request\n', head);
  }
  const params = url.searchParams;
  const mode = modeOf(params);
  switch (url.pathname) {
    case '/healthz':
      return send(res, 200, 'application/json', `${JSON.stringify({ status: 'ok', papers: content.papers() })}\n`, head);
    case '/': {
      const page = pageOf(params);
      const { posts, total, hasOlder } = await content.posts(mode, page);
      const link = (p: number) => `/?mode=${mode}${p > 0 ? `&page=${p}` : ''}`;
      const html = renderPage({
        mode,
        query: '',
        notice: `${total} ${total === 1 ? 'digest' : 'digests'} and ${content.papers()} papers in the archive · each digest as a new channel in “${mode}” mode would receive it, newest first`,
        posts,
        pager: { newer: page > 0 ? link(page - 1) : null, older: hasOlder ? link(page + 1) : null },
      });
      return send(res, 200, 'text/html', html, head);
    }
    case '/search': {
      const query = params.get('q') ?? '';
      const page = pageOf(params);
      const { body, total } = await content.search(query, page);
      const html = renderPage({
        mode,
        query,
        notice: `${total} ${total === 1 ? 'result' : 'results'} · the reply to /paper search query:${query}`,
        posts: [],
        results: body,
        componentHref: (customId) => {
          // Previous/Next carry the page to show, as they do in Discord; here they become links.
          const id = decodeCustomId(customId);
          if (id?.command !== 'paper' || id.action !== 'page') return null;
          const to = Number.parseInt(id.state[0] ?? '', 10);
          return Number.isFinite(to) && to >= 0 ? `/search?mode=${mode}&q=${encodeURIComponent(query)}${to > 0 ? `&page=${to}` : ''}` : null;
        },
      });
      return send(res, 200, 'text/html', html, head);
    }
    default:
      return send(res, 404, 'text/plain', 'not found: the preview has /, /search?q=… and /healthz\n', head);
  }
}

/** The preview's HTTP server (not yet listening). */
export function createPreviewServer(content: PreviewContent, log: Logger): Server {
  return createServer((req, res) => {
    handlePreviewRequest(content, req, res).catch((error: unknown) => {
      log.error({ err: error, url: req.url }, 'preview request failed');
      if (!res.headersSent) send(res, 500, 'text/plain', `preview error: ${(error as Error).message}\n`);
      else res.destroy();
    });
  });
}

/** A listening preview server. */
export interface ListeningPreview {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  /** Stops accepting, ends idle keep-alive connections, and resolves once the server is closed. */
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:`port` (0 picks a free port). Rejects with a message saying what to do when the port
 * is taken.
 */
export async function listenPreview(server: Server, port: number): Promise<ListeningPreview> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `cannot serve the preview on ${PREVIEW_HOST}:${port}: the port is in use — set PREVIEW_PORT to another port`
            : `cannot serve the preview on ${PREVIEW_HOST}:${port}: ${error.message}`,
        ),
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, PREVIEW_HOST);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${PREVIEW_HOST}:${actual}/`,
    port: actual,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
