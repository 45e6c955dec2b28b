/**
 * The shared core the REST routes and the driver operate on: state, gateway, interaction records, settings.
 */
import type { AttachmentLimits, AttachmentStore, UploadedFile } from './attachments.ts';
import type { Gateway } from './gateway.ts';
import type { InteractionRecord } from './interactions.ts';
import type { MessageLimits } from './limits.ts';
import type { SchemaName } from './validation.ts';
import type { DiscordState } from './state.ts';
import type { Violations } from './violations.ts';

/** Timing settings that tests shorten. */
export interface Timings {
  /** Time the bot has for the initial interaction response (Discord: 3000 ms). */
  interactionWindowMs: number;
  /** Lifetime of an interaction token for follow-ups and `@original` (Discord: 15 min). */
  followupWindowMs: number;
  /** How long a nonce deduplicates with `enforce_nonce` (Discord: "a few minutes"). */
  nonceWindowMs: number;
}

/** Everything a route handler may touch. */
export interface ServerCore {
  state: DiscordState;
  gateway: Gateway;
  violations: Violations;
  interactions: Map<string, InteractionRecord>;
  timings: Timings;
  limits: MessageLimits;
  /** Record a `policy` violation when message content comes without `allowed_mentions`. */
  requireAllowedMentions: boolean;
  /** Bytes of every attachment created, and the upload limits. */
  attachments: AttachmentStore;
  attachmentLimits: AttachmentLimits;
}

/** A parsed request as a route handler sees it. */
export interface RouteContext {
  core: ServerCore;
  method: string;
  /** Path after `/api/v10`. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** Files of a multipart body (`files[n]` parts), empty for JSON bodies. */
  files: UploadedFile[];
}

/** A handler's answer; `body` undefined means 204 No Content. */
export interface RouteResult {
  status: number;
  body?: unknown;
}

/** One REST route: its pattern, auth, rate-limit bucket and body schema. */
export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path pattern with `:name` parameters, e.g. `/channels/:channel_id/messages`. */
  pattern: string;
  /** Whether `Authorization: Bot <token>` is required (interaction and webhook-token routes are exempt). */
  auth: boolean;
  /** Rate-limit class. */
  limit: 'messages' | 'routes' | 'interactions';
  /** Parameter that splits the bucket (Discord's "major parameter"). */
  major?: string;
  /** Spec schema of the JSON body. */
  schema?: SchemaName;
  /** Apply message limits to the body (or, for callbacks, to its `data`). */
  messageLimits?: 'body' | 'data';
  handler: (ctx: RouteContext) => RouteResult | Promise<RouteResult>;
}

/** Matches a path against a pattern and returns its parameters. */
export function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = decodeURIComponent(got[i]!);
    if (w.startsWith(':')) {
      if (g.length === 0) return undefined;
      params[w.slice(1)] = g;
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}
