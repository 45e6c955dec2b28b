/**
 * `npm run bench:interactions`: does the bot keep answering `/paper search` while it works on a large archive?
 *
 *   BENCH_ARCHIVE=50000     papers in the archive before the bot starts
 *   BENCH_DIGEST=400        papers in the digest ingested during the run
 *   BENCH_STORE=sqlite|redis|postgres   (default sqlite)
 *   BENCH_EVERY_MS=100      one `/paper search` interaction every this many ms
 *
 * Two phases against the project's local Discord (which refuses an answer after Discord's 3-second window with
 * 10062 Unknown interaction, like Discord):
 * 1. the bot ingests a digest and plans/delivers it (`runner.run`), the way the schedule does;
 * 2. another process (`cli ingest`) writes papers into the same store, then the bot's periodic refresh runs.
 * For each it prints interactions sent / answered / lost and the event loop's longest stall
 * (perf_hooks.monitorEventLoopDelay) in the bot's process, beside the 3-second window that loses an interaction.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Paper } from '../src/digest/types.ts';
import { openStores } from '../src/store/index.ts';
import type { InteractionRecord } from '../tests/discord/interactions.ts';
import { uniqueNamespace } from '../tests/helpers/backends.ts';
import { createWorld } from '../tests/helpers/bot.ts';
import { digestMarkdown, rows } from '../tests/helpers/digests.ts';

const ARCHIVE = Number(process.env.BENCH_ARCHIVE ?? 50_000);
const DIGEST = Number(process.env.BENCH_DIGEST ?? 400);
const STORE = (process.env.BENCH_STORE ?? 'sqlite').toLowerCase();
const EVERY_MS = Number(process.env.BENCH_EVERY_MS ?? 100);
const WORDS = ['diffusion', 'protein', 'graph', 'transformer', 'folding', 'retrieval', 'robot', 'language', 'vision', 'quantum'];

function paper(n: number): Paper {
  const id = `2501.${String(n).padStart(5, '0')}`;
  const w = (k: number) => WORDS[(n * 7 + k * 3) % WORDS.length];
  return {
    id: `arxiv:${id}`, arxivId: id, version: 1, doi: null, source: 'arxiv', date: `2025-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`,
    published: null, title: `${w(0)} ${w(1)} models for ${w(2)} number ${n}`, titleOriginal: null, authors: [`Author ${n % 5000}`],
    abstract: `We study ${w(3)} and ${w(4)} with ${w(5)}; paper ${n}.`, abstractOriginal: null, pdfUrl: `https://arxiv.org/pdf/${id}v1`,
    url: `https://arxiv.org/abs/${id}`, codeUrl: null, notes: null,
  };
}

const namespace = uniqueNamespace('bench');
const url = STORE === 'redis' ? 'redis://127.0.0.1:6379' : STORE === 'postgres' ? 'postgresql://postgres@127.0.0.1:5432/test' : undefined;
const world = await createWorld({ env: { KEYV_NAMESPACE: namespace, ...(url && { KEYV_URL: url }) } });
const storeUrl = url ?? world.env.KEYV_URL ?? '';
try {
  await world.deploy();
  const guild = world.discord.guildId;
  const channelId = world.discord.addChannel(guild, { name: 'search' }).id;
  const userId = world.discord.addMember(guild).user.id;

  const seed = await openStores(storeUrl, { namespace });
  for (let i = 0; i < ARCHIVE; i += 5000) await seed.papers.upsertMany(Array.from({ length: Math.min(5000, ARCHIVE - i) }, (_, j) => paper(i + j)));
  await seed.close();
  const bot = await world.start();

  const delay = monitorEventLoopDelay({ resolution: 10 });
  /** Runs `work` while firing interactions; returns what happened to them and the longest stall. */
  async function phase(name: string, work: () => Promise<unknown>): Promise<void> {
    const records: Promise<InteractionRecord>[] = [];
    let n = 0;
    const timer = setInterval(() => {
      const query = `${WORDS[n % WORDS.length]} ${WORDS[(n + 3) % WORDS.length]}`;
      n++;
      records.push(
        world.discord.interact(
          { kind: 'command', name: 'paper', options: [{ type: 1, name: 'search', options: [{ type: 3, name: 'query', value: query }] }], channelId, userId },
          { timeoutMs: 5000 },
        ),
      );
    }, EVERY_MS);
    delay.reset();
    delay.enable();
    const started = performance.now();
    await work();
    const took = performance.now() - started;
    clearInterval(timer);
    delay.disable();
    const done = await Promise.all(records);
    const lost = done.filter((r) => !r.initial || r.refused.some((x) => x.code === 10062)).length;
    const answered = done.length - lost;
    console.log(
      `${name.padEnd(44)} ${(took / 1000).toFixed(2).padStart(7)} s   interactions ${String(done.length).padStart(4)}, answered ${String(answered).padStart(4)}, lost ${String(lost).padStart(3)}   longest stall ${(delay.max / 1e6).toFixed(0).padStart(5)} ms (p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms; Discord's window 3000 ms)`,
    );
    if (lost) process.exitCode = 1;
  }

  console.log(`bench:interactions — ${ARCHIVE} papers in ${STORE}, a ${DIGEST}-paper digest, one /paper search every ${EVERY_MS} ms`);
  writeFileSync(join(world.digestDir, '2026-03-01-arxiv.md'), digestMarkdown('2026-03-01', rows(DIGEST, 20000)));
  await phase('1. ingest + plan a digest (runner.run)', () => bot.app.runner.run('bench'));

  const otherDir = join(world.dir, 'other');
  mkdirSync(otherDir);
  writeFileSync(join(otherDir, '2026-03-02-arxiv.md'), digestMarkdown('2026-03-02', rows(DIGEST, 40000)));
  await phase('2. another process ingests, then refresh', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'ingest', otherDir, '--store', storeUrl], {
      env: { ...process.env, KEYV_NAMESPACE: namespace, DATA_DIR: join(world.dir, 'cli-data'), LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await once(child, 'exit');
    // What the bot's 60-second refresh timer does when the store changed outside this process.
    await bot.app.archive.refresh();
  });
} finally {
  await world.close();
  const cleanup = await openStores(storeUrl, { namespace });
  await cleanup.kv.clear().catch(() => undefined);
  await cleanup.close();
}
