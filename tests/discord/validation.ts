/**
 * Request-body validation against Discord's official OpenAPI spec, through the zod schemas that the npm package
 * `discord-api-spec` generates from it. Each route names the schema the spec gives its JSON body.
 */
import * as z from 'zod/mini';
import {
  ApplicationCommandAutocompleteCallbackRequestSchema,
  ApplicationCommandCreateRequestSchema,
  ApplicationCommandPatchRequestPartialSchema,
  ApplicationCommandUpdateRequestSchema,
  CreateForumThreadRequestSchema,
  CreateMessageInteractionCallbackRequestSchema,
  CreatePrivateChannelRequestSchema,
  CreateTextThreadWithMessageRequestSchema,
  CreateTextThreadWithoutMessageRequestSchema,
  IncomingWebhookRequestPartialSchema,
  IncomingWebhookUpdateRequestPartialSchema,
  LaunchActivityInteractionCallbackRequestSchema,
  MessageCreateRequestSchema,
  MessageEditRequestPartialSchema,
  ModalInteractionCallbackRequestSchema,
  PongInteractionCallbackRequestSchema,
  UpdateMessageInteractionCallbackRequestSchema,
} from 'discord-api-spec/zod';
import type { FieldProblem } from './errors.ts';

/** The minimal surface of a zod (mini) schema this module needs. */
interface BodySchema {
  safeParse(input: unknown): { success: true } | { success: false; error: { issues: ReadonlyArray<ZodIssueLike> } };
}

/** The parts of a zod issue we translate. */
interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  maximum?: unknown;
  minimum?: unknown;
  expected?: unknown;
  origin?: unknown;
}

/** The names of the spec schemas routes refer to, so route tables stay declarative. */
export type SchemaName =
  | 'MessageCreateRequest'
  | 'MessageEditRequestPartial'
  | 'ApplicationCommandCreateRequest'
  | 'ApplicationCommandBulkOverwrite'
  | 'ApplicationCommandPatchRequestPartial'
  | 'CreateTextThreadWithMessageRequest'
  | 'CreateThreadRequest'
  | 'CreatePrivateChannelRequest'
  | 'InteractionCallback'
  | 'IncomingWebhookRequestPartial'
  | 'IncomingWebhookUpdateRequestPartial';

/** The interaction callback schemas, keyed by callback `type` (the spec's anyOf, resolved by its discriminator). */
const CALLBACK_SCHEMAS: Record<number, BodySchema> = {
  1: PongInteractionCallbackRequestSchema,
  4: CreateMessageInteractionCallbackRequestSchema,
  5: CreateMessageInteractionCallbackRequestSchema,
  6: UpdateMessageInteractionCallbackRequestSchema,
  7: UpdateMessageInteractionCallbackRequestSchema,
  8: ApplicationCommandAutocompleteCallbackRequestSchema,
  9: ModalInteractionCallbackRequestSchema,
  12: LaunchActivityInteractionCallbackRequestSchema,
};

const SCHEMAS: Record<Exclude<SchemaName, 'InteractionCallback'>, BodySchema> = {
  MessageCreateRequest: MessageCreateRequestSchema,
  MessageEditRequestPartial: MessageEditRequestPartialSchema,
  ApplicationCommandCreateRequest: ApplicationCommandCreateRequestSchema,
  ApplicationCommandPatchRequestPartial: ApplicationCommandPatchRequestPartialSchema,
  // PUT /commands: `{ type: [array, null], items: ApplicationCommandUpdateRequest, maxItems: 130 }` in the spec.
  ApplicationCommandBulkOverwrite: z.nullable(z.array(ApplicationCommandUpdateRequestSchema).check(z.maxLength(130))),
  CreateTextThreadWithMessageRequest: CreateTextThreadWithMessageRequestSchema,
  CreateThreadRequest: z.union([CreateForumThreadRequestSchema, CreateTextThreadWithoutMessageRequestSchema]),
  CreatePrivateChannelRequest: CreatePrivateChannelRequestSchema,
  // The spec's anyOf for webhook execution; the execute variant is a superset of the update one.
  IncomingWebhookRequestPartial: IncomingWebhookRequestPartialSchema,
  IncomingWebhookUpdateRequestPartial: IncomingWebhookUpdateRequestPartialSchema,
};

/**
 * Validates a body against the named schema and returns Discord-style field problems (empty when valid).
 * The body is first normalised for the one documented place the spec is narrower than the live API.
 */
export function validateBody(name: SchemaName, body: unknown): FieldProblem[] {
  let schema: BodySchema | undefined;
  if (name === 'InteractionCallback') {
    const type = isRecord(body) ? body.type : undefined;
    schema = typeof type === 'number' ? CALLBACK_SCHEMAS[type] : undefined;
    if (!schema) return [{ path: ['type'], code: 'BASE_TYPE_CHOICES', message: `Value must be one of ${Object.keys(CALLBACK_SCHEMAS).join(', ')}.` }];
  } else {
    schema = SCHEMAS[name];
  }
  const result = schema.safeParse(normalise(body));
  return result.success ? [] : result.error.issues.map(toProblem);
}

/**
 * The spec types `default_member_permissions` as an integer, but Discord documents it as a string-encoded
 * bitfield and discord.js sends `"8"`; the live API accepts both. Convert digit strings so that the real
 * client is not flagged for a spec quirk, while any other type still fails.
 */
function normalise(body: unknown): unknown {
  const fix = (command: unknown): unknown => {
    if (!isRecord(command)) return command;
    const perms = command.default_member_permissions;
    return typeof perms === 'string' && /^\d+$/.test(perms) ? { ...command, default_member_permissions: Number(perms) } : command;
  };
  return Array.isArray(body) ? body.map(fix) : fix(body);
}

function toProblem(issue: ZodIssueLike): FieldProblem {
  const path = issue.path;
  switch (issue.code) {
    case 'too_big':
      return { path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${String(issue.maximum)} or fewer${issue.origin === 'string' ? ' in length' : ''}.` };
    case 'too_small':
      return { path, code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${String(issue.minimum)} or more${issue.origin === 'string' ? ' in length' : ''}.` };
    case 'invalid_type':
      return { path, code: 'BASE_TYPE_BAD_TYPE', message: `Expected ${String(issue.expected)}.` };
    case 'invalid_union':
      return { path, code: 'UNION_TYPE_CHOICES', message: 'Value does not match any of the allowed types.' };
    case 'invalid_value':
      return { path, code: 'BASE_TYPE_CHOICES', message: 'Value is not one of the allowed choices.' };
    case 'invalid_format':
      return { path, code: 'BASE_TYPE_INVALID_FORMAT', message: 'Invalid format.' };
    default:
      return { path, code: issue.code.toUpperCase(), message: 'Invalid value.' };
  }
}

/** A plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
