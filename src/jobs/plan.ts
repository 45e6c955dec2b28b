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
import type { Paper } from '../digest/types.ts';
import { packDigestMessages, subscriptionMessage, subscriptionPing, withMention, type MessageBody } from '../discord/messages.ts';
import type { OutboxBody } from '../discord/publisher.ts';
import type { Locale } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import { anyCategoryMatches, compileSubscriptions } from '../search/index.ts';
import { targetKeyOf, type ChannelRecord, type DeliveryTarget, type DigestRecord, type NewOutboxEntry, type Stores } from '../store/index.ts';
import { forgetUnmatched, unmatchedPapers } from './unmatched.ts';


/** What planning needs. */
export interface PlanDeps {
  stores: Stores;
  log: Logger;
  /** Newest digests per source a channel may receive. */
  backlog: number;
  /** Which guilds this process serves (sharding); default all. */
  servesGuild?: (guildId: string) => boolean;
}

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

async function planChannels(deps: PlanDeps, digests: DigestRecord[]): Promise<number> {
  const { stores } = deps;
  const channels = (await stores.channels.listAll()).filter((c) => !c.disabled && (deps.servesGuild?.(c.guildId) ?? true));
  if (channels.length === 0) return 0;
  let planned = 0;
  for (const channel of channels) {
    const target: DeliveryTarget = { kind: 'channel', channelId: channel.channelId, guildId: channel.guildId };
    const key = targetKeyOf(target);
    // Oldest first, so a channel catching up reads the days in order.
    for (const digest of digests.filter((d) => follows(channel, d.source)).reverse()) {
      if (digest.status !== 'ok' || digest.paperIds.length === 0) {
        if (channel.notices) planned += await planNotice(deps, channel, target, digest);
        continue;
      }
      let due = await stores.deliveries.filterUndelivered(key, digest.paperIds);
      if (due.length === 0) continue;
      let papers = (await stores.papers.getMany(due)).filter((p): p is Paper => p !== undefined);
      if (channel.categories?.length) {
        // Only the channel's categories; a paper not looked up yet waits (it is not marked delivered).
        papers = papers.filter((p) => anyCategoryMatches(channel.categories ?? [], p.meta?.categories ?? []));
        due = papers.map((p) => p.id);
        if (due.length === 0) continue;
      }
      const entries = digestEntries(channel, target, digest, papers);
      await stores.outbox.enqueueMany(entries);
      await stores.deliveries.markDelivered(key, due);
      planned += entries.length;
      deps.log.info({ channel: channel.channelId, date: digest.date, source: digest.source, papers: papers.length, messages: entries.length }, 'digest planned');
    }
  }
  return planned;
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

function digestEntries(channel: ChannelRecord, target: DeliveryTarget, digest: DigestRecord, papers: Paper[]): NewOutboxEntry[] {
  const batch = { source: digest.source, date: digest.date, papers };
  const locale = localeOf(channel);
  const base = `digest:${channel.channelId}:${digest.date}:${digest.source}:${hashIds(papers.map((p) => p.id))}`;
  const entry = (part: number, message: MessageBody, paperIds: string[], thread?: OutboxBody['thread']): NewOutboxEntry => ({
    id: `${base}:${part}`,
    target,
    body: { message, ...(thread ? { thread } : {}) } satisfies OutboxBody,
    paperIds,
  });
  if (channel.mode === 'thread') {
    const plan = packDigestMessages(batch, 'thread', { locale });
    const header = entry(0, plan.header, []);
    const ids = splitIds(plan.messages, papers, 'embeds');
    return [header, ...plan.messages.map((m, i) => entry(i + 1, m, ids[i] ?? [], { headerId: header.id, name: plan.threadName }))];
  }
  const messages = packDigestMessages(batch, channel.mode, { locale });
  const ids = splitIds(messages, papers, channel.mode);
  return messages.map((m, i) => entry(i, m, ids[i] ?? []));
}

async function planNotice(deps: PlanDeps, channel: ChannelRecord, target: DeliveryTarget, digest: DigestRecord): Promise<number> {
  const key = targetKeyOf(target);
  const marker = `notice:${digest.date}:${digest.source}`;
  if ((await deps.stores.deliveries.filterUndelivered(key, [marker])).length === 0) return 0;
  const what = digest.status === 'failed' ? `the generator failed${digest.message ? `: ${digest.message}` : ''}` : 'no papers today';
  const text = `📭 ${digest.source} · ${digest.date ?? ''} — ${what}`.slice(0, 1900);
  const message: MessageBody = { content: text.replace(/[@<>*_`~|\\]/g, (c) => `\\${c}`), allowed_mentions: { parse: [] } };
  await deps.stores.outbox.enqueueMany([{ id: `${marker}:${channel.channelId}`, target, body: { message } satisfies OutboxBody, paperIds: [] }]);
  await deps.stores.deliveries.markDelivered(key, [marker]);
  return 1;
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
  const matcher = compileSubscriptions(subscriptions.map((s) => ({ id: s.id, expression: s.keywords })));
  const byId = new Map(subscriptions.map((s) => [s.id, s]));
  const papers = (await stores.papers.getMany(paperIds)).filter((p): p is Paper => p !== undefined);

  // target key → papers with the keywords that matched them, and the role to mention (if any subscription asks).
  const perTarget = new Map<
    string,
    { target: DeliveryTarget; papers: Map<string, { paper: Paper; keywords: Set<string> }>; roleIds: Set<string>; locale: Locale }
  >();
  for (const paper of papers) {
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

  let planned = 0;
  for (const [key, slot] of perTarget) {
    const due = new Set(await stores.deliveries.filterUndelivered(key, [...slot.papers.keys()]));
    const items = [...slot.papers.values()].filter((item) => due.has(item.paper.id));
    const mention = [...slot.roleIds].map((roleId) => ({ roleId }));
    if (items.length > 0) {
      const messages = subscriptionMessage(
        items.map((i) => i.paper),
        items.map((i) => [...i.keywords]),
        { locale: slot.locale, mention },
      );
      const ids = splitIds(messages, items.map((it) => it.paper), 'embeds');
      const base = `sub:${key}:${hashIds(items.map((i) => i.paper.id))}`;
      const entries = messages.map((message, i): NewOutboxEntry => ({
        id: `${base}:${i}`,
        target: slot.target,
        body: { message } satisfies OutboxBody,
        paperIds: ids[i] ?? [],
      }));
      await stores.outbox.enqueueMany(entries);
      await stores.deliveries.markDelivered(key, [...due, ...(mention.length ? [...due].map(pingId) : [])]);
      planned += entries.length;
    }
    if (mention.length) planned += await planPing(deps, key, slot, due, mention);
  }
  return planned;
}

const pingId = (paperId: string) => `ping:${paperId}`;

/**
 * A channel that receives the daily digest already has the matching papers, so a subscription there adds no
 * embeds; but a subscription that asked for a role must still ping it. This plans one short message mentioning
 * the roles, with the matching titles linked, once per paper.
 */
async function planPing(
  deps: PlanDeps,
  key: string,
  slot: { target: DeliveryTarget; papers: Map<string, { paper: Paper; keywords: Set<string> }>; locale: Locale },
  justPosted: Set<string>,
  mention: { roleId: string }[],
): Promise<number> {
  const already = [...slot.papers.values()].filter((item) => !justPosted.has(item.paper.id));
  if (already.length === 0) return 0;
  const unpinged = new Set(await deps.stores.deliveries.filterUndelivered(key, already.map((i) => pingId(i.paper.id))));
  const items = already.filter((i) => unpinged.has(pingId(i.paper.id)));
  if (items.length === 0) return 0;
  const keywords = [...new Set(items.flatMap((i) => [...i.keywords]))];
  const message = withMention(subscriptionPing(items.map((i) => i.paper), keywords, { locale: slot.locale }), mention);
  await deps.stores.outbox.enqueueMany([
    { id: `ping:${key}:${hashIds(items.map((i) => i.paper.id))}`, target: slot.target, body: { message } satisfies OutboxBody, paperIds: items.map((i) => i.paper.id) },
  ]);
  await deps.stores.deliveries.markDelivered(key, [...unpinged]);
  return 1;
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
