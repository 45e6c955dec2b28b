/**
 * Shared pieces of the store contract (tests/integration/store-contract/): fresh stores per test with a capturing
 * logger and a ticking clock, and the records the capabilities are exercised with.
 */
import type { Paper } from '../../src/digest/types.ts';
import type { ChannelRecord, Stores } from '../../src/store/index.ts';
import type { TestBackend, TestStores } from './backends.ts';
import { numberedPaper } from './papers.ts';

/** A warning the store logged (an undecodable value, …). */
export interface Warning {
  obj: Record<string, unknown>;
  msg: string;
}

/**
 * Runs `fn` with fresh, empty stores of `backend` (their own namespace, deleted afterwards). The clock starts at
 * 2025-11-24T00:00:00Z and moves one second per reading, so timestamps are predictable.
 */
export async function withStores(backend: TestBackend, fn: (s: TestStores, warnings: Warning[]) => Promise<void>): Promise<void> {
  const warnings: Warning[] = [];
  let clock = Date.parse('2025-11-24T00:00:00Z');
  const s = await backend.open({
    log: { warn: (obj, msg) => warnings.push({ obj, msg }) },
    now: () => new Date((clock += 1000)),
  });
  try {
    await fn(s, warnings);
  } finally {
    await s.dispose();
  }
}

/** Everything an async iterable yields. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Paper `arxiv:2511.0000n`: Chinese and English title and abstract, so every backend round-trips both. */
export function contractPaper(n: number, overrides: Partial<Paper> = {}): Paper {
  const arxivId = `2511.${String(n).padStart(5, '0')}`;
  return numberedPaper(n, {
    prefix: '2511',
    date: '2025-11-20',
    title: `视频即答案 ${n}`,
    titleOriginal: `Video as Answer ${n}`,
    authors: ['Ada Lovelace'],
    abstract: '摘要',
    abstractOriginal: 'An abstract.',
    pdfUrl: `https://arxiv.org/pdf/${arxivId}v1`,
    url: `https://arxiv.org/abs/${arxivId}`,
    ...overrides,
  });
}

/** A digest channel of guild g1 with default settings. */
export function channelRecord(overrides: Partial<ChannelRecord>): ChannelRecord {
  return {
    guildId: 'g1',
    channelId: 'c1',
    sources: null,
    mode: 'embeds',
    notices: false,
    disabled: null,
    failures: 0,
    addedBy: 'u1',
    addedAt: '2025-11-24T00:00:00.000Z',
    ...overrides,
  };
}

/** One record of every kind, for export. */
export async function fillStores(s: Stores): Promise<void> {
  await s.papers.upsertMany([contractPaper(1), contractPaper(2, { date: '2025-11-21' }), contractPaper(3, { date: null })]);
  await s.files.put({ path: 'a.md', hash: 'h', ingestedAt: 't', digests: [], error: null });
  await s.digests.put({
    date: '2025-11-20', source: 'arxiv', status: 'ok', message: null, papers: 1, added: 1, updated: 0, file: 'a.md',
    ingestedAt: 't', paperIds: ['arxiv:2511.00001'],
  });
  await s.channels.put(channelRecord({}));
  await s.subscriptions.add({
    guildId: 'g1', channelId: null, userId: 'u1', keywords: 'GAN', mentionRoleId: null, createdBy: 'u1',
  });
  const target = { kind: 'user' as const, userId: 'u1', guildId: 'g1' };
  await s.outbox.enqueueMany([
    { id: 'o1', target, body: { embeds: [] }, paperIds: [contractPaper(1).id] },
    { id: 'o2', target, body: null, paperIds: [] },
  ]);
  await s.outbox.markFailed('o2', 'Cannot send messages to this user');
  await s.deliveries.markDelivered('user:u1', [contractPaper(1).id, contractPaper(2).id]);
  // A meta key the bot uses (import accepts no other).
  await s.meta.set('plan:unmatched-papers', ['arxiv:2511.00003']);
}
