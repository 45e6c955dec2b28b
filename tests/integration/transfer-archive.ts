/**
 * A realistic archive for the export/import tests, built the way the bot builds one: digests ingested, channels
 * and subscriptions planned into the outbox, part of it sent (a thread whose header went out but whose papers
 * did not), one message given up on, and the planner's meta state.
 */
import { memorySnapshotFile, openArchive } from '../../src/archive.ts';
import { memoryDigestFolder } from '../../src/jobs/digest-folder.ts';
import { ingestFolder } from '../../src/jobs/ingest.ts';
import { planDeliveries } from '../../src/jobs/plan.ts';
import { emptyState, metaSourceStateStore } from '../../src/sources/state.ts';
import type { ExportLine, OutboxEntry, Stores } from '../../src/store/index.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { silentLog } from '../helpers/log.ts';

/** What {@link buildArchive} made, for assertions. */
export interface BuiltArchive {
  papers: number;
  /** The sent thread header that pending thread messages point at. */
  headerId: string;
}

/** Fills `stores` with `perDay` papers on each of three days plus everything around them. */
export async function buildArchive(stores: Stores, perDay = 40): Promise<BuiltArchive> {
  const log = silentLog();
  const archive = await openArchive({ stores, snapshot: memorySnapshotFile() });
  const files = new Map<string, string>([
    ['2026-01-10-arxiv.md', digestMarkdown('2026-01-10', rows(perDay, 10000))],
    ['2026-01-11-arxiv.md', digestMarkdown('2026-01-11', rows(perDay, 20000, '扩散模型'))],
    ['2026-01-12-biorxiv.md', digestMarkdown('2026-01-12', rows(perDay, 30000, '蛋白质'), 'biorxiv')],
    ['2026-01-13-arxiv.md', '# arxiv 2026-01-13\n\n今日无更新。\n'],
  ]);
  await ingestFolder({ archive, folder: memoryDigestFolder(files), log });

  const channel = (channelId: string, mode: 'embeds' | 'thread', sources: string[] | null) => ({
    guildId: '100000000000000001',
    channelId,
    sources,
    mode,
    notices: true,
    disabled: null,
    failures: 0,
    addedBy: '200000000000000001',
    addedAt: '2026-01-09T08:00:00.000Z',
  });
  await stores.channels.put(channel('300000000000000001', 'thread', ['arxiv']));
  await stores.channels.put(channel('300000000000000002', 'embeds', null));
  await stores.subscriptions.add({
    guildId: '100000000000000001',
    channelId: null,
    userId: '200000000000000002',
    keywords: '扩散模型 OR 蛋白质',
    mentionRoleId: null,
    createdBy: '200000000000000002',
  });
  await stores.subscriptions.add({
    guildId: '100000000000000001',
    channelId: '300000000000000002',
    userId: null,
    keywords: 'diffusion',
    mentionRoleId: '400000000000000001',
    createdBy: '200000000000000001',
    paused: { reason: 'paused by an admin', since: '2026-01-11T00:00:00.000Z' },
  });
  await planDeliveries({ stores, log, backlog: 3 });

  // Send what a publisher would have sent before the move: the first thread header, and the first embeds message.
  const pending = await stores.outbox.pending();
  const threaded = pending.find((e) => (e.body as { thread?: { headerId: string } }).thread);
  if (!threaded) throw new Error('fixture: the plan made no thread messages');
  const headerId = (threaded.body as { thread: { headerId: string } }).thread.headerId;
  await stores.outbox.markSent(headerId, '500000000000000001');
  const embeds = pending.find((e) => e.target.kind === 'channel' && e.target.channelId === '300000000000000002');
  if (!embeds) throw new Error('fixture: the plan made no messages for the embeds channel');
  await stores.outbox.markSent(embeds.id, '500000000000000002');
  const dm = pending.find((e) => e.target.kind === 'user');
  if (!dm) throw new Error('fixture: the plan made no DM');
  await stores.outbox.markFailed(dm.id, '50007 Cannot send messages to this user');
  // A meta value as the bot writes one (import accepts only the meta keys the bot uses).
  await metaSourceStateStore(stores.meta).put({ ...emptyState('daily', 'https://example.org/{date}.md'), lastCheck: '2026-01-12T09:00:00.000Z' });
  return { papers: await stores.papers.count(), headerId };
}

/** Every line of an export, through JSON as a file would carry it. */
export async function exportLines(stores: Stores): Promise<ExportLine[]> {
  const out: ExportLine[] = [];
  for await (const line of stores.exportAll()) out.push(JSON.parse(JSON.stringify(line)) as ExportLine);
  return out;
}

/** The outbox entries of an export, by id. */
export function outboxById(lines: readonly ExportLine[]): Map<string, OutboxEntry> {
  return new Map(lines.filter((l) => l.kind === 'outbox').map((l) => [(l.record as OutboxEntry).id, l.record as OutboxEntry]));
}
