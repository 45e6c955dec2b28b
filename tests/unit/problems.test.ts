import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DigestJob, RunSummary } from '../../src/app.ts';
import { enUS } from '../../src/i18n/en-US.ts';
import { translator } from '../../src/i18n/index.ts';
import { asProblem, problemsOf, problemText, type Problem } from '../../src/i18n/problems.ts';
import { zhCN } from '../../src/i18n/zh-CN.ts';
import { buildStatus } from '../../src/status.ts';
import { memoryStores } from '../../src/store/index.ts';
import { problemSentences } from '../helpers/problems.ts';

describe('problems as values', () => {
  it('are translated at the edge, with the channel and user as mentions', () => {
    const problem: Problem = { key: 'problem.channelSwitchedOff', guildId: 'g1', channelId: '42', params: { reason: '50013 Missing Permissions' } };
    assert.equal(problemText(problem, translator('en-US')), '<#42>: 50013 Missing Permissions — delivery switched off; fix the channel permissions and add it again with /digest channel add');
    assert.equal(problemText(problem, translator('zh-CN')), '<#42>：50013 Missing Permissions —— 已停止发送；修复频道权限后用 /digest channel add 重新添加');
    assert.equal(problemText({ key: 'problem.messageRejected', guildId: 'g1', userId: '7' }, translator('en-US')), 'a message for <@7> was rejected by Discord (see the logs)');
  });

  it('every problem text exists in both languages and the Chinese one is Chinese', () => {
    const keys = Object.keys(enUS).filter((key) => key.startsWith('problem.')) as (keyof typeof enUS)[];
    assert.ok(keys.length >= 15);
    for (const key of keys) {
      assert.ok(zhCN[key] && zhCN[key] !== enUS[key], key);
      // The same parameters on both sides, so no value goes missing in one language.
      const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(params(zhCN[key]), params(enUS[key]), key);
    }
  });

  it('a server sees its own problems and the whole bot’s, never another server’s', () => {
    const problems: Problem[] = [
      { key: 'problem.fenced' },
      { key: 'problem.dmRefused', guildId: 'g1', userId: 'u1', params: { reason: 'x' } },
      { key: 'problem.dmRefused', guildId: 'g2', userId: 'u2', params: { reason: 'x' } },
    ];
    assert.deepEqual(problemsOf(problems, 'g1'), [problems[0], problems[1]]);
    assert.deepEqual(problemsOf(problems, 'g3'), [problems[0]]);
  });

  it('a sentence from a process of an older release is kept as it came', () => {
    assert.deepEqual(asProblem('ingest failed: boom'), { key: 'problem.fromOtherProcess', params: { text: 'ingest failed: boom' } });
    const typed: Problem = { key: 'problem.fenced' };
    assert.equal(asProblem(typed), typed);
    assert.equal(asProblem({ key: 'digest.run.done' }).key, 'problem.fromOtherProcess', 'only problem keys pass');
  });
});

describe('/digest status problems', () => {
  const job = (problems: Problem[]): DigestJob => {
    const last: RunSummary = { filesChanged: 0, newPapers: 0, messagesSent: 0, problems };
    return { run: async () => last, nextRun: () => null, lastRun: () => last };
  };

  it('keeps the last run’s problems of this server and of the whole bot, drops another server’s and repeats nothing', async () => {
    const stores = await memoryStores();
    await stores.channels.put({
      guildId: 'g1', channelId: 'c1', sources: null, mode: 'embeds', notices: false, disabled: null, failures: 2, addedBy: 'u', addedAt: '2026-01-01T00:00:00.000Z',
    });
    const runner = job([
      { key: 'problem.ingestFile', params: { path: 'a.md', reason: 'no table' } },
      { key: 'problem.channelRefused', guildId: 'g1', channelId: 'c1', params: { reason: '403', attempt: 2, limit: 3 } },
      { key: 'problem.dmRefused', guildId: 'g1', userId: 'u1', params: { reason: '50007' } },
      { key: 'problem.dmRefused', guildId: 'g2', userId: 'u2', params: { reason: '50007' } },
      { key: 'problem.subscriptionChannelRefused', guildId: 'g2', channelId: 'c9', params: { reason: '403' } },
      { key: 'problem.ingestFile', params: { path: 'a.md', reason: 'no table' } },
    ]);
    const status = await buildStatus({ stores, runner, instance: () => 'test' }, 'g1');
    assert.deepEqual(problemSentences(status.problems), [
      "<#c1>: the last 2 deliveries failed; check the bot's permissions there.",
      'a.md: no table',
      'cannot DM <@u1> (50007); their subscriptions are paused',
    ]);
    assert.deepEqual(problemSentences(status.problems, 'zh-CN'), [
      '<#c1>：最近 2 次发送失败；请检查机器人在该频道的权限。',
      'a.md：no table',
      '无法私信 <@u1>（50007）；其订阅已暂停',
    ]);
  });

  it('says the store is down, in the reader’s language, without a stack', async () => {
    const stores = await memoryStores();
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    stores.papers.count = async () => {
      throw down;
    };
    const status = await buildStatus({ stores, runner: job([]), instance: () => 'test' }, 'g1');
    assert.deepEqual(status.problems, [{ key: 'problem.storeDown', params: { backend: stores.backend, reason: 'ECONNREFUSED' } }]);
    assert.match(problemSentences(status.problems, 'zh-CN')[0]!, new RegExp(`^存储（${stores.backend}）没有响应（ECONNREFUSED）`));
  });
});
