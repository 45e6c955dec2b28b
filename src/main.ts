/**
 * `npm start`: the bot. The only file that logs in to Discord (through bot.ts) and installs signal handlers.
 * Without a token it says what to set, then serves the local preview instead of failing obscurely.
 */
import { startBot, type RunningBot } from './bot.ts';
import { ConfigError, configSecrets, loadConfig, redactConfig, type Config } from './config.ts';
import { createLogger, scrubSecrets } from './log.ts';
import { startPreview } from './preview/index.ts';

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
  if (!config.discordToken) return preview(config);
  const secrets = configSecrets(config);
  const log = createLogger({ level: config.logLevel, secrets });
  log.info({ config: redactConfig(config) }, 'starting');
  // Signals are handled from the start: a stop during start-up exits at once (nothing is in flight yet, and the
  // outbox keeps whatever was planned), a stop later finishes the work in flight first.
  let bot: RunningBot | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!bot) {
      log.info({ signal }, 'stopped during start-up');
      process.exit(0);
    }
    log.info({ signal }, 'shutting down: finishing in-flight work');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    bot.stop().then(
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
  try {
    bot = await startBot(config, log);
  } catch (error) {
    const message = scrubSecrets((error as Error).message, secrets);
    log.fatal(message);
    console.error(message);
    return 1;
  }
  return 0;
}

/** Printed once the preview runs: what to set so that the bot itself can start. */
const NO_TOKEN = [
  'DISCORD_TOKEN is not set, so the bot cannot log in to Discord.',
  '  1. Create an application and a bot at https://discord.com/developers/applications (see README.md, "Set up the Discord application").',
  '  2. Copy .env.example to .env and set DISCORD_TOKEN (and DISCORD_APPLICATION_ID).',
  '  3. npm run deploy-commands, then npm start.',
].join('\n');

/**
 * No token: the local preview until Ctrl-C (see src/preview/). The preview starts before the token banner is
 * printed, so a store that cannot be opened (a wrong KEYV_URL) is the first and main thing said, not a line lost
 * under the banner (issue 15).
 */
async function preview(config: Config): Promise<number> {
  // The preview is something a person watches in a terminal: only problems, unless LOG_LEVEL asks for more.
  const log = createLogger({ level: process.env.LOG_LEVEL ? config.logLevel : 'warn' });
  let running;
  try {
    running = await startPreview(config, log);
  } catch (error) {
    const message = scrubSecrets((error as Error).message, configSecrets(config));
    console.error(
      `error: ${message}\nFix this in .env or the environment, then run npm start again. (DISCORD_TOKEN is not set either: the local preview would have started; see README.md, "Set up the Discord application".)`,
    );
    return 1;
  }
  console.error(
    `${NO_TOKEN}\nMeanwhile, the local preview: ${config.digestDir}/ is ingested and shown as the bot would post it (the shipped sample when it is empty).`,
  );
  if (running.sample) {
    console.error(
      `${config.digestDir}/ holds no digest yet, so the preview shows the shipped sample (samples/), kept in memory: it never enters your store or any channel. See README.md, "Where digests come from".`,
    );
  }
  console.log(`Preview: ${running.url} (Ctrl-C stops it)`);
  const stop = running.stop;
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`error while stopping the preview: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  return 0;
}

process.on('unhandledRejection', (reason) => {
  // Never crash on a stray rejection; it is a bug to log, not a reason to stop posting digests.
  console.error('unhandled rejection:', reason instanceof Error ? reason.message : reason);
});

const code = await main();
// Exit explicitly on failure: a half-opened client or store must not keep a failed start alive.
if (code !== 0) process.exit(code);
