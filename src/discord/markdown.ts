/**
 * Text helpers for Discord markdown: clean digest text to one line, escape it so that it renders literally,
 * cut it to a limit at a sentence or word boundary, and build safe masked links. Pure.
 *
 * Escaping works per code point (each becomes itself or a backslash and itself), so a cut between two code
 * points can never split an escape sequence or a surrogate pair, and the length after escaping is known
 * before the cut is made.
 */
import { fieldLength, isEmbedUrl } from './limits.ts';

/** The ellipsis appended to cut text. */
export const ELLIPSIS = '…';

// Characters that start markdown, a mention (`<@1>`, `<#1>`, `<t:…>`, `<:emoji:1>`), `@everyone`, a spoiler,
// a quote or a heading. Discord's parser treats a backslash before any ASCII punctuation as a literal.
const SPECIAL = new Set(['\\', '*', '_', '~', '`', '|', '>', '#', '[', ']', '<', '@']);

// A bare http(s) URL as Discord's auto-linker sees it (without characters that would end or mangle it).
const BARE_URL = /https?:\/\/[^\s<>\\`*|[\]]+/gu;

// Controls, and bidirectional overrides/isolates that would reverse the rest of an embed's layout.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Digest text as one clean line: controls and bidi overrides removed, every run of whitespace (newlines
 * included) one space, trimmed. Digest cells are single lines anyway; this keeps hostile text from
 * starting a line (a heading, a list, a quote) inside our layout.
 */
export function oneLine(text: string): string {
  return text.replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
}

/**
 * {@link oneLine} of at most the first `units` code units of `text`: what the builders need of text that may be
 * megabytes long, at a cost bounded by what they can show. (A cut inside a surrogate pair drops its half.)
 */
export function oneLineHead(text: string, units: number): string {
  if (text.length <= units) return oneLine(text);
  const head = text.slice(0, units);
  return oneLine(/[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head);
}

/** The escaped form of each code point of `text`, in order (the unit the truncation works in). */
function escapeTokens(text: string): string[] {
  // Bare URLs stay as they are: Discord links them before any markdown applies, and a backslash inside one
  // (before the `_` of `repo_name`, say) would break the link.
  const urls: Array<[number, number]> = [];
  for (const match of text.matchAll(BARE_URL)) {
    const url = withoutTrailingPunctuation(match[0]);
    urls.push([match.index, match.index + url.length]);
  }
  const tokens: string[] = [];
  let offset = 0;
  let u = 0;
  for (const ch of text) {
    while (u < urls.length && (urls[u] as [number, number])[1] <= offset) u++;
    const range = urls[u];
    const inUrl = range !== undefined && range[0] <= offset && offset < range[1];
    tokens.push(!inUrl && SPECIAL.has(ch) ? `\\${ch}` : ch);
    offset += ch.length;
  }
  // A list marker (`- `, `+ `, `1. `) is markdown only at the start of a line; text is escaped as one line,
  // so only its start can be one.
  const first = tokens[0];
  if (first === '-' || first === '+') {
    tokens[0] = `\\${first}`;
  } else {
    const digits = /^\d+\./u.exec(text);
    if (digits) tokens[digits[0].length - 1] = '\\.';
  }
  return tokens;
}

/**
 * Escapes text so that Discord renders it literally: markdown, masked links, spoilers, quotes, headings and
 * mentions (`@everyone`, `<@123>`, `<@&456>`) all show as typed. {@link unescapeMarkdown} inverts it exactly.
 */
export function escapeMarkdown(text: string): string {
  return escapeTokens(text).join('');
}

/** Removes the backslashes {@link escapeMarkdown} adds (a backslash before any ASCII punctuation). */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/gu, '$1');
}

/** Where {@link truncate} prefers to cut: after a sentence, between words, or anywhere. */
export type CutAt = 'sentence' | 'word' | 'hard';

/** Options for {@link truncate}. */
export interface TruncateOptions {
  /** Escape the text as markdown (default true); the limit applies to the escaped text. */
  escape?: boolean;
  /** Preferred boundary (default `word`); falls back to a word boundary, then a hard cut. */
  cutAt?: CutAt;
  /** Appended when the text is cut (default `…`); counted in the limit. */
  ellipsis?: string;
}

const CJK_SENTENCE_END = new Set(['。', '！', '？', '；']);
const LATIN_SENTENCE_END = new Set(['.', '!', '?']);
// A code point that may not start a cut-off tail: combining marks, joiners and variation selectors.
const CLINGS = /^(?:\p{M}|\u200D)$/u; // variation selectors are \p{M}
// Scripts written without spaces, where any character boundary is a word boundary.
const NO_SPACES = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303F\uFF00-\uFFEF]$/u;

/**
 * Text cut to at most `limit` UTF-16 code units (after escaping, ellipsis included; see `fieldLength`), at a
 * sentence end (`。！？；`, or `.`/`!`/`?` before a space) or word boundary when one lies in the last half of what
 * fits, else at a character boundary. Never splits a surrogate pair, an escape sequence, or a base character
 * from its combining marks (unless one such cluster alone exceeds the limit).
 */
export function truncate(text: string, limit: number, options: TruncateOptions = {}): string {
  const { escape = true, cutAt = 'word', ellipsis = ELLIPSIS } = options;
  // Escaping never shortens text, so beyond `limit` code units nothing more can be kept: work on a head of
  // the text only (with a little look-ahead for combining marks), whatever its length.
  let head = text.length > limit + 16 ? text.slice(0, limit + 16) : text;
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  const raw = [...head];
  const tokens = escape ? escapeTokens(head) : raw;
  let total = 0;
  for (const token of tokens) total += token.length;
  if (head === text && total <= limit) return tokens.join('');
  const budget = limit - fieldLength(ellipsis);
  if (budget < 0) return '';

  // k: how many code points fit before the ellipsis.
  let k = 0;
  for (let used = 0; k < tokens.length && used + (tokens[k] as string).length <= budget; k++) used += (tokens[k] as string).length;
  let cut = k;
  for (let back = 0; cut > 0 && back < 8 && CLINGS.test(raw[cut] ?? ''); back++) cut--;
  if (cut === 0) cut = k;

  const floor = Math.ceil(cut / 2);
  let chosen = -1;
  if (cutAt === 'sentence') {
    for (let i = cut - 1; i >= floor - 1 && i >= 0; i--) {
      const ch = raw[i] as string;
      if (CJK_SENTENCE_END.has(ch) || (LATIN_SENTENCE_END.has(ch) && raw[i + 1] === ' ')) {
        chosen = i + 1;
        break;
      }
    }
  }
  if (chosen < 0 && cutAt !== 'hard') {
    if (raw[cut] === ' ' || NO_SPACES.test(raw[cut] ?? '') || NO_SPACES.test(raw[cut - 1] ?? '')) {
      chosen = cut;
    } else {
      for (let i = cut - 1; i >= floor; i--) {
        if (raw[i] === ' ') {
          chosen = i;
          break;
        }
      }
    }
  }
  if (chosen < 0) chosen = cut;
  return tokens.slice(0, chosen).join('').trimEnd() + ellipsis;
}

/** Plain text (author names, footers, thread names: places Discord shows without markdown) cut to a limit. */
export function truncatePlain(text: string, limit: number): string {
  return truncate(text, limit, { escape: false, cutAt: 'word' });
}

/**
 * An absolute http(s) URL safe to put in an embed and inside a masked link's parentheses, or null.
 * Parentheses are percent-encoded (they would close the link early); spaces and quotes are by `URL` already.
 */
export function safeUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  let href: string;
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    href = url.href.replace(/\(/g, '%28').replace(/\)/g, '%29');
  } catch {
    return null;
  }
  return isEmbedUrl(href) ? href : null;
}

/** A masked link `[label](url)`: `label` must already be escaped, `url` come from {@link safeUrl}. */
export function maskedLink(label: string, url: string): string {
  return `[${label}](${url})`;
}

/** `url` without trailing `.,:;!?'")]` (trimmed by hand: a `[…]+$` regex is quadratic on a long punctuation run). */
function withoutTrailingPunctuation(url: string): string {
  let end = url.length;
  while (end > 0 && `.,:;!?'")]`.includes(url[end - 1]!)) end--;
  return url.slice(0, end);
}
