/**
 * Issue 6 end to end, `/paper`: search (Chinese and English, paging, query syntax, public results, opening a
 * paper), show (by arXiv id, link, DOI, with autocomplete over titles), latest, both languages, and answers inside
 * Discord's 3 s window while a large digest is being ingested. The real bot against the strict local Discord.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MessageFlags, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIStringSelectComponent } from 'discord-api-types/v10';
import type { RunningBot } from '../../src/bot.ts';
import type { InteractionRecord } from '../discord/interactions.ts';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { digestMarkdown, rows, type RowInput } from '../helpers/digests.ts';
import { reply } from '../helpers/replies.ts';

/** Twelve Chinese papers (三页), all about 扩散模型, on 2025-11-20. */
const CHINESE = rows(12, 10000);
/** English papers on 2025-11-24, plus one Chinese one so a date filter can tell the days apart. */
const ENGLISH: RowInput[] = [
  { arxivId: '2511.20001', title: 'Diffusion Transformers for Video Generation', author: 'Alice Zhang, Wei Chen' },
  { arxivId: '2511.20002', title: 'Graph Neural Networks at Web Scale', author: 'Jure Leskovec' },
  { arxivId: '2511.20003', title: 'A Survey of Diffusion Models', author: 'Bob Li' },
  { arxivId: '2511.20004', title: 'Organ Segmentation with Deep Networks', author: 'Carol Wu' },
  { arxivId: '2511.20005', title: 'Latent Diffusion for Protein Design', author: 'Dan Kim' },
  { arxivId: '2511.20006', title: 'Consistency Distillation of Diffusion Policies', author: 'Eve Park' },
  { arxivId: '2511.20007', title: 'Neural Graph Diffusion on Molecules', author: 'Fay Ng' },
  { arxivId: '2511.20008', title: 'Score-based Diffusion Priors for Inverse Problems', author: 'Gil Ho' },
  { arxivId: '2511.20009', title: '基于扩散模型的视频生成方法', author: 'Han Liu', abstract: '我们提出一种视频扩散模型。' },
];
const DOI = '10.1101/2025.11.20.612345';

describe('/paper against the local Discord', () => {
  let world: TestWorld;
  let bot: RunningBot;
  let alice: string;
  let bob: string;

  const command = (sub: string, options: { type: number; name: string; value: unknown; focused?: boolean }[] = [], who = alice, locale?: string) =>
    world.discord.interact({
      kind: 'command', name: 'paper', options: [{ type: 1, name: sub, options }] as never, channelId: world.discord.channelId, userId: who,
      ...(locale ? { locale } : {}),
    });
  const search = (query: string, extra: { type: number; name: string; value: unknown }[] = [], who = alice, locale?: string) =>
    command('search', [{ type: 3, name: 'query', value: query }, ...extra], who, locale);
  /** Ids listed on a results page, read from the select menu (one option per hit). */
  const pageIds = (record: InteractionRecord): string[] => select(record)?.options.map((o) => o.value) ?? [];
  const buttons = (record: InteractionRecord): APIButtonComponentWithCustomId[] =>
    (reply(record).components as APIActionRowComponent<APIButtonComponentWithCustomId>[]).flatMap((row) => row.components).filter((c) => c.type === 2);
  const select = (record: InteractionRecord): APIStringSelectComponent | undefined =>
    (reply(record).components as APIActionRowComponent<APIStringSelectComponent>[]).flatMap((row) => row.components).find((c) => c.type === 3);
  const footer = (record: InteractionRecord): string => reply(record).embeds[0]?.footer?.text ?? '';
  /** Presses a button of a results message (ephemeral or not) as `who`. */
  const press = (record: InteractionRecord, label: string, who = alice, locale?: string) => {
    const button = buttons(record).find((b) => b.label === label);
    assert.ok(button, `a ${label} button`);
    const messageId = record.original?.id;
    assert.ok(messageId, 'the reply message has an id');
    return world.discord.interact({ kind: 'button', messageId, customId: button.custom_id, channelId: world.discord.channelId, userId: who, ...(locale ? { locale } : {}) });
  };

  before(async () => {
    world = await createWorld();
    const { discord } = world;
    alice = discord.addMember(discord.guildId, { username: 'alice' }).user.id;
    bob = discord.addMember(discord.guildId, { username: 'bob' }).user.id;
    writeFileSync(join(world.digestDir, '2025-11-20-arxiv.md'), digestMarkdown('2025-11-20', CHINESE));
    writeFileSync(join(world.digestDir, '2025-11-24-arxiv.md'), digestMarkdown('2025-11-24', ENGLISH));
    writeFileSync(
      join(world.digestDir, '2025-11-21-biorxiv.md'),
      [
        '# biorxiv 2025-11-21', '', '| 标题 | 作者 | PDF链接 |  摘要 |', '|------|------|--------|------|',
        `| 单细胞测序揭示的肠道免疫图谱 | Ivy Sun | [PDF](https://www.biorxiv.org/content/${DOI}v1.full.pdf) | 我们绘制了肠道免疫细胞图谱。 |`, '',
      ].join('\n'),
    );
    await world.deploy();
    bot = await world.start();
    assert.equal(await bot.app.stores.papers.count(), CHINESE.length + ENGLISH.length + 1, 'start-up run ingested the three files');
  });
  after(async () => {
    await world.close();
  });

  it('searches in Chinese, privately, and pages with Next then Previous', async () => {
    const first = await search('扩散模型');
    assert.deepEqual(first.refused, []);
    assert.equal(reply(first).flags & MessageFlags.Ephemeral, MessageFlags.Ephemeral, 'ephemeral by default');
    assert.match(reply(first).embeds[0]?.title ?? '', /扩散模型/);
    // 13 papers say 扩散模型; "A Survey of Diffusion Models" is reached through the term table (term-table.ts).
    assert.match(footer(first), /^Page 1\/3 · 14 results/);
    assert.match(reply(first).embeds[0]?.description ?? '', /\*\*扩散模型\*\*/, 'matched words in bold');
    assert.deepEqual(buttons(first).map((b) => [b.label, b.disabled]), [['Previous', true], ['Next', false]]);
    const page1 = pageIds(first);
    assert.equal(page1.length, 5);
    assert.ok(world.discord.messages(world.discord.channelId).every((m) => m.id !== first.original?.id), 'not posted in the channel');

    const next = await press(first, 'Next');
    assert.equal(next.initial?.type, 7, 'the page is updated in place');
    assert.match(footer(next), /^Page 2\/3/);
    const page2 = pageIds(next);
    assert.equal(page2.length, 5);
    assert.equal(page2.filter((id) => page1.includes(id)).length, 0, 'page 2 shows other papers');
    assert.deepEqual(buttons(next).map((b) => b.disabled), [false, false]);

    const back = await press(next, 'Previous');
    assert.match(footer(back), /^Page 1\/3/);
    assert.deepEqual(pageIds(back), page1);
  });

  it('refuses the buttons of a private result to anyone else, and leaves the page alone', async () => {
    const mine = await search('扩散模型');
    const theirs = await press(mine, 'Next', bob);
    assert.equal(theirs.initial?.type, 4, 'a separate reply, not an update');
    assert.match(reply(theirs).content, /Only the person who ran this command/);
    assert.equal(reply(theirs).flags & MessageFlags.Ephemeral, MessageFlags.Ephemeral);
    assert.match(footer(mine), /^Page 1\/3/);
  });

  it('searches in English with paging, and the menu opens a paper', async () => {
    const first = await search('Diffusion');
    // The 6 papers holding the word, then, through the term table, the 13 written in Chinese only (扩散).
    assert.match(footer(first), /^Page 1\/4 · 19 results/);
    const ids = pageIds(first);
    const next = await press(first, 'Next');
    assert.match(footer(next), /^Page 2\/4/);
    const all = [...ids, ...pageIds(next)];
    assert.deepEqual(
      all.slice(0, 6).toSorted(),
      ['2511.20001', '2511.20003', '2511.20005', '2511.20006', '2511.20007', '2511.20008'].map((id) => `arxiv:${id}`),
      'the word as typed ranks above its translation',
    );
    const last = await press(await press(next, 'Next'), 'Next');
    assert.match(footer(last), /^Page 4\/4/);
    assert.deepEqual(buttons(last).map((b) => b.disabled), [false, true], 'Next is disabled on the last page');

    const menu = select(next);
    assert.ok(menu);
    const opened = await world.discord.interact({
      kind: 'select', messageId: next.original?.id ?? '', customId: menu.custom_id, values: [pageIds(next)[0] ?? ''], channelId: world.discord.channelId, userId: alice,
    });
    const embed = reply(opened).embeds[0];
    assert.equal(reply(opened).flags & MessageFlags.Ephemeral, MessageFlags.Ephemeral);
    assert.equal(embed?.url?.replace(/v\d+$/, ''), `https://arxiv.org/abs/${(pageIds(next)[0] ?? '').replace('arxiv:', '')}`);
  });

  it('lists the papers closest to one, by /paper related and by the Related button of /paper show, in both languages', async () => {
    const diffusion = ['2511.20003', '2511.20005', '2511.20006', '2511.20007', '2511.20008'].map((id) => `arxiv:${id}`);
    const rel = await command('related', [{ type: 3, name: 'id', value: '2511.20001' }]);
    assert.equal(reply(rel).flags & MessageFlags.Ephemeral, MessageFlags.Ephemeral);
    assert.match(reply(rel).embeds[0]?.title ?? '', /^Papers related to “Diffusion Transformers for Video Generation”/);
    assert.deepEqual(pageIds(rel).toSorted(), diffusion, 'the other diffusion papers, never the paper itself or unrelated ones');

    const shown = await command('show', [{ type: 3, name: 'id', value: 'arxiv:2511.20001' }]);
    const viaButton = await press(shown, 'Related');
    assert.equal(reply(viaButton).flags & MessageFlags.Ephemeral, MessageFlags.Ephemeral);
    assert.deepEqual(pageIds(viaButton), pageIds(rel), 'the button lists the same papers');

    const zh = await command('related', [{ type: 3, name: 'id', value: '2511.20001' }], alice, 'zh-CN');
    assert.match(reply(zh).embeds[0]?.title ?? '', /^与“Diffusion Transformers for Video Generation”相关的论文/);
    const zhShown = await command('show', [{ type: 3, name: 'id', value: '2511.20001' }], alice, 'zh-CN');
    assert.ok(buttons(zhShown).some((b) => b.label === '相关论文'), 'the button is localised');

    const missing = await command('related', [{ type: 3, name: 'id', value: '2511.99999' }]);
    assert.match(reply(missing).content, /No paper “2511\.99999” in the archive/);
  });

  it('posts public results in the channel, where anyone may page', async () => {
    const record = await search('diffusion', [{ type: 5, name: 'public', value: true }]);
    assert.equal(reply(record).flags & MessageFlags.Ephemeral, 0);
    const posted = world.discord.messages(world.discord.channelId).find((m) => m.id === record.original?.id);
    assert.ok(posted, 'the results are a channel message');
    const paged = await press(record, 'Next', bob);
    assert.equal(paged.initial?.type, 7);
    assert.match(world.discord.messages(world.discord.channelId).find((m) => m.id === record.original?.id)?.embeds[0]?.footer?.text ?? '', /^Page 2\/4/);
  });

  it('says when nothing matches and suggests a broader query', async () => {
    const record = await search('zebrafish chromodynamics');
    assert.match(reply(record).embeds[0]?.description ?? '', /No papers match “zebrafish chromodynamics”\. Try fewer or broader words/);
    assert.deepEqual(reply(record).components, [], 'no buttons on an empty result');
    assert.match(reply(record).embeds[0]?.description ?? '', /No paper in the archive contains “zebrafish”, “chromodynamics”\./, 'says which words matched nothing');
    const typo = await search('grah');
    assert.match(reply(typo).embeds[0]?.description ?? '', /Did you mean “graph”\?/, 'offers the spelling the archive knows');
    const zh = await search('grah', [], alice, 'zh-CN');
    assert.match(reply(zh).embeds[0]?.description ?? '', /您是不是要找 “graph”？/);
    // No English title says "benchmark", the Chinese abstracts say 基准: the help names the term (term-table.ts).
    const other = await search('benchmark from:2030-01-01');
    assert.match(reply(other).embeds[0]?.description ?? '', /No paper in the archive contains “benchmark”\./);
    assert.match(reply(other).embeds[0]?.description ?? '', /In the archive’s bilingual titles: “benchmark” → “基准”/);
    const otherZh = await search('benchmark from:2030-01-01', [], alice, 'zh-CN');
    assert.match(reply(otherZh).embeds[0]?.description ?? '', /存档的双语标题中对应的词：“benchmark” → “基准”/);
  });

  it('understands phrases, exclusions, author: and from:, as text or as options', async () => {
    const ids = async (query: string, extra: { type: number; name: string; value: unknown }[] = []) => {
      const record = await search(query, extra);
      assert.deepEqual(record.refused, []);
      return pageIds(record).toSorted();
    };
    assert.deepEqual(await ids('"graph neural"'), ['arxiv:2511.20002'], 'the phrase, not "Neural Graph"');
    assert.ok((await ids('graph neural')).includes('arxiv:2511.20007'), 'without quotes both orders match');
    assert.ok(!(await ids('diffusion -survey')).includes('arxiv:2511.20003'));
    assert.ok((await ids('diffusion')).includes('arxiv:2511.20003'));
    assert.deepEqual(await ids('graph author:Leskovec'), ['arxiv:2511.20002']);
    assert.deepEqual(await ids('graph', [{ type: 3, name: 'author', value: 'Leskovec' }]), ['arxiv:2511.20002']);
    // From the 24th: the Chinese paper, and "A Survey of Diffusion Models" through the term table.
    assert.deepEqual(await ids('扩散模型 from:2025-11-22'), ['arxiv:2511.20003', 'arxiv:2511.20009']);
    assert.deepEqual(await ids('扩散模型', [{ type: 3, name: 'from', value: '2025-11-22' }]), ['arxiv:2511.20003', 'arxiv:2511.20009']);
    assert.equal((await ids('扩散模型', [{ type: 3, name: 'to', value: '2025-11-21' }])).length, 5, 'only the 12 papers of the 20th (first page)');
    assert.deepEqual(await ids('GAN'), [], 'GAN is not a piece of "Organ"');
  });

  it('refuses a bad date option with a clear error', async () => {
    for (const value of ['2025-13-45', 'yesterday']) {
      const record = await search('diffusion', [{ type: 3, name: 'from', value }]);
      assert.match(reply(record).content, new RegExp(`“${value}” is not a date.*YYYY-MM-DD`), value);
      assert.equal(reply(record).flags & MessageFlags.Ephemeral, MessageFlags.Ephemeral);
    }
  });

  it('autocompletes /paper show with titles, quickly', async () => {
    const complete = async (typed: string) => {
      const started = Date.now();
      const record = await world.discord.interact({
        kind: 'autocomplete', name: 'paper', channelId: world.discord.channelId, userId: alice,
        options: [{ type: 1, name: 'show', options: [{ type: 3, name: 'id', value: typed, focused: true }] }] as never,
      });
      assert.ok(Date.now() - started < 3000);
      assert.equal(record.initial?.type, 8);
      return (record.initial?.data as { choices: { name: string; value: string }[] }).choices;
    };
    const choices = await complete('graph neu');
    assert.equal(choices[0]?.value, 'arxiv:2511.20002');
    assert.match(choices[0]?.name ?? '', /^Graph Neural Networks at Web Scale/);
    const chinese = await complete('视频生成');
    assert.ok(chinese.some((c) => c.value === 'arxiv:2511.20009'), JSON.stringify(chinese));
    const newest = await complete('');
    assert.ok(newest.length > 0 && newest.length <= 25);
    for (const c of [...choices, ...newest]) assert.ok(c.name.length <= 100 && c.value.length <= 100);
  });

  it('shows a paper by autocomplete value, arXiv id, link and DOI; says so when unknown', async () => {
    const shown = async (id: string) => reply(await command('show', [{ type: 3, name: 'id', value: id }])).embeds[0];
    for (const id of ['arxiv:2511.20002', '2511.20002', 'https://arxiv.org/abs/2511.20002v2', 'http://arxiv.org/pdf/2511.20002']) {
      const embed = await shown(id);
      assert.equal(embed?.url?.replace(/v\d+$/, ''), 'https://arxiv.org/abs/2511.20002', id);
      assert.match(embed?.title ?? '', /Graph Neural Networks/, id);
    }
    for (const id of [DOI, `doi:${DOI}`, `https://doi.org/${DOI}`, `https://www.biorxiv.org/content/${DOI}v1`]) {
      assert.match((await shown(id))?.title ?? '', /肠道免疫图谱/, id);
    }
    const missing = await command('show', [{ type: 3, name: 'id', value: '2401.99999' }]);
    assert.match(reply(missing).content, /No paper “2401\.99999” in the archive/);
  });

  it('/paper latest lists the newest digest', async () => {
    const record = await command('latest');
    assert.match(reply(record).content, /Newest papers \(2025-11-24, 5 shown\)/);
    assert.equal(reply(record).embeds.length, 5);
    const some = await command('latest', [{ type: 4, name: 'count', value: 2 }, { type: 3, name: 'source', value: 'biorxiv' }]);
    assert.match(reply(some).content, /\(2025-11-21, 1 shown\)/);
    assert.match(reply(some).embeds[0]?.title ?? '', /肠道免疫图谱/);
  });

  it('answers in Chinese when the user’s Discord is in Chinese', async () => {
    const record = await search('扩散模型', [], alice, 'zh-CN');
    assert.match(footer(record), /^第 1\/3 页 · 共 14 条/);
    assert.deepEqual(buttons(record).map((b) => b.label), ['上一页', '下一页']);
    assert.match(reply(await press(record, '下一页', bob, 'zh-CN')).content, /只有运行此命令的用户/);
    assert.match(footer(await press(record, '下一页', alice, 'zh-CN')), /^第 2\/3 页/);
    assert.match(reply(await search('斑马鱼量子', [], alice, 'zh-CN')).embeds[0]?.description ?? '', /没有找到与“斑马鱼量子”匹配的论文/);
    assert.match(reply(await command('show', [{ type: 3, name: 'id', value: '2401.99999' }], alice, 'zh-CN')).content, /存档中没有论文/);
    assert.match(reply(await search('x', [{ type: 3, name: 'from', value: '2025-02-30x' }], alice, 'zh-CN')).content, /不是有效日期/);
    assert.match(reply(await command('latest', [], alice, 'zh-CN')).content, /最新论文/);
    assert.match(reply(await command('help', [], alice, 'zh-CN')).content, /排除/);
  });

  it('keeps the buttons of an earlier result working after a restart', async () => {
    const before = await search('扩散模型');
    await bot.stop();
    bot = await world.start();
    const next = await press(before, 'Next');
    assert.equal(next.initial?.type, 7);
    assert.match(footer(next), /^Page 2\/3/);
    assert.match(reply(await press(before, 'Next', bob)).content, /Only the person who ran this command/);
  });

  it('answers within 3 s while a 3,000-paper digest is being ingested', async (t) => {
    writeFileSync(join(world.digestDir, '2025-11-25-arxiv.md'), digestMarkdown('2025-11-25', rows(3000, 40000, '大规模论文')));
    const runStarted = Date.now();
    let running = true;
    const run = bot.app.runner.run('test').finally(() => {
      running = false;
    });
    const answers: { ms: number; duringRun: boolean }[] = [];
    for (let i = 0; i < 4; i++) {
      const started = Date.now();
      const record = await (i % 2 ? command('show', [{ type: 3, name: 'id', value: '2511.20002' }]) : search('graph neural'));
      answers.push({ ms: Date.now() - started, duringRun: running });
      assert.deepEqual(record.refused, []);
      assert.ok(reply(record).embeds.length > 0, 'a real answer, not only a deferral');
    }
    const report = await run;
    t.diagnostic(`run ${Date.now() - runStarted} ms; answers ${answers.map((a) => `${a.ms} ms${a.duringRun ? ' (during run)' : ''}`).join(', ')}`);
    assert.equal(answers[0]?.duringRun, true, 'the first answer came while the run was still going');
    assert.ok(answers.every((a) => a.ms < 3000), JSON.stringify(answers));
    assert.equal(report.newPapers, 3000, JSON.stringify(report).slice(0, 300));
    assert.match(footer(await search('大规模论文')), /3000 results/);
    const started = Date.now();
    const completed = await world.discord.interact({
      kind: 'autocomplete', name: 'paper', channelId: world.discord.channelId, userId: alice,
      options: [{ type: 1, name: 'show', options: [{ type: 3, name: 'id', value: '大规模论文', focused: true }] }] as never,
    });
    assert.ok(Date.now() - started < 1000, 'autocomplete over 3,000+ papers is quick');
    assert.equal((completed.initial?.data as { choices: unknown[] }).choices.length, 25);
    assert.deepEqual(world.discord.violations(), []);
  });
});
