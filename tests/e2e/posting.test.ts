/**
 * Issue 5 end to end: digests dropped into DIGEST_DIR reach every configured channel, exactly once, in as few
 * messages as Discord's limits allow, and faults in one channel never stop the others.
 */
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { RunningBot } from '../../src/bot.ts';
import { validateMessage } from '../../src/discord/limits.ts';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { problemSentences } from '../helpers/problems.ts';
import { postedIds, reply } from '../helpers/replies.ts';

const SAMPLE_IDS = ['2511.16674', '2511.16673', '2511.16672', '2511.16671', '2511.16670', '2511.16669', '2511.16668', '2511.16666', '2511.16665', '2511.16664'];

describe('daily posting against the local Discord', () => {
  let world: TestWorld;
  let bot: RunningBot;
  let admin: string;
  let papers: string;
  let more: string;

  const run = async (who = admin) => {
    const record = await world.discord.interact(
      { kind: 'command', name: 'digest', options: [{ type: 1, name: 'run' }], channelId: world.discord.channelId, userId: who },
      { timeoutMs: 30_000 },
    );
    await world.discord.waitFor(record, (r) => reply(r).content.length > 0, 30_000);
    return record;
  };
  const addChannel = (channelId: string, extra: { name: string; type: number; value: unknown }[] = []) =>
    world.discord.interact({
      kind: 'command',
      name: 'digest',
      options: [{ type: 2, name: 'channel', options: [{ type: 1, name: 'add', options: [{ type: 7, name: 'channel', value: channelId }, ...extra] }] }],
      channelId: world.discord.channelId,
      userId: admin,
    } as never);

  before(async () => {
    world = await createWorld({ rateLimits: { messages: { limit: 5, windowMs: 400 } } });
    const { discord } = world;
    const role = discord.addRole(discord.guildId, { name: 'admins', permissions: PermissionFlagsBits.ManageGuild });
    admin = discord.addMember(discord.guildId, { roles: [role.id] }).user.id;
    papers = discord.addChannel(discord.guildId, { name: 'papers' }).id;
    more = discord.addChannel(discord.guildId, { name: 'more-papers' }).id;
    await world.deploy();
    bot = await world.start();
  });
  after(async () => {
    await world.close();
  });

  it('/digest run ingests and answers even before any channel is configured', async () => {
    copyFileSync('samples/2025-11-23-arxiv.md', join(world.digestDir, '2025-11-23-arxiv.md'));
    const record = await run();
    assert.equal(record.initial?.type, 5, 'deferred at once');
    assert.match(reply(record).content, /1 new or changed files, 10 new papers, 0 messages sent/);
    assert.equal(await bot.app.stores.papers.count(), 10);
  });

  it('adding a channel checks the bot can post there, and says what is missing', async () => {
    const locked = world.discord.addChannel(world.discord.guildId, {
      name: 'locked',
      overwrites: [{ id: world.discord.botUserId, type: 'member', deny: PermissionFlagsBits.EmbedLinks }],
    }).id;
    const record = await addChannel(locked);
    assert.match(reply(record).content, /missing Embed Links/);
    assert.equal(await bot.app.stores.channels.get(locked), undefined);
  });

  it('posts the sample digest to two channels in one message each (10 embeds), every body valid', async () => {
    assert.match(reply(await addChannel(papers)).content, /will receive the daily digest/);
    assert.match(reply(await addChannel(more)).content, /will receive the daily digest/);
    const record = await run();
    assert.match(reply(record).content, /2 messages sent/);
    for (const channel of [papers, more]) {
      const messages = world.discord.messages(channel);
      assert.equal(messages.length, 1, 'ten papers fit one message: the lower bound');
      assert.deepEqual(postedIds(messages).sort(), [...SAMPLE_IDS].sort());
      assert.match(messages[0]?.content ?? '', /arXiv · 2025-11-23 · 10 papers/);
      for (const m of messages) assert.deepEqual(validateMessage({ content: m.content, embeds: m.embeds, allowed_mentions: { parse: [] } }), []);
    }
    assert.deepEqual(world.discord.violations(), []);
  });

  it('a second run posts nothing', async () => {
    await run();
    assert.equal(world.discord.messages(papers).length, 1);
    assert.equal(world.discord.messages(more).length, 1);
  });

  it('a second file with overlapping papers posts only the new ones', async () => {
    const overlap = [
      { arxivId: '2511.16674', title: '面向预训练自监督视觉模型的数据集蒸馏' },
      { arxivId: '2511.16673', title: 'NoPo-Avatar' },
      ...rows(2, 20000, '新论文'),
    ];
    writeFileSync(join(world.digestDir, '2025-11-24-arxiv.md'), digestMarkdown('2025-11-24', overlap));
    await run();
    for (const channel of [papers, more]) {
      const messages = world.discord.messages(channel);
      assert.equal(messages.length, 2);
      assert.deepEqual(postedIds(messages.slice(1)), ['2601.20000', '2601.20001']);
      assert.match(messages[1]?.content ?? '', /2025-11-24 · 2 papers/);
    }
  });

  it('keeps posting to healthy channels while one refuses (403) and another was deleted (404); 429s and 5xx are ridden out', async () => {
    const refusing = world.discord.addChannel(world.discord.guildId, { name: 'refusing' }).id;
    assert.match(reply(await addChannel(refusing)).content, /will receive/);
    // Now the permission goes away (an admin edits the channel) and another channel disappears.
    world.discord.setOverwrites(refusing, [{ id: world.discord.botUserId, type: 'member', deny: PermissionFlagsBits.SendMessages }]);
    await bot.app.stores.channels.put({
      guildId: world.discord.guildId, channelId: '999999999999999999', sources: null, mode: 'embeds', notices: false,
      disabled: null, failures: 0, addedBy: 'test', addedAt: new Date().toISOString(),
    });
    world.discord.faults.inject({ route: `/channels/${papers}/messages`, status: 502, times: 2 });
    world.discord.faults.inject({ route: `/channels/${more}/messages`, status: 429, times: 3, retryAfter: 0.2 });
    writeFileSync(join(world.digestDir, '2025-11-25-arxiv.md'), digestMarkdown('2025-11-25', rows(25, 30000)));
    await run();
    for (const channel of [papers, more]) {
      assert.deepEqual(postedIds(world.discord.messages(channel).slice(2)), rows(25, 30000).map((r) => r.arxivId), 'all 25 papers, in order, once');
      assert.equal(world.discord.messages(channel).length, 2 + 3, '25 papers → 3 messages');
    }
    assert.equal(world.discord.messages(refusing).length, 0);
    // Repeated refusals switch the channel off and /digest status says what to do.
    await run();
    await run();
    const status = problemSentences((await bot.app.status(world.discord.guildId)).problems);
    assert.ok(status.some((p) => p.includes(refusing) && p.includes('/digest channel add')), status.join('\n'));
    assert.ok(status.some((p) => p.includes('999999999999999999')), status.join('\n'));
    assert.deepEqual(world.discord.violations(), []);
  });
});
