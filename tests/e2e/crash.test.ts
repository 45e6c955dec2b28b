/**
 * Crash safety (issue 5): the real `npm start` process is killed with SIGKILL at random moments while it posts a
 * 100-paper digest to three channels, and restarted, 20 times. In the end every paper is in every channel exactly
 * once: the outbox resumes where it stopped, and the nonce on each message makes a resend after a crash harmless.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { postedIds } from '../helpers/replies.ts';

const KILLS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('crash safety', () => {
  let world: TestWorld;
  let channels: string[];
  let env: NodeJS.ProcessEnv;

  before(async () => {
    // Slow per-channel limits stretch the posting over many restarts.
    world = await createWorld({ rateLimits: { messages: { limit: 2, windowMs: 400 } } });
    channels = ['one', 'two', 'three'].map((name) => world.discord.addChannel(world.discord.guildId, { name }).id);
    writeFileSync(join(world.digestDir, '2026-01-05-arxiv.md'), digestMarkdown('2026-01-05', rows(100, 40000)));
    env = { ...process.env, ...world.env, DIGEST_CHANNEL_IDS: channels.join(','), LOG_LEVEL: process.env.TEST_LOG ?? 'silent' };
  });
  after(async () => {
    await world.close();
  });

  const total = () => channels.reduce((n, c) => n + world.discord.messages(c).length, 0);
  const startBot = (): ChildProcess =>
    spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'ignore', process.env.TEST_LOG ? 'inherit' : 'ignore'] });

  it(`every paper reaches every channel exactly once across ${KILLS} SIGKILLs`, { timeout: 240_000 }, async () => {
    let killedMidPost = 0;
    for (let i = 0; i < KILLS; i++) {
      const before = total();
      const child = startBot();
      const exited = once(child, 'exit');
      // Kill soon after this run starts posting (or at a random moment of start-up if it has nothing left to post).
      const deadline = Date.now() + 4000 + Math.random() * 2000;
      while (total() === before && Date.now() < deadline && child.exitCode === null) await sleep(5);
      if (total() > before) {
        killedMidPost += 1;
        await sleep(Math.random() * 300);
      }
      child.kill('SIGKILL');
      await exited;
    }
    assert.ok(killedMidPost >= 5, `only ${killedMidPost} kills happened while posting`);

    const identifies = world.discord.gatewayStats(0).identifies;
    const child = startBot();
    const exited = once(child, 'exit');
    const expected = rows(100, 40000).map((r) => r.arxivId).sort();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && world.discord.gatewayStats(0).identifies === identifies) await sleep(20);
    while (Date.now() < deadline && !channels.every((c) => postedIds(world.discord.messages(c)).length >= 100)) await sleep(50);
    await sleep(1000); // the final run's start-up delivery: anything resent would show up as a duplicate now
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0, 'a clean shutdown on SIGTERM');

    for (const channel of channels) {
      const ids = postedIds(world.discord.messages(channel));
      assert.deepEqual([...ids].sort(), expected, `channel ${channel}: each paper exactly once`);
      assert.equal(world.discord.messages(channel).length, 10, 'ten messages of ten papers: no duplicate, no split');
    }
    assert.deepEqual(world.discord.violations(), []);
  });
});
