/**
 * End-to-end harness: the project's strict local Discord plus the real bot (`startBot`, the same wiring
 * `npm start` runs), configured only through the environment a user would set.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot, type BotOptions, type RunningBot } from '../../src/bot.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { deployCommands } from '../../src/interactions/deploy.ts';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from '../discord/driver.ts';
import { pino } from 'pino';
import { silentLog } from './log.ts';

/** A test world: the local Discord, a temp folder with `digests/` and `data/`, and the bot's config. */
export interface TestWorld {
  discord: FakeDiscord;
  dir: string;
  digestDir: string;
  /** The environment the bot is started with (also usable for a subprocess). */
  env: Record<string, string>;
  config: Config;
  /** Registers the commands in the default guild (bulk overwrite, validated by the server). */
  deploy(): Promise<void>;
  /** Starts the bot in this process and waits for its start-up run; `options` injects e.g. its clock. */
  start(extraEnv?: Record<string, string>, options?: BotOptions): Promise<RunningBot>;
  /** Stops the bot (if started), the local Discord, and removes the temp folder. */
  close(): Promise<void>;
}

/** Creates a test world. */
export async function createWorld(options: FakeDiscordOptions & { env?: Record<string, string> } = {}): Promise<TestWorld> {
  const discord = await startFakeDiscord({ requireAllowedMentions: true, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'adb-e2e-'));
  const digestDir = join(dir, 'digests');
  mkdirSync(digestDir);
  const env: Record<string, string> = {
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.apiUrl,
    DATA_DIR: join(dir, 'data'),
    DIGEST_DIR: digestDir,
    KEYV_URL: `sqlite://${join(dir, 'data', 'bot.sqlite')}`,
    // Effectively never: tests trigger runs themselves.
    DIGEST_CRON: '0 0 1 1 *',
    LOG_LEVEL: 'silent',
    METRICS_PORT: '0',
    ...options.env,
  };
  const bots: RunningBot[] = [];
  const world: TestWorld = {
    discord,
    dir,
    digestDir,
    env,
    config: loadConfig(env, null),
    async deploy() {
      await deployCommands({ token: discord.token, apiUrl: discord.apiUrl, applicationId: discord.applicationId, guildId: discord.guildId });
    },
    async start(extraEnv = {}, options = {}) {
      // TEST_LOG=debug shows the bot's log on stderr when a test needs explaining.
      const log = process.env.TEST_LOG ? pino({ level: process.env.TEST_LOG }, pino.destination(2)) : silentLog();
      const bot = await startBot(loadConfig({ ...env, ...extraEnv }, null), log, options);
      bots.push(bot);
      await bot.startupRun;
      return bot;
    },
    async close() {
      for (const bot of bots.splice(0)) await bot.stop().catch(() => undefined);
      await discord.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}
