/**
 * REST routes for channel messages and threads, with Discord's permission checks, `enforce_nonce`
 * deduplication, the DM-closed refusal, and MESSAGE_CREATE dispatch when the bot asked for message intents.
 */
import { ChannelType, GatewayDispatchEvents, GatewayIntentBits, PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIChannel, APIMessage } from 'discord-api-types/v10';
import { channelWithPermissions } from './access.ts';
import { attachmentsFor } from './attachments.ts';
import type { RouteDef, ServerCore } from './core.ts';
import { discordError, Errors } from './errors.ts';
import { isEmptyMessage } from './limits.ts';
import { applyEdit, messagePayload } from './payloads.ts';
import { isThread } from './permissions.ts';
import { shardForGuild } from './snowflake.ts';

const P = PermissionFlagsBits;

/** Permissions needed to post this body in this channel. */
function postPermissions(channel: APIChannel, body: Record<string, unknown>): bigint {
  let needed = isThread(channel) ? P.SendMessagesInThreads : P.SendMessages;
  if (Array.isArray(body.embeds) && body.embeds.length > 0) needed |= P.EmbedLinks;
  if (body.tts === true) needed |= P.SendTTSMessages;
  return needed;
}

/** The attachment side of the server core, for `attachmentsFor`. */
export function server(core: ServerCore): { attachments: ServerCore['attachments']; attachmentLimits: ServerCore['attachmentLimits']; nextId: () => string } {
  return { attachments: core.attachments, attachmentLimits: core.attachmentLimits, nextId: () => core.state.nextId() };
}

/** Dispatches a message event to the bot when its intents ask for it. */
export function dispatchMessageEvent(core: ServerCore, t: GatewayDispatchEvents.MessageCreate | GatewayDispatchEvents.MessageUpdate, message: APIMessage): void {
  const channel = core.state.channels.get(message.channel_id);
  const guildId = channel && 'guild_id' in channel ? channel.guild_id : undefined;
  const shard = guildId ? shardForGuild(guildId, core.gateway.stats.size) : 0;
  const intent = guildId ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
  if (core.gateway.hasIntent(shard, intent)) core.gateway.dispatch(shard, t, guildId ? { ...message, guild_id: guildId } : message);
}

/** Builds the message and thread routes. */
export function messageRoutes(): RouteDef[] {
  return [
    {
      method: 'GET', pattern: '/channels/:channel_id/messages', auth: true, limit: 'routes', major: 'channel_id',
      handler: ({ core, params, query }) => {
        const channel = channelWithPermissions(core, params.channel_id!, P.ReadMessageHistory);
        const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50)));
        const list = core.state.messages.get(channel.id) ?? [];
        return { status: 200, body: list.slice(-limit).reverse() };
      },
    },
    {
      method: 'POST', pattern: '/channels/:channel_id/messages', auth: true, limit: 'messages', major: 'channel_id',
      schema: 'MessageCreateRequest', messageLimits: 'body',
      handler: ({ core, params, body, files }) => {
        const input = body as Record<string, unknown>;
        const channel = channelWithPermissions(core, params.channel_id!);
        if (channel.type === ChannelType.DM) {
          const recipient = channel.recipients?.[0];
          if (!recipient || core.state.users.get(recipient.id)?.acceptsDms === false) throw Errors.cannotDmUser();
        } else {
          channelWithPermissions(core, channel.id, postPermissions(channel, input));
        }
        if (files.length > 0 && channel.type !== ChannelType.DM) channelWithPermissions(core, channel.id, P.AttachFiles);
        if (isEmptyMessage(input) && files.length === 0) throw Errors.emptyMessage();
        const now = Date.now();
        const nonce = input.nonce;
        if (input.enforce_nonce === true && (typeof nonce === 'string' || typeof nonce === 'number')) {
          const previous = core.state.nonceHit(channel.id, String(nonce), core.timings.nonceWindowMs, now);
          const existing = previous ? core.state.findMessage(channel.id, previous) : undefined;
          if (existing) return { status: 200, body: existing };
        }
        const attachments = attachmentsFor(server(core), { body: input, files, channelId: channel.id });
        const message = messagePayload(core.state, {
          channelId: channel.id,
          author: core.state.botUser,
          body: input,
          ...(attachments ? { attachments } : {}),
          ...(typeof nonce === 'string' || typeof nonce === 'number' ? { nonce } : {}),
        });
        core.state.storeMessage(message);
        if (typeof nonce === 'string' || typeof nonce === 'number') core.state.rememberNonce(channel.id, String(nonce), message.id, now);
        dispatchMessageEvent(core, GatewayDispatchEvents.MessageCreate, message);
        return { status: 200, body: message };
      },
    },
    {
      method: 'GET', pattern: '/channels/:channel_id/messages/:message_id', auth: true, limit: 'routes', major: 'channel_id',
      handler: ({ core, params }) => {
        const channel = channelWithPermissions(core, params.channel_id!, P.ReadMessageHistory);
        const message = core.state.findMessage(channel.id, params.message_id!);
        if (!message) throw Errors.unknownMessage();
        return { status: 200, body: message };
      },
    },
    {
      method: 'PATCH', pattern: '/channels/:channel_id/messages/:message_id', auth: true, limit: 'routes', major: 'channel_id',
      schema: 'MessageEditRequestPartial', messageLimits: 'body',
      handler: ({ core, params, body, files }) => {
        const channel = channelWithPermissions(core, params.channel_id!);
        const message = core.state.findMessage(channel.id, params.message_id!);
        if (!message) throw Errors.unknownMessage();
        if (message.author.id !== core.state.botUser.id) throw Errors.cannotEditOthers();
        const input = body as Record<string, unknown>;
        if (Array.isArray(input.embeds) && input.embeds.length > 0 && channel.type !== ChannelType.DM) {
          channelWithPermissions(core, channel.id, P.EmbedLinks);
        }
        if (files.length > 0 && channel.type !== ChannelType.DM) channelWithPermissions(core, channel.id, P.AttachFiles);
        applyEdit(message, input, attachmentsFor(server(core), { body: input, files, channelId: channel.id, keep: message.attachments }));
        dispatchMessageEvent(core, GatewayDispatchEvents.MessageUpdate, message);
        return { status: 200, body: message };
      },
    },
    {
      method: 'DELETE', pattern: '/channels/:channel_id/messages/:message_id', auth: true, limit: 'routes', major: 'channel_id',
      handler: ({ core, params }) => {
        const channel = channelWithPermissions(core, params.channel_id!);
        const message = core.state.findMessage(channel.id, params.message_id!);
        if (!message) throw Errors.unknownMessage();
        if (message.author.id !== core.state.botUser.id) channelWithPermissions(core, channel.id, P.ManageMessages);
        core.state.deleteMessage(channel.id, message.id);
        return { status: 204 };
      },
    },
    {
      method: 'POST', pattern: '/channels/:channel_id/messages/:message_id/threads', auth: true, limit: 'routes', major: 'channel_id',
      schema: 'CreateTextThreadWithMessageRequest',
      handler: ({ core, params, body }) => {
        const channel = channelWithPermissions(core, params.channel_id!, P.CreatePublicThreads);
        if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) throw Errors.missingPermissions();
        const message = core.state.findMessage(channel.id, params.message_id!);
        if (!message) throw Errors.unknownMessage();
        if (core.state.channels.has(message.id)) throw discordError(400, 160004, 'A thread has already been created for this message');
        const input = body as { name: string; auto_archive_duration?: number };
        // A thread started from a message takes the message's id, as on Discord.
        const thread = core.state.addThread(channel, {
          id: message.id,
          name: input.name,
          type: ChannelType.PublicThread,
          ownerId: core.state.botUser.id,
          autoArchiveDuration: input.auto_archive_duration ?? 4320,
        });
        core.gateway.dispatchForGuild('guild_id' in thread ? thread.guild_id : undefined, GatewayDispatchEvents.ThreadCreate, { ...thread, newly_created: true });
        return { status: 201, body: thread };
      },
    },
    {
      method: 'POST', pattern: '/channels/:channel_id/threads', auth: true, limit: 'routes', major: 'channel_id',
      schema: 'CreateThreadRequest',
      handler: ({ core, params, body }) => {
        const input = body as { name: string; type?: number; auto_archive_duration?: number };
        const type = input.type === ChannelType.PublicThread ? ChannelType.PublicThread : ChannelType.PrivateThread;
        const channel = channelWithPermissions(core, params.channel_id!, type === ChannelType.PublicThread ? P.CreatePublicThreads : P.CreatePrivateThreads);
        if (channel.type !== ChannelType.GuildText) throw Errors.missingPermissions();
        const thread = core.state.addThread(channel, {
          id: core.state.nextId(),
          name: input.name,
          type,
          ownerId: core.state.botUser.id,
          autoArchiveDuration: input.auto_archive_duration ?? 4320,
        });
        core.gateway.dispatchForGuild('guild_id' in thread ? thread.guild_id : undefined, GatewayDispatchEvents.ThreadCreate, { ...thread, newly_created: true });
        return { status: 201, body: thread };
      },
    },
  ];
}
