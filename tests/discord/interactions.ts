/**
 * Interactions the driver injects: building INTERACTION_CREATE payloads as a given member or in a DM, and
 * tracking each one's life (one initial response within the window, follow-ups and `@original` edits until the
 * token expires), so the driver can await what the bot answered.
 */
import { randomBytes } from 'node:crypto';
import { ApplicationCommandOptionType, ApplicationCommandType, ChannelType, InteractionContextType, InteractionResponseType, InteractionType, PermissionFlagsBits } from 'discord-api-types/v10';
import type {
  APIApplicationCommand,
  APIApplicationCommandInteractionDataOption,
  APIInteraction,
  APIMessage,
  APIMessageComponentInteractionData,
  Snowflake,
} from 'discord-api-types/v10';
import { channelPermissions } from './permissions.ts';
import type { DiscordState, GuildRecord } from './state.ts';

/** The initial response the bot gave. */
export interface InitialResponse {
  type: InteractionResponseType;
  data?: Record<string, unknown>;
  at: number;
}

/** One injected interaction and everything the bot did with it. */
export interface InteractionRecord {
  id: Snowflake;
  token: string;
  payload: APIInteraction;
  createdAt: number;
  initial?: InitialResponse;
  /** The message of the response (type 4), later edits of `@original` included. */
  original?: APIMessage;
  /** When `@original` was last edited through the webhook (or by an UPDATE_MESSAGE response). */
  originalEditedAt?: number;
  followups: APIMessage[];
  /** Responses the server refused (late, duplicate…), with the Discord error code. */
  refused: Array<{ code: number; at: number }>;
  /**
   * Why real Discord would not have delivered this interaction (the command is not registered, the member lacks
   * its `default_member_permissions`, or it is not allowed in this context); undefined when it would have.
   * The driver still delivers it, so tests can check the bot's own guard.
   */
  hiddenReason?: string;
  /** Called whenever something above changes; used by the driver to await replies. */
  listeners: Set<() => void>;
}

/** What to inject. Commands and autocomplete name the command; components name the message they sit on. */
export type InteractionInput =
  | ({ kind: 'command'; name: string; options?: APIApplicationCommandInteractionDataOption[] } & Where)
  | ({ kind: 'autocomplete'; name: string; options: APIApplicationCommandInteractionDataOption[] } & Where)
  | ({ kind: 'button'; messageId: Snowflake; customId: string } & Where)
  | ({ kind: 'select'; messageId: Snowflake; customId: string; values: string[] } & Where);

/** Who acts and where: a guild channel (as a member) or a DM (just a user). */
export interface Where {
  channelId: Snowflake;
  userId: Snowflake;
  /** The user's client locale (default en-US). */
  locale?: string;
}

/** Builds the INTERACTION_CREATE payload Discord would send. */
export function buildInteraction(state: DiscordState, input: InteractionInput): { payload: APIInteraction; token: string; hiddenReason?: string } {
  const channel = state.channels.get(input.channelId);
  if (!channel) throw new Error(`fake discord: no channel ${input.channelId}`);
  const guild = state.guildOf(channel);
  const userRecord = state.users.get(input.userId);
  if (!userRecord) throw new Error(`fake discord: no user ${input.userId}`);
  const member = guild?.members.get(input.userId);
  if (guild && !member) throw new Error(`fake discord: user ${input.userId} is not a member of guild ${guild.id}`);
  let hiddenReason: string | undefined;
  const token = `aW50ZXJhY3Rpb246${randomBytes(24).toString('base64url')}`;
  const id = state.nextId();

  const base: Record<string, unknown> = {
    id,
    application_id: state.applicationId,
    token,
    version: 1,
    locale: input.locale ?? 'en-US',
    app_permissions: channelPermissions(state, channel, state.botUser.id).toString(),
    entitlements: [],
    authorizing_integration_owners: { '0': guild?.id ?? '0' },
    attachment_size_limit: 10 * 1024 * 1024,
    channel_id: channel.id,
    channel: { ...channel },
  };
  if (guild && member) {
    base.guild_id = guild.id;
    base.guild_locale = guild.preferredLocale;
    base.guild = { id: guild.id, locale: guild.preferredLocale, features: [] };
    base.member = { ...member, permissions: channelPermissions(state, channel, input.userId).toString() };
    base.context = InteractionContextType.Guild;
  } else {
    if (channel.type !== ChannelType.DM) throw new Error('fake discord: DM interactions need a DM channel');
    base.user = userRecord.user;
    base.context = InteractionContextType.BotDM;
  }

  switch (input.kind) {
    case 'command':
    case 'autocomplete': {
      const command = findCommand(state, input.name, guild?.id);
      hiddenReason = whyHidden(command, guild ? channelPermissions(state, channel, input.userId) : undefined);
      base.type = input.kind === 'command' ? InteractionType.ApplicationCommand : InteractionType.ApplicationCommandAutocomplete;
      base.data = {
        id: command?.id ?? state.nextId(),
        name: input.name,
        type: ApplicationCommandType.ChatInput,
        ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
        ...(input.options ? { options: input.options } : {}),
        ...(input.options ? resolvedFor(state, input.options, guild, input.userId) : {}),
      };
      break;
    }
    case 'button':
    case 'select': {
      const message = state.findMessage(channel.id, input.messageId) ?? state.findEphemeral(channel.id, input.messageId);
      if (!message) throw new Error(`fake discord: no message ${input.messageId} in channel ${channel.id}`);
      base.type = InteractionType.MessageComponent;
      base.message = message;
      const data: APIMessageComponentInteractionData =
        input.kind === 'button'
          ? { custom_id: input.customId, component_type: 2 }
          : { custom_id: input.customId, component_type: 3, values: input.values };
      base.data = data;
      break;
    }
  }
  return { payload: base as unknown as APIInteraction, token, ...(hiddenReason ? { hiddenReason } : {}) };
}

/**
 * Discord's `data.resolved`: the objects behind user, channel, role and mentionable options (discord.js reads
 * them to hand handlers channel/role/member objects). Unknown ids are left out, as Discord would refuse them.
 */
function resolvedFor(
  state: DiscordState,
  options: readonly APIApplicationCommandInteractionDataOption[],
  guild: GuildRecord | undefined,
  userId: Snowflake,
): { resolved?: Record<string, Record<string, unknown>> } {
  const resolved: Record<string, Record<string, unknown>> = {};
  const put = (kind: string, id: string, value: unknown) => {
    resolved[kind] ??= {};
    (resolved[kind] as Record<string, unknown>)[id] = value;
  };
  const visit = (list: readonly APIApplicationCommandInteractionDataOption[]) => {
    for (const option of list) {
      if ('options' in option && option.options) visit(option.options as APIApplicationCommandInteractionDataOption[]);
      if (!('value' in option) || typeof option.value !== 'string') continue;
      const id = option.value;
      if (option.type === ApplicationCommandOptionType.Channel) {
        const channel = state.channels.get(id);
        if (channel) {
          const { permission_overwrites: _overwrites, ...partial } = channel as typeof channel & { permission_overwrites?: unknown };
          put('channels', id, { ...partial, permissions: channelPermissions(state, channel, userId).toString() });
        }
      }
      if (option.type === ApplicationCommandOptionType.Role || option.type === ApplicationCommandOptionType.Mentionable) {
        const role = guild?.roles.get(id);
        if (role) put('roles', id, role);
      }
      if (option.type === ApplicationCommandOptionType.User || option.type === ApplicationCommandOptionType.Mentionable) {
        const user = state.users.get(id)?.user;
        if (user) put('users', id, user);
        const member = guild?.members.get(id);
        if (member) {
          const { user: _user, ...rest } = member;
          put('members', id, rest);
        }
      }
    }
  };
  visit(options);
  return Object.keys(resolved).length ? { resolved } : {};
}

/** Why Discord would hide a command from this user here (`memberPermissions` undefined in DMs). */
function whyHidden(command: APIApplicationCommand | undefined, memberPermissions: bigint | undefined): string | undefined {
  if (!command) return 'command is not registered';
  const inDm = memberPermissions === undefined;
  if (inDm) {
    if (command.guild_id) return 'guild commands are not available in DMs';
    if (command.contexts ? !command.contexts.includes(InteractionContextType.BotDM) : command.dm_permission === false) return 'command is not allowed in DMs';
    return undefined;
  }
  if (command.contexts && !command.contexts.includes(InteractionContextType.Guild)) return 'command is not allowed in guilds';
  if (command.default_member_permissions === null || command.default_member_permissions === undefined) return undefined;
  const required = BigInt(command.default_member_permissions);
  const admin = (memberPermissions & PermissionFlagsBits.Administrator) !== 0n;
  // "0" hides the command from everyone but administrators.
  if (admin || (required !== 0n && (memberPermissions & required) === required)) return undefined;
  return `member lacks default_member_permissions ${required}`;
}

/** The registered command of that name, guild commands first. */
function findCommand(state: DiscordState, name: string, guildId: Snowflake | undefined): APIApplicationCommand | undefined {
  const scopes = guildId ? [guildId, 'global'] : ['global'];
  for (const scope of scopes) {
    const command = state.commands.get(scope)?.find((c) => c.name === name && c.type === ApplicationCommandType.ChatInput);
    if (command) return command;
  }
  return undefined;
}

/** Whether a record holds a visible answer: a reply, an update, choices, a modal, or a deferral that was filled in. */
export function isAnswered(record: InteractionRecord): boolean {
  const type = record.initial?.type;
  if (type === undefined) return false;
  const deferred = type === InteractionResponseType.DeferredChannelMessageWithSource || type === InteractionResponseType.DeferredMessageUpdate;
  if (!deferred) return true;
  return record.followups.length > 0 || record.originalEditedAt !== undefined;
}
