/**
 * Discord markdown → HTML, for the local preview. Pure. Covers what the bot's builders emit and what Discord
 * renders in message content and embed descriptions: backslash escapes, bold, italics, underline, strike-through,
 * spoilers, inline code, masked links, bare links, quotes, headings, sub-text and lists.
 *
 * Every character of the input reaches the output HTML-escaped (digest text is hostile), and only http(s) URLs
 * become links, so no input can inject markup or a `javascript:` link.
 */

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What a piece of markdown may contain: embed titles and field names show no links. */
export interface MarkdownOptions {
  /** Render `[label](url)` and bare URLs as links (default true). */
  links?: boolean;
  /** Render line-level syntax: quotes, headings, lists (default true; titles are one line of inline text). */
  blocks?: boolean;
}

// A backslash before any ASCII punctuation makes it literal (Discord's rule, which escapeMarkdown relies on).
const ESCAPABLE = /^[!-/:-@[-`{-~]$/;
// A bare URL as the builders' escaping sees it (src/discord/markdown.ts): it ends before whitespace and before
// markdown characters, which are escaped after it. Trailing punctuation is not part of it.
const BARE_URL = /^https?:\/\/[^\s<>"\\`*|[\]]+/;
/** Trailing punctuation that is not part of a bare URL (trimmed by hand: a `[…]+$` regex is quadratic on a long run). */
const TRAILING = `.,:;!?'")]`;

/** The http(s) URL in `raw`, normalised, or null (anything else is shown as text, never linked). */
function linkTarget(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function anchor(href: string, inner: string): string {
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer nofollow">${inner}</a>`;
}

/** Index of the next unescaped `delim` at or after `from` (not inside inline code), or -1. */
function findClose(text: string, from: number, delim: string): number {
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && ESCAPABLE.test(text[i + 1] ?? '')) {
      i++;
      continue;
    }
    if (text.startsWith(delim, i)) return i;
    if (ch === '`' && delim !== '`') {
      const end = text.indexOf('`', i + 1);
      if (end !== -1) i = end;
    }
  }
  return -1;
}

// Paired delimiters, longest first so that `**` wins over `*` and `__` over `_`.
const PAIRS: ReadonlyArray<[string, string, string]> = [
  ['||', '<span class="spoiler">', '</span>'],
  ['**', '<strong>', '</strong>'],
  ['__', '<u>', '</u>'],
  ['~~', '<s>', '</s>'],
  ['*', '<em>', '</em>'],
  ['_', '<em>', '</em>'],
];

/** Inline markdown of one line → HTML. */
export function inlineMarkdown(text: string, options: MarkdownOptions = {}): string {
  const links = options.links ?? true;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\\' && ESCAPABLE.test(text[i + 1] ?? '')) {
      out += escapeHtml(text[i + 1] as string);
      i += 2;
      continue;
    }
    if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        out += `<code>${escapeHtml(text.slice(i + 1, end))}</code>`;
        i = end + 1;
        continue;
      }
    }
    if (links && ch === '[') {
      const close = findClose(text, i + 1, ']');
      if (close > i + 1 && text[close + 1] === '(') {
        const end = text.indexOf(')', close + 2);
        const href = end === -1 ? null : linkTarget(text.slice(close + 2, end));
        if (href) {
          out += anchor(href, inlineMarkdown(text.slice(i + 1, close), { ...options, links: false }));
          i = (end as number) + 1;
          continue;
        }
      }
    }
    if (links && (ch === 'h' || ch === 'H')) {
      const bare = BARE_URL.exec(text.slice(i));
      if (bare) {
        let end = bare[0].length;
        while (end > 0 && TRAILING.includes(bare[0][end - 1]!)) end--;
        const raw = bare[0].slice(0, end);
        const href = linkTarget(raw);
        if (href) {
          out += anchor(href, escapeHtml(raw));
          i += raw.length;
          continue;
        }
      }
    }
    const pair = PAIRS.find(([delim]) => text.startsWith(delim, i));
    if (pair) {
      const [delim, open, shut] = pair;
      const close = findClose(text, i + delim.length, delim);
      // An empty pair, or a single `*`/`_` followed by a space, is literal text (as in Discord).
      // `_` italics start only at a word boundary, so snake_case stays as typed.
      const opens =
        close > i + delim.length &&
        !(delim.length === 1 && /\s/.test(text[i + 1] ?? '')) &&
        !(delim === '_' && /[\p{L}\p{N}]/u.test(text[i - 1] ?? ''));
      if (opens) {
        out += open + inlineMarkdown(text.slice(i + delim.length, close), options) + shut;
        i = close + delim.length;
        continue;
      }
      out += escapeHtml(delim);
      i += delim.length;
      continue;
    }
    // Whole code points, so a surrogate pair is never split.
    const cp = String.fromCodePoint(text.codePointAt(i) as number);
    out += escapeHtml(cp);
    i += cp.length;
  }
  return out;
}

/** Markdown of a message content or an embed description (several lines) → HTML. */
export function markdownToHtml(text: string, options: MarkdownOptions = {}): string {
  if (options.blocks === false) return text.split('\n').map((line) => inlineMarkdown(line, options)).join('<br>');
  const out: string[] = [];
  let list: { tag: 'ul' | 'ol'; items: string[] } | null = null;
  let quote: string[] | null = null;
  const flush = (): void => {
    if (list) out.push(`<${list.tag}>${list.items.map((item) => `<li>${item}</li>`).join('')}</${list.tag}>`);
    if (quote) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    list = null;
    quote = null;
  };
  for (const line of text.split('\n')) {
    const q = /^> (.*)$|^>$/.exec(line);
    if (q) {
      if (list) flush();
      quote ??= [];
      quote.push(inlineMarkdown(q[1] ?? '', options));
      continue;
    }
    const bullet = /^\s*[-*] (.*)$/.exec(line);
    const numbered = bullet ? null : /^\s*\d{1,9}\. (.*)$/.exec(line);
    const item = bullet ?? numbered;
    if (item) {
      const tag = bullet ? 'ul' : 'ol';
      if (quote || (list && list.tag !== tag)) flush();
      list ??= { tag, items: [] };
      list.items.push(inlineMarkdown(item[1] ?? '', options));
      continue;
    }
    flush();
    const heading = /^(#{1,3}) (.*)$/.exec(line);
    const subtext = /^-# (.*)$/.exec(line);
    if (heading) {
      const level = (heading[1] as string).length;
      out.push(`<h${level}>${inlineMarkdown(heading[2] ?? '', options)}</h${level}>`);
    } else if (subtext) {
      out.push(`<small class="subtext">${inlineMarkdown(subtext[1] ?? '', options)}</small>`);
    } else {
      out.push(`<p>${inlineMarkdown(line, options)}</p>`);
    }
  }
  flush();
  return out.join('');
}
