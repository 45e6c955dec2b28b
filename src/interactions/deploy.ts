/**
 * Registers every command in `commands/` with Discord in one bulk
 * overwrite — globally (may take up to an hour to appear everywhere) or in one server (instant, for testing).
 */
import { REST, Routes, type APIApplication } from 'discord.js';
import { DISCORD_REST_TIMEOUT_MS, explainDiscordError } from './api-errors.ts';
import { loadCommands } from './loader.ts';

/** Registers the commands; returns how many were registered and where. */
export async function deployCommands(options: {
  token: string;
  apiUrl: string;
  applicationId?: string | undefined;
  guildId?: string | undefined;
}): Promise<{ count: number; scope: string }> {
  const commands = await loadCommands();
  // One retry, not three: an API that never answers is reported after 30 s, not a minute of silence.
  const rest = new REST({ api: options.apiUrl, timeout: DISCORD_REST_TIMEOUT_MS, retries: 1 }).setToken(options.token);
  let applicationId = options.applicationId;
  try {
    applicationId ??= ((await rest.get(Routes.currentApplication())) as APIApplication).id;
    const body = [...commands.values()].map((command) => command.data.toJSON());
    const route = options.guildId
      ? Routes.applicationGuildCommands(applicationId, options.guildId)
      : Routes.applicationCommands(applicationId);
    await rest.put(route, { body });
    return { count: body.length, scope: options.guildId ? `server ${options.guildId}` : 'all servers (global)' };
  } catch (error) {
    // The cause is not attached: its message could carry the token. The explanation never does.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(explainDiscordError(error, { apiUrl: options.apiUrl, action: 'register the commands', guildId: options.guildId, applicationId }));
  }
}
