/**
 * Discord's message and embed limits, how Discord counts an embed against them, and a checker that lists every
 * violation of a message body. Pure: the packer uses these to plan messages, tests and the publisher use
 * `validateMessage` as a safety net before anything is sent.
 */
import type { APIEmbed, RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';

/** Discord's published limits for a bot's message (create/edit) and its embeds. */
export const LIMITS = {
  /** Characters of `content` for a bot (the spec allows 4000 only for Nitro users). */
  content: 2000,
  /** Embeds per message. */
  embeds: 10,
  /** Counted characters across all embeds of one message (see {@link embedLength}). */
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  /** URLs in embeds (`url`, `author.url`, `footer.icon_url`, …) per the OpenAPI spec. */
  url: 2048,
  /** Thread names. */
  threadName: 100,
  /** Action rows a message, and options a select menu. */
  actionRows: 5,
  selectOptions: 25,
  /** Largest embed colour (24-bit RGB). */
  color: 0xffffff,
} as const;

/** Unicode code points of a string: the unit Discord counts its limits in (a surrogate pair is one). */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * The length of a string for per-field limits. The official OpenAPI schemas check UTF-16 code units
 * (JavaScript `length`), Discord's server counts code points; code units are never fewer, so measuring in
 * them satisfies both.
 */
export function fieldLength(text: string): number {
  return text.length;
}

/**
 * Discord's counted characters of one embed, the rule behind the 6000 limit: title, description, every field's
 * name and value, footer text and author name, in code points. URLs, colour and images do not count.
 */
export function embedLength(embed: APIEmbed): number {
  let n = 0;
  if (embed.title) n += codePoints(embed.title);
  if (embed.description) n += codePoints(embed.description);
  if (embed.footer?.text) n += codePoints(embed.footer.text);
  if (embed.author?.name) n += codePoints(embed.author.name);
  for (const field of embed.fields ?? []) n += codePoints(field.name) + codePoints(field.value);
  return n;
}

/** The counted characters of all embeds of a message. */
export function embedsLength(embeds: readonly APIEmbed[]): number {
  return embeds.reduce((sum, embed) => sum + embedLength(embed), 0);
}

/** One broken limit: where (`embeds[2].title`), the limit and what was found. */
export interface LimitViolation {
  path: string;
  limit: number;
  actual: number;
  message: string;
}

/** Whether a string is an absolute http(s) URL Discord accepts in an embed (and within its length limit). */
export function isEmbedUrl(value: string): boolean {
  if (fieldLength(value) > LIMITS.url) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/**
 * Every limit the body breaks (empty when it may be sent). Besides Discord's own limits, it enforces the
 * project's rule that every body carries `allowed_mentions` with an explicit `parse` list and never lets
 * `@everyone`/`@here` through, so that digest text can never ping anyone.
 */
export function validateMessage(body: RESTPostAPIChannelMessageJSONBody): LimitViolation[] {
  const out: LimitViolation[] = [];
  const over = (path: string, limit: number, actual: number, what: string): void => {
    if (actual > limit) out.push({ path, limit, actual, message: `${what} is ${actual}, more than ${limit}` });
  };
  const text = (path: string, value: string | undefined, limit: number): void => {
    if (value !== undefined) over(path, limit, fieldLength(value), `${path} length`);
  };
  const url = (path: string, value: string | undefined): void => {
    if (value !== undefined && !isEmbedUrl(value)) out.push({ path, limit: LIMITS.url, actual: value.length, message: `${path} is not a valid http(s) URL` });
  };

  text('content', body.content, LIMITS.content);
  const embeds = body.embeds ?? [];
  over('embeds', LIMITS.embeds, embeds.length, 'embed count');
  over('embeds', LIMITS.embedTotal, embedsLength(embeds), 'total embed characters');
  embeds.forEach((embed, i) => {
    const at = `embeds[${i}]`;
    text(`${at}.title`, embed.title, LIMITS.title);
    text(`${at}.description`, embed.description, LIMITS.description);
    text(`${at}.footer.text`, embed.footer?.text, LIMITS.footer);
    text(`${at}.author.name`, embed.author?.name, LIMITS.authorName);
    url(`${at}.url`, embed.url);
    url(`${at}.author.url`, embed.author?.url);
    if (embed.color !== undefined && (!Number.isInteger(embed.color) || embed.color < 0 || embed.color > LIMITS.color)) {
      out.push({ path: `${at}.color`, limit: LIMITS.color, actual: embed.color, message: `${at}.color is not a 24-bit colour` });
    }
    const fields = embed.fields ?? [];
    over(`${at}.fields`, LIMITS.fields, fields.length, 'field count');
    fields.forEach((field, j) => {
      text(`${at}.fields[${j}].name`, field.name, LIMITS.fieldName);
      text(`${at}.fields[${j}].value`, field.value, LIMITS.fieldValue);
      // Discord rejects fields whose name or value is empty.
      if (field.name.trim() === '') out.push({ path: `${at}.fields[${j}].name`, limit: 1, actual: 0, message: 'field name is empty' });
      if (field.value.trim() === '') out.push({ path: `${at}.fields[${j}].value`, limit: 1, actual: 0, message: 'field value is empty' });
    });
    if (embedLength(embed) === 0 && !embed.image && !embed.thumbnail) {
      out.push({ path: at, limit: 1, actual: 0, message: `${at} is empty` });
    }
  });
  if ((body.content ?? '').trim() === '' && embeds.length === 0 && (body.components ?? []).length === 0) {
    out.push({ path: 'content', limit: 1, actual: 0, message: 'message is empty (no content, embeds or components)' });
  }

  const mentions = body.allowed_mentions;
  if (!mentions || !Array.isArray(mentions.parse)) {
    out.push({ path: 'allowed_mentions', limit: 0, actual: 0, message: 'allowed_mentions.parse must be set explicitly' });
  } else if ((mentions.parse as readonly string[]).includes('everyone')) {
    out.push({ path: 'allowed_mentions.parse', limit: 0, actual: 1, message: 'allowed_mentions must not allow @everyone/@here' });
  }
  return out;
}
