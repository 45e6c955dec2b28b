/**
 * `npm run deploy-commands [-- --guild ID]`: registers every command in `commands/` with Discord in one bulk
 * overwrite — globally (may take up to an hour to appear everywhere) or in one server (instant, for testing).
 */
import { ConfigError, configSecrets, loadConfig } from './config.ts';
import { deployCommands } from './interactions/deploy.ts';
import { scrubSecrets } from './log.ts';

function parseArgs(argv: string[]): { guildId?: string } {
  const at = argv.indexOf('--guild');
  if (at === -1) return {};
  const guildId = argv[at + 1];
  if (!guildId || !/^\d{17,20}$/.test(guildId)) throw new ConfigError(['--guild needs a server id (17–20 digits)']);
  return { guildId };
}

let secrets: string[] = [];
try {
  const config = loadConfig();
  if (!config.discordToken) throw new ConfigError(['DISCORD_TOKEN is not set: put your bot token in .env (see .env.example)']);
  const token = config.discordToken;
  secrets = configSecrets(config);
  const { guildId } = parseArgs(process.argv.slice(2));
  const result = await deployCommands({ token, apiUrl: config.discordApiUrl, applicationId: config.applicationId, guildId });
  console.log(`registered ${result.count} commands in ${result.scope}`);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`deploy-commands failed: ${scrubSecrets(message, secrets)}`);
  process.exitCode = 1;
}
