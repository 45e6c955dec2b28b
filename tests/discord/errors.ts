/**
 * Discord's JSON error bodies, as the real API sends them, and the exception the REST handlers throw to produce one.
 */

/** One entry of a 50035 error tree: `{ code: 'BASE_TYPE_MAX_LENGTH', message: '…' }`. */
export interface FieldError {
  code: string;
  message: string;
}

/** The nested `errors` object of a 50035 response: keys follow the body path, leaves hold `_errors`. */
export interface ErrorTree {
  _errors?: FieldError[];
  [key: string]: ErrorTree | FieldError[] | undefined;
}

/** The body Discord sends with a 4xx response. */
export interface DiscordErrorBody {
  code: number;
  message: string;
  errors?: ErrorTree;
}

/** Thrown by route handlers; the server turns it into the status and JSON body Discord would send. */
export class DiscordHttpError extends Error {
  readonly status: number;
  readonly body: DiscordErrorBody;
  /** Whether this answer means the client did something Discord forbids (recorded as a violation). */
  readonly violation: boolean;

  constructor(status: number, body: DiscordErrorBody, violation = false) {
    super(`${status} ${body.code} ${body.message}`);
    this.status = status;
    this.body = body;
    this.violation = violation;
  }
}

/** A field path (as zod reports it) and the problem found there. */
export interface FieldProblem {
  path: ReadonlyArray<PropertyKey>;
  code: string;
  message: string;
}

/** Folds field problems into Discord's nested error tree. */
export function errorTree(problems: readonly FieldProblem[]): ErrorTree {
  const root: ErrorTree = {};
  for (const problem of problems) {
    let node = root;
    for (const key of problem.path) {
      const name = String(key);
      const next = node[name];
      if (next === undefined || Array.isArray(next)) {
        const child: ErrorTree = {};
        node[name] = child;
        node = child;
      } else {
        node = next;
      }
    }
    (node._errors ??= []).push({ code: problem.code, message: problem.message });
  }
  return root;
}

/** 400 50035 Invalid Form Body, a violation: the client sent something Discord would refuse. */
export function invalidFormBody(problems: readonly FieldProblem[]): DiscordHttpError {
  return new DiscordHttpError(400, { code: 50035, message: 'Invalid Form Body', errors: errorTree(problems) }, true);
}

/** Shorthand for the plain `{ code, message }` errors. */
export function discordError(status: number, code: number, message: string, violation = false): DiscordHttpError {
  return new DiscordHttpError(status, { code, message }, violation);
}

/** The errors this server produces, by name, so handlers read like the Discord docs. */
export const Errors = {
  unauthorized: () => discordError(401, 0, '401: Unauthorized', true),
  notFound: () => discordError(404, 0, '404: Not Found', true),
  unknownChannel: () => discordError(404, 10003, 'Unknown Channel'),
  unknownGuild: () => discordError(404, 10004, 'Unknown Guild'),
  unknownMember: () => discordError(404, 10007, 'Unknown Member'),
  unknownMessage: () => discordError(404, 10008, 'Unknown Message'),
  unknownUser: () => discordError(404, 10013, 'Unknown User'),
  unknownWebhook: () => discordError(404, 10015, 'Unknown Webhook'),
  unknownApplication: () => discordError(404, 10002, 'Unknown Application'),
  unknownInteraction: () => discordError(404, 10062, 'Unknown interaction', true),
  missingAccess: () => discordError(403, 50001, 'Missing Access'),
  missingPermissions: () => discordError(403, 50013, 'Missing Permissions'),
  cannotEditOthers: () => discordError(403, 50005, 'Cannot edit a message authored by another user', true),
  emptyMessage: () => discordError(400, 50006, 'Cannot send an empty message', true),
  cannotDmUser: () => discordError(403, 50007, 'Cannot send messages to this user'),
  invalidWebhookToken: () => discordError(401, 50027, 'Invalid Webhook Token', true),
  alreadyAcknowledged: () => discordError(400, 40060, 'Interaction has already been acknowledged.', true),
  notJson: () => discordError(400, 50109, 'The request body contains invalid JSON.', true),
} as const;
