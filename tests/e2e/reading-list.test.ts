/**
 * Issue 16 end to end, the reading list: saving from a posted digest, from search results and from `/paper show`;
 * `/paper saved list` with remove and paging; `saved export` and `cite` as files that parse back with the same
 * citation library; `saved clear` behind a confirmation; owner-only buttons; zh-CN. The real bot against the
 * strict local Discord, which validates the multipart uploads like Discord.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-ris';
import type { APIActionRowComponent, APIButtonComponentWithCustomId, APIMessage, APIStringSelectComponent } from 'discord-api-types/v10';
import type { RunningBot } from '../../src/bot.ts';
import type { InteractionRecord } from '../discord/interactions.ts';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { digestMarkdown, type RowInput } from '../helpers/digests.ts';
import { reply } from '../helpers/replies.ts';

const PAPERS: RowInput[] = [
  { arxivId: '2511.30001', title: 'Diffusion Policies for Robot Manipulation', author: 'Wei Zhang, Sergey Levine' },
  { arxivId: '2511.30002', title: '基于图神经网络的分子生成', author: 'Li Hua' },
  { arxivId: '2511.30003', title: 'Scaling Laws for Retrieval', author: 'Ada Lovelace' },
  { arxivId: '2511.30004', title: 'Protein Folding with Language Models', author: 'Alan Turing' },
  { arxivId: '2511.30005', title: 'Sparse Mixture of Experts at Scale', author: 'Grace Hopper' },
  { arxivId: '2511.30006', title: 'Diffusion Models for Weather', author: 'Emmy Noether' },
];

 /** An older digest (outside a 7-day window) whose robot papers bob saves, and a recent one with two more. */
const OLDER: RowInput[] = [
  { arxivId: '2511.31001', title: 'Robot Grasping with Tactile Sensing', author: 'Ann Lee' },
  { arxivId: '2511.31002', title: 'Dexterous Robot Manipulation from Video', author: 'Ben Ko' },
  { arxivId: '2511.31003', title: 'Learning Robot Manipulation Policies', author: 'Cy Do' },
];
const RECENT: RowInput[] = [
  { arxivId: '2511.32001', title: 'Robot Manipulation with Language Models', author: 'Di Wu' },
  { arxivId: '2511.32002', title: 'Galaxy Cluster Dynamics', author: 'Ed Fu' },
  { arxivId: '2511.32003', title: 'Tactile Robot Grasping in Clutter', author: 'Flo Ma' },
  { arxivId: '2511.32004', title: 'Protein Structure Prediction', author: 'Gus Ye' },
];

type Row = APIActionRowComponent<APIButtonComponentWithCustomId | APIStringSelectComponent>;

describe('reading lists against the local Discord', () => {
  let world: TestWorld;
  let bot: RunningBot;
  let papersChannel: string;
  let alice: string;
  let bob: string;

  const components = (message: { components?: unknown[] } | undefined): Array<APIButtonComponentWithCustomId | APIStringSelectComponent> =>
    ((message?.components ?? []) as Row[]).flatMap((row) => row.components);
  const saveMenu = (message: { components?: unknown[] }): APIStringSelectComponent | undefined =>
    components(message).find((c): c is APIStringSelectComponent => c.type === 3 && c.custom_id.startsWith('v1|paper|save|'));
  const command = (options: unknown[], who = alice, locale?: string) =>
    world.discord.interact({ kind: 'command', name: 'paper', options: options as never, channelId: world.discord.channelId, userId: who, ...(locale ? { locale } : {}) });
  const saved = (sub: string, options: unknown[] = [], who = alice) => command([{ type: 2, name: 'saved', options: [{ type: 1, name: sub, options }] }], who);
  const button = (record: InteractionRecord, label: RegExp): APIButtonComponentWithCustomId => {
    const found = components(reply(record)).find((c): c is APIButtonComponentWithCustomId => c.type === 2 && label.test(c.label ?? ''));
    assert.ok(found, `a button ${label} on ${JSON.stringify(reply(record).content)}`);
    return found;
  };
  const press = (record: InteractionRecord, label: RegExp, who = alice, locale?: string) =>
    world.discord.interact({
      kind: 'button', messageId: record.original!.id, customId: button(record, label).custom_id, channelId: world.discord.channelId, userId: who,
      ...(locale ? { locale } : {}),
    });
  /** The file attached to a reply (the reply itself or its follow-up), parsed back as text. */
  const attached = (record: InteractionRecord): { name: string; text: string } => {
    const message = [record.original, ...record.followups].find((m): m is APIMessage => (m?.attachments?.length ?? 0) > 0);
    assert.ok(message, 'a reply with a file');
    const file = world.discord.attachment(message.attachments[0]!.id);
    assert.ok(file);
    return { name: file.filename, text: file.data.toString('utf8') };
  };

  before(async () => {
    world = await createWorld();
    const { discord } = world;
    papersChannel = discord.addChannel(discord.guildId, { name: 'papers' }).id;
    alice = discord.addMember(discord.guildId, { username: 'alice' }).user.id;
    bob = discord.addMember(discord.guildId, { username: 'bob' }).user.id;
    writeFileSync(join(world.digestDir, '2025-11-25-arxiv.md'), digestMarkdown('2025-11-25', PAPERS));
    writeFileSync(join(world.digestDir, '2025-11-10-arxiv.md'), digestMarkdown('2025-11-10', OLDER));
    writeFileSync(join(world.digestDir, '2025-11-26-arxiv.md'), digestMarkdown('2025-11-26', RECENT));
    await world.deploy();
    // The bot's clock sits just after the digests, so "the last 7 days" means something in this archive.
    bot = await world.start({ DIGEST_CHANNEL_IDS: papersChannel }, { now: () => new Date('2025-11-27T12:00:00Z') });
  });
  after(async () => {
    await world.close();
  });

  it('posts each digest message with a 🔖 menu of exactly its papers, and saving from it answers privately', async () => {
    const posted = world.discord.messages(papersChannel).find((m) => saveMenu(m)?.options.some((o) => o.value === 'arxiv:2511.30001'));
    assert.ok(posted, 'the digest was posted');
    const menu = saveMenu(posted);
    assert.ok(menu, 'a save menu under the digest');
    assert.deepEqual(menu.options.map((o) => o.value), PAPERS.map((p) => `arxiv:${p.arxivId}`));
    const record = await world.discord.interact({ kind: 'select', messageId: posted.id, customId: menu.custom_id, values: ['arxiv:2511.30001', 'arxiv:2511.30002'], channelId: papersChannel, userId: alice });
    assert.match(reply(record).content, /Saved 2 papers — 2 in your reading list/);
    assert.ok(reply(record).flags & 64, 'ephemeral');
    const count = world.discord.messages(papersChannel).length;
    const again = await world.discord.interact({ kind: 'select', messageId: posted.id, customId: menu.custom_id, values: ['arxiv:2511.30001'], channelId: papersChannel, userId: alice });
    assert.match(reply(again).content, /Already in your reading list \(2 papers\)/);
    assert.equal(world.discord.messages(papersChannel).length, count, 'nothing posted in the channel');
  });

  it('saves from search results and from /paper show, in the user\'s language', async () => {
    const results = await command([{ type: 1, name: 'search', options: [{ type: 3, name: 'query', value: 'scaling retrieval' }] }]);
    const menu = saveMenu(reply(results));
    assert.ok(menu, 'search results carry a save menu');
    assert.ok(menu.options.some((o) => o.value === 'arxiv:2511.30003'));
    const fromSearch = await world.discord.interact({ kind: 'select', messageId: results.original!.id, customId: menu.custom_id, values: ['arxiv:2511.30003'], channelId: world.discord.channelId, userId: alice });
    assert.match(reply(fromSearch).content, /Saved — 3 papers/);

    const shown = await command([{ type: 1, name: 'show', options: [{ type: 3, name: 'id', value: '2511.30004' }] }], alice, 'zh-CN');
    const fromShow = await press(shown, /收藏/, alice, 'zh-CN');
    assert.match(reply(fromShow).content, /已收藏——阅读列表中共有 4 篇论文/);
  });

  it('lists the reading list newest first, filters it with the query syntax, and removes with a button (owner only)', async () => {
    const list = await saved('list');
    const text = reply(list).embeds[0]?.description ?? '';
    const order = ['Protein Folding', 'Scaling Laws', '分子生成', 'Diffusion Policies'].map((t) => text.indexOf(t));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), `newest first: ${text}`);
    assert.match(reply(list).embeds[0]?.footer?.text ?? '', /4 papers/);

    const filtered = await saved('list', [{ type: 3, name: 'query', value: 'diffusion' }]);
    assert.match(reply(filtered).embeds[0]?.description ?? '', /Diffusion Policies/);
    assert.doesNotMatch(reply(filtered).embeds[0]?.description ?? '', /Protein/);

    const refused = await press(list, /Remove 1/, bob);
    assert.match(reply(refused).content, /Only the person who ran this command/);
    const removed = await press(list, /Remove 1/);
    assert.doesNotMatch(reply(removed).embeds[0]?.description ?? '', /Protein Folding/);
    assert.deepEqual((await bot.app.stores.saved.list(alice)).map((i) => i.paperId), ['arxiv:2511.30003', 'arxiv:2511.30002', 'arxiv:2511.30001']);
  });

  it('exports the list as BibTeX that parses back with the right ids and authors, and cites one paper as RIS', async () => {
    const exported = await saved('export', [{ type: 3, name: 'format', value: 'bibtex' }]);
    const file = attached(exported);
    assert.equal(file.name, 'reading-list.bib');
    const items = new Cite(file.text).data;
    assert.deepEqual(items.map((i) => i.DOI).sort(), ['10.48550/arXiv.2511.30001', '10.48550/arXiv.2511.30002', '10.48550/arXiv.2511.30003']);
    const first = items.find((i) => i.DOI === '10.48550/arXiv.2511.30001');
    assert.deepEqual((first?.author as Array<{ family: string }>).map((a) => a.family), ['Zhang', 'Levine']);

    const cited = await command([{ type: 1, name: 'cite', options: [{ type: 3, name: 'id', value: 'arxiv:2511.30005' }, { type: 3, name: 'format', value: 'ris' }] }]);
    const ris = attached(cited);
    assert.equal(ris.name, '2511.30005.ris');
    assert.match(reply(cited).content, /TI {2}- Sparse Mixture of Experts at Scale/, 'a short citation is shown inline too');
    assert.equal(new Cite(ris.text).data[0]?.DOI, '10.48550/arXiv.2511.30005');
    assert.deepEqual(world.discord.violations(), []);
  });

  it('recommends recent papers on the topic of what was saved, saying why, and says how to start with nothing saved', async () => {
    const empty = await command([{ type: 1, name: 'recommend' }], bob);
    assert.match(reply(empty).content, /reading list, which is empty/);
    for (const p of OLDER) await bot.app.stores.saved.save({ userId: bob, paperId: `arxiv:${p.arxivId}`, guildId: world.discord.guildId, limit: 100 });
    const record = await command([{ type: 1, name: 'recommend', options: [{ type: 4, name: 'days', value: 7 }] }], bob);
    const text = reply(record).embeds[0]?.description ?? '';
    assert.match(text, /Robot Manipulation with Language Models/);
    assert.match(text, /Tactile Robot Grasping in Clutter/);
    assert.doesNotMatch(text, /Galaxy|Protein/, 'other topics are not recommended');
    assert.doesNotMatch(text, /Dexterous|Learning Robot Manipulation Policies/, 'saved papers (and older digests) are not');
    assert.match(text, /similar in: .*robot/);
    assert.match(text, /Diffusion Policies for Robot Manipulation/, 'a 7-day window reaches the 2025-11-25 digest');
    // The bot's clock is 2025-11-27 12:00 UTC: the last day starts at 2025-11-26, so the 11-26 digest is in and
    // the 11-25 one (two days old) is out.
    const narrow = await command([{ type: 1, name: 'recommend', options: [{ type: 4, name: 'days', value: 1 }] }], bob);
    assert.match(reply(narrow).embeds[0]?.title ?? '', /last 1 days/);
    const lastDay = reply(narrow).embeds[0]?.description ?? '';
    assert.match(lastDay, /Robot Manipulation with Language Models/);
    assert.match(lastDay, /Tactile Robot Grasping in Clutter/);
    assert.doesNotMatch(lastDay, /Diffusion Policies for Robot Manipulation/, 'older than the last day');
  });

  it('clears the list only after confirmation, and leaves other people\'s lists alone', async () => {
    await bot.app.stores.saved.save({ userId: bob, paperId: 'arxiv:2511.30006', guildId: world.discord.guildId, limit: 10 });
    const bobs = (await bot.app.stores.saved.list(bob)).length;
    const ask = await saved('clear');
    assert.match(reply(ask).content, /Delete your whole reading list \(3 papers\)/);
    const keep = await press(ask, /Keep it/);
    assert.match(reply(keep).content, /Nothing was deleted/);
    assert.equal((await bot.app.stores.saved.list(alice)).length, 3);
    const ask2 = await saved('clear');
    const done = await press(ask2, /Delete my list/);
    assert.match(reply(done).content, /reading list is deleted \(3 papers\)/);
    assert.deepEqual(await bot.app.stores.saved.list(alice), []);
    assert.equal((await bot.app.stores.saved.list(bob)).length, bobs);
    assert.match(reply(await saved('list')).embeds[0]?.description ?? '', /reading list is empty/);
    assert.deepEqual(world.discord.violations(), []);
  });
});
