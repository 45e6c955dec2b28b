/**
 * Discord's permission algorithm (base permissions from roles, then channel overwrites), used both to enforce
 * REST permissions and to fill `app_permissions` / `member.permissions` in interactions — so the bot sees through
 * `channel.permissionsFor(me)` exactly what the server enforces.
 */
import { ChannelType, OverwriteType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIChannel, APIOverwrite, Snowflake } from 'discord-api-types/v10';
import type { DiscordState, GuildRecord } from './state.ts';

/** Every permission bit, what administrators and owners get. */
export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** Permissions a user has in a DM: what matters for posting there. */
const DM_PERMISSIONS =
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.AttachFiles | PermissionFlagsBits.AddReactions;

/** Guild-level permissions of a member: @everyone plus the member's roles. */
export function basePermissions(guild: GuildRecord, userId: Snowflake): bigint {
  if (guild.ownerId === userId) return ALL_PERMISSIONS;
  const member = guild.members.get(userId);
  let permissions = BigInt(guild.roles.get(guild.id)?.permissions ?? '0');
  for (const roleId of member?.roles ?? []) permissions |= BigInt(guild.roles.get(roleId)?.permissions ?? '0');
  return permissions & PermissionFlagsBits.Administrator ? ALL_PERMISSIONS : permissions;
}

/** Applies a channel's overwrites in Discord's order: @everyone, then roles together, then the member. */
function applyOverwrites(base: bigint, overwrites: readonly APIOverwrite[], guild: GuildRecord, userId: Snowflake): bigint {
  const roles = new Set(guild.members.get(userId)?.roles ?? []);
  let permissions = base;
  const everyone = overwrites.find((o) => o.id === guild.id);
  if (everyone) permissions = (permissions & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === OverwriteType.Role && o.id !== guild.id && roles.has(o.id)) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  permissions = (permissions & ~deny) | allow;
  const own = overwrites.find((o) => o.type === OverwriteType.Member && o.id === userId);
  if (own) permissions = (permissions & ~BigInt(own.deny)) | BigInt(own.allow);
  return permissions;
}

/** A user's effective permissions in a channel (threads inherit from their parent). */
export function channelPermissions(state: DiscordState, channel: APIChannel, userId: Snowflake): bigint {
  if (channel.type === ChannelType.DM || channel.type === ChannelType.GroupDM) return DM_PERMISSIONS;
  const guild = state.guildOf(channel);
  if (!guild) return 0n;
  if (!guild.members.has(userId) && guild.ownerId !== userId) return 0n;
  const base = basePermissions(guild, userId);
  if (base & PermissionFlagsBits.Administrator) return ALL_PERMISSIONS;
  const parentId = isThread(channel) && 'parent_id' in channel ? channel.parent_id : null;
  const source = parentId ? (state.channels.get(parentId) ?? channel) : channel;
  const overwrites = 'permission_overwrites' in source ? source.permission_overwrites ?? [] : [];
  const permissions = applyOverwrites(base, overwrites, guild, userId);
  // Without VIEW_CHANNEL nothing else in the channel applies.
  return permissions & PermissionFlagsBits.ViewChannel ? permissions : 0n;
}

/** Whether a channel is a thread. */
export function isThread(channel: APIChannel): boolean {
  return channel.type === ChannelType.PublicThread || channel.type === ChannelType.PrivateThread || channel.type === ChannelType.AnnouncementThread;
}
