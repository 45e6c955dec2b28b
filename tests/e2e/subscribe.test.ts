/**
 * Issue 6 end to end, `/subscribe`: channel and DM subscriptions receive exactly the matching papers of a new
 * digest, once; a role is pinged only when asked (and `allowed_mentions` lets exactly it through); permissions,
 * limits, test/list/remove; a member who cannot be DMed is paused and told once; both languages; answers inside
 * 3 s during a large ingest. The real bot against the strict local Discord.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MessageFlags, PermissionFlagsBits, type APIMessage } from 'discord-api-types/v10';
import type { RunningBot } from '../../src/bot.ts';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { digestMarkdown, rows, type RowInput } from '../helpers/digests.ts';
import { postedIds, reply } from '../helpers/replies.ts';

type Option = { type: number; name: string; value: unknown; focused?: boolean };

/** Already in the archive before anyone subscribes (what `/subscribe test` looks at). */
const OLD: RowInput[] = [
  { arxivId: '2511.10001', title: '基于扩散模型的图像超分辨率', author: 'Old One' },
  { arxivId: '2511.10002', title: 'Diffusion Models for Audio', author: 'Old Two' },
  { arxivId: '2511.10003', title: 'Organ Transplant Outcomes', author: 'Old Three' },
];
/** The new digest: who should get what is in the comments. */
const NEW: RowInput[] = [
  { arxivId: '2511.20001', title: '基于扩散模型的图像编辑', author: 'Li Lei' }, // #papers, closed (DM, paused)
  { arxivId: '2511.20002', title: 'Diffusion Policies for Robots', author: 'Ann Lee' }, // #papers
  { arxivId: '2511.20003', title: 'A Survey of Diffusion Models', author: 'Bo Xu' }, // nobody: -survey
  { arxivId: '2511.20004', title: 'Graph Neural Diffusion Networks', author: 'Cy Ng' }, // #papers once (two subscriptions)
  { arxivId: '2511.20005', title: 'Improved GAN Training', author: 'Ian Good' }, // reader, #quiet
  { arxivId: '2511.20006', title: 'Organ Segmentation with U-Nets', author: 'Di Wu' }, // nobody: GAN is not in "Organ"
  { arxivId: '2511.20007', title: 'Graph Mining at Scale', author: 'Jure Leskovec' }, // reader
  { arxivId: '2511.20008', title: 'Scalable GANs for Graphs', author: 'Jure Leskovec' }, // reader once (two subscriptions), #quiet
  { arxivId: '2511.20009', title: '扩展卷积的散射分析', author: 'Ma Yi' }, // nobody: 扩 and 散 apart are not 扩散模型
];

describe('/subscribe against the local Discord', () => {
  let world: TestWorld;
  let bot: RunningBot;
  let mod: string;
  let reader: string;
  let closed: string;
  let member: string;
  let papers: string;
  let quiet: string;
  let system: string;
  let fans: string;
  let hidden: string;

  const subscribe = (sub: string, options: Option[], who: string, locale?: string) =>
    world.discord.interact(
      {
        kind: 'command', name: 'subscribe', options: [{ type: 1, name: sub, options }] as never, channelId: world.discord.channelId, userId: who,
        ...(locale ? { locale } : {}),
      },
      { timeoutMs: 10_000 },
    );
  const add = (keywords: string, who: string, extra: Option[] = [], locale?: string) =>
    subscribe('add', [{ type: 3, name: 'keywords', value: keywords }, ...extra], who, locale);
  const text = async (p: ReturnType<typeof subscribe>): Promise<string> => reply(await p).content;
  const ids = (messages: readonly APIMessage[]): string[] => postedIds(messages).toSorted();

  before(async () => {
    world = await createWorld({ rateLimits: { messages: { limit: 5, windowMs: 300 } } });
    const { discord } = world;
    const mods = discord.addRole(discord.guildId, {
      name: 'mods', permissions: PermissionFlagsBits.ManageChannels | PermissionFlagsBits.MentionEveryone | PermissionFlagsBits.ManageGuild,
    });
    const channelOnly = discord.addRole(discord.guildId, { name: 'channel-managers', permissions: PermissionFlagsBits.ManageChannels });
    fans = discord.addRole(discord.guildId, { name: 'ml-fans', permissions: 0n }).id;
    hidden = discord.addRole(discord.guildId, { name: 'secret', permissions: 0n }).id;
    mod = discord.addMember(discord.guildId, { username: 'mod', roles: [mods.id] }).user.id;
    reader = discord.addMember(discord.guildId, { username: 'reader' }).user.id;
    closed = discord.addMember(discord.guildId, { username: 'closed', acceptsDms: false, roles: [channelOnly.id] }).user.id;
    member = discord.addMember(discord.guildId, { username: 'member' }).user.id;
    papers = discord.addChannel(discord.guildId, { name: 'papers' }).id;
    quiet = discord.addChannel(discord.guildId, { name: 'quiet' }).id;
    system = discord.addChannel(discord.guildId, { name: 'announcements' }).id;
    discord.setSystemChannel(discord.guildId, system);
    writeFileSync(join(world.digestDir, '2025-11-20-arxiv.md'), digestMarkdown('2025-11-20', OLD));
    await world.deploy();
    bot = await world.start();
    assert.equal(await bot.app.stores.papers.count(), OLD.length);
  });
  after(async () => {
    await world.close();
  });

  it('refuses to subscribe a channel for a member without Manage Channels there', async () => {
    const record = await add('扩散模型', member, [{ type: 7, name: 'channel', value: papers }]);
    assert.match(reply(record).content, /You need the \*\*Manage Channels\*\* permission/);
    assert.equal(reply(record).flags & MessageFlags.Ephemeral, MessageFlags.Ephemeral);
    assert.deepEqual(await bot.app.stores.subscriptions.listByChannel(papers), []);
  });

  it('refuses to ping a role that is not mentionable unless the member may mention everyone', async () => {
    const record = await add('diffusion', closed, [{ type: 7, name: 'channel', value: quiet }, { type: 8, name: 'mention', value: hidden }]);
    assert.match(reply(record).content, /The role secret is not mentionable/);
    assert.match(await text(add('diffusion', reader, [{ type: 8, name: 'mention', value: fans }])), /only be mentioned in a channel/);
  });

  it('subscribes channels (with and without a role) and members (by DM)', async () => {
    assert.match(
      await text(add('扩散模型 OR diffusion -survey', mod, [{ type: 7, name: 'channel', value: papers }, { type: 8, name: 'mention', value: fans }])),
      new RegExp(`Subscribed <#${papers}> to \\*\\*扩散模型 OR diffusion -survey\\*\\* \\(→ ml-fans\\)`),
    );
    assert.match(await text(add('"graph neural"', mod, [{ type: 7, name: 'channel', value: papers }])), /Subscribed <#/);
    assert.match(await text(add('GAN', mod, [{ type: 7, name: 'channel', value: quiet }])), /Subscribed <#/);
    assert.match(await text(add('GAN', reader)), /Subscribed you to \*\*GAN\*\*.*by DM/);
    assert.match(await text(add('author:Leskovec', reader)), /Subscribed you/);
    assert.match(await text(add('扩散模型', closed)), /Subscribed you/);
    assert.match(await text(add('GAN', reader)), /exists already/);
    assert.equal((await bot.app.stores.subscriptions.listByGuild(world.discord.guildId)).length, 6);
  });

  it('/subscribe test shows which recent papers would have matched', async () => {
    const record = await subscribe('test', [{ type: 3, name: 'keywords', value: '扩散模型 OR diffusion' }], reader);
    const content = reply(record).content;
    assert.match(content, /matches 2 of the 3 most recent papers/);
    assert.match(content, /基于扩散模型的图像超分辨率/);
    assert.match(content, /Diffusion Models for Audio/);
    assert.doesNotMatch(content, /Organ/);
    assert.match(await text(subscribe('test', [{ type: 3, name: 'keywords', value: 'GAN' }], reader)), /None of the 3 most recent papers matches \*\*GAN\*\*/);
  });

  it('/subscribe list shows yours, or a channel’s', async () => {
    const mine = await text(subscribe('list', [], reader));
    assert.match(mine, /\*\*GAN\*\* → DM/);
    assert.match(mine, /\*\*author:Leskovec\*\* → DM/);
    assert.doesNotMatch(mine, /扩散模型/);
    const channel = await text(subscribe('list', [{ type: 7, name: 'channel', value: papers }], member));
    assert.match(channel, new RegExp(`扩散模型 OR diffusion -survey\\*\\* → <#${papers}> · <@&${fans}>`));
    assert.match(channel, /graph neural/);
    assert.match(await text(subscribe('list', [], member)), /You have no subscriptions here/);
  });

  it('delivers exactly the matching papers of a new digest, once per channel or member, pinging the role only when asked', async () => {
    writeFileSync(join(world.digestDir, '2025-11-24-arxiv.md'), digestMarkdown('2025-11-24', NEW));
    const run = await world.discord.interact(
      { kind: 'command', name: 'digest', options: [{ type: 1, name: 'run' }], channelId: world.discord.channelId, userId: mod },
      { timeoutMs: 30_000 },
    );
    await world.discord.waitFor(run, (r) => reply(r).content.length > 0, 30_000);
    assert.match(reply(run).content, /9 new papers/);

    const inPapers = world.discord.messages(papers);
    assert.deepEqual(ids(inPapers), ['2511.20001', '2511.20002', '2511.20004']);
    assert.equal(inPapers.length, 1);
    const first = inPapers[0] as APIMessage;
    assert.match(first.content, new RegExp(`^<@&${fans}> 🔔 3 new papers match your subscription`));
    assert.deepEqual(first.mention_roles, [fans], 'the role is pinged');
    assert.deepEqual(first.mentions, []);
    assert.equal(first.mention_everyone, false);
    const graph = first.embeds.find((e) => e.url?.includes('2511.20004'));
    const matched = graph?.fields?.find((f) => f.name === 'Matched')?.value ?? '';
    assert.match(matched, /diffusion/i);
    assert.match(matched, /graph neural/i, 'both subscriptions’ keywords are shown');

    const inQuiet = world.discord.messages(quiet);
    assert.deepEqual(ids(inQuiet), ['2511.20005', '2511.20008']);
    assert.doesNotMatch(inQuiet[0]?.content ?? '', /<@&/, 'no role asked, none mentioned');
    assert.deepEqual(inQuiet[0]?.mention_roles, []);

    const dms = world.discord.dms(reader);
    assert.deepEqual(ids(dms), ['2511.20005', '2511.20007', '2511.20008']);
    assert.equal(dms.length, 1);
    assert.deepEqual(world.discord.dms(closed), []);
    assert.deepEqual(world.discord.dms(mod), []);
  });

  it('pauses the subscriptions of a member who cannot be DMed and tells the server once', async () => {
    const subs = (await bot.app.stores.subscriptions.listByGuild(world.discord.guildId)).filter((s) => s.createdBy === closed);
    assert.equal(subs.length, 1);
    assert.match(subs[0]?.paused?.reason ?? '', /50007/);
    const notices = world.discord.messages(system);
    assert.equal(notices.length, 1);
    assert.match(notices[0]?.content ?? '', new RegExp(`^<@${closed}>, I could not DM you`));
    assert.deepEqual(notices[0]?.mentions.map((u) => u.id), [closed]);
    assert.deepEqual(notices[0]?.mention_roles, []);
    assert.match(await text(subscribe('list', [], closed)), /⏸ cannot DM/);

    // Another matching digest: nothing for the paused member, no second notice; nothing delivered twice.
    writeFileSync(join(world.digestDir, '2025-11-25-arxiv.md'), digestMarkdown('2025-11-25', [{ arxivId: '2511.30001', title: '扩散模型的蒸馏', author: 'Xu' }]));
    await bot.app.runner.run('test');
    await bot.app.runner.run('test');
    assert.equal(world.discord.messages(system).length, 1);
    assert.deepEqual(ids(world.discord.messages(papers)), ['2511.20001', '2511.20002', '2511.20004', '2511.30001']);
    assert.equal(world.discord.dms(reader).length, 1);
    assert.equal(world.discord.messages(quiet).length, 1);
  });

  it('removes subscriptions, offered by autocomplete, and only the owner’s', async () => {
    const record = await world.discord.interact({
      kind: 'autocomplete', name: 'subscribe', channelId: world.discord.channelId, userId: reader,
      options: [{ type: 1, name: 'remove', options: [{ type: 3, name: 'id', value: 'gan', focused: true }] }] as never,
    });
    const choices = (record.initial?.data as { choices: { name: string; value: string }[] }).choices;
    assert.equal(choices.length, 1, JSON.stringify(choices));
    assert.match(choices[0]?.name ?? '', /^GAN · DM · /);
    const id = choices[0]?.value ?? '';
    const others = await world.discord.interact({
      kind: 'autocomplete', name: 'subscribe', channelId: world.discord.channelId, userId: member,
      options: [{ type: 1, name: 'remove', options: [{ type: 3, name: 'id', value: '', focused: true }] }] as never,
    });
    assert.deepEqual((others.initial?.data as { choices: unknown[] }).choices, [], 'nothing of anyone else is offered');
    assert.match(await text(subscribe('remove', [{ type: 3, name: 'id', value: id }], member)), /Manage Channels/);
    assert.match(await text(subscribe('remove', [{ type: 3, name: 'id', value: id }], reader)), /Removed the subscription to \*\*GAN\*\*/);
    assert.match(await text(subscribe('remove', [{ type: 3, name: 'id', value: id }], reader)), /No subscription/);
    assert.doesNotMatch(await text(subscribe('list', [], reader)), /GAN/);
  });

  it('stops at the per-member limit with a clear message', async () => {
    const { subscriptions } = bot.app.stores;
    for (let i = 0; i < 24; i++) {
      await subscriptions.add({ guildId: world.discord.guildId, channelId: null, userId: member, keywords: `limitword${i}`, mentionRoleId: null, createdBy: member });
    }
    assert.match(await text(add('limitword24', member)), /Subscribed you/);
    const refused = await add('limitword25', member);
    assert.match(reply(refused).content, /You already have 25 subscriptions here, the most one member may have\. Remove some with `\/subscribe remove`/);
    assert.match(await text(add('limitword25', member, [], 'zh-CN')), /你在本服务器已有 25 个订阅/);
    for (const sub of await subscriptions.listByUser(member)) await subscriptions.remove(sub.id);
  });

  it('answers in Chinese when the member’s Discord is in Chinese', async () => {
    assert.match(await text(add('扩散模型', member, [{ type: 7, name: 'channel', value: papers }], 'zh-CN')), /你需要 \*\*Manage Channels\*\* 权限/);
    assert.match(await text(add('视频生成', member, [], 'zh-CN')), /已为你订阅 \*\*视频生成\*\*/);
    assert.match(await text(subscribe('list', [], member, 'zh-CN')), /视频生成\*\* → DM/);
    assert.match(await text(subscribe('test', [{ type: 3, name: 'keywords', value: '扩散模型' }], member, 'zh-CN')), /匹配了最近 \d+ 篇论文中的 \d+ 篇/);
    assert.match(await text(subscribe('remove', [{ type: 3, name: 'id', value: 'nope' }], member, 'zh-CN')), /本服务器没有编号为 `nope` 的订阅/);
    assert.match(await text(add('-综述', member, [], 'zh-CN')), /请至少给出一个关键词/);
  });

  it('answers within 3 s while a 3,000-paper digest is being ingested and matched', async (t) => {
    const bulk = rows(3000, 50000, 'bulk').map((r) => ({ ...r, title: `Sparse coding study ${r.arxivId}`, abstract: 'A study of sparse codes.' }));
    writeFileSync(join(world.digestDir, '2025-11-26-arxiv.md'), digestMarkdown('2025-11-26', bulk));
    const runStarted = Date.now();
    let running = true;
    const run = bot.app.runner.run('test').finally(() => {
      running = false;
    });
    const answers: { ms: number; duringRun: boolean }[] = [];
    for (const call of [() => subscribe('list', [], reader), () => add('quantum annealing', reader), () => subscribe('list', [], reader)]) {
      const started = Date.now();
      const record = await call();
      answers.push({ ms: Date.now() - started, duringRun: running });
      assert.deepEqual(record.refused, []);
      assert.ok(reply(record).content.length > 0);
    }
    const report = await run;
    t.diagnostic(`run ${Date.now() - runStarted} ms; answers ${answers.map((a) => `${a.ms} ms${a.duringRun ? ' (during run)' : ''}`).join(', ')}`);
    assert.equal(answers[0]?.duringRun, true, 'the first answer came while the run was still going');
    assert.ok(answers.every((a) => a.ms < 3000), JSON.stringify(answers));
    assert.equal(report.newPapers, 3000);
    assert.equal(world.discord.dms(reader).length, 1, 'the bulk papers matched no subscription');
    assert.deepEqual(world.discord.violations(), []);
  });
});
