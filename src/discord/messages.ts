/**
 * Packing papers into message bodies for the channel modes (`embeds`, `compact`, `thread`) and subscription
 * posts. Pure: returns `RESTPostAPIChannelMessageJSONBody` JSON; the publisher adds nonces and sends.
 *
 * Why greedy packing is optimal: the papers must keep their order, so a plan is a split of the embed sequence
 * into consecutive runs, each within 10 embeds and 6000 counted characters. Both limits are monotone (any
 * sub-run of a valid run is valid). Greedy closes a message only when the next embed does not fit; by
 * induction its k-th message ends at or after the k-th message of any valid plan (if an optimal plan's k-th
 * run starts no earlier than greedy's, it is a sub-run of a run greedy could have extended), so greedy never
 * uses more messages than an optimal order-preserving plan.
 */
import type { ChannelMode } from '../store/records.ts';
import type { APIAllowedMentions, APIEmbed, RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import type { Paper, Source } from '../digest/types.ts';
import { EMBED_STRINGS, digestHeader, paperEmbed, paperUrl, sourceColor, sourceName, type LocaleOptions, type PaperEmbedOptions } from './embeds.ts';
import { LIMITS, codePoints, embedLength, fieldLength } from './limits.ts';
import { escapeMarkdown, maskedLink, oneLineHead, truncate, truncatePlain } from './markdown.ts';
import { saveMenuRows } from './save-menu.ts';

/** A message body as sent to `POST /channels/{id}/messages`. */
export type MessageBody = RESTPostAPIChannelMessageJSONBody;

/** How a channel receives digests (the setting stored with each channel). */
export type { ChannelMode };

/** The papers of one digest to post (usually only those the channel has not had yet). */
export interface DigestBatch {
  source: Source;
  date: string | null;
  papers: readonly Paper[];
}

/** Options for digest messages. */
export interface DigestMessageOptions extends PaperEmbedOptions {
  /** Put the header line in the first message's content (default true; thread mode always has it). */
  header?: boolean;
  /** Put a "🔖 Save…" menu of its papers under each message (default true). */
  saveMenu?: boolean;
}

/**
 * Adds to each message the save menu of the papers it shows: `counts[i]` papers, in order, are in message `i`.
 * Numbering follows the papers' positions in the whole post.
 */
function withSaveMenus(messages: MessageBody[], papers: readonly Paper[], counts: readonly number[], opts: { locale?: 'en-US' | 'zh-CN'; saveMenu?: boolean }): MessageBody[] {
  if (opts.saveMenu === false) return messages;
  let start = 0;
  return messages.map((message, i) => {
    const count = counts[i] ?? 0;
    const rows = saveMenuRows(papers.slice(start, start + count), { ...(opts.locale ? { locale: opts.locale } : {}), first: start + 1 });
    start += count;
    return rows.length ? { ...message, components: rows } : message;
  });
}

/** A thread-mode post: the header message, the thread's name, and the messages to post inside the thread. */
export interface ThreadPlan {
  header: MessageBody;
  threadName: string;
  messages: MessageBody[];
}

/** Mentions nobody: every body carries it so that digest text can never ping. A fresh object each call. */
export function noMentions(): APIAllowedMentions {
  return { parse: [] };
}

/**
 * Embeds packed in order into as few messages as the limits allow (greedy; optimal for order-preserving
 * packing, see the module comment). `content`, when given, goes on the first message.
 */
export function packEmbeds(embeds: readonly APIEmbed[], content?: string): MessageBody[] {
  const messages: MessageBody[] = [];
  let current: APIEmbed[] = [];
  let total = 0;
  const flush = (): void => {
    const body: MessageBody = { embeds: current, allowed_mentions: noMentions() };
    if (messages.length === 0 && content) body.content = content;
    messages.push(body);
    current = [];
    total = 0;
  };
  for (const embed of embeds) {
    const size = embedLength(embed);
    if (current.length > 0 && (current.length >= LIMITS.embeds || total + size > LIMITS.embedTotal)) flush();
    current.push(embed);
    total += size;
  }
  if (current.length > 0) flush();
  else if (content) messages.push({ content, allowed_mentions: noMentions() });
  return messages;
}

/**
 * The lower bound on messages that the limits give for these embeds: ⌈n / 10⌉ and ⌈characters / 6000⌉.
 * {@link packEmbeds} reaches it whenever every embed is within 600 counted characters (the default paper
 * embed budget), as then any ten consecutive embeds fit one message.
 */
export function embedMessagesLowerBound(embeds: readonly APIEmbed[]): number {
  const total = embeds.reduce((sum, e) => sum + embedLength(e), 0);
  return Math.max(Math.ceil(embeds.length / LIMITS.embeds), Math.ceil(total / LIMITS.embedTotal));
}

/** `embeds` mode: one embed a paper, the header as the first message's content. */
export function embedMessages(batch: DigestBatch, opts: DigestMessageOptions = {}): MessageBody[] {
  if (batch.papers.length === 0) return [];
  const embeds = batch.papers.map((paper) => paperEmbed(paper, opts));
  const header = opts.header === false ? undefined : digestHeader({ ...batch, count: batch.papers.length }, opts);
  const messages = packEmbeds(embeds, header);
  return withSaveMenus(messages, batch.papers, messages.map((m) => m.embeds?.length ?? 0), opts);
}

// A compact line's title is cut shorter than Discord allows, so that a list stays a list.
const COMPACT_TITLE = 160;

/** One numbered, linked line of the compact list (`**3.** [title](url)`). */
export function compactLine(paper: Paper, index: number): string {
  const title = truncate(oneLineHead(paper.title, 4096) || oneLineHead(paper.titleOriginal ?? '', 4096) || oneLineHead(paper.id, 256), COMPACT_TITLE);
  const url = paperUrl(paper);
  return `**${index}.** ${url ? maskedLink(title, url) : title}`;
}

/**
 * `compact` mode: a numbered list of linked titles. Lines go into embed descriptions (≤4096 each, ≤10 embeds
 * and 6000 characters a message), which hold three times what message content (2000) does, so this gives the
 * fewest messages; a line is never split. Messages are filled greedily in order, optimal by the argument in the
 * module comment: a run of `m` lines totalling `S` code points fits one message iff `S + m − min(10, m) ≤ 6000`
 * (each embed boundary saves a newline), a condition that holds for every sub-run of a run it holds for.
 */
export function compactMessages(batch: DigestBatch, opts: DigestMessageOptions = {}): MessageBody[] {
  if (batch.papers.length === 0) return [];
  const color = sourceColor(batch.source);
  const runs: string[][] = [];
  let run: string[] = [];
  let sum = 0;
  for (const [i, paper] of batch.papers.entries()) {
    const line = compactLine(paper, i + 1);
    const points = codePoints(line);
    const m = run.length + 1;
    if (run.length > 0 && sum + points + m - Math.min(LIMITS.embeds, m) > LIMITS.embedTotal) {
      runs.push(run);
      run = [];
      sum = 0;
    }
    run.push(line);
    sum += points;
  }
  runs.push(run);
  const messages: MessageBody[] = runs.map((lines) => ({
    embeds: compactChunks(lines).map((chunk) => ({ color, description: chunk.join('\n') })),
    allowed_mentions: noMentions(),
  }));
  const first = messages[0];
  if (first && opts.header !== false) first.content = digestHeader({ ...batch, count: batch.papers.length }, opts);
  return withSaveMenus(messages, batch.papers, runs.map((lines) => lines.length), opts);
}

/**
 * Splits one message's lines into embed descriptions: as few as the 4096 limit needs (readable), and more
 * only when the newlines saved at embed boundaries are what makes the message fit 6000.
 */
function compactChunks(lines: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let chunk: string[] = [];
  let units = 0;
  for (const line of lines) {
    const size = fieldLength(line);
    if (chunk.length > 0 && units + 1 + size > LIMITS.description) {
      chunks.push(chunk);
      chunk = [];
      units = 0;
    }
    units += (chunk.length > 0 ? 1 : 0) + size;
    chunk.push(line);
  }
  if (chunk.length > 0) chunks.push(chunk);
  const sum = lines.reduce((n, line) => n + codePoints(line), 0);
  const needed = sum + lines.length - LIMITS.embedTotal;
  while (chunks.length < needed && chunks.length < LIMITS.embeds) {
    // Halve the chunk with the most lines; every chunk keeps at least one line, so this ends.
    let widest = 0;
    chunks.forEach((c, i) => {
      if (c.length > (chunks[widest] as string[]).length) widest = i;
    });
    const c = chunks[widest] as string[];
    if (c.length < 2) break;
    const half = Math.ceil(c.length / 2);
    chunks.splice(widest, 1, c.slice(0, half), c.slice(half));
  }
  return chunks;
}

/**
 * `thread` mode: a header message for the channel, a thread name (≤100), and the embed messages to post in
 * the thread (without the header, which the thread's starter message already shows).
 */
export function threadPlan(batch: DigestBatch, opts: DigestMessageOptions = {}): ThreadPlan {
  const headerText = digestHeader({ ...batch, count: batch.papers.length }, opts);
  const s = opts.strings ?? EMBED_STRINGS[opts.locale ?? 'en-US'];
  // Thread names show no markdown, so the plain display name is used.
  const nameParts = [sourceName(batch.source), batch.date ? oneLineHead(batch.date, 256) : null, s.papers(batch.papers.length)];
  return {
    header: { content: headerText, allowed_mentions: noMentions() },
    threadName: truncatePlain(nameParts.filter(Boolean).join(' · '), LIMITS.threadName) || 'digest',
    messages: embedMessages(batch, { ...opts, header: false }),
  };
}

/** The messages of a digest for a channel's mode. Empty batches give no messages (nothing empty is posted). */
export function packDigestMessages(batch: DigestBatch, mode: 'thread', opts?: DigestMessageOptions): ThreadPlan;
export function packDigestMessages(batch: DigestBatch, mode: 'embeds' | 'compact', opts?: DigestMessageOptions): MessageBody[];
export function packDigestMessages(batch: DigestBatch, mode: ChannelMode, opts?: DigestMessageOptions): MessageBody[] | ThreadPlan;
export function packDigestMessages(batch: DigestBatch, mode: ChannelMode, opts: DigestMessageOptions = {}): MessageBody[] | ThreadPlan {
  switch (mode) {
    case 'embeds':
      return embedMessages(batch, opts);
    case 'compact':
      return compactMessages(batch, opts);
    case 'thread':
      return threadPlan(batch, opts);
  }
}

/** Whom a message may mention: a role (a channel subscription) or a user. */
export type MentionTarget = { roleId: string } | { userId: string };

const SNOWFLAKE = /^\d{17,20}$/;

/**
 * The body with mentions of exactly the given roles or users prepended to its content, and `allowed_mentions`
 * allowing those and nothing else (no `@everyone`, no other role or user even if the text names them).
 * Throws on an id that is not a snowflake, since it would end up inside the mention markup.
 */
export function withMention(body: MessageBody, target: MentionTarget | readonly MentionTarget[]): MessageBody {
  const targets = Array.isArray(target) ? (target as readonly MentionTarget[]) : [target as MentionTarget];
  const roles: string[] = [];
  const users: string[] = [];
  for (const t of targets) {
    const id = 'roleId' in t ? t.roleId : t.userId;
    if (!SNOWFLAKE.test(id)) throw new Error(`cannot mention ${JSON.stringify(id)}: not a Discord id (a snowflake of 17-20 digits)`);
    const list = 'roleId' in t ? roles : users;
    if (!list.includes(id)) list.push(id);
  }
  if (roles.length + users.length === 0) return body;
  const mention = [...roles.map((id) => `<@&${id}>`), ...users.map((id) => `<@${id}>`)].join(' ');
  const rest = body.content ? truncate(body.content, LIMITS.content - mention.length - 1, { escape: false }) : '';
  const allowed: APIAllowedMentions = { parse: [], ...(roles.length ? { roles } : {}), ...(users.length ? { users } : {}) };
  return { ...body, content: rest ? `${mention} ${rest}` : mention, allowed_mentions: allowed };
}

/** Options for {@link subscriptionMessage}. */
export interface SubscriptionMessageOptions extends LocaleOptions {
  /** Mention these roles or users in the first message (allowed explicitly; nothing else is). */
  mention?: MentionTarget | readonly MentionTarget[];
  /** First line of the post; defaults to "🔔 N new papers match your subscription". Must be markdown-safe. */
  header?: string;
  /** Per-embed budget, as for {@link paperEmbed}. */
  budget?: number;
  /** Put a "🔖 Save…" menu of its papers under each message (default true). */
  saveMenu?: boolean;
}

/**
 * A subscription delivery: one embed a paper with a "Matched: …" field (`matched[i]` for `papers[i]`),
 * packed like digest embeds, the header (and the optional mention) on the first message.
 */
export function subscriptionMessage(
  papers: readonly Paper[],
  matched: ReadonlyArray<readonly string[]>,
  opts: SubscriptionMessageOptions = {},
): MessageBody[] {
  return packSubscriptionMessage(papers, subscriptionEmbeds(papers, matched, opts), opts);
}

/**
 * The embeds of {@link subscriptionMessage}, one a paper. Apart so that the planner can build a delivery of hundreds
 * of papers a few at a time, with turns of the event loop in between (about a quarter of a millisecond each).
 */
export function subscriptionEmbeds(papers: readonly Paper[], matched: ReadonlyArray<readonly string[]>, opts: SubscriptionMessageOptions = {}): APIEmbed[] {
  return papers.map((paper, i) => paperEmbed(paper, { ...opts, matched: matched[i] ?? [] }));
}

/** The messages of {@link subscriptionMessage} from its embeds (`embeds[i]` for `papers[i]`). */
export function packSubscriptionMessage(papers: readonly Paper[], embeds: readonly APIEmbed[], opts: SubscriptionMessageOptions = {}): MessageBody[] {
  if (papers.length === 0) return [];
  const s = opts.strings ?? EMBED_STRINGS[opts.locale ?? 'en-US'];
  const header = truncate(opts.header ?? s.subscriptionHeader(papers.length), LIMITS.content - 32, { escape: false });
  const packed = packEmbeds([...embeds], header);
  const messages = withSaveMenus(packed, papers, packed.map((m) => m.embeds?.length ?? 0), opts);
  const [first, ...rest] = messages;
  return first && opts.mention ? [withMention(first, opts.mention), ...rest] : messages;
}

/**
 * A short note for papers a channel already received with its daily digest: "🔔 2 papers above match your
 * subscription (diffusion): 1. [title](url) …" as content (≤2000), so a subscription's role ping is not lost in
 * a digest channel. Keywords and titles are escaped; the caller adds the mention with {@link withMention}.
 */
export function subscriptionPing(papers: readonly Paper[], keywords: readonly string[], opts: LocaleOptions = {}): MessageBody {
  const s = opts.strings ?? EMBED_STRINGS[opts.locale ?? 'en-US'];
  const head = `${s.subscriptionHeader(papers.length)} (${escapeMarkdown(truncatePlain(keywords.join(', '), 200))})`;
  const lines: string[] = [];
  let used = head.length + 64; // room for the mentions
  for (const [i, paper] of papers.entries()) {
    const line = compactLine(paper, i + 1);
    if (used + line.length + 1 > LIMITS.content - 8) {
      lines.push('…');
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return { content: [head, ...lines].join('\n'), allowed_mentions: noMentions() };
}
