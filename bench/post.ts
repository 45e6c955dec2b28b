/**
 * `npm run bench:post`: delivery of a 100-paper digest to 20 channels against the project's local Discord with
 * Discord's own rate limits (5 messages per 5 s per channel, 50 requests per second overall). Prints the API
 * requests and messages against the lower bound the message limits give, and the wall time against the time the
 * rate limits alone impose.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DISCORD_RATE_LIMITS } from '../tests/discord/limiter.ts';
import { createWorld } from '../tests/helpers/bot.ts';
import { digestMarkdown, rows } from '../tests/helpers/digests.ts';

const PAPERS = Number(process.env.BENCH_PAPERS ?? 100);
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 20);
const PER_MESSAGE = 10; // Discord: at most 10 embeds a message, and each paper embed is sized so ten fit 6000 characters.

const world = await createWorld({ rateLimits: DISCORD_RATE_LIMITS });
try {
  const channels = Array.from({ length: CHANNELS }, (_, i) => world.discord.addChannel(world.discord.guildId, { name: `papers-${i}` }).id);
  const bot = await world.start({ DIGEST_CHANNEL_IDS: channels.join(',') });
  writeFileSync(join(world.digestDir, '2026-02-01-arxiv.md'), digestMarkdown('2026-02-01', rows(PAPERS, 50000)));

  const firstRequest = world.discord.requests.length;
  const started = performance.now();
  const report = await bot.app.runner.run('bench');
  const seconds = (performance.now() - started) / 1000;
  const requests = world.discord.requests.slice(firstRequest);
  const messageCreates = requests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path));
  const accepted = messageCreates.filter((r) => r.status === 200);
  const messages = channels.reduce((n, c) => n + world.discord.messages(c).length, 0);

  const perChannel = Math.ceil(PAPERS / PER_MESSAGE);
  const lowerBound = perChannel * CHANNELS;
  const { messages: channelLimit, global } = DISCORD_RATE_LIMITS;
  const channelFloor = (Math.ceil(perChannel / channelLimit.limit) - 1) * (channelLimit.windowMs / 1000);
  const globalFloor = (Math.ceil(lowerBound / global.limit) - 1) * (global.windowMs / 1000);
  const floor = Math.max(channelFloor, globalFloor);

  const table: [string, string, string][] = [
    ['messages posted', String(messages), `lower bound ${lowerBound} (${CHANNELS} channels × ⌈${PAPERS}/${PER_MESSAGE}⌉)`],
    ['API requests (all)', String(requests.length), `message creates ${messageCreates.length}, accepted ${accepted.length}`],
    ['429 answers', String(requests.filter((r) => r.status === 429).length), 'the client waits on the bucket headers instead'],
    ['wall time', `${seconds.toFixed(2)} s`, `rate limits alone impose ≥ ${floor.toFixed(2)} s (per channel ${channelFloor} s, global ${globalFloor} s)`],
    ['overhead', `${(seconds - floor).toFixed(2)} s`, `ingest + planning + HTTP on loopback; run reported ${report.messagesSent} sent`],
  ];
  console.log(`bench:post — ${PAPERS} papers × ${CHANNELS} channels, Discord's rate limits (${channelLimit.limit}/${channelLimit.windowMs / 1000}s per channel, ${global.limit}/s global)`);
  for (const [name, value, note] of table) console.log(`${name.padEnd(20)} ${value.padStart(10)}   ${note}`);
  if (messages !== lowerBound) process.exitCode = 1;
  const violations = world.discord.violations();
  if (violations.length) {
    console.log('violations:', violations);
    process.exitCode = 1;
  }
} finally {
  await world.close();
}
