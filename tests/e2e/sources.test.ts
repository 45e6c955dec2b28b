/**
 * Issue 12 end to end: the real bot, the local Discord and the local GitHub. A new day's file appearing on GitHub
 * is fetched, ingested and posted once; a rewrite posts only its new papers; a repeat run downloads nothing; with
 * GitHub down, `/digest status` says so (in the reader's language) while dropped-in files are still posted.
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { RunningBot } from '../../src/bot.ts';
import { addDays, dateIn } from '../../src/sources/dates.ts';
import { startFakeGitHub, type FakeGitHub } from '../github/server.ts';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { postedIds, reply } from '../helpers/replies.ts';

const REPO = 'Lcollection/Arxiv_Daily';
const FOLDER = 'docs/daily-papers';

describe('following a generator on (the local) GitHub', () => {
  let github: FakeGitHub;
  let world: TestWorld;
  let bot: RunningBot;
  let admin: string;
  let papers: string;
  const today = dateIn(new Date(), 'UTC');

  const command = async (name: 'run' | 'status', locale?: string) => {
    const record = await world.discord.interact(
      { kind: 'command', name: 'digest', options: [{ type: 1, name }], channelId: world.discord.channelId, userId: admin, ...(locale ? { locale } : {}) },
      { timeoutMs: 30_000 },
    );
    await world.discord.waitFor(record, (r) => reply(r).content.length > 0 || reply(r).embeds.length > 0, 30_000);
    return reply(record);
  };

  before(async () => {
    github = await startFakeGitHub();
    world = await createWorld({
      env: {
        DIGEST_SOURCES: `github:${REPO}/${FOLDER}`,
        GITHUB_API_URL: github.apiUrl,
        GITHUB_RAW_URL: github.rawUrl,
        DIGEST_LOOKBACK_DAYS: '2',
      },
    });
    const { discord } = world;
    const role = discord.addRole(discord.guildId, { name: 'admins', permissions: PermissionFlagsBits.ManageGuild });
    admin = discord.addMember(discord.guildId, { roles: [role.id] }).user.id;
    papers = discord.addChannel(discord.guildId, { name: 'papers' }).id;
    // Yesterday's file is already there when the bot first starts.
    github.put(REPO, `${FOLDER}/${addDays(today, -1)}-arxiv.md`, digestMarkdown(addDays(today, -1), rows(2, 40000)));
    await world.deploy();
    bot = await world.start();
    await world.discord.interact({
      kind: 'command',
      name: 'digest',
      options: [{ type: 2, name: 'channel', options: [{ type: 1, name: 'add', options: [{ type: 7, name: 'channel', value: papers }] }] }],
      channelId: world.discord.channelId,
      userId: admin,
    } as never);
  });
  after(async () => {
    await world.close();
    await github.close();
  });

  it('the start-up run fetched what was published; a new day appearing on GitHub is posted once', async () => {
    assert.deepEqual(readdirSync(join(world.digestDir, 'lcollection-arxiv_daily')), [`${addDays(today, -1)}-arxiv.md`]);
    await command('run');
    assert.deepEqual(postedIds(world.discord.messages(papers)), ['2601.40000', '2601.40001']);

    github.put(REPO, `${FOLDER}/${today}-arxiv.md`, digestMarkdown(today, rows(3, 41000)));
    const answer = await command('run');
    assert.match(answer.content, /Fetched 1 new or changed digest files/);
    const messages = world.discord.messages(papers);
    assert.equal(messages.length, 2);
    assert.deepEqual(postedIds(messages.slice(1)), ['2601.41000', '2601.41001', '2601.41002']);
  });

  it('a second run downloads nothing: one conditional listing answered 304', async () => {
    github.resetCounts();
    await command('run');
    assert.deepEqual(
      github.requests.map((r) => [r.host, r.status]),
      [['api', 304]],
    );
    assert.equal(github.counts().bytes, 0);
    assert.equal(world.discord.messages(papers).length, 2, 'nothing posted again');
  });

  it('a rewritten file posts only the papers that were not posted yet', async () => {
    github.put(REPO, `${FOLDER}/${today}-arxiv.md`, digestMarkdown(today, [...rows(3, 41000), ...rows(2, 42000)]));
    await command('run');
    const messages = world.discord.messages(papers);
    assert.equal(messages.length, 3);
    assert.deepEqual(postedIds(messages.slice(2)), ['2601.42000', '2601.42001']);
  });

  it('GitHub down: /digest status says so and what to do, in English and Chinese; dropped-in files still go out', async () => {
    await github.down();
    try {
      for (let i = 0; i < 3; i += 1) assert.match((await command('run')).content, /1 digest sources could not be fetched this time; `\/digest status` says why/);
      const en = await command('status');
      const field = en.embeds[0]?.fields?.find((f) => f.name === 'Digest sources');
      assert.ok(field, JSON.stringify(en.embeds[0]?.fields));
      assert.match(field.value, /\*\*lcollection-arxiv_daily\*\* · checked <t:\d+:R> · last new file `lcollection-arxiv_daily\//);
      assert.match(field.value, /failing since <t:\d+:f> \(3 runs in a row\): the server cannot be reached \(127\.0\.0\.1:\d+ refused the connection\)\. Check the address in DIGEST_SOURCES/);
      const zh = await command('status', 'zh-CN');
      const zhField = zh.embeds[0]?.fields?.find((f) => f.name === '日报来源');
      assert.match(zhField?.value ?? '', /连续 3 次失败：无法连接服务器/);

      writeFileSync(join(world.digestDir, `${today}-by-hand-arxiv.md`), digestMarkdown(today, rows(1, 43000)));
      await command('run');
      assert.deepEqual(postedIds(world.discord.messages(papers).slice(3)), ['2601.43000']);
    } finally {
      await github.up();
    }
    await command('run');
    const healthy = await command('status');
    const field = healthy.embeds[0]?.fields?.find((f) => f.name === 'Digest sources');
    assert.doesNotMatch(field?.value ?? '', /failing/);
    assert.equal(await bot.app.stores.papers.count(), 2 + 5 + 1);
    assert.deepEqual(world.discord.violations(), []);
  });
});
