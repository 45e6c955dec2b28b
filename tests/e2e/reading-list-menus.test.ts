/**
 * Issue 16 end to end, what tests/e2e/reading-list.test.ts leaves out: the 🔖 menu under subscription posts (in a
 * channel and by DM, where there is no server), `/paper saved list` over several pages (with and without a
 * filter), the CSL-JSON export parsed back, the message when a list is full (and when it fills up in the middle
 * of a multi-paper save), and menus that keep working after the process that posted them is gone. The real bot
 * against the strict local Discord.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Cite } from '@citation-js/core';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIActionRowComponent, APIButtonComponentWithCustomId, APIMessage, APIStringSelectComponent } from 'discord-api-types/v10';
import type { RunningBot } from '../../src/bot.ts';
import type { InteractionRecord } from '../discord/interactions.ts';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { digestMarkdown, type RowInput } from '../helpers/digests.ts';
import { postedIds, reply } from '../helpers/replies.ts';

/** The new digest: two diffusion papers (#subs), two robot papers (the reader's DM), and nine on graphs. */
const NEW: RowInput[] = [
  { arxivId: '2511.50001', title: 'Diffusion Models for Robot Control', author: 'Wei Zhang, Sergey Levine' },
  { arxivId: '2511.50002', title: 'Diffusion Transformers at Scale', author: 'Ada Lovelace' },
  { arxivId: '2511.50003', title: 'Robot Navigation in Crowds', author: 'Alan Turing' },
  ...Array.from({ length: 9 }, (_, i) => ({ arxivId: `2511.5010${i}`, title: `Sparse Graph Kernels, Part ${i + 1}`, author: `Grace Hopper, Author ${i}` })),
];
const SAVED_LIMIT = 1000;

type Component = APIButtonComponentWithCustomId | APIStringSelectComponent;

describe('reading-list menus, paging, CSL-JSON and limits against the local Discord', () => {
  let world: TestWorld;
  let bot: RunningBot;
  let mod: string;
  let reader: string;
  let carol: string;
  let papersChannel: string;
  let subsChannel: string;

  const components = (message: { components?: unknown[] } | undefined): Component[] =>
    ((message?.components ?? []) as APIActionRowComponent<Component>[]).flatMap((row) => row.components);
  const saveMenu = (message: { components?: unknown[] } | undefined): APIStringSelectComponent | undefined =>
    components(message).find((c): c is APIStringSelectComponent => c.type === 3 && c.custom_id.startsWith('v1|paper|save|'));
  const select = (message: APIMessage, values: string[], userId: string, locale?: string) => {
    const menu = saveMenu(message);
    assert.ok(menu, `a save menu under message ${message.id}`);
    return world.discord.interact({ kind: 'select', messageId: message.id, customId: menu.custom_id, values, channelId: message.channel_id, userId, ...(locale ? { locale } : {}) });
  };
  const digestPosts = () => world.discord.messages(papersChannel);
  /** The digest message holding a paper. */
  const postWith = (arxivId: string): APIMessage => {
    const found = digestPosts().find((m) => saveMenu(m)?.options.some((o) => o.value === `arxiv:${arxivId}`));
    assert.ok(found, `a digest post with ${arxivId}`);
    return found;
  };
  const savedList = (who: string, query?: string) =>
    world.discord.interact({
      kind: 'command', name: 'paper', channelId: world.discord.channelId, userId: who,
      options: [{ type: 2, name: 'saved', options: [{ type: 1, name: 'list', options: query ? [{ type: 3, name: 'query', value: query }] : [] }] }] as never,
    });
  const button = (record: InteractionRecord, label: RegExp): APIButtonComponentWithCustomId => {
    const found = components(reply(record)).find((c): c is APIButtonComponentWithCustomId => c.type === 2 && label.test(c.label ?? ''));
    assert.ok(found, `a button ${label} on the reply`);
    return found;
  };
  const press = (record: InteractionRecord, label: RegExp, who: string) =>
    world.discord.interact({ kind: 'button', messageId: record.original!.id, customId: button(record, label).custom_id, channelId: world.discord.channelId, userId: who });
  const titlesOf = (record: InteractionRecord): string[] =>
    [...(reply(record).embeds[0]?.description ?? '').matchAll(/\*\*\d+\.\*\* \[([^\]]+)\]/g)].map((m) => m[1]!.replace(/\\/g, ''));
  const fillList = (userId: string, count: number) =>
    bot.app.stores.saved.restoreList({
      userId,
      items: Array.from({ length: count }, (_, i) => ({ paperId: `arxiv:2401.${String(i).padStart(5, '0')}`, savedAt: '2025-01-01T00:00:00.000Z', guildId: null })),
    });

  before(async () => {
    world = await createWorld();
    const { discord } = world;
    const mods = discord.addRole(discord.guildId, { name: 'mods', permissions: PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ManageGuild });
    mod = discord.addMember(discord.guildId, { username: 'mod', roles: [mods.id] }).user.id;
    reader = discord.addMember(discord.guildId, { username: 'reader' }).user.id;
    carol = discord.addMember(discord.guildId, { username: 'carol' }).user.id;
    papersChannel = discord.addChannel(discord.guildId, { name: 'papers' }).id;
    subsChannel = discord.addChannel(discord.guildId, { name: 'subs' }).id;
    await world.deploy();
    bot = await world.start({ DIGEST_CHANNEL_IDS: papersChannel });
    const subscribe = (keywords: string, who: string, channel?: string) =>
      world.discord.interact({
        kind: 'command', name: 'subscribe', channelId: world.discord.channelId, userId: who,
        options: [{ type: 1, name: 'add', options: [{ type: 3, name: 'keywords', value: keywords }, ...(channel ? [{ type: 7, name: 'channel', value: channel }] : [])] }] as never,
      });
    assert.match(reply(await subscribe('diffusion', mod, subsChannel)).content, /Subscribed <#/);
    assert.match(reply(await subscribe('robot', reader)).content, /Subscribed you/);
    writeFileSync(join(world.digestDir, '2025-11-25-arxiv.md'), digestMarkdown('2025-11-25', NEW));
    const run = await world.discord.interact(
      { kind: 'command', name: 'digest', options: [{ type: 1, name: 'run' }] as never, channelId: world.discord.channelId, userId: mod },
      { timeoutMs: 30_000 },
    );
    await world.discord.waitFor(run, (r) => reply(r).content.length > 0, 30_000);
    assert.match(reply(run).content, /12 new papers/);
  });
  after(async () => {
    await world.close();
  });

  it('puts a 🔖 menu of exactly its papers under a subscription post, in a channel and by DM, and saves from both', async () => {
    const [post, ...more] = world.discord.messages(subsChannel);
    assert.ok(post);
    assert.equal(more.length, 0);
    assert.deepEqual(postedIds([post]).toSorted(), ['2511.50001', '2511.50002']);
    assert.deepEqual(saveMenu(post)?.options.map((o) => o.value), ['arxiv:2511.50001', 'arxiv:2511.50002']);
    const fromChannel = await select(post, ['arxiv:2511.50002'], carol);
    assert.match(reply(fromChannel).content, /Saved — 1 papers in your reading list/);
    assert.ok(reply(fromChannel).flags & 64, 'ephemeral');

    const [dm, ...moreDms] = world.discord.dms(reader);
    assert.ok(dm);
    assert.equal(moreDms.length, 0);
    assert.deepEqual(saveMenu(dm)?.options.map((o) => o.value), ['arxiv:2511.50001', 'arxiv:2511.50003']);
    const fromDm = await select(dm, ['arxiv:2511.50001', 'arxiv:2511.50003'], reader);
    assert.match(reply(fromDm).content, /Saved 2 papers — 2 in your reading list/);
    const items = await bot.app.stores.saved.list(reader);
    assert.deepEqual(items.map((i) => [i.paperId, i.guildId]), [['arxiv:2511.50003', null], ['arxiv:2511.50001', null]], 'saved in a DM: no server gets the count');
    assert.deepEqual(world.discord.violations(), []);
  });

  it('pages through a list longer than a page, keeping the filter, with buttons only its owner may press', async () => {
    // Carol saves the whole digest from its posts' menus (newest saved first: the order is reversed in the list).
    for (const message of digestPosts()) {
      const menu = saveMenu(message);
      if (menu) await select(message, menu.options.map((o) => o.value), carol);
    }
    const items = await bot.app.stores.saved.list(carol);
    assert.equal(items.length, 12);
    const titleOf = new Map(NEW.map((p) => [`arxiv:${p.arxivId}`, p.title]));
    const newestFirst = items.map((i) => titleOf.get(i.paperId)!);

    const first = await savedList(carol);
    assert.deepEqual(titlesOf(first), newestFirst.slice(0, 5));
    assert.match(reply(first).embeds[0]?.footer?.text ?? '', /^Page 1\/3 · 12 papers$/);
    assert.equal(button(first, /Previous/).disabled, true);
    assert.equal(button(first, /Next/).disabled, false);
    assert.match(reply(await press(first, /Next/, reader)).content, /Only the person who ran this command/);

    const second = await press(first, /Next/, carol);
    assert.deepEqual(titlesOf(second), newestFirst.slice(5, 10));
    assert.match(reply(second).embeds[0]?.footer?.text ?? '', /^Page 2\/3 · 12 papers$/);
    assert.match(button(second, /Remove/).label ?? '', /Remove 6/, 'numbering continues across pages');
    const third = await press(second, /Next/, carol);
    assert.deepEqual(titlesOf(third), newestFirst.slice(10));
    assert.equal(button(third, /Next/).disabled, true);
    assert.deepEqual(titlesOf(await press(third, /Previous/, carol)), newestFirst.slice(5, 10));

    const graphs = newestFirst.filter((t) => t.startsWith('Sparse Graph'));
    const filtered = await savedList(carol, 'graph');
    assert.deepEqual(titlesOf(filtered), graphs.slice(0, 5));
    assert.match(reply(filtered).embeds[0]?.footer?.text ?? '', /^Page 1\/2 · 9 papers · filter: graph$/);
    const filtered2 = await press(filtered, /Next/, carol);
    assert.deepEqual(titlesOf(filtered2), graphs.slice(5), 'the next page is of the filtered list');
    assert.deepEqual(world.discord.violations(), []);
  });

  it('exports the list as CSL-JSON that parses back (with the citation library too) with the saved ids, titles and authors', async () => {
    const exported = await world.discord.interact({
      kind: 'command', name: 'paper', channelId: world.discord.channelId, userId: carol,
      options: [{ type: 2, name: 'saved', options: [{ type: 1, name: 'export', options: [{ type: 3, name: 'format', value: 'csl-json' }] }] }] as never,
    });
    assert.match(reply(exported).content, /12 papers as CSL-JSON/);
    const message = [exported.original, ...exported.followups].find((m): m is APIMessage => (m?.attachments?.length ?? 0) > 0);
    assert.ok(message, 'a reply with a file');
    const file = world.discord.attachment(message.attachments[0]!.id);
    assert.ok(file);
    assert.equal(file.filename, 'reading-list.json');
    assert.match(file.contentType ?? '', /json/);
    const items = JSON.parse(file.data.toString('utf8')) as Array<{ id: string; number?: string; title: string; author: Array<{ family?: string; given?: string }> }>;
    const saved = (await bot.app.stores.saved.list(carol)).map((i) => i.paperId);
    assert.deepEqual(items.map((i) => i.id), saved, 'every saved paper, newest first');
    const byId = new Map(items.map((i) => [i.id, i]));
    for (const paper of NEW) {
      const item = byId.get(`arxiv:${paper.arxivId}`);
      assert.equal(item?.title, paper.title);
      assert.equal(item?.number, paper.arxivId);
    }
    assert.deepEqual(byId.get('arxiv:2511.50001')?.author.map((a) => [a.given, a.family]), [['Wei', 'Zhang'], ['Sergey', 'Levine']]);
    const parsed = new Cite(file.data.toString('utf8')).data;
    assert.deepEqual(parsed.map((i) => i.DOI).toSorted(), NEW.map((p) => `10.48550/arXiv.${p.arxivId}`).toSorted());
  });

  it('says the list is full (and saves nothing) at the limit, and says which papers were saved when it fills up midway', async () => {
    const dave = world.discord.addMember(world.discord.guildId, { username: 'dave' }).user.id;
    await fillList(dave, SAVED_LIMIT);
    const post = postWith('2511.50001');
    const full = await select(post, ['arxiv:2511.50001'], dave);
    assert.match(reply(full).content, /^⚠️ Your reading list is full \(1000 papers\)\. Remove some with `\/paper saved list`, or export it/);
    assert.ok(reply(full).flags & 64, 'ephemeral');
    const zh = await select(post, ['arxiv:2511.50001'], dave, 'zh-CN');
    assert.match(reply(zh).content, /你的阅读列表已满（1000 篇）/);
    const items = await bot.app.stores.saved.list(dave);
    assert.equal(items.length, SAVED_LIMIT);
    assert.ok(!items.some((i) => i.paperId === 'arxiv:2511.50001'), 'nothing was added');

    const erin = world.discord.addMember(world.discord.guildId, { username: 'erin' }).user.id;
    await fillList(erin, SAVED_LIMIT - 1);
    const midway = await select(post, ['arxiv:2511.50001', 'arxiv:2511.50002', 'arxiv:2511.50101'], erin);
    assert.match(reply(midway).content, /^⚠️ Saved 1 of the 3 papers — your reading list is now full \(1000 papers\), so 2 were not saved\./);
    assert.equal((await bot.app.stores.saved.list(erin))[0]?.paperId, 'arxiv:2511.50001');
  });

  it('keeps the menus of digest and subscription posts working after the process that posted them is gone', async () => {
    const before = { papers: digestPosts().length, subs: world.discord.messages(subsChannel).length, dms: world.discord.dms(reader).length };
    await bot.stop();
    bot = await world.start({ DIGEST_CHANNEL_IDS: papersChannel });
    const frank = world.discord.addMember(world.discord.guildId, { username: 'frank' }).user.id;

    const fromDigest = await select(postWith('2511.50108'), ['arxiv:2511.50108'], frank);
    assert.match(reply(fromDigest).content, /Saved — 1 papers in your reading list/);
    const fromSubscription = await select(world.discord.messages(subsChannel)[0]!, ['arxiv:2511.50002'], frank);
    assert.match(reply(fromSubscription).content, /Saved — 2 papers in your reading list/);
    const fromDm = await select(world.discord.dms(reader)[0]!, ['arxiv:2511.50003', 'arxiv:2511.50001'], reader);
    assert.match(reply(fromDm).content, /Already in your reading list \(2 papers\)/, 'the list kept in the store is still there');
    assert.deepEqual((await bot.app.stores.saved.list(frank)).map((i) => i.paperId), ['arxiv:2511.50002', 'arxiv:2511.50108']);

    assert.deepEqual(
      { papers: digestPosts().length, subs: world.discord.messages(subsChannel).length, dms: world.discord.dms(reader).length },
      before,
      'the restart posted nothing again',
    );
    assert.deepEqual(world.discord.violations(), []);
  });
});
