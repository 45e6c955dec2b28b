/**
 * Permission checks done before the bot relies on a channel, so that an admin hears at once what is missing
 * instead of discovering silent delivery failures the next morning.
 */
import { PermissionFlagsBits, type GuildBasedChannel, type GuildMember } from 'discord.js';

const POST = [
  ['View Channel', PermissionFlagsBits.ViewChannel],
  ['Send Messages', PermissionFlagsBits.SendMessages],
  ['Embed Links', PermissionFlagsBits.EmbedLinks],
] as const;
const THREAD = [
  ['Create Public Threads', PermissionFlagsBits.CreatePublicThreads],
  ['Send Messages in Threads', PermissionFlagsBits.SendMessagesInThreads],
] as const;

/** Names of the permissions the bot lacks to post digests in `channel` (empty when it can). */
export function missingPostPermissions(channel: GuildBasedChannel, me: GuildMember | null, threads = false): string[] {
  if (!me) return ['View Channel'];
  const have = channel.permissionsFor(me);
  const needed = threads ? [...POST, ...THREAD] : POST;
  return needed.filter(([, flag]) => !have.has(flag)).map(([name]) => name);
}
