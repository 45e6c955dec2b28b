import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { memorySnapshotFile, openArchive, type Archive } from '../../src/archive.ts';
import type { OutboxBody } from '../../src/discord/publisher.ts';
import { memoryDigestFolder } from '../../src/jobs/digest-folder.ts';
import { ingestFolder } from '../../src/jobs/ingest.ts';
import { planDeliveries } from '../../src/jobs/plan.ts';
import { createRunner } from '../../src/jobs/runner.ts';
import { buildStatus } from '../../src/status.ts';
import { memoryStores, type ChannelRecord, type Stores } from '../../src/store/index.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { problemSentences } from '../helpers/problems.ts';
import { silentLog } from '../helpers/log.ts';

const SAMPLE = readFileSync('samples/2025-11-23-arxiv.md', 'utf8');
const log = silentLog();

async function setup(files: Record<string, string>): Promise<{ stores: Stores; archive: Archive; folder: ReturnType<typeof memoryDigestFolder> }> {
  const stores = await memoryStores();
  const archive = await openArchive({ stores, snapshot: memorySnapshotFile() });
  return { stores, archive, folder: memoryDigestFolder(new Map(Object.entries(files))) };
}

function channel(channelId: string, overrides: Partial<ChannelRecord> = {}): ChannelRecord {
  return {
    guildId: 'g', channelId, sources: null, mode: 'embeds', notices: false, disabled: null, failures: 0, addedBy: 'u',
    addedAt: new Date(0).toISOString(), ...overrides,
  };
}

describe('ingest', () => {
  it('stores and indexes every paper once; the same content again changes nothing', async () => {
    const { stores, archive, folder } = await setup({ '2025-11-23-arxiv.md': SAMPLE });
    const first = await ingestFolder({ archive, folder, log });
    assert.equal(first.changed, 1);
    assert.equal(first.added.length, 10);
    assert.equal(await stores.papers.count(), 10);
    assert.equal(archive.index.search('视频事件预测').results[0]?.id, 'arxiv:2511.16669');
    const digest = await stores.digests.get('2025-11-23', 'arxiv');
    assert.equal(digest?.paperIds.length, 10);
    const again = await ingestFolder({ archive, folder, log });
    assert.equal(again.changed, 0);
    assert.equal(again.added.length, 0);
  });

  it('merges the same digest from two files (summary and per-source)', async () => {
    const a = digestMarkdown('2025-12-01', rows(3, 100));
    const b = digestMarkdown('2025-12-01', rows(4, 102));
    const { stores, archive, folder } = await setup({ 'a.md': a, 'b.md': b });
    await ingestFolder({ archive, folder, log });
    const digest = await stores.digests.get('2025-12-01', 'arxiv');
    assert.deepEqual(digest?.paperIds, rows(6, 100).map((r) => `arxiv:${r.arxivId}`));
  });

  it('records a file that looks like a digest but yields no papers, with its reason, and goes on', async () => {
    const broken = '# arxiv 2025-12-02\n\n| 标题 | 作者 | PDF链接 | 摘要 |\n|---|---|---|---|\n| 没有链接的论文 | Someone | 无 | 摘要 |\n';
    const { stores, archive, folder } = await setup({ 'broken.md': broken, 'ok.md': SAMPLE });
    const report = await ingestFolder({ archive, folder, log });
    assert.equal(report.failures.length, 1);
    assert.equal(report.failures[0]?.path, 'broken.md');
    assert.equal(report.added.length, 10);
    assert.ok((await stores.files.get('broken.md'))?.error);
    const status = await buildStatus({ stores, runner: createRunner({ steps: null as never, log, schedule: '* * * * *', timeZone: 'UTC' }), instance: () => 'x' }, 'g');
    const sentences = problemSentences(status.problems);
    assert.ok(status.problems.some((p) => p.key === 'problem.badFile' && p.params?.path === 'broken.md'), sentences.join('\n'));
    assert.ok(sentences.some((p) => p.startsWith('digest file broken.md yielded no papers')), sentences.join('\n'));
  });

  it('reports a file with paper links in a layout it cannot read as a problem naming the first link line', async () => {
    const unread = '# Notes 2025-12-03\n\nWe compared https://arxiv.org/abs/2501.00001 with https://arxiv.org/abs/2501.00002 today.\n';
    const { stores, archive, folder } = await setup({ 'unread.md': unread });
    const report = await ingestFolder({ archive, folder, log });
    assert.equal(report.failures.length, 1);
    assert.match(report.failures[0]?.reason ?? '', /line 3: .*2 paper links but no papers recognised: layout not understood/);
    const status = await buildStatus({ stores, runner: createRunner({ steps: null as never, log, schedule: '* * * * *', timeZone: 'UTC' }), instance: () => 'x' }, 'g');
    assert.ok(
      status.problems.some((p) => p.key === 'problem.unrecognisedLayout' && p.params?.path === 'unread.md' && p.params?.line === 3),
      JSON.stringify(status.problems),
    );
    const sentences = problemSentences(status.problems);
    assert.ok(sentences.some((s) => s.startsWith('digest file unread.md names papers (the first on line 3)')), sentences.join('\n'));
  });
});

describe('planning', () => {
  it('plans each digest once per channel, respecting sources and the backlog, oldest first', async () => {
    const files: Record<string, string> = {};
    for (let day = 1; day <= 5; day++) files[`d${day}.md`] = digestMarkdown(`2025-12-0${day}`, rows(2, day * 100));
    files['bio.md'] = digestMarkdown('2025-12-05', rows(1, 900), 'biorxiv');
    const { stores, archive, folder } = await setup(files);
    await ingestFolder({ archive, folder, log });
    await stores.channels.put(channel('all'));
    await stores.channels.put(channel('bio-only', { sources: ['biorxiv'] }));
    await stores.channels.put(channel('off', { disabled: { reason: 'x', since: 'y' } }));
    const planned = await planDeliveries({ stores, log, backlog: 3 });
    const pending = await stores.outbox.pending();
    assert.equal(planned, pending.length);
    const to = (id: string) => pending.filter((e) => e.target.kind === 'channel' && e.target.channelId === id);
    // `all`: arXiv days 3, 4, 5 (the backlog) oldest first, then bioRxiv.
    assert.deepEqual(
      to('all').map((e) => ((e.body as OutboxBody).message.content ?? '').match(/\d{4}-\d{2}-\d{2}/)?.[0]),
      ['2025-12-03', '2025-12-04', '2025-12-05', '2025-12-05'],
    );
    assert.equal(to('bio-only').length, 1);
    assert.equal(to('off').length, 0);
    assert.equal(await planDeliveries({ stores, log, backlog: 3 }), 0, 'a second plan adds nothing');
  });

  it('thread mode plans a header and messages that point at it; compact mode lists papers', async () => {
    const { stores, archive, folder } = await setup({ 'd.md': digestMarkdown('2025-12-09', rows(12, 500)) });
    await ingestFolder({ archive, folder, log });
    await stores.channels.put(channel('t', { mode: 'thread' }));
    await stores.channels.put(channel('c', { mode: 'compact' }));
    await planDeliveries({ stores, log, backlog: 1 });
    const pending = await stores.outbox.pending();
    const thread = pending.filter((e) => e.target.kind === 'channel' && e.target.channelId === 't');
    const [header, ...inThread] = thread;
    assert.ok(header && !(header.body as OutboxBody).thread);
    assert.equal(inThread.length, 2, '12 papers → 2 messages in the thread');
    for (const e of inThread) assert.equal((e.body as OutboxBody).thread?.headerId, header.id);
    assert.deepEqual(inThread.flatMap((e) => e.paperIds).length, 12);
    const compact = pending.filter((e) => e.target.kind === 'channel' && e.target.channelId === 'c');
    assert.equal(compact.length, 1);
    assert.equal(compact[0]?.paperIds.length, 12);
  });

  it('posts a notice for an empty digest only to channels that asked, once', async () => {
    const empty = '# arXiv 2026-05-03\n\n> 当天没有抓取到有效论文。\n';
    const { stores, archive, folder } = await setup({ 'e.md': empty });
    await ingestFolder({ archive, folder, log });
    await stores.channels.put(channel('quiet'));
    await stores.channels.put(channel('loud', { notices: true }));
    await planDeliveries({ stores, log, backlog: 3 });
    await planDeliveries({ stores, log, backlog: 3 });
    const pending = await stores.outbox.pending();
    assert.equal(pending.length, 1);
    assert.equal(pending[0]?.target.kind === 'channel' && pending[0].target.channelId, 'loud');
    assert.match((pending[0]?.body as OutboxBody).message.content ?? '', /no papers today/);
  });

  it('subscriptions: each target gets each matching new paper once, with the role mention allowed exactly', async () => {
    const papers = [
      { arxivId: '2601.00001', title: '基于扩散模型的视频生成' },
      { arxivId: '2601.00002', title: 'Organ segmentation with transformers' },
      { arxivId: '2601.00003', title: 'GANs for diffusion distillation' },
    ];
    const { stores, archive, folder } = await setup({ 's.md': digestMarkdown('2026-01-01', papers) });
    await stores.subscriptions.add({ guildId: 'g', channelId: '111111111111111111', userId: null, keywords: '扩散模型', mentionRoleId: '222222222222222222', createdBy: 'u' });
    await stores.subscriptions.add({ guildId: 'g', channelId: '111111111111111111', userId: null, keywords: 'diffusion', mentionRoleId: null, createdBy: 'u' });
    await stores.subscriptions.add({ guildId: 'g', channelId: null, userId: '333333333333333333', keywords: 'GAN', mentionRoleId: null, createdBy: '333333333333333333' });
    await ingestFolder({ archive, folder, log });
    await planDeliveries({ stores, log, backlog: 3 });
    const pending = await stores.outbox.pending();
    const channelPosts = pending.filter((e) => e.target.kind === 'channel');
    const dms = pending.filter((e) => e.target.kind === 'user');
    assert.deepEqual(channelPosts.flatMap((e) => e.paperIds).sort(), ['arxiv:2601.00001', 'arxiv:2601.00003']);
    const first = (channelPosts[0]?.body as OutboxBody).message;
    assert.deepEqual(first.allowed_mentions, { parse: [], roles: ['222222222222222222'] });
    assert.match(first.content ?? '', /^<@&222222222222222222>/);
    assert.deepEqual(dms.flatMap((e) => e.paperIds), ['arxiv:2601.00003'], 'GAN matches GANs, not Organ');
    assert.equal(await planDeliveries({ stores, log, backlog: 3 }), 0, 'nothing twice');
  });

  it('one paper sent to several people shows each the keywords that matched for them, in their language', async () => {
    const { stores, archive, folder } = await setup({ 's.md': digestMarkdown('2026-01-01', [{ arxivId: '2601.00001', title: 'Diffusion GANs for video' }]) });
    const dm = (userId: string, keywords: string, locale?: 'zh-CN') =>
      stores.subscriptions.add({ guildId: 'g', channelId: null, userId, keywords, mentionRoleId: null, createdBy: userId, ...(locale ? { locale } : {}) });
    await dm('333333333333333331', 'diffusion');
    await dm('333333333333333332', 'diffusion');
    await dm('333333333333333333', 'GAN');
    await dm('333333333333333334', 'diffusion', 'zh-CN');
    await ingestFolder({ archive, folder, log });
    await planDeliveries({ stores, log, backlog: 3 });
    const fieldOf = async (userId: string) => {
      const [entry] = (await stores.outbox.pending()).filter((e) => e.target.kind === 'user' && e.target.userId === userId);
      return (entry?.body as OutboxBody).message.embeds?.[0]?.fields?.[0];
    };
    assert.deepEqual(await fieldOf('333333333333333331'), { name: 'Matched', value: 'diffusion' });
    assert.deepEqual(await fieldOf('333333333333333332'), { name: 'Matched', value: 'diffusion' });
    assert.deepEqual(await fieldOf('333333333333333333'), { name: 'Matched', value: 'gan' });
    assert.notEqual((await fieldOf('333333333333333334'))?.name, 'Matched', 'the zh-CN reader gets the zh-CN label');
  });

  it('pings every role whose subscription matched, once, and writes in the subscription’s language', async () => {
    const { stores, archive, folder } = await setup({ 's.md': digestMarkdown('2026-01-02', [{ arxivId: '2601.00009', title: '扩散模型用于GAN蒸馏' }]) });
    const c = '111111111111111111';
    await stores.subscriptions.add({ guildId: 'g', channelId: c, userId: null, keywords: '扩散模型', mentionRoleId: '222222222222222222', createdBy: 'u', locale: 'zh-CN' });
    await stores.subscriptions.add({ guildId: 'g', channelId: c, userId: null, keywords: 'GAN', mentionRoleId: '444444444444444444', createdBy: 'u' });
    await stores.subscriptions.add({ guildId: 'g', channelId: c, userId: null, keywords: '蒸馏', mentionRoleId: '222222222222222222', createdBy: 'u' });
    await ingestFolder({ archive, folder, log });
    await planDeliveries({ stores, log, backlog: 3 });
    const [entry, ...more] = await stores.outbox.pending();
    assert.equal(more.length, 0, 'one message for the channel');
    const message = (entry?.body as OutboxBody).message;
    assert.deepEqual(message.allowed_mentions, { parse: [], roles: ['222222222222222222', '444444444444444444'] });
    assert.match(message.content ?? '', /^<@&222222222222222222> <@&444444444444444444> 🔔 有 1 篇新论文/);
  });

  it('in a channel that already got the paper with its digest, a role subscription still pings, once', async () => {
    const { stores, archive, folder } = await setup({ 'd.md': digestMarkdown('2026-01-03', rows(3, 700, '扩散模型论文')) });
    const c = '111111111111111111';
    await stores.channels.put(channel(c));
    await stores.subscriptions.add({ guildId: 'g', channelId: c, userId: null, keywords: '扩散模型', mentionRoleId: '222222222222222222', createdBy: 'u' });
    await ingestFolder({ archive, folder, log });
    await planDeliveries({ stores, log, backlog: 3 });
    const pending = await stores.outbox.pending();
    assert.equal(pending.length, 2, 'the digest post, then the ping');
    const ping = (pending[1]?.body as OutboxBody).message;
    assert.match(ping.content ?? '', /^<@&222222222222222222> 🔔 3 new papers match your subscription \(扩散模型\)\n\*\*1\.\*\* \[/);
    assert.deepEqual(ping.allowed_mentions, { parse: [], roles: ['222222222222222222'] });
    assert.deepEqual(pending[0]?.paperIds.length, 3);
    assert.equal(await planDeliveries({ stores, log, backlog: 3 }), 0, 'no second ping');
  });

  it('a run that dies after storing papers loses nothing: the next run still matches and indexes them', async () => {
    const { stores, archive, folder } = await setup({ 'd.md': digestMarkdown('2026-01-04', rows(5, 800, '扩散模型测试')) });
    await stores.subscriptions.add({ guildId: 'g', channelId: null, userId: '333333333333333333', keywords: '扩散模型', mentionRoleId: null, createdBy: 'u' });
    const put = stores.files.put;
    stores.files.put = async () => {
      throw new Error('store went away');
    };
    await assert.rejects(ingestFolder({ archive, folder, log }), /store went away/);
    stores.files.put = put;
    assert.equal(archive.index.search('扩散模型测试').total, 5, 'indexed as soon as stored');
    const again = await ingestFolder({ archive, folder, log });
    assert.equal(again.added.length, 0, 'the papers were stored the first time');
    await planDeliveries({ stores, log, backlog: 3 });
    const dms = (await stores.outbox.pending()).filter((e) => e.target.kind === 'user');
    assert.equal(dms.flatMap((e) => e.paperIds).length, 5, 'the subscriber still gets all five');
  });

  it('an archive of old digests is searchable but not sent to subscribers (only the recent backlog is)', async () => {
    const files: Record<string, string> = {};
    for (let day = 1; day <= 6; day++) files[`d${day}.md`] = digestMarkdown(`2025-10-0${day}`, rows(1, 900 + day, '扩散模型旧论文'));
    const { stores, archive, folder } = await setup(files);
    await stores.subscriptions.add({ guildId: 'g', channelId: null, userId: '333333333333333333', keywords: '扩散模型', mentionRoleId: null, createdBy: 'u' });
    await ingestFolder({ archive, folder, log });
    await planDeliveries({ stores, log, backlog: 2 });
    const sent = (await stores.outbox.pending()).flatMap((e) => e.paperIds);
    assert.deepEqual(sent.sort(), ['arxiv:2601.00905', 'arxiv:2601.00906']);
    assert.equal(archive.index.search('扩散模型旧论文').total, 6);
    assert.equal(await planDeliveries({ stores, log, backlog: 2 }), 0, 'the old ones are not sent later either');
  });
});
