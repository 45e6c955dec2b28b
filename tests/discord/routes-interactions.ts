/**
 * Interaction callbacks and webhook follow-ups. Discord's rules: exactly one initial response, within the
 * interaction window (3 s) or it is gone (10062); a second one is 40060; follow-ups and `@original` edits work
 * only after the initial response and until the token expires (15 min).
 */
import { GatewayDispatchEvents, InteractionResponseType, InteractionType, MessageFlags, MessageType } from 'discord-api-types/v10';
import type { APIMessage } from 'discord-api-types/v10';
import { attachmentsFor } from './attachments.ts';
import type { RouteContext, RouteDef, ServerCore } from './core.ts';
import { discordError, Errors, invalidFormBody } from './errors.ts';
import type { InteractionRecord } from './interactions.ts';
import { isEmptyMessage } from './limits.ts';
import { applyEdit, messagePayload } from './payloads.ts';
import { dispatchMessageEvent, server } from './routes-messages.ts';

/** Callback types allowed for each interaction type. */
const ALLOWED: Record<number, InteractionResponseType[]> = {
  [InteractionType.ApplicationCommand]: [4, 5, 9],
  [InteractionType.MessageComponent]: [4, 5, 6, 7, 9],
  [InteractionType.ApplicationCommandAutocomplete]: [8],
  [InteractionType.ModalSubmit]: [4, 5, 6, 7],
};

/** Builds the interaction callback and webhook routes. */
export function interactionRoutes(): RouteDef[] {
  const messagePath = '/webhooks/:application_id/:token/messages/:message_id';
  return [
    {
      method: 'POST', pattern: '/interactions/:interaction_id/:token/callback', auth: false, limit: 'interactions',
      schema: 'InteractionCallback', messageLimits: 'data', handler: callback,
    },
    {
      method: 'POST', pattern: '/webhooks/:application_id/:token', auth: false, limit: 'messages', major: 'token',
      schema: 'IncomingWebhookRequestPartial', messageLimits: 'body', handler: followup,
    },
    {
      method: 'GET', pattern: messagePath, auth: false, limit: 'routes', major: 'token',
      handler: (ctx) => ({ status: 200, body: webhookMessage(ctx, tokenRecord(ctx)) }),
    },
    {
      method: 'PATCH', pattern: messagePath, auth: false, limit: 'routes', major: 'token',
      schema: 'IncomingWebhookUpdateRequestPartial', messageLimits: 'body',
      handler: (ctx) => {
        const record = tokenRecord(ctx);
        const message = webhookMessage(ctx, record);
        const input = ctx.body as Record<string, unknown>;
        applyEdit(message, input, attachmentsFor(server(ctx.core), { body: input, files: ctx.files, channelId: message.channel_id, keep: message.attachments }));
        // Editing the deferred placeholder turns it into the real reply.
        message.flags = ((message.flags ?? 0) & ~MessageFlags.Loading) as MessageFlags;
        if (message.id === record.original?.id) record.originalEditedAt = Date.now();
        if (!isEphemeral(message)) {
          const stored = ctx.core.state.findMessage(message.channel_id, message.id);
          if (!stored) ctx.core.state.storeMessage(message);
          dispatchMessageEvent(ctx.core, GatewayDispatchEvents.MessageUpdate, message);
        }
        notify(record);
        return { status: 200, body: message };
      },
    },
    {
      method: 'DELETE', pattern: messagePath, auth: false, limit: 'routes', major: 'token',
      handler: (ctx) => {
        const record = tokenRecord(ctx);
        const message = webhookMessage(ctx, record);
        ctx.core.state.deleteMessage(message.channel_id, message.id);
        record.followups = record.followups.filter((m) => m.id !== message.id);
        if (record.original?.id === message.id) delete record.original;
        notify(record);
        return { status: 204 };
      },
    },
  ];
}

function callback(ctx: RouteContext): { status: number; body?: unknown } {
  const { core, params } = ctx;
  const record = core.interactions.get(params.interaction_id!);
  if (!record || record.token !== params.token) throw Errors.unknownInteraction();
  const now = Date.now();
  if (now - record.createdAt > core.timings.interactionWindowMs) {
    record.refused.push({ code: 10062, at: now });
    notify(record);
    throw Errors.unknownInteraction();
  }
  if (record.initial) {
    record.refused.push({ code: 40060, at: now });
    notify(record);
    throw Errors.alreadyAcknowledged();
  }
  const body = ctx.body as { type: InteractionResponseType; data?: Record<string, unknown> };
  if (!(ALLOWED[record.payload.type] ?? []).includes(body.type)) {
    throw invalidFormBody([{ path: ['type'], code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: `Callback type ${body.type} is not valid for interaction type ${record.payload.type}` }]);
  }
  if (body.type === InteractionResponseType.ChannelMessageWithSource && isEmptyMessage(body.data ?? {}) && ctx.files.length === 0) throw Errors.emptyMessage();
  if (ctx.files.length > 0 && body.type !== InteractionResponseType.ChannelMessageWithSource && body.type !== InteractionResponseType.UpdateMessage) {
    throw invalidFormBody([{ path: ['files'], code: 'FILE_UPLOAD_INVALID', message: `Callback type ${body.type} cannot carry files` }]);
  }

  record.initial = { type: body.type, ...(body.data ? { data: body.data } : {}), at: now };
  const channelId = record.payload.channel?.id ?? '';
  const component = 'message' in record.payload ? (record.payload.message as APIMessage | undefined) : undefined;
  switch (body.type) {
    case InteractionResponseType.ChannelMessageWithSource:
    case InteractionResponseType.DeferredChannelMessageWithSource: {
      const deferred = body.type === InteractionResponseType.DeferredChannelMessageWithSource;
      const data = body.data ?? {};
      const flags = (typeof data.flags === 'number' ? data.flags : 0) | (deferred ? MessageFlags.Loading : 0);
      const attachments = deferred ? undefined : attachmentsFor(server(core), { body: data, files: ctx.files, channelId, prefix: ['data'] });
      const message = messagePayload(core.state, {
        channelId,
        author: core.state.botUser,
        body: deferred ? { flags } : { ...data, flags },
        ...(attachments ? { attachments } : {}),
        type: record.payload.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default,
        webhookId: core.state.applicationId,
      });
      record.original = message;
      if (!isEphemeral(message)) {
        core.state.storeMessage(message);
        if (!deferred) dispatchMessageEvent(core, GatewayDispatchEvents.MessageCreate, message);
      } else {
        core.state.rememberEphemeral(message);
      }
      break;
    }
    case InteractionResponseType.DeferredMessageUpdate:
      if (component) record.original = core.state.findMessage(component.channel_id, component.id) ?? component;
      break;
    case InteractionResponseType.UpdateMessage:
      if (component) {
        const stored = core.state.findMessage(component.channel_id, component.id) ?? component;
        const data = body.data ?? {};
        record.original = applyEdit(stored, data, attachmentsFor(server(core), { body: data, files: ctx.files, channelId: stored.channel_id, keep: stored.attachments, prefix: ['data'] }));
        record.originalEditedAt = now;
      }
      break;
    default:
      break;
  }
  notify(record);
  if (ctx.query.get('with_response') !== 'true') return { status: 204 };
  const message = record.original;
  return {
    status: 200,
    body: {
      interaction: {
        id: record.id,
        type: record.payload.type,
        response_message_id: message?.id,
        response_message_loading: body.type === InteractionResponseType.DeferredChannelMessageWithSource,
        response_message_ephemeral: message ? isEphemeral(message) : false,
      },
      resource: { type: body.type, ...(message && body.type !== InteractionResponseType.DeferredMessageUpdate ? { message } : {}) },
    },
  };
}

function followup(ctx: RouteContext): { status: number; body?: unknown } {
  const record = tokenRecord(ctx);
  const input = ctx.body as Record<string, unknown>;
  if (isEmptyMessage(input) && ctx.files.length === 0) throw Errors.emptyMessage();
  const channelId = record.payload.channel?.id ?? '';
  const attachments = attachmentsFor(server(ctx.core), { body: input, files: ctx.files, channelId });
  const message = messagePayload(ctx.core.state, {
    channelId,
    author: ctx.core.state.botUser,
    body: input,
    ...(attachments ? { attachments } : {}),
    webhookId: ctx.core.state.applicationId,
  });
  record.followups.push(message);
  if (!isEphemeral(message)) {
    ctx.core.state.storeMessage(message);
    dispatchMessageEvent(ctx.core, GatewayDispatchEvents.MessageCreate, message);
  } else {
    ctx.core.state.rememberEphemeral(message);
  }
  notify(record);
  return ctx.query.get('wait') === 'true' ? { status: 200, body: message } : { status: 204 };
}

/** The interaction behind a webhook token, if it is still usable for follow-ups. */
function tokenRecord(ctx: RouteContext): InteractionRecord {
  const { core, params } = ctx;
  if (params.application_id !== core.state.applicationId) throw Errors.unknownWebhook();
  const record = findByToken(core, params.token!);
  // Before the initial response the webhook does not exist yet.
  if (!record || !record.initial) throw discordError(404, 10015, 'Unknown Webhook', true);
  if (Date.now() - record.createdAt > core.timings.followupWindowMs) throw Errors.invalidWebhookToken();
  return record;
}

function webhookMessage(ctx: RouteContext, record: InteractionRecord): APIMessage {
  const id = ctx.params.message_id;
  const message = id === '@original' ? record.original : [record.original, ...record.followups].find((m) => m?.id === id);
  if (!message) throw Errors.unknownMessage();
  return message;
}

function findByToken(core: ServerCore, token: string): InteractionRecord | undefined {
  for (const record of core.interactions.values()) if (record.token === token) return record;
  return undefined;
}

function isEphemeral(message: APIMessage): boolean {
  return ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
}

function notify(record: InteractionRecord): void {
  for (const listener of record.listeners) listener();
}
