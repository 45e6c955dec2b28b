/**
 * `npm run bench:post`: delivery at scale, on a real store.
 *
 *   BENCH_STORE=sqlite|redis|postgres|memory   the store (default sqlite; Redis/Postgres: the servers on this machine,
 *                                              or BENCH_REDIS_URL / BENCH_POSTGRES_URL)
 *   BENCH_CHANNELS=20      digest channels (up to 1,000)      BENCH_PAPERS=100   papers in the digest
 *   BENCH_SUBSCRIPTIONS=0  keyword subscriptions (up to 10,000) matched against BENCH_SUB_PAPERS=400 new papers
 *   BENCH_PENDING=1000,40000   outbox sizes for the mark-sent micro-bench (0 skips it)
 *   BENCH_PARTS=plan,deliver,mark   which parts to run
 *
 * Prints, each beside its baseline or target:
 * - planning time (store level: `planDeliveries` over the channels and subscriptions), target < 5 s;
 * - delivery through the real bot against the project's local Discord with Discord's own rate limits (5 messages
 *   per 5 s per channel, 50 per second overall): time to the first message and the whole run against the floor the
 *   rate limits alone impose (target: within 10 %);
 * - mark-sent latency at the end of a queue of 1k and 40k pending entries (target: flat, within 2×).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { planDeliveries } from '../src/jobs/plan.ts';
import { rememberUnmatched } from '../src/jobs/unmatched.ts';
import { openStores, type ChannelRecord, type NewOutboxEntry, type Stores } from '../src/store/index.ts';
import type { Paper } from '../src/digest/types.ts';
import { DISCORD_RATE_LIMITS } from '../tests/discord/limiter.ts';
import { uniqueNamespace } from '../tests/helpers/backends.ts';
import { createWorld } from '../tests/helpers/bot.ts';
import { digestMarkdown, rows } from '../tests/helpers/digests.ts';
import { silentLog } from '../tests/helpers/log.ts';

const STORE = (process.env.BENCH_STORE ?? 'sqlite').toLowerCase();
const PAPERS = Number(process.env.BENCH_PAPERS ?? 100);
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 20);
const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 0);
const SUB_PAPERS = Number(process.env.BENCH_SUB_PAPERS ?? 400);
const PENDING = (process.env.BENCH_PENDING ?? '1000,40000').split(',').map(Number).filter((n) => n > 0);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'plan,deliver,mark').split(','));
const MARK_SAMPLES = 200;
const PER_MESSAGE = 10; // Discord: at most 10 embeds a message, and each paper embed is sized so ten fit 6000 characters.

const sqliteDir = `${process.env.TMPDIR ?? '/tmp'}/adb-bench-post-${process.pid}`;
function storeUrl(): string {
  switch (STORE) {
    case 'redis':
      return process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
    case 'postgres':
      return process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
    case 'memory':
      return 'memory://';
    default:
      return `sqlite://${sqliteDir}/bench.sqlite`;
  }
}

const rowsOut: [string, string, string][] = [];
const print = (name: string, value: string, note: string) => {
  rowsOut.push([name, value, note]);
  console.log(`${name.padEnd(34)} ${value.padStart(11)}   ${note}`);
};
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const s = (x: number) => `${(x / 1000).toFixed(2)} s`;

async function withStore<T>(fn: (stores: Stores, namespace: string) => Promise<T>): Promise<T> {
  const namespace = uniqueNamespace('bench');
  const stores = await openStores(storeUrl(), { namespace });
  try {
    return await fn(stores, namespace);
  } finally {
    await stores.kv.clear().catch(() => undefined);
    await stores.close();
  }
}

function channelRecord(i: number): ChannelRecord {
  return {
    guildId: `g${i % 50}`, channelId: `c${i}`, sources: null, mode: 'embeds', notices: false, disabled: null, failures: 0,
    addedBy: 'bench', addedAt: '2026-02-01T00:00:00.000Z',
  };
}

function paper(n: number, date: string): Paper {
  const id = `2602.${String(n).padStart(5, '0')}`;
  return {
    id: `arxiv:${id}`, arxivId: id, version: 1, doi: null, source: 'arxiv', date, published: null,
    title: `Diffusion transformers for protein folding, variant ${n}`, titleOriginal: null, authors: [`Author ${n}`],
    abstract: `We study topic${n % 97} with method ${n % 37} on benchmark ${n % 11}.`, abstractOriginal: null,
    pdfUrl: `https://arxiv.org/pdf/${id}v1`, url: `https://arxiv.org/abs/${id}`, codeUrl: null, notes: null,
  };
}

/** Planning at the store level: channels × one digest, then subscriptions × new papers. */
async function benchPlanning(): Promise<void> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  if (CHANNELS > 0) {
    await withStore(async (stores) => {
      const papers = Array.from({ length: PAPERS }, (_, i) => paper(i, '2026-02-01'));
      await stores.papers.upsertMany(papers);
      await stores.digests.put({
        date: '2026-02-01', source: 'arxiv', status: 'ok', message: null, papers: PAPERS, added: PAPERS, updated: 0,
        file: 'bench.md', ingestedAt: '2026-02-01T00:00:00.000Z', paperIds: papers.map((p) => p.id),
      });
      for (let i = 0; i < CHANNELS; i += 100) {
        await Promise.all(Array.from({ length: Math.min(100, CHANNELS - i) }, (_, j) => stores.channels.put(channelRecord(i + j))));
      }
      delay.reset();
      delay.enable();
      const started = performance.now();
      const planned = await planDeliveries({ stores, log: silentLog(), backlog: 3 });
      const took = performance.now() - started;
      delay.disable();
      print(`plan ${CHANNELS} channels × ${PAPERS} papers`, s(took), `target < 5 s; ${planned} messages (${(took / Math.max(1, planned)).toFixed(2)} ms each), longest event-loop stall ${ms(delay.max / 1e6)}`);
    });
  }
  if (SUBSCRIPTIONS > 0) {
    await withStore(async (stores) => {
      const papers = Array.from({ length: SUB_PAPERS }, (_, i) => paper(i, '2026-02-02'));
      await stores.papers.upsertMany(papers);
      await stores.digests.put({
        date: '2026-02-02', source: 'arxiv', status: 'ok', message: null, papers: SUB_PAPERS, added: SUB_PAPERS, updated: 0,
        file: 'bench.md', ingestedAt: '2026-02-02T00:00:00.000Z', paperIds: papers.map((p) => p.id),
      });
      await rememberUnmatched(stores, papers.map((p) => p.id));
      const subs = Array.from({ length: SUBSCRIPTIONS }, (_, i) => ({
        guildId: `g${i % 50}`,
        // Half by DM (one target each), half into 200 channels.
        channelId: i % 2 ? `sc${i % 200}` : null,
        userId: i % 2 ? null : `u${i}`,
        // Each expression matches a few papers (≈ BENCH_SUB_PAPERS / 97).
        keywords: `topic${i % 97}`,
        mentionRoleId: null,
        createdBy: `u${i}`,
      }));
      for (let i = 0; i < subs.length; i += 1000) await stores.subscriptions.addMany(subs.slice(i, i + 1000));
      delay.reset();
      delay.enable();
      const started = performance.now();
      const planned = await planDeliveries({ stores, log: silentLog(), backlog: 3 });
      const took = performance.now() - started;
      delay.disable();
      print(`plan ${SUBSCRIPTIONS} subscriptions × ${SUB_PAPERS}`, s(took), `target < 5 s; ${planned} messages, longest event-loop stall ${ms(delay.max / 1e6)}`);
    });
  }
}

/** Delivery through the real bot: time to the first message and the whole run against the rate-limit floor. */
async function benchDelivery(): Promise<void> {
  const namespace = uniqueNamespace('bench');
  const world = await createWorld({ rateLimits: DISCORD_RATE_LIMITS, env: { KEYV_URL: storeUrl(), KEYV_NAMESPACE: namespace } });
  try {
    const guild = world.discord.guildId;
    const channels = Array.from({ length: CHANNELS }, (_, i) => world.discord.addChannel(guild, { name: `papers-${i}` }).id);
    // Channels go into the store directly (as `/digest channel add` would have put them over time).
    const seed = await openStores(storeUrl(), { namespace });
    for (let i = 0; i < channels.length; i += 100) {
      await Promise.all(channels.slice(i, i + 100).map((channelId) => seed.channels.put({ ...channelRecord(0), guildId: guild, channelId })));
    }
    await seed.close();
    const bot = await world.start();
    writeFileSync(join(world.digestDir, '2026-02-01-arxiv.md'), digestMarkdown('2026-02-01', rows(PAPERS, 50000)));

    const firstRequest = world.discord.requests.length;
    const isCreate = (r: { method: string; path: string; status: number }) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) && r.status === 200;
    let firstMessage: number | null = null;
    const started = performance.now();
    const watch = setInterval(() => {
      if (firstMessage === null && world.discord.requests.slice(firstRequest).some(isCreate)) firstMessage = performance.now() - started;
    }, 5);
    const report = await bot.app.runner.run('bench');
    clearInterval(watch);
    const took = performance.now() - started;
    const requests = world.discord.requests.slice(firstRequest);
    const messages = channels.reduce((n, c) => n + world.discord.messages(c).length, 0);

    const perChannel = Math.ceil(PAPERS / PER_MESSAGE);
    const lowerBound = perChannel * CHANNELS;
    const { messages: channelLimit, global } = DISCORD_RATE_LIMITS;
    const channelFloor = (Math.ceil(perChannel / channelLimit.limit) - 1) * channelLimit.windowMs;
    const globalFloor = (Math.ceil(lowerBound / global.limit) - 1) * global.windowMs;
    const floor = Math.max(channelFloor, globalFloor);
    print('messages posted', String(messages), `lower bound ${lowerBound} (${CHANNELS} channels × ⌈${PAPERS}/${PER_MESSAGE}⌉); ${requests.filter((r) => r.status === 429).length} answers 429`);
    print('time to first message', firstMessage === null ? '—' : s(firstMessage), 'from the start of the run (ingest + planning of the first channel)');
    print('whole run (ingest, plan, deliver)', s(took), `rate limits alone impose ≥ ${s(floor)}: ${floor > 0 ? `${((took / floor - 1) * 100).toFixed(1)} % over the floor` : 'no floor'}; ${report.messagesSent} sent`);
    if (messages !== lowerBound) process.exitCode = 1;
    const violations = world.discord.violations();
    if (violations.length) {
      console.log('violations:', violations);
      process.exitCode = 1;
    }
  } finally {
    await world.close();
    const cleanup = await openStores(storeUrl(), { namespace });
    await cleanup.kv.clear().catch(() => undefined);
    await cleanup.close();
  }
}

/** Mark-sent latency at the end of a queue of `size` pending entries. */
async function benchMark(size: number): Promise<number> {
  return withStore(async (stores) => {
    const body = { message: { content: 'x'.repeat(800), allowed_mentions: { parse: [] } } };
    const entry = (i: number): NewOutboxEntry => ({
      id: `digest:c${i % 1000}:2026-02-01:arxiv:${i}`,
      target: { kind: 'channel', channelId: `c${i % 1000}`, guildId: 'g1' },
      body,
      paperIds: [`arxiv:2602.${i}`],
    });
    for (let i = 0; i < size; i += 1000) await stores.outbox.enqueueMany(Array.from({ length: Math.min(1000, size - i) }, (_, j) => entry(i + j)));
    const samples: number[] = [];
    for (let i = size - MARK_SAMPLES; i < size; i++) {
      const t = performance.now();
      await stores.outbox.markSent(entry(i).id, String(1e17 + i));
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)] ?? 0;
  });
}

console.log(`bench:post — store ${STORE} (${storeUrl().replace(/\/\/[^@/]*@/, '//')}), ${CHANNELS} channels, ${PAPERS} papers, ${SUBSCRIPTIONS} subscriptions`);
try {
  if (PARTS.has('plan')) await benchPlanning();
  if (PARTS.has('deliver') && CHANNELS > 0) await benchDelivery();
  if (PARTS.has('mark') && PENDING.length) {
    const medians: number[] = [];
    for (const size of PENDING) {
      const median = await benchMark(size);
      medians.push(median);
      const base = medians[0] ?? median;
      print(`mark sent, ${size} pending`, ms(median), size === PENDING[0] ? `median of the last ${MARK_SAMPLES} of the queue (baseline)` : `${(median / base).toFixed(2)}× the ${PENDING[0]}-pending baseline (target ≤ 2×)`);
    }
  }
} finally {
  const { rmSync } = await import('node:fs');
  rmSync(sqliteDir, { recursive: true, force: true });
}
