/**
 * `/digest channel add categories:` end to end (issue 13): the real bot against the local Discord and the local
 * arXiv / bioRxiv servers. A channel that asks for cs.CL receives only the digest's cs.CL papers, one that asks for
 * a medRxiv subject only that subject's papers, while a channel without categories receives every paper.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningBot } from '../../src/bot.ts';
import type { TestWorld } from '../helpers/bot.ts';
import { reply } from '../helpers/replies.ts';
import { CHINESE_ARXIV_DIGEST, TITLELESS_MEDRXIV_DIGEST } from '../metadata/digests.ts';
import { metadataWorld, type MetadataWorld } from '../metadata/world.ts';

describe('/digest channel add categories: against the local Discord', () => {
  let fakes: MetadataWorld;
  let world: TestWorld;
  let bot: RunningBot;
  let admin: string;
  const channels = { all: '', nlp: '', neuro: '' };

  const addChannel = (channelId: string, categories?: string) =>
    world.discord.interact({
      kind: 'command',
      name: 'digest',
      options: [
        {
          type: 2,
          name: 'channel',
          options: [
            {
              type: 1,
              name: 'add',
              options: [{ type: 7, name: 'channel', value: channelId }, ...(categories ? [{ type: 3, name: 'categories', value: categories }] : [])],
            },
          ],
        },
      ],
      channelId: world.discord.channelId,
      userId: admin,
    } as never);
  /** What a channel received: the arXiv id of each embed, or its title for a DOI paper. */
  const received = (channelId: string) =>
    world.discord
      .messages(channelId)
      .flatMap((m) => m.embeds)
      .map((e) => /abs\/([\w./-]+?)(?:v\d+)?$/.exec(e.url ?? '')?.[1] ?? e.title ?? '?')
      .sort();

  before(async () => {
    fakes = await metadataWorld();
    ({ world, admin } = fakes);
    const { discord } = world;
    for (const name of ['all', 'nlp', 'neuro'] as const) channels[name] = discord.addChannel(discord.guildId, { name }).id;
    await world.deploy();
    bot = await world.start();
  });
  after(async () => {
    await fakes.close();
  });

  it('a cs.CL channel receives only the cs.CL papers of the digest, a neurology channel only neurology, another channel all', async () => {
    assert.match(reply(await addChannel(channels.all)).content, /will receive the daily digest/);
    const nlp = reply(await addChannel(channels.nlp, 'cs.CL'));
    assert.match(nlp.content, /Only papers in: cs\.cl/i);
    assert.match(reply(await addChannel(channels.neuro, 'neurology')).content, /Only papers in: neurology/);
    const stored = await bot.app.stores.channels.get(channels.nlp);
    assert.deepEqual(stored?.categories?.map((c) => c.toLowerCase()), ['cs.cl']);

    writeFileSync(join(world.digestDir, '2025-11-23-arxiv.md'), CHINESE_ARXIV_DIGEST);
    writeFileSync(join(world.digestDir, '2025-11-23-medrxiv.md'), TITLELESS_MEDRXIV_DIGEST);
    const record = await world.discord.interact(
      { kind: 'command', name: 'digest', options: [{ type: 1, name: 'run' }], channelId: world.discord.channelId, userId: admin },
      { timeoutMs: 30_000 },
    );
    await world.discord.waitFor(record, (r) => reply(r).content.length > 0, 30_000);
    assert.match(reply(record).content, /5 new papers/);

    const medrxiv = 'Plasma biomarkers predict Alzheimer disease progression';
    assert.deepEqual(received(channels.nlp), ['2511.20001'], 'only the cs.CL paper (cs.CL primary, cs.AI cross-list)');
    assert.deepEqual(received(channels.neuro), [medrxiv]);
    const all = received(channels.all);
    assert.ok(['2511.16674', '2511.20001', 'hep-ex/0307015', medrxiv].every((id) => all.includes(id)), all.join(', '));
    assert.equal(all.length, 5, 'every paper of both digests, the unknown DOI too');
  });
});
