/**
 * `npm start`: the bot. The only file that logs in to Discord (through bot.ts) and installs signal handlers.
 * Without a token it says what to set instead of failing obscurely.
 */
import { startBot } from './bot.ts';
import { ConfigError, loadConfig, redactConfig } from './config.ts';
import { createLogger, scrubSecrets } from './log.ts';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\nFix these in .env or the environment (see .env.example), then run npm start again.`);
      return 1;
    }
    throw error;
  }
  if (!config.discordToken) {
    console.error(
      [
        'DISCORD_TOKEN is not set, so the bot cannot log in to Discord.',
        '  1. Create an application and a bot at https://discord.com/developers/applications (see README.md, "Set up the Discord application").',
        '  2. Copy .env.example to .env and set DISCORD_TOKEN (and DISCORD_APPLICATION_ID).',
        '  3. npm run deploy-commands, then npm start.',
        'Meanwhile, `npm run cli -- parse digests/` shows what the bot reads from the digests folder.',
      ].join('\n'),
    );
    return 1;
  }
  const log = createLogger({ level: config.logLevel, secrets: [config.discordToken] });
  log.info({ config: redactConfig(config) }, 'starting');
  let bot;
  try {
    bot = await startBot(config, log);
  } catch (error) {
    log.fatal(scrubSecrets((error as Error).message, [config.discordToken]));
    console.error(scrubSecrets((error as Error).message, [config.discordToken]));
    return 1;
  }
  const running = bot;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight work');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    running.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return 0;
}

process.on('unhandledRejection', (reason) => {
  // Never crash on a stray rejection; it is a bug to log, not a reason to stop posting digests.
  console.error('unhandled rejection:', reason instanceof Error ? reason.message : reason);
});

const code = await main();
if (code !== 0) process.exitCode = code;
