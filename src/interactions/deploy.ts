/**
 * Registers every command in `commands/` with Discord in one bulk
 * overwrite — globally (may take up to an hour to appear everywhere) or in one server (instant, for testing).
 */
import { REST, Routes, type APIApplication } from 'discord.js';
import { loadCommands } from './loader.ts';

/** Registers the commands; returns how many were registered and where. */
export async function deployCommands(options: {
  token: string;
  apiUrl: string;
  applicationId?: string | undefined;
  guildId?: string | undefined;
}): Promise<{ count: number; scope: string }> {
  const commands = await loadCommands();
  const rest = new REST({ api: options.apiUrl }).setToken(options.token);
  const applicationId = options.applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const body = [...commands.values()].map((command) => command.data.toJSON());
  const route = options.guildId
    ? Routes.applicationGuildCommands(applicationId, options.guildId)
    : Routes.applicationCommands(applicationId);
  await rest.put(route, { body });
  return { count: body.length, scope: options.guildId ? `server ${options.guildId}` : 'all servers (global)' };
}
