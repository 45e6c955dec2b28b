/**
 * The invite link for the bot: the `bot` and `applications.commands` scopes with exactly the permissions the
 * bot uses (read and post in channels, embed links, start and post in threads for `thread` mode).
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';

/** The permissions the bot needs in channels it posts to. */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.SendMessagesInThreads;

/** The OAuth2 URL that adds the bot to a server. */
export function inviteUrl(applicationId: string): string {
  const params = new URLSearchParams({ client_id: applicationId, scope: 'bot applications.commands', permissions: BOT_PERMISSIONS.toString() });
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}
