/**
 * The REST front door: `/api/v10/*` requests go through auth, routing, faults, rate limits, body parsing,
 * spec validation and limits before a route handler runs. Each step answers exactly as Discord would, and
 * whatever a client did wrong is recorded as a violation.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readUploads } from './attachments.ts';
import type { AttachmentLimits, UploadedFile } from './attachments.ts';
import type { RouteContext, RouteDef, RouteResult, ServerCore } from './core.ts';
import { matchPattern } from './core.ts';
import { DiscordHttpError, Errors, invalidFormBody } from './errors.ts';
import type { FaultInjector } from './faults.ts';
import { checkMessageLimits } from './limits.ts';
import type { RateLimiter } from './limiter.ts';
import { isRecord, validateBody } from './validation.ts';
import type { ViolationKind } from './violations.ts';

/** One request as the log keeps it. */
export interface RequestLogEntry {
  method: string;
  /** Path after `/api/v10` (or the raw path for requests outside it). */
  path: string;
  query: string;
  body: unknown;
  status: number;
  /** Discord error code of the answer, if any. */
  code?: number;
  /** Set when the answer came from an injected fault. */
  fault?: boolean;
  at: number;
}

/** What the REST handler needs besides the routes. */
export interface RestDeps {
  core: ServerCore;
  routes: RouteDef[];
  token: string;
  limiter: RateLimiter;
  faults: FaultInjector;
  log: RequestLogEntry[];
}

const PREFIX = '/api/v10';

/** Handles one HTTP request end to end. */
export async function handleRest(deps: RestDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = (req.method ?? 'GET').toUpperCase();
  const raw = await readBody(req);
  const path = url.pathname.startsWith(`${PREFIX}/`) ? url.pathname.slice(PREFIX.length) : url.pathname;
  const entry: RequestLogEntry = { method, path, query: url.search, body: undefined, status: 0, at: Date.now() };
  deps.log.push(entry);
  const violations = deps.core.violations;
  const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    entry.status = status;
    if (isRecord(body) && typeof body.code === 'number') entry.code = body.code;
    res.writeHead(status, { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  // Rate-limit headers go on every answer of a counted request, errors included, as Discord sends them.
  let headers: Record<string, string> = {};
  try {
    if (!url.pathname.startsWith(`${PREFIX}/`)) throw Errors.notFound();
    const found = findRoute(deps.routes, method, path);
    if (!found) throw Errors.notFound();
    const { route, params } = found;

    if (route.auth && req.headers.authorization !== `Bot ${deps.token}`) throw Errors.unauthorized();

    const fault = deps.faults.take(method, path);
    if (fault) {
      entry.fault = true;
      const { status } = fault.spec;
      if (status === 'drop') {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      if (status === 429) {
        const retryAfter = fault.spec.retryAfter ?? 0.2;
        const headers: Record<string, string> = { 'Retry-After': retryAfter.toFixed(3), 'X-RateLimit-Scope': fault.spec.global ? 'global' : 'shared' };
        if (fault.spec.global) headers['X-RateLimit-Global'] = 'true';
        send(429, { message: 'You are being rate limited.', retry_after: retryAfter, global: fault.spec.global === true }, headers);
      } else if (status === 403) {
        send(403, { code: 50013, message: 'Missing Permissions' });
      } else {
        send(status, { message: `${status}: injected fault`, code: 0 });
      }
      return;
    }

    const now = Date.now();
    if (route.auth) {
      const global = deps.limiter.takeGlobal(now);
      if (global.ignoredRetryAfter) violations.record('rate-limit', 'request sent during a global rate limit', { method, path });
      if (!global.allowed) {
        send(429, { message: 'You are being rate limited.', retry_after: global.retryAfter, global: true }, global.headers);
        return;
      }
    }
    const major = route.major ? (params[route.major] ?? '') : '';
    const bucket = deps.limiter.takeRoute(route.limit, `${method} ${route.pattern}`, major, now);
    headers = bucket.headers;
    if (bucket.ignoredRetryAfter) violations.record('rate-limit', 'request sent before retry_after elapsed', { method, path });
    if (!bucket.allowed) {
      send(429, { message: 'You are being rate limited.', retry_after: bucket.retryAfter, global: false }, headers);
      return;
    }

    const { body, files } = await parseBody(raw, req.headers['content-type'], deps.core.attachmentLimits);
    entry.body = body;
    if (route.schema) {
      const problems = validateBody(route.schema, body);
      if (problems.length > 0) throw invalidFormBody(problems);
    }
    if (route.messageLimits) {
      const target = route.messageLimits === 'data' && isRecord(body) ? body.data : body;
      const problems = checkMessageLimits(target, deps.core.limits, route.messageLimits === 'data' ? ['data'] : []);
      if (problems.length > 0) throw invalidFormBody(problems);
      if (deps.core.requireAllowedMentions && isRecord(target) && typeof target.content === 'string' && target.content.length > 0 && !isRecord(target.allowed_mentions)) {
        violations.record('policy', 'message content sent without allowed_mentions', { method, path });
      }
    }

    const ctx: RouteContext = { core: deps.core, method, path, params, query: url.searchParams, body, files };
    const result: RouteResult = await route.handler(ctx);
    send(result.status, result.body, headers);
  } catch (error) {
    if (error instanceof DiscordHttpError) {
      if (error.violation) {
        const kind = violationKind(error);
        violations.record(kind, `${error.status} ${error.body.code} ${error.body.message}${error.body.errors ? ` ${JSON.stringify(error.body.errors)}` : ''}`, { method, path });
      }
      send(error.status, error.body, headers);
      return;
    }
    violations.record('request', `server error: ${String(error)}`, { method, path });
    send(500, { message: '500: Internal Server Error', code: 0 });
  }
}

function violationKind(error: DiscordHttpError): ViolationKind {
  const { code } = error.body;
  if (code === 50035) return 'schema';
  if (error.status === 401 && code === 0) return 'auth';
  if (code === 0) return 'route';
  if (code === 10062 || code === 40060 || code === 10015 || code === 50027) return 'interaction';
  return 'request';
}

function findRoute(routes: RouteDef[], method: string, path: string): { route: RouteDef; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchPattern(route.pattern, path);
    if (params) return { route, params };
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** JSON bodies, and multipart bodies whose JSON sits in `payload_json` and files in `files[n]` (how clients send files). */
async function parseBody(raw: Buffer, contentType: string | undefined, limits: AttachmentLimits): Promise<{ body: unknown; files: UploadedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType?.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { 'Content-Type': contentType } }).formData();
    } catch {
      throw invalidFormBody([{ path: ['payload_json'], code: 'MULTIPART_INVALID', message: 'Malformed multipart body.' }]);
    }
    const json = form.get('payload_json');
    const files = await readUploads(form, limits);
    return { body: typeof json === 'string' ? parseJson(json) : {}, files };
  }
  return { body: parseJson(raw.toString('utf8')), files: [] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw Errors.notJson();
  }
}
