/**
 * Every record the store holds, as a zod schema (the stored form, with its schema version `v`) and a TypeScript
 * type (the form repositories hand out, without `v`). A later release that changes a shape bumps `v` and adds a
 * migration in `versioned()`'s place; until then, a value with an unknown `v` is reported and skipped.
 */
import { z } from 'zod';
import type { Paper, PaperMeta } from '../digest/types.ts';

/** Current schema version of every stored value. */
export const SCHEMA_VERSION = 1;

/** Wraps a record schema as its stored form `{ v: 1, …record }` and strips `v` when decoding. */
function versioned<Shape extends z.ZodRawShape>(shape: Shape): z.ZodType<z.output<z.ZodObject<Shape>>> {
  const schema = z.object({ v: z.literal(SCHEMA_VERSION), ...shape }).transform((value) => {
    const { v: _v, ...rest } = value as Record<string, unknown>;
    return rest;
  });
  // The generic spread loses zod's inference; the runtime shape is exactly `Shape` without `v`.
  return schema as unknown as z.ZodType<z.output<z.ZodObject<Shape>>>;
}

/** Adds the schema version to a record before it is written. */
export function withVersion<T extends object>(record: T): T & { v: number } {
  return { v: SCHEMA_VERSION, ...record };
}

const nullableString = z.string().nullable();

/**
 * Format of the looked-up metadata inside a paper record (issue 13). Records written before it have no `meta` and
 * load as "not looked up yet"; a `meta` of another format (a newer release's) is dropped rather than failing the
 * paper, so the paper still loads and is looked up again.
 */
export const PAPER_META_VERSION = 1;
const paperMeta = z.object({
  mv: z.literal(PAPER_META_VERSION),
  status: z.enum(['found', 'not-found']),
  source: z.enum(['arxiv', 'biorxiv', 'medrxiv']),
  lookedUpAt: z.string(),
  filled: z.array(z.string()),
  categories: z.array(z.string()),
  primaryCategory: z.string().nullable(),
  comment: z.string().nullable(),
  journalRef: z.string().nullable(),
  publishedDoi: z.string().nullable(),
  firstPublished: z.string().nullable(),
  updated: z.string().nullable(),
  latestVersion: z.number().int().nullable(),
});
function decodePaperMeta(raw: unknown): PaperMeta | undefined {
  const parsed = paperMeta.safeParse(raw);
  if (!parsed.success) return undefined;
  const { mv: _mv, ...meta } = parsed.data;
  return meta;
}
/** The stored form of a paper: its metadata block carries its own format number (`mv`). */
export function paperRecord(paper: Paper): Paper & { v: number } {
  const { meta, ...rest } = paper;
  return withVersion(meta ? { ...rest, meta: { mv: PAPER_META_VERSION, ...meta } } : rest) as Paper & { v: number };
}

export const paperFields = {
  id: z.string().min(1),
  arxivId: nullableString,
  version: z.number().int().nullable(),
  doi: nullableString,
  source: z.string(),
  date: nullableString,
  published: nullableString,
  title: z.string(),
  titleOriginal: nullableString,
  authors: z.array(z.string()),
  abstract: nullableString,
  abstractOriginal: nullableString,
  pdfUrl: nullableString,
  url: nullableString,
  codeUrl: nullableString,
  notes: nullableString,
  // Additive (records written before it simply lack it): other wordings kept by `mergePaper`, bounded there.
  variants: z.array(z.object({ title: nullableString, abstract: nullableString })).optional(),
  meta: z.optional(z.unknown().transform(decodePaperMeta)),
  /** Categories the digest gives (absent when it names none). */
  categories: z.array(z.string()).optional(),
};
/** A stored paper: the parser's `Paper`, plus its looked-up metadata once there is some. */
export const storedPaper = versioned(paperFields) satisfies z.ZodType<Paper>;

/** One digest found in an ingested file, as remembered by the file record. */
export interface FileDigest {
  date: string | null;
  source: string;
  status: 'ok' | 'empty' | 'failed';
  message: string | null;
  paperIds: string[];
}
/** What the store remembers about an ingested digest file. */
export interface FileRecord {
  path: string;
  /** Content hash (`contentHash()`); the same path with the same hash is not ingested again. */
  hash: string;
  /** ISO timestamp. */
  ingestedAt: string;
  digests: FileDigest[];
  /** Why the file could not be ingested, or null. */
  error: string | null;
  /** Set when the file names papers in a layout the parser does not understand: the line of its first paper link. */
  unrecognisedLayoutLine?: number;
}
const digestStatus = z.enum(['ok', 'empty', 'failed']);
export const storedFile = versioned({
  path: z.string(),
  hash: z.string(),
  ingestedAt: z.string(),
  digests: z.array(
    z.object({
      date: nullableString,
      source: z.string(),
      status: digestStatus,
      message: nullableString,
      paperIds: z.array(z.string()),
    }),
  ),
  error: nullableString,
  unrecognisedLayoutLine: z.number().int().positive().optional(),
}) satisfies z.ZodType<FileRecord>;

/** One digest (date × source) as seen by ingest. */
export interface DigestRecord {
  date: string | null;
  source: string;
  status: 'ok' | 'empty' | 'failed';
  message: string | null;
  /** Papers listed in the digest, and how many of them were new / updated in the archive. */
  papers: number;
  added: number;
  updated: number;
  /** The file it came from, or null. */
  file: string | null;
  /** ISO timestamp of the (last) ingest. */
  ingestedAt: string;
  /** Every paper the digest lists, in digest order (the union over the files that carry this digest). */
  paperIds: string[];
}
export const storedDigest = versioned({
  date: nullableString,
  source: z.string(),
  status: digestStatus,
  message: nullableString,
  papers: z.number().int(),
  added: z.number().int(),
  updated: z.number().int(),
  file: nullableString,
  ingestedAt: z.string(),
  paperIds: z.array(z.string()),
}) satisfies z.ZodType<DigestRecord>;

/** Why and since when something is switched off. */
export interface Suspension {
  reason: string;
  /** ISO timestamp. */
  since: string;
}
const suspension = z.object({ reason: z.string(), since: z.string() }).nullable();

/** How a channel receives digests. */
export type ChannelMode = 'embeds' | 'compact' | 'thread';
/** The language posts are written in (the bot speaks these two). */
export type PostLocale = 'en-US' | 'zh-CN';
const postLocale = z.enum(['en-US', 'zh-CN']).default('en-US');
/** A channel that receives digests. */
export interface ChannelRecord {
  guildId: string;
  channelId: string;
  /** Sources followed (`arxiv`, `biorxiv`…), or null for all. */
  sources: string[] | null;
  mode: ChannelMode;
  /** Post a one-line notice for empty/failed digests. */
  notices: boolean;
  /** Set when delivery was switched off after repeated 403/404. */
  disabled: Suspension | null;
  /** Consecutive delivery failures. */
  failures: number;
  addedBy: string;
  addedAt: string;
  /** Language of the posts (the server's, when the channel was added). Absent in older records: en-US. */
  locale?: PostLocale;
  /**
   * Only papers in these categories (`cs.CL`, `cs.*`, a bioRxiv subject; see src/search/categories.ts), or
   * null / absent (older records) for every paper.
   */
  categories?: string[] | null;
}
export const storedChannel = versioned({
  guildId: z.string(),
  channelId: z.string(),
  sources: z.array(z.string()).nullable(),
  mode: z.enum(['embeds', 'compact', 'thread']),
  notices: z.boolean(),
  disabled: suspension,
  failures: z.number().int(),
  addedBy: z.string(),
  addedAt: z.string(),
  locale: postLocale,
  categories: z.array(z.string()).nullable().optional(),
}) satisfies z.ZodType<ChannelRecord>;

/** A keyword subscription: for a channel (`channelId`) or, by DM, for a user (`userId`). */
export interface SubscriptionRecord {
  id: string;
  guildId: string;
  channelId: string | null;
  userId: string | null;
  /** The keyword expression as the user typed it. */
  keywords: string;
  mentionRoleId: string | null;
  createdBy: string;
  createdAt: string;
  paused: Suspension | null;
  /** Language of the deliveries (the subscriber's, or the server's for a channel). Absent in older records: en-US. */
  locale?: PostLocale;
}
export const storedSubscription = versioned({
  id: z.string().min(1),
  guildId: z.string(),
  channelId: nullableString,
  userId: nullableString,
  keywords: z.string(),
  mentionRoleId: nullableString,
  createdBy: z.string(),
  createdAt: z.string(),
  paused: suspension,
  locale: postLocale,
}) satisfies z.ZodType<SubscriptionRecord>;

/** Where an outbox message goes. */
export type DeliveryTarget =
  | { kind: 'channel'; channelId: string; guildId: string }
  | { kind: 'user'; userId: string; guildId: string };

/** One planned message. */
export interface OutboxEntry {
  /** Deterministic id chosen by the planner (the Discord nonce is derived from it). */
  id: string;
  target: DeliveryTarget;
  /** The message body (Discord JSON), opaque to the store. */
  body: unknown;
  paperIds: string[];
  state: 'pending' | 'sent' | 'failed';
  messageId: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}
export const deliveryTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('channel'), channelId: z.string(), guildId: z.string() }),
  z.object({ kind: z.literal('user'), userId: z.string(), guildId: z.string() }),
]);
const outboxFields = {
  id: z.string().min(1),
  target: deliveryTarget,
  paperIds: z.array(z.string()),
  state: z.enum(['pending', 'sent', 'failed']),
  messageId: nullableString,
  attempts: z.number().int(),
  lastError: nullableString,
  createdAt: z.string(),
  sentAt: nullableString,
};
/** An outbox entry as exported and imported: its body inline. */
export const storedOutbox = versioned({ ...outboxFields, body: z.unknown() }) satisfies z.ZodType<OutboxEntry>;

/**
 * An outbox entry as the outbox keeps it (issue 18): the body is stored once per distinct body under the key
 * `bodyRef` names (a thousand channels receive the same ten digest messages), so the record itself stays a few
 * hundred bytes. Records written before carry their body inline and still load.
 */
export type OutboxRecord = Omit<OutboxEntry, 'body'> & { body?: unknown; bodyRef?: string };
export const storedOutboxRecord = versioned({
  ...outboxFields,
  body: z.unknown().optional(),
  bodyRef: z.string().min(1).optional(),
}) satisfies z.ZodType<OutboxRecord>;

/** One paper a user keeps. */
export interface SavedItem {
  paperId: string;
  savedAt: string;
  /** The server it was saved in (for that server's weekly most-saved), or null in DMs. */
  guildId: string | null;
}
/** A user's reading list, newest first. Lists follow the user across servers. */
export interface SavedListRecord {
  userId: string;
  items: SavedItem[];
}
const savedItem = z.object({ paperId: z.string().min(1), savedAt: z.string(), guildId: nullableString });
export const storedSavedList = versioned({
  userId: z.string().min(1),
  items: z.array(savedItem),
}) satisfies z.ZodType<SavedListRecord>;

/** The saves made in one server on one UTC day, for the weekly most-saved post. */
export interface SaveDayRecord {
  guildId: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  saves: Array<{ paperId: string; userId: string; at: string }>;
}
export const storedSaveDay = versioned({
  guildId: z.string().min(1),
  day: z.string(),
  saves: z.array(z.object({ paperId: z.string(), userId: z.string(), at: z.string() })),
}) satisfies z.ZodType<SaveDayRecord>;

/** A server's weekly most-saved post: where, and when (a weekday and hour in the server's time zone). */
export interface WeeklyRecord {
  guildId: string;
  channelId: string;
  /** 0 = Sunday … 6 = Saturday (as `Date.getDay`). */
  weekday: number;
  /** 0–23, local time in `timeZone`. */
  hour: number;
  /** IANA time zone, e.g. `UTC`, `Asia/Shanghai`. */
  timeZone: string;
  locale: PostLocale;
  /** The scheduled instant (ISO) of the last post planned, so each week is planned once. */
  lastPlannedFor: string | null;
  addedBy: string;
  addedAt: string;
}
export const storedWeekly = versioned({
  guildId: z.string().min(1),
  channelId: z.string().min(1),
  weekday: z.number().int().min(0).max(6),
  hour: z.number().int().min(0).max(23),
  timeZone: z.string().min(1),
  locale: z.enum(['en-US', 'zh-CN']),
  lastPlannedFor: nullableString,
  addedBy: z.string(),
  addedAt: z.string(),
}) satisfies z.ZodType<WeeklyRecord>;

/** An index value: a list of member strings (ids, dates, guild ids). */
export const storedList = versioned({ items: z.array(z.string()) });
