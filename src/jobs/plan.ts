/**
 * Planning: decides what each channel and subscriber is due and puts it in the outbox, before anything is sent.
 *
 * - Channels: for each source a channel follows, the newest `backlog` digests; of those, the papers never
 *   delivered to that channel (the same paper from another day, file or source is not posted again).
 * - Subscriptions: the papers new to the archive are matched against every subscription; each target (channel or
 *   user) gets each paper once, however many of its subscriptions match, after the digest posts.
 *
 * Entry ids are deterministic (target, digest, papers, part), and papers are marked delivered right after their
 * entries are enqueued. A crash in between re-plans the same ids, which the outbox ignores: nothing is lost or
 * doubled. Papers awaiting subscription matching are kept in the store until planned, for the same reason.
 */
import { createHash } from 'node:crypto';
import { paperCategories } from '../digest/categories.ts';
import type { Paper } from '../digest/types.ts';
import type { APIEmbed } from 'discord-api-types/v10';
import { packDigestMessages, packSubscriptionMessage, subscriptionEmbeds, subscriptionPing, withMention, type MessageBody } from '../discord/messages.ts';
import type { OutboxBody } from '../discord/publisher.ts';
import type { Locale } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import { anyCategoryMatches, subscriptionCompiler } from '../search/index.ts';
import { targetKeyOf, type ChannelRecord, type DeliveryTarget, type DigestRecord, type NewOutboxEntry, type Stores, type TargetPapers } from '../store/index.ts';
import { forgetUnmatched, unmatchedPapers } from './unmatched.ts';
import { timeSlicer, turn } from '../slices.ts';


/** What planning needs. */
export interface PlanDeps {
  stores: Stores;
  log: Logger;
  /** Newest digests per source a channel may receive. */
  backlog: number;
  /** Which guilds this process serves (sharding); default all. */
  servesGuild?: (guildId: string) => boolean;
  /**
   * Called with the ids of each batch of entries right after they are in the outbox (and their papers marked
   * delivered), so delivery can start while the rest is still being planned.
   */
  onPlanned?: (ids: readonly string[]) => void;
}

/** Channels planned per batch: one batched delivery check, one enqueue and one mark for all of them. */
const CHANNEL_BATCH = 100;
/** Subscription targets planned per batch. */
const TARGET_BATCH = 500;
/** Subscriptions compiled between turns of the event loop (a few milliseconds of parsing). */
const COMPILE_SLICE = 50;
/** Subscription embeds built between turns of the event loop. */
const EMBED_SLICE = 20;
/** Distinct subscription embeds kept while planning (a few kilobytes each). */
const EMBED_CACHE = 5000;

/**
 * Plans everything due; returns the number of outbox entries enqueued. New papers come from the store's waiting
 * list (see unmatched.ts) rather than from one ingest report, so none is missed after a crash.
 */
export async function planDeliveries(deps: PlanDeps): Promise<number> {
  const unmatched = await unmatchedPapers(deps.stores);
  const due = newestPerSource(await deps.stores.digests.list({ limit: 500 }), deps.backlog);
  let planned = await planChannels(deps, due);
  // Subscriptions get new papers of the same recent digests channels get: importing an archive of old digests
  // must not send every subscriber years of papers.
  const recent = new Set(due.flatMap((d) => d.paperIds));
  planned += await planSubscriptions(deps, unmatched.filter((id) => recent.has(id)));
  await forgetUnmatched(deps.stores, unmatched);
  return planned;
}

/**
 * Writes one batch: entries first, then the papers they carry as delivered (a crash in between re-plans the same
 * deterministic ids, which the outbox ignores), then hands the new ids to delivery.
 */
async function commitBatch(deps: PlanDeps, entries: NewOutboxEntry[], marks: TargetPapers[]): Promise<number> {
  const fresh = entries.length ? await deps.stores.outbox.enqueueMany(entries) : [];
  // Every mark was just read as undelivered by this batch's check: no second read.
  await deps.stores.deliveries.markDeliveredMany(marks, { unchecked: true });
  if (fresh.length) deps.onPlanned?.(fresh);
  return entries.length;
}

/**
 * Commits batches one after another while the next batch is read and built: the store writes of one batch
 * overlap the reads and the CPU work of the next. Batches never share a target, so reading the next one while
 * the previous is written sees nothing half-done; commits stay in order, at most one in flight.
 */
function batchCommitter(deps: PlanDeps) {
  let planned = 0;
  let inFlight: Promise<void> = Promise.resolve();
  return {
    async commit(entries: NewOutboxEntry[], marks: TargetPapers[]): Promise<void> {
      await inFlight;
      inFlight = commitBatch(deps, entries, marks).then((n) => {
        planned += n;
      });
      // Awaited by the next commit or by `done()`; until then a failure must not count as unhandled.
      inFlight.catch(() => undefined);
    },
    async done(): Promise<number> {
      await inFlight;
      return planned;
    },
  };
}

async function planChannels(deps: PlanDeps, digests: DigestRecord[]): Promise<number> {
  const { stores } = deps;
  const channels = (await stores.channels.listAll()).filter((c) => !c.disabled && (deps.servesGuild?.(c.guildId) ?? true));
  if (channels.length === 0) return 0;
  // Oldest first, so a channel catching up reads the days in order.
  const ordered = [...digests].reverse();
  // Each digest's papers are read once, not once per channel.
  const papersOf = new Map<DigestRecord, Promise<Map<string, Paper>>>();
  /** A planned paper's categories (none when it is not in the store). */
  const paperOrNone = (paper: Paper | undefined): string[] => (paper ? paperCategories(paper) : []);
  const papersFor = (digest: DigestRecord) => {
    let papers = papersOf.get(digest);
    if (!papers) {
      papers = stores.papers.getMany(digest.paperIds).then((list) => new Map(list.flatMap((p) => (p ? [[p.id, p] as const] : []))));
      papersOf.set(digest, papers);
    }
    return papers;
  };
  const packed: PackCache = new Map();
  const committer = batchCommitter(deps);
  for (let i = 0; i < channels.length; i += CHANNEL_BATCH) {
    const batch = channels.slice(i, i + CHANNEL_BATCH).map((channel) => {
      const target: DeliveryTarget = { kind: 'channel', channelId: channel.channelId, guildId: channel.guildId };
      return { channel, target, key: targetKeyOf(target), taken: new Set<string>() };
    });
    const entries: NewOutboxEntry[] = [];
    const marks: TargetPapers[] = [];
    for (const digest of ordered) {
      const members = batch.filter((m) => follows(m.channel, digest.source));
      if (members.length === 0) continue;
      if (digest.status !== 'ok' || digest.paperIds.length === 0) {
        const told = members.filter((m) => m.channel.notices);
        const marker = `notice:${digest.date}:${digest.source}`;
        const due = await stores.deliveries.filterUndeliveredMany(told.map((m) => ({ targetKey: m.key, paperIds: [marker] })));
        told.forEach((m, k) => {
          if (!due[k]?.length || m.taken.has(marker)) return;
          m.taken.add(marker);
          entries.push(noticeEntry(m.channel, m.target, digest, marker));
          marks.push({ targetKey: m.key, paperIds: [marker] });
        });
        continue;
      }
      const due = await stores.deliveries.filterUndeliveredMany(members.map((m) => ({ targetKey: m.key, paperIds: digest.paperIds })));
      const papers = await papersFor(digest);
      members.forEach((m, k) => {
        // The same paper in two digests of this batch (another source or day) goes out once.
        let ids = (due[k] ?? []).filter((id) => !m.taken.has(id));
        // Only the channel's categories; a paper not looked up yet waits (it is not marked delivered).
        const wanted = m.channel.categories ?? [];
        if (wanted.length) ids = ids.filter((id) => anyCategoryMatches(wanted, paperOrNone(papers.get(id))));
        if (ids.length === 0) return;
        for (const id of ids) m.taken.add(id);
        const list = ids.flatMap((id) => papers.get(id) ?? []);
        const made = digestEntries(m.channel, m.target, digest, list, packed);
        entries.push(...made);
        marks.push({ targetKey: m.key, paperIds: ids });
        deps.log.info({ channel: m.channel.channelId, date: digest.date, source: digest.source, papers: list.length, messages: made.length }, 'digest planned');
      });
    }
    await committer.commit(entries, marks);
  }
  return committer.done();
}

/** The newest `backlog` digests of each source, newest first (the store lists newest first). */
function newestPerSource(digests: DigestRecord[], backlog: number): DigestRecord[] {
  const taken = new Map<string, number>();
  return digests.filter((d) => {
    if (d.date === null) return false;
    const n = taken.get(d.source) ?? 0;
    taken.set(d.source, n + 1);
    return n < backlog;
  });
}

function follows(channel: ChannelRecord, source: string): boolean {
  return channel.sources === null || channel.sources.includes(source);
}

/** Packed digest messages by (mode, locale, digest, papers): a thousand channels with the same due papers pack once. */
type PackCache = Map<string, { header?: MessageBody; threadName?: string; messages: MessageBody[]; ids: string[][] }>;

function digestEntries(channel: ChannelRecord, target: DeliveryTarget, digest: DigestRecord, papers: Paper[], cache: PackCache): NewOutboxEntry[] {
  const batch = { source: digest.source, date: digest.date, papers };
  const locale = localeOf(channel);
  const hash = hashIds(papers.map((p) => p.id));
  const base = `digest:${channel.channelId}:${digest.date}:${digest.source}:${hash}`;
  const entry = (part: number, message: MessageBody, paperIds: string[], thread?: OutboxBody['thread']): NewOutboxEntry => ({
    id: `${base}:${part}`,
    target,
    body: { message, ...(thread ? { thread } : {}) } satisfies OutboxBody,
    paperIds,
  });
  const cacheKey = `${channel.mode}|${locale}|${digest.date}|${digest.source}|${hash}`;
  let packed = cache.get(cacheKey);
  if (!packed) {
    if (channel.mode === 'thread') {
      const plan = packDigestMessages(batch, 'thread', { locale });
      packed = { header: plan.header, threadName: plan.threadName, messages: plan.messages, ids: splitIds(plan.messages, papers, 'embeds') };
    } else {
      const messages = packDigestMessages(batch, channel.mode, { locale });
      packed = { messages, ids: splitIds(messages, papers, channel.mode) };
    }
    cache.set(cacheKey, packed);
  }
  const { header, threadName, messages, ids } = packed;
  if (header) {
    const first = entry(0, header, []);
    return [first, ...messages.map((m, i) => entry(i + 1, m, ids[i] ?? [], { headerId: first.id, name: threadName ?? '' }))];
  }
  return messages.map((m, i) => entry(i, m, ids[i] ?? []));
}

function noticeEntry(channel: ChannelRecord, target: DeliveryTarget, digest: DigestRecord, marker: string): NewOutboxEntry {
  const what = digest.status === 'failed' ? `the generator failed${digest.message ? `: ${digest.message}` : ''}` : 'no papers today';
  const text = `📭 ${digest.source} · ${digest.date ?? ''} — ${what}`.slice(0, 1900);
  const message: MessageBody = { content: text.replace(/[@<>*_`~|\\]/g, (c) => `\\${c}`), allowed_mentions: { parse: [] } };
  return { id: `${marker}:${channel.channelId}`, target, body: { message } satisfies OutboxBody, paperIds: [] };
}

async function planSubscriptions(deps: PlanDeps, paperIds: string[]): Promise<number> {
  if (paperIds.length === 0) return 0;
  const { stores } = deps;
  // A channel switched off for refusing digests refuses subscription posts too: don't queue more for it.
  const switchedOff = new Set((await stores.channels.listAll()).filter((c) => c.disabled).map((c) => c.channelId));
  const subscriptions = (await stores.subscriptions.listAll()).filter(
    (s) => !s.paused && !(s.channelId && switchedOff.has(s.channelId)) && (deps.servesGuild?.(s.guildId) ?? true),
  );
  if (subscriptions.length === 0) return 0;
  // Decoding 10,000 subscriptions and compiling them are each tens of milliseconds: not in one stretch.
  const slicer = timeSlicer();
  await turn();
  const compiler = subscriptionCompiler();
  for (let i = 0; i < subscriptions.length; i += COMPILE_SLICE) {
    compiler.add(subscriptions.slice(i, i + COMPILE_SLICE).map((s) => ({ id: s.id, expression: s.keywords })));
    await slicer.pause();
  }
  const matcher = compiler.finish();
  const byId = new Map(subscriptions.map((s) => [s.id, s]));
  const papers = (await stores.papers.getMany(paperIds)).filter((p): p is Paper => p !== undefined);

  // target key → papers with the keywords that matched them, and the role to mention (if any subscription asks).
  const perTarget = new Map<
    string,
    { target: DeliveryTarget; papers: Map<string, { paper: Paper; keywords: Set<string> }>; roleIds: Set<string>; locale: Locale }
  >();
  for (const paper of papers) {
    await slicer.pause();
    for (const match of matcher.match(paper)) {
      const sub = byId.get(match.subscriptionId);
      if (!sub) continue;
      const target: DeliveryTarget = sub.channelId
        ? { kind: 'channel', channelId: sub.channelId, guildId: sub.guildId }
        : { kind: 'user', userId: sub.userId ?? sub.createdBy, guildId: sub.guildId };
      const key = targetKeyOf(target);
      const slot = perTarget.get(key) ?? { target, papers: new Map(), roleIds: new Set<string>(), locale: localeOf(sub) };
      // Every subscription that matched and asked for a role gets its role pinged (once).
      if (sub.mentionRoleId) slot.roleIds.add(sub.mentionRoleId);
      const entry = slot.papers.get(paper.id) ?? { paper, keywords: new Set<string>() };
      for (const keyword of match.matchedKeywords) entry.keywords.add(keyword);
      slot.papers.set(paper.id, entry);
      perTarget.set(key, slot);
    }
  }

  // Many subscriptions share a keyword (a popular topic, by DM to each person): the same paper with the same matched
  // keywords is one embed, built once per run (at 10,000 subscriptions embed building was most of the planning time).
  const embedCache = new Map<string, APIEmbed>();
  const embedOf = (paper: Paper, keywords: string[], locale: Locale): APIEmbed => {
    const key = `${locale}\u0000${paper.id}\u0000${keywords.join('\u0001')}`;
    let embed = embedCache.get(key);
    if (!embed) {
      if (embedCache.size >= EMBED_CACHE) embedCache.clear();
      [embed] = subscriptionEmbeds([paper], [keywords], { locale }) as [APIEmbed];
      embedCache.set(key, embed);
    }
    return embed;
  };
  const committer = batchCommitter(deps);
  const slots = [...perTarget];
  for (let i = 0; i < slots.length; i += TARGET_BATCH) {
    const batch = slots.slice(i, i + TARGET_BATCH);
    const due = await stores.deliveries.filterUndeliveredMany(batch.map(([key, slot]) => ({ targetKey: key, paperIds: [...slot.papers.keys()] })));
    // A subscription asking for a role pings it even for papers the target already had (from the digest): which
    // of those were not pinged yet, for every such target in one read.
    const pingable = batch.map(([, slot], k) => {
      const posted = new Set(due[k]);
      return slot.roleIds.size ? [...slot.papers.values()].filter((item) => !posted.has(item.paper.id)) : [];
    });
    const unpinged = await stores.deliveries.filterUndeliveredMany(
      batch.map(([key], k) => ({ targetKey: key, paperIds: (pingable[k] ?? []).map((item) => pingId(item.paper.id)) })),
    );
    const entries: NewOutboxEntry[] = [];
    const marks: TargetPapers[] = [];
    for (const [k, [key, slot]] of batch.entries()) {
      // Building embeds is the CPU-heavy part: let interactions in between targets.
      await slicer.pause();
      const posted = new Set(due[k]);
      const items = [...slot.papers.values()].filter((item) => posted.has(item.paper.id));
      const mention = [...slot.roleIds].map((roleId) => ({ roleId }));
      if (items.length > 0) {
        const papers = items.map((it) => it.paper);
        const options = { locale: slot.locale, mention };
        // One target may have hundreds of papers: their embeds are built a few at a time.
        const embeds: APIEmbed[] = [];
        for (let e = 0; e < items.length; e += EMBED_SLICE) {
          for (const item of items.slice(e, e + EMBED_SLICE)) embeds.push(embedOf(item.paper, [...item.keywords], slot.locale));
          await slicer.pause();
        }
        const messages = packSubscriptionMessage(papers, embeds, options);
        const ids = splitIds(messages, papers, 'embeds');
        const base = `sub:${key}:${hashIds(items.map((it) => it.paper.id))}`;
        entries.push(...messages.map((message, m): NewOutboxEntry => ({ id: `${base}:${m}`, target: slot.target, body: { message } satisfies OutboxBody, paperIds: ids[m] ?? [] })));
        marks.push({ targetKey: key, paperIds: [...posted, ...(mention.length ? [...posted].map(pingId) : [])] });
      }
      const toPing = new Set(unpinged[k]);
      const pings = (pingable[k] ?? []).filter((item) => toPing.has(pingId(item.paper.id)));
      if (mention.length && pings.length) {
        entries.push(pingEntry(key, slot, pings, mention));
        marks.push({ targetKey: key, paperIds: [...toPing] });
      }
    }
    await committer.commit(entries, marks);
  }
  return committer.done();
}

const pingId = (paperId: string) => `ping:${paperId}`;


/**
 * A channel that receives the daily digest already has the matching papers, so a subscription there adds no
 * embeds; but a subscription that asked for a role must still ping it. This is one short message mentioning the
 * roles, with the matching titles linked, once per paper.
 */
function pingEntry(
  key: string,
  slot: { target: DeliveryTarget; locale: Locale },
  items: { paper: Paper; keywords: Set<string> }[],
  mention: { roleId: string }[],
): NewOutboxEntry {
  const keywords = [...new Set(items.flatMap((i) => [...i.keywords]))];
  const message = withMention(subscriptionPing(items.map((i) => i.paper), keywords, { locale: slot.locale }), mention);
  return { id: `ping:${key}:${hashIds(items.map((i) => i.paper.id))}`, target: slot.target, body: { message } satisfies OutboxBody, paperIds: items.map((i) => i.paper.id) };
}

/**
 * Which papers each message carries, in order: one per embed, or in compact mode one per list line. Recorded on
 * the outbox entry so an operator (and the export) can tell what a message held.
 */
function splitIds(messages: readonly MessageBody[], papers: readonly Paper[], mode: 'embeds' | 'compact'): string[][] {
  let offset = 0;
  return messages.map((message) => {
    const embeds = message.embeds ?? [];
    const count = mode === 'compact' ? embeds.reduce((n, e) => n + (e.description?.split('\n').length ?? 0), 0) : embeds.length;
    const ids = papers.slice(offset, offset + count).map((p) => p.id);
    offset += count;
    return ids;
  });
}

function hashIds(ids: readonly string[]): string {
  return createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 16);
}

function localeOf(record: { locale?: Locale | undefined }): Locale {
  return record.locale ?? 'en-US';
}
