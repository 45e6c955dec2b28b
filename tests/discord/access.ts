/**
 * Lookups that enforce what Discord enforces: unknown ids → 404 with the right code, missing VIEW_CHANNEL →
 * 403 50001, any other missing permission → 403 50013.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIChannel, Snowflake } from 'discord-api-types/v10';
import type { ServerCore } from './core.ts';
import { Errors } from './errors.ts';
import { channelPermissions } from './permissions.ts';
import type { GuildRecord } from './state.ts';

/** A channel the bot can see and has every `needed` permission in. */
export function channelWithPermissions(core: ServerCore, channelId: Snowflake, needed: bigint = 0n): APIChannel {
  const channel = core.state.channels.get(channelId);
  if (!channel) throw Errors.unknownChannel();
  const permissions = channelPermissions(core.state, channel, core.state.botUser.id);
  if (!(permissions & PermissionFlagsBits.ViewChannel)) throw Errors.missingAccess();
  if ((permissions & needed) !== needed) throw Errors.missingPermissions();
  return channel;
}

/** A guild the bot is in. */
export function guildOrThrow(core: ServerCore, guildId: Snowflake): GuildRecord {
  const guild = core.state.guilds.get(guildId);
  if (!guild || !guild.members.has(core.state.botUser.id)) throw Errors.unknownGuild();
  return guild;
}
