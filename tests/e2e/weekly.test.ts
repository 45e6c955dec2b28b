/**
 * Issue 16 end to end, the week's most-saved: `/digest weekly on` (Manage Server), saves from the 🔖 menu of a
 * posted digest, and the weekly post landing once in the chosen channel with the right counts — not before its
 * hour, not again on the next run, not again after a restart. The bot runs on an injected clock.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PermissionFlagsBits, type APIActionRowComponent, type APIStringSelectComponent } from 'discord-api-types/v10';
import type { RunningBot } from '../../src/bot.ts';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { digestMarkdown, type RowInput } from '../helpers/digests.ts';
import { reply } from '../helpers/replies.ts';

const PAPERS: RowInput[] = [
  { arxivId: '2511.40001', title: 'Most Saved Paper', author: 'Ada Lovelace' },
  { arxivId: '2511.40002', title: 'Second Paper', author: 'Alan Turing' },
  { arxivId: '2511.40003', title: 'Third Paper', author: 'Grace Hopper' },
  { arxivId: '2511.40004', title: 'Unsaved Paper', author: 'Emmy Noether' },
];

describe('the weekly most-saved post against the local Discord', () => {
  let world: TestWorld;
  let bot: RunningBot;
  let admin: string;
  let papersChannel: string;
  let weeklyChannel: string;
  let clock = Date.parse('2025-11-24T10:00:00Z'); // a Monday
  const now = () => new Date(clock);

  const digest = (options: unknown[], who = admin) =>
    world.discord.interact({ kind: 'command', name: 'digest', options: options as never, channelId: world.discord.channelId, userId: who }, { timeoutMs: 30_000 });
  const run = async () => {
    const record = await digest([{ type: 1, name: 'run' }]);
    await world.discord.waitFor(record, (r) => reply(r).content.length > 0, 30_000);
    return record;
  };
  const saveFromDigest = async (userId: string, values: string[]) => {
    const [posted] = world.discord.messages(papersChannel);
    const menu = (posted!.components as APIActionRowComponent<APIStringSelectComponent>[])[0]!.components[0]!;
    return world.discord.interact({ kind: 'select', messageId: posted!.id, customId: menu.custom_id, values, channelId: papersChannel, userId });
  };

  before(async () => {
    world = await createWorld();
    const { discord } = world;
    const role = discord.addRole(discord.guildId, { name: 'admins', permissions: PermissionFlagsBits.ManageGuild });
    admin = discord.addMember(discord.guildId, { roles: [role.id] }).user.id;
    papersChannel = discord.addChannel(discord.guildId, { name: 'papers' }).id;
    weeklyChannel = discord.addChannel(discord.guildId, { name: 'weekly' }).id;
    writeFileSync(join(world.digestDir, '2025-11-24-arxiv.md'), digestMarkdown('2025-11-24', PAPERS));
    await world.deploy();
    bot = await world.start({ DIGEST_CHANNEL_IDS: papersChannel }, { now });
  });
  after(async () => {
    await world.close();
  });

  it('is for Manage Server only, checks the time zone, and starts from the next slot', async () => {
    const member = world.discord.addMember(world.discord.guildId).user.id;
    const on = [{ type: 2, name: 'weekly', options: [{ type: 1, name: 'on', options: [
      { type: 7, name: 'channel', value: weeklyChannel }, { type: 4, name: 'day', value: 1 }, { type: 4, name: 'hour', value: 9 }, { type: 3, name: 'timezone', value: 'UTC' },
    ] }] }];
    assert.match(reply(await digest(on, member)).content, /Manage Server/);
    const bad = [{ type: 2, name: 'weekly', options: [{ type: 1, name: 'on', options: [{ type: 7, name: 'channel', value: weeklyChannel }, { type: 3, name: 'timezone', value: 'Mars/Olympus' }] }] }];
    assert.match(reply(await digest(bad)).content, /Unknown time zone/);
    assert.match(reply(await digest(on)).content, /every Monday at 09:00 \(UTC\)/);
    const stored = await bot.app.stores.weekly.get(world.discord.guildId);
    assert.equal(stored?.lastPlannedFor, '2025-11-24T09:00:00.000Z', 'this morning\'s slot is already past: the first post is next Monday');
  });

  it('posts the week\'s most-saved papers once, with their counts, at the first run after the slot', async () => {
    const users = [1, 2, 3].map(() => world.discord.addMember(world.discord.guildId).user.id);
    await saveFromDigest(users[0]!, ['arxiv:2511.40001', 'arxiv:2511.40002']);
    await saveFromDigest(users[1]!, ['arxiv:2511.40001']);
    await saveFromDigest(users[2]!, ['arxiv:2511.40001', 'arxiv:2511.40003']);

    clock = Date.parse('2025-12-01T08:30:00Z'); // next Monday, before 09:00
    await run();
    assert.equal(world.discord.messages(weeklyChannel).length, 0, 'not before the hour');

    clock = Date.parse('2025-12-01T09:10:00Z');
    await run();
    const posts = world.discord.messages(weeklyChannel);
    assert.equal(posts.length, 1);
    const text = posts[0]!.embeds[0]?.description ?? '';
    assert.match(posts[0]!.content, /Most saved this week.*2025-11-24 – 2025-12-01/);
    assert.match(text, /\*\*1\.\*\* \[Most Saved Paper\].*🔖 3 saves/);
    assert.match(text, /🔖 1 save\b/);
    assert.doesNotMatch(text, /Unsaved Paper/);
    assert.deepEqual(posts[0]!.mention_roles, []);

    await run();
    assert.equal(world.discord.messages(weeklyChannel).length, 1, 'not again on the next run');
    await bot.stop();
    bot = await world.start({ DIGEST_CHANNEL_IDS: papersChannel }, { now });
    await run();
    assert.equal(world.discord.messages(weeklyChannel).length, 1, 'not again after a restart');
    assert.deepEqual(world.discord.violations(), []);
  });

  it('turns off', async () => {
    assert.match(reply(await digest([{ type: 2, name: 'weekly', options: [{ type: 1, name: 'off' }] }])).content, /is off/);
    assert.equal(await bot.app.stores.weekly.get(world.discord.guildId), undefined);
    assert.match(reply(await digest([{ type: 2, name: 'weekly', options: [{ type: 1, name: 'off' }] }])).content, /was not on/);
  });
});
