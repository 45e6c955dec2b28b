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

// Characters that can start a markdown/HTML construct we would have to interpret.
const SPECIAL = /[[\]*_`<>&\\!~]/;
// The two constructs that dominate real link/bold cells, recognised without remark.
const ONLY_LINK = /^(\*\*)?\[([^[\]\\*_`<>&!~]*)\]\(([^()\s<>\\]*)\)\1$/;
const ONLY_BOLD = /^\*\*([^[\]*_`<>&\\!~]*)\*\*$/;
// A line that remark would read as a block (heading, list item, setext underline): the fast path would
// keep the marker as text, so such cells go through remark to give the same text either way.
const BLOCK_START = /(?:^|\n)[ \t]*(?:#{1,6}(?:[ \t]|$)|[-+][ \t]|\d{1,9}[.)][ \t]|[=-]+[ \t]*(?:\n|$))/;
const WS = /\s+/g;
// Zero-width and bidi-control characters: invisible, and they break search and display.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/** Collapse runs of whitespace to one space and trim. */
export function collapse(text: string): string {
  return text.replace(INVISIBLE, '').replace(WS, ' ').trim();
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
