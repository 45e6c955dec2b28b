/**
 * Issue 10 end to end: what `/digest status` and `/digest run` say needs attention travels as typed values and is
 * translated only when shown — in the admin's language, and only their server's problems and the whole bot's.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PermissionFlagsBits, type APIEmbed } from 'discord-api-types/v10';
import type { RunningBot } from '../../src/bot.ts';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { reply } from '../helpers/replies.ts';

/** A channel of another server the bot has lost (Discord answers 404): its problems are that server's business. */
const OTHER_SERVERS_CHANNEL = '888888888888888888';
const BROKEN = '# arxiv 2026-02-02\n\n| 标题 | 作者 | PDF链接 | 摘要 |\n|---|---|---|---|\n| 没有链接的论文 | Someone | 无 | 摘要 |\n';

describe('/digest problems in the admin’s language', () => {
  let world: TestWorld;
  let bot: RunningBot;
  let admin: string;
  let refusing: string;

  const digest = (options: unknown[], locale: string) =>
    world.discord.interact({ kind: 'command', name: 'digest', options, channelId: world.discord.channelId, userId: admin, locale } as never, { timeoutMs: 30_000 });
  const run = async (locale: string) => {
    const record = await digest([{ type: 1, name: 'run' }], locale);
    await world.discord.waitFor(record, (r) => reply(r).content.length > 0, 30_000);
    return reply(record).content;
  };
  const problemsField = async (locale: string) => {
    const embed: APIEmbed | undefined = reply(await digest([{ type: 1, name: 'status' }], locale)).embeds[0];
    return embed?.fields?.find((f) => f.name === (locale === 'zh-CN' ? '需要处理' : 'Needs attention'))?.value ?? '';
  };

  before(async () => {
    world = await createWorld();
    const { discord } = world;
    const role = discord.addRole(discord.guildId, { name: 'admins', permissions: PermissionFlagsBits.ManageGuild });
    admin = discord.addMember(discord.guildId, { roles: [role.id] }).user.id;
    refusing = discord.addChannel(discord.guildId, { name: 'papers' }).id;
    await world.deploy();
    bot = await world.start();
    const added = await digest([{ type: 2, name: 'channel', options: [{ type: 1, name: 'add', options: [{ type: 7, name: 'channel', value: refusing }] }] }], 'zh-CN');
    assert.match(reply(added).content, /将接收每日日报/);
    // The bot loses Send Messages there afterwards (an admin edits the channel).
    discord.setOverwrites(refusing, [{ id: discord.botUserId, type: 'member', deny: PermissionFlagsBits.SendMessages }]);
    const other = discord.addGuild({ name: 'Another server' });
    await bot.app.stores.channels.put({
      guildId: other.id, channelId: OTHER_SERVERS_CHANNEL, sources: null, mode: 'embeds', notices: false,
      disabled: null, failures: 0, addedBy: 'test', addedAt: new Date().toISOString(),
    });
    writeFileSync(join(world.digestDir, '2026-02-01-arxiv.md'), digestMarkdown('2026-02-01', rows(3, 70000)));
    writeFileSync(join(world.digestDir, 'broken.md'), BROKEN);
  });
  after(async () => {
    await world.close();
  });

  it('/digest run reports this run’s problems in Chinese to a zh-CN admin, without another server’s', async () => {
    const first = await run('zh-CN');
    assert.match(first, /^完成：/);
    assert.ok(first.includes(`<#${refusing}>：50013 Missing Permissions（第 1 次，共 3 次）`), first);
    assert.ok(first.includes('broken.md：'), first);
    assert.ok(!first.includes(OTHER_SERVERS_CHANNEL), first);
    assert.ok(!/attempt|delivery|failed/.test(first), `no English: ${first}`);
  });

  it('/digest status shows a zh-CN admin the switched-off channel and the bad digest file in Chinese; an en-US admin in English', async () => {
    await run('zh-CN');
    await run('zh-CN');
    assert.ok((await bot.app.stores.channels.get(refusing))?.disabled, 'three refusals switch the channel off');

    const chinese = await problemsField('zh-CN');
    assert.match(chinese, new RegExp(`<#${refusing}>：自 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d 起已停止发送（50013 Missing Permissions）。请在该频道授予机器人查看频道、发送消息和嵌入链接权限，然后重新运行 /digest channel add。`));
    assert.ok(chinese.includes('日报文件 broken.md 没有解析出论文'), chinese);
    assert.ok(!chinese.includes(OTHER_SERVERS_CHANNEL), `another server's channel stays private: ${chinese}`);
    assert.ok(!/[A-Za-z]{2,} (switched|yielded|deliveries|could not)/.test(chinese), `no English sentences: ${chinese}`);
    // The run's own word on that channel is not repeated: the channel's record says it, once.
    assert.equal(chinese.split(`<#${refusing}>`).length - 1, 1, chinese);

    const english = await problemsField('en-US');
    assert.ok(english.includes(`<#${refusing}>: delivery switched off since`), english);
    assert.ok(english.includes('digest file broken.md yielded no papers'), english);
    assert.deepEqual(world.discord.violations(), []);
  });
});
