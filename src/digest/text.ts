/**
 * Table cell → plain text and links. Most cells are plain text (Chinese prose, names, dates) and take a
 * fast path; only cells with markdown or HTML constructs go through remark, because running micromark over
 * every cell would make the parser slower than the bare remark-gfm parse it is meant to beat.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import type { Nodes, Root } from 'mdast';

/** A cell's plain text (whitespace collapsed to single spaces) and the link targets it contains. */
export interface CellText {
  text: string;
  links: string[];
}

/** How to convert: `auto` takes the fast path when it is safe; `remark` always uses remark (for tests). */
export type CellMode = 'auto' | 'remark';

// Where a markdown/HTML construct we would have to interpret can start. Most of these characters only count
// where CommonMark gives them a meaning, and are literal text elsewhere (`p < 0.05`, `\alpha`, `R&D`, `[翻译失败]`,
// all common in translated abstracts):
// - `*` `_` `` ` `` anywhere (emphasis, code spans);
// - `<` before a letter, `/`, `!` or `?` (HTML, autolinks); `&` before a character reference (`&amp;`, `&#38;`);
// - `\` before ASCII punctuation or a line break (escapes, hard breaks); `!` before `[` (images);
// - `]` before `(` or `:` (links, definitions: a reference link needs a definition in the same cell);
// - `>` or `~~~` at the start of a line (block quotes, fenced code; remark-gfm's `~` strikethrough is not used).
const SPECIAL = /[*_`]|<[A-Za-z/!?]|&#?[A-Za-z0-9]{1,40};|\\[!-/:-@[-`{-~\r\n]|!\[|\][(:]|(?:^|[\r\n])[ \t]*(?:>|~~~)/;
// The two constructs that dominate real link/bold cells, recognised without remark.
const ONLY_LINK = /^(\*\*)?\[([^[\]\\*_`<>&!~]*)\]\(([^()\s<>\\]*)\)\1$/;
const ONLY_BOLD = /^\*\*([^[\]*_`<>&\\!~]*)\*\*$/;
// A line that remark would read as a block (heading, list item, setext underline): the fast path would
// keep the marker as text, so such cells go through remark to give the same text either way.
const BLOCK_START = /(?:^|\n)[ \t]*(?:#{1,6}(?:[ \t]|$)|[-+][ \t]|\d{1,9}[.)][ \t]|[=-]+[ \t]*(?:\n|$))/;
const WS = /\s+/g;
// Invisible characters: zero-width and bidi controls, soft hyphen, Arabic letter mark, Mongolian vowel separator,
// Hangul fillers (U+3164 and friends render as blank "letters"), tag characters (U+E0000–E007F). They break
// search, let a title look empty or spoof another, and reach Discord as they are.
const INVISIBLE = /[\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\u{E0000}-\u{E007F}]/gu;
// Every character INVISIBLE matches, as UTF-16 units (tag characters are surrogate pairs led by U+DB40).
const MAY_BE_INVISIBLE = /[\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uDB40]/;

/**
 * What is handed to remark is bounded: micromark's emphasis and container handling is quadratic on hostile nesting
 * (`*a_` × 20k took 46 s, `- ` × 10k + `> ` × 10k over 90 s, and even 1,300 `*a_` took 1.7 s). A cell longer than
 * {@link REMARK_MAX}, with more than {@link REMARK_MAX_DELIMITERS} delimiter characters, or with a line that opens
 * more than {@link REMARK_MAX_NESTING} characters of block markers takes {@link proseText} instead, which is linear.
 * Real cells come nowhere near these bounds.
 */
export const REMARK_MAX = 8000;
export const REMARK_MAX_DELIMITERS = 120;
export const REMARK_MAX_NESTING = 24;

/** True when remark may safely read `cell` (see {@link REMARK_MAX}); one linear scan. */
export function remarkSafe(cell: string): boolean {
  if (cell.length > REMARK_MAX) return false;
  let delimiters = 0;
  let prefix = 0;
  let atLineStart = true;
  for (let i = 0; i < cell.length; i++) {
    const c = cell.charCodeAt(i);
    // * _ [ ] ` < ! ~ & \ (character references and escapes are slow in micromark too)
    if (c === 42 || c === 95 || c === 91 || c === 93 || c === 96 || c === 60 || c === 33 || c === 126 || c === 38 || c === 92) {
      if (++delimiters > REMARK_MAX_DELIMITERS) return false;
    }
    if (c === 10) {
      atLineStart = true;
      prefix = 0;
      continue;
    }
    if (atLineStart) {
      // > - + * digits . ) space tab
      if (c === 62 || c === 45 || c === 43 || c === 42 || (c >= 48 && c <= 57) || c === 46 || c === 41 || c === 32 || c === 9) {
        if (++prefix > REMARK_MAX_NESTING) return false;
      } else atLineStart = false;
    }
  }
  return true;
}

// Whitespace collapse has to change: a run, a tab or line break, a space at either end.
const UNTIDY = /\s{2}|[^\S ]|^ | $/;

/** Collapse runs of whitespace to one space and trim. */
export function collapse(text: string): string {
  // The Unicode-mode replace is slow on long text; a plain test finds the rare text that needs it.
  const visible = MAY_BE_INVISIBLE.test(text) ? text.replace(INVISIBLE, '') : text;
  // Most cells (titles, names, links) need no change: a test is cheaper than rebuilding every one of them.
  return UNTIDY.test(visible) ? visible.replace(WS, ' ').trim() : visible;
}

/** Convert one raw markdown cell (may span lines) to plain text and links. */
export function cellText(raw: string, mode: CellMode = 'auto'): CellText {
  const cell = stripHtml(raw.replace(/\\\|/g, '|'));
  if (mode === 'auto') {
    const trimmed = cell.trim();
    const plain = !SPECIAL.test(trimmed) && !BLOCK_START.test(trimmed);
    if (plain) return { text: collapse(trimmed), links: [] };
    const link = ONLY_LINK.exec(trimmed);
    if (link) return { text: collapse(link[2] ?? ''), links: [link[3] ?? ''] };
    const bold = ONLY_BOLD.exec(trimmed);
    if (bold) return { text: collapse(bold[1] ?? ''), links: [] };
  }
  // Trimmed: stripped tags leave leading spaces that remark would read as an indented code block.
  return viaRemark(cell.trim());
}

// remark-parse without remark-gfm: the GFM constructs (tables, autolink literals, footnotes) do not occur
// inside a single cell's text, and skipping them makes each cell parse several times cheaper.
const processor = unified().use(remarkParse).freeze();

function viaRemark(cell: string): CellText {
  if (!remarkSafe(cell)) {
    const links = [...cell.matchAll(/\]\(\s*([^)\s]{1,2000})/g)].map((m) => m[1]!);
    return { text: proseText(cell), links };
  }
  const tree = processor.parse(cell) as Root;
  const parts: string[] = [];
  const links: string[] = [];
  walk(tree, parts, links);
  return { text: collapse(parts.join('')), links };
}

function walk(node: Nodes, parts: string[], links: string[]): void {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
    case 'code':
      parts.push(node.value);
      return;
    case 'html':
      parts.push(' ');
      return;
    case 'break':
      parts.push(' ');
      return;
    case 'image':
      parts.push(node.alt ?? '');
      return;
    case 'link':
      links.push(node.url);
      break;
    default:
      break;
  }
  if ('children' in node) {
    for (const child of node.children) walk(child as Nodes, parts, links);
    // Block boundaries separate words; inline boundaries do not.
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'listItem' || node.type === 'tableCell') {
      parts.push(' ');
    }
  }
}

/**
 * A cheap markdown strip for long prose fields (abstracts): links keep their text, emphasis and code marks go,
 * HTML tags go. Linear, and it keeps long abstracts out of remark, which would dominate the parse time.
 */
export function proseText(raw: string): string {
  let t = stripHtml(raw);
  if (t.includes('](')) t = t.replace(/!?\[([^\]\n]{0,1000})\]\([^)\s]{0,2000}\)/g, '$1');
  if (t.includes('*') || t.includes('`') || t.includes('__')) t = t.replace(/\*\*|__|`/g, '');
  return collapse(t);
}

/**
 * Drop HTML tags (keeping their text) and `<summary>` captions such as the "Show" of `<details>` blocks.
 * Both patterns stop at the next `<`, so a tag that never closes costs one scan, not a quadratic search.
 */
export function stripHtml(cell: string): string {
  if (!cell.includes('<')) return cell;
  return cell
    .replace(/<summary>[^<]*<\/summary>/gi, ' ')
    .replace(/<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/gi, ' ')
    .replace(/<br\s*\/?>/gi, ' ');
}
