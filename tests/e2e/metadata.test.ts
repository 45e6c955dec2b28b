/**
 * Issue 13 end to end: the real bot against the strict local Discord and local arXiv / bioRxiv servers. A
 * Chinese-only digest is posted with English titles and every author; English and second-author searches find its
 * papers; a medRxiv row without a title is posted with its English title; with both APIs down the digest is still
 * posted without waiting for the lookups, and the lookups happen on a later run.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type APIStringSelectComponent, type APIActionRowComponent } from 'discord-api-types/v10';
import type { RunningBot } from '../../src/bot.ts';
import { validateMessage } from '../../src/discord/limits.ts';
import type { InteractionRecord } from '../discord/interactions.ts';
import type { TestWorld } from '../helpers/bot.ts';
import { reply } from '../helpers/replies.ts';
import { CHINESE_ARXIV_DIGEST, TITLELESS_MEDRXIV_DIGEST } from '../metadata/digests.ts';
import { ARXIV_SAMPLES } from '../metadata/servers.ts';
import { metadataWorld, type MetadataWorld } from '../metadata/world.ts';

const LATER_DIGEST = `# 2025-11-24 每日论文

## arXiv

| 标题 | 作者 | 发布日期 | PDF链接 | 摘要 |
|------|------|----------|--------|------|
| 稍后查询的论文 | Ada Later | 2025-11-24 | [PDF](https://arxiv.org/pdf/2511.30001v1) | 这篇论文在服务恢复后才被查询。 |
`;

describe('metadata lookups end to end', () => {
  let fakes: MetadataWorld;
  let world: TestWorld;
  let bot: RunningBot;
  let arxiv: MetadataWorld['arxiv'];
  let biorxiv: MetadataWorld['biorxiv'];
  let admin: string;
  let channel: string;

  const search = (query: string) =>
    world.discord.interact({
      kind: 'command', name: 'paper', options: [{ type: 1, name: 'search', options: [{ type: 3, name: 'query', value: query }] }] as never,
      channelId: world.discord.channelId, userId: admin,
    });
  const pageIds = (record: InteractionRecord): string[] =>
    (reply(record).components as APIActionRowComponent<APIStringSelectComponent>[]).flatMap((row) => row.components).find((c) => c.type === 3)?.options.map((o) => o.value) ?? [];
  const run = async () => {
    const record = await world.discord.interact(
      { kind: 'command', name: 'digest', options: [{ type: 1, name: 'run' }], channelId: world.discord.channelId, userId: admin },
      { timeoutMs: 30_000 },
    );
    return world.discord.waitFor(record, (r) => reply(r).content.length > 0, 30_000);
  };

  before(async () => {
    fakes = await metadataWorld([...ARXIV_SAMPLES, { ...ARXIV_SAMPLES[1]!, id: '2511.30001', title: 'A Paper Looked Up Later', authors: ['Ada Later', 'Bo Second'] }]);
    ({ world, arxiv, biorxiv, admin } = fakes);
    const { discord } = world;
    channel = discord.addChannel(discord.guildId, { name: 'papers' }).id;
    writeFileSync(join(world.digestDir, '2025-11-23-arxiv.md'), CHINESE_ARXIV_DIGEST);
    writeFileSync(join(world.digestDir, '2025-11-23-medrxiv.md'), TITLELESS_MEDRXIV_DIGEST);
    await world.deploy();
    bot = await world.start({ DIGEST_CHANNEL_IDS: channel });
  });
  after(async () => {
    await fakes.close();
  });

  it('posts the Chinese-only digest with English titles and several authors, and the untitled medRxiv row with its English title', () => {
    const embeds = world.discord.messages(channel).flatMap((m) => m.embeds);
    for (const m of world.discord.messages(channel)) {
      assert.deepEqual(validateMessage({ content: m.content, embeds: m.embeds, allowed_mentions: { parse: [] } }), []);
    }
    const robot = embeds.find((e) => e.title === '用于灵巧机器人操作的扩散策略');
    assert.ok(robot, 'the Chinese title is shown first');
    assert.equal(robot.fields?.[0]?.value, 'Diffusion Policies for Dexterous Robot Manipulation');
    assert.equal(robot.author?.name, 'Wei Zhang, Maria Loconsole, Sergey Levine');
    assert.match(robot.footer?.text ?? '', /cs\.RO/);
    assert.ok(embeds.some((e) => e.title === 'Plasma biomarkers predict Alzheimer disease progression'), 'medRxiv row posted with its English title');
    assert.match(arxiv.seen[0]?.userAgent ?? '', /^arxiv-digest-bot\//);
  });

  it('an English /paper search and an author: search for a second author find the papers', async () => {
    assert.equal(pageIds(await search('dexterous manipulation'))[0], 'arxiv:2511.16674');
    assert.deepEqual(pageIds(await search('author:"Maria Loconsole"')), ['arxiv:2511.16674']);
    assert.deepEqual(pageIds(await search('author:"Smith, J."')), ['doi:10.1101/2025.06.01.25328811']);
    assert.deepEqual(pageIds(await search('cat:cs.CL')), ['arxiv:2511.20001']);
  });

  it('with both APIs down the digest is still posted without waiting for the lookups; the lookups happen on a later run', async () => {
    arxiv.always = '503';
    biorxiv.always = '503';
    // Requests are received but held unanswered: a run that waited for any lookup answer could not post at all.
    arxiv.holding = true;
    biorxiv.holding = true;
    const asked = arxiv.seen.length;
    const answered = arxiv.answered + biorxiv.answered;
    writeFileSync(join(world.digestDir, '2025-11-24-arxiv.md'), LATER_DIGEST);
    const before = world.discord.messages(channel).length;
    const record = await run();
    assert.match(reply(record).content, /1 new papers/);
    const posted = world.discord.messages(channel).slice(before).flatMap((m) => m.embeds);
    assert.equal(posted[0]?.title, '稍后查询的论文');
    assert.ok(
      arxiv.seen.slice(asked).some((s) => `${s.url} ${s.body}`.includes('2511.30001')),
      'the run asked arXiv for its new paper before posting',
    );
    assert.equal(arxiv.answered + biorxiv.answered, answered, 'posted while no lookup had been answered');
    assert.equal((await bot.app.stores.papers.get('arxiv:2511.30001'))?.meta, undefined, 'not looked up while the APIs are down');
    // The held requests now get their 503s.
    arxiv.release();
    biorxiv.release();

    arxiv.always = 'ok';
    biorxiv.always = 'ok';
    // Let the background pass of the down run give up, then a later run resumes the lookups.
    const deadline = Date.now() + 25_000;
    let paper = await bot.app.stores.papers.get('arxiv:2511.30001');
    while (!paper?.meta && Date.now() < deadline) {
      await run();
      await new Promise((r) => setTimeout(r, 1000));
      paper = await bot.app.stores.papers.get('arxiv:2511.30001');
    }
    assert.equal(paper?.titleOriginal, 'A Paper Looked Up Later');
    assert.deepEqual(paper?.authors, ['Ada Later', 'Bo Second']);
    // The store is written before the search index follows it: wait (bounded) for the index to catch up.
    let found = pageIds(await search('author:"Bo Second"'));
    while (found.length === 0 && Date.now() < deadline + 10_000) {
      await new Promise((r) => setTimeout(r, 200));
      found = pageIds(await search('author:"Bo Second"'));
    }
    assert.deepEqual(found, ['arxiv:2511.30001']);
    // Status shows the back-fill's progress.
    const status = await world.discord.interact({
      kind: 'command', name: 'digest', options: [{ type: 1, name: 'status' }], channelId: world.discord.channelId, userId: admin,
    });
    const field = reply(status).embeds[0]?.fields?.find((f) => f.name === 'arXiv / bioRxiv metadata');
    assert.match(field?.value ?? '', /of 6 papers looked up/);
  });
});
