/**
 * Issue 4 end to end: the real bot (discord.js) against the project's strict local Discord.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PermissionFlagsBits, type APIEmbed } from 'discord-api-types/v10';
import type { RunningBot } from '../../src/bot.ts';
import type { InteractionInput } from '../discord/interactions.ts';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { reply } from '../helpers/replies.ts';

describe('bot core against the local Discord', () => {
  let world: TestWorld;
  let bot: RunningBot;
  let admin: string;
  let member: string;

  const statusInput = (userId: string, locale?: string): InteractionInput => ({
    kind: 'command',
    name: 'digest',
    options: [{ type: 1, name: 'status' }],
    channelId: world.discord.channelId,
    userId,
    ...(locale ? { locale } : {}),
  });
  const status = (userId: string, locale?: string) => world.discord.interact(statusInput(userId, locale));
  const help = (locale?: string) =>
    world.discord.interact({ kind: 'command', name: 'paper', options: [{ type: 1, name: 'help' }], channelId: world.discord.channelId, userId: member, ...(locale ? { locale } : {}) });

  before(async () => {
    world = await createWorld();
    const { discord } = world;
    const adminRole = discord.addRole(discord.guildId, { name: 'mods', permissions: PermissionFlagsBits.ManageGuild });
    admin = discord.addMember(discord.guildId, { username: 'admin', roles: [adminRole.id] }).user.id;
    member = discord.addMember(discord.guildId, { username: 'member' }).user.id;
    await world.deploy();
    bot = await world.start();
  });
  after(async () => {
    await world.close();
  });

  it('registers every command with localizations, valid by the spec', () => {
    const commands = world.discord.commands(world.discord.guildId);
    assert.deepEqual(commands.map((c) => c.name).sort(), ['digest', 'paper', 'subscribe']);
    for (const command of commands) {
      assert.ok(command.name_localizations?.['zh-CN'], `${command.name} has a zh-CN name`);
      assert.ok(command.description_localizations?.['zh-CN'], `${command.name} has a zh-CN description`);
    }
    const digest = commands.find((c) => c.name === 'digest');
    assert.equal(digest?.default_member_permissions, String(PermissionFlagsBits.ManageGuild));
    assert.equal(commands.find((c) => c.name === 'paper')?.default_member_permissions ?? null, null);
    assert.deepEqual(world.discord.violations(), []);
  });

  it('logs in and receives READY with the guild', () => {
    assert.ok(bot.client.isReady());
    assert.ok(bot.client.guilds.cache.has(world.discord.guildId));
  });

  it('answers /digest status for an admin within 3 s, in their language', async () => {
    const started = Date.now();
    const record = await status(admin, 'zh-CN');
    assert.ok(Date.now() - started < 3000);
    assert.deepEqual(record.refused, []);
    const embeds = (record.original?.embeds ?? (record.initial?.data as { embeds?: APIEmbed[] } | undefined)?.embeds) as APIEmbed[] | undefined;
    assert.equal(embeds?.[0]?.title, '日报状态');
    const fields = embeds?.[0]?.fields?.map((f) => f.name) ?? [];
    assert.ok(fields.includes('存储') && fields.includes('已存论文'), fields.join(','));
  });

  it('refuses /digest for a member without Manage Server, politely', async () => {
    const record = await status(member);
    assert.ok(record.hiddenReason, 'real Discord would not even show the command');
    const data = record.initial?.data as { content?: string; flags?: number } | undefined;
    assert.match(data?.content ?? '', /Manage Server/);
    assert.equal((data?.flags ?? 0) & 64, 64, 'ephemeral');
  });

  it('turns an error inside a handler into a friendly ephemeral message', async () => {
    const original = bot.app.status;
    bot.app.status = async () => {
      throw new Error('boom: internal detail that must not reach the user');
    };
    try {
      const record = await status(admin);
      const data = record.initial?.data as { content?: string; flags?: number } | undefined;
      assert.match(data?.content ?? '', /Something went wrong/);
      assert.doesNotMatch(data?.content ?? '', /boom/);
      assert.equal((data?.flags ?? 0) & 64, 64);
    } finally {
      bot.app.status = original;
    }
  });

  it('defers for a slow handler so the reply still lands after 3 s', async () => {
    const original = bot.app.status;
    bot.app.status = async (guildId) => {
      await new Promise((r) => setTimeout(r, 3500));
      return original(guildId);
    };
    try {
      const record = await world.discord.interact(
        statusInput(admin),
        { timeoutMs: 8000 },
      );
      assert.deepEqual(record.refused, []);
      assert.equal(record.initial?.type, 5, 'deferred (DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE)');
      await world.discord.waitFor(record, (r) => (r.original?.embeds?.length ?? 0) > 0, 8000);
      assert.equal(record.original?.embeds?.[0]?.title, 'Digest status');
    } finally {
      bot.app.status = original;
    }
  });

  it('survives faults: a 5xx on the reply is retried, a 429 burst is waited out, and a dropped gateway resumes', async () => {
    world.discord.faults.inject({ route: /\/interactions\//, status: 502, times: 1 });
    const record = await help();
    assert.match((record.initial?.data as { content?: string })?.content ?? '', /paper search/);

    world.discord.faults.inject({ route: /\/interactions\//, status: 429, times: 2, retryAfter: 0.2 });
    const limited = await help();
    assert.deepEqual(limited.refused, []);
    assert.match(reply(limited).content, /paper search/, 'a 429 burst on the callback is waited out within the 3 s window');

    world.discord.dropGateway(0, 'close-4000');
    await world.discord.waitForGateway(10_000);
    const again = await help('zh-CN');
    assert.match((again.initial?.data as { content?: string })?.content ?? '', /检索论文存档/);
    assert.ok(world.discord.gatewayStats(0).resumes >= 1 || world.discord.gatewayStats(0).identifies >= 2);
  });

  it('sent nothing the spec or the limits reject', () => {
    assert.deepEqual(world.discord.violations(), []);
  });
});
