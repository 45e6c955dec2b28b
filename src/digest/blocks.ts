/**
 * Link-anchored extraction for the layouts that are not tables of papers: a paper is anchored on its identifier
 * (see anchors.ts) and the block around the anchor supplies the rest — a heading and the fields under it
 * (`### [12] [Title](arxiv)` + `**Authors:** …`), a `<details>` block, a list item, a table row without a title
 * column, an HTML `<tr>`. One pass over the lines marks code fences and `<details>` blocks; every later step looks
 * at each line a constant number of times, so the whole extraction is linear in the input.
 *
 * Precision rules (what is deliberately not a paper):
 * - anything inside a fenced code block;
 * - headings inside a `<details>` block (AI-written documents nested in a paper) and headings nested in a paper's
 *   own section (its analysis sub-sections);
 * - identifiers in a paper's body other than its anchor (papers cited in a summary);
 * - a heading, list item or row that names two or more different papers (tables of contents, taxonomies,
 *   "A ↔ B" relations, prose bullets comparing papers);
 * - a list item whose only text is prose (no bold or linked title);
 * - a link that is no paper identifier (home pages, category indexes), except in an explicit `Link:`/`URL:` field
 *   of a heading-per-paper block.
 */
import { anchorsIn, distinctIds, mayHoldAnchor, type Anchor } from './anchors.ts';
import { splitAuthors } from './authors.ts';
import { findDate } from './hints.ts';
import { paperIdentity, type PaperIdentity } from './identity.ts';
import { cellText, collapse, proseText, stripHtml } from './text.ts';
import { cleanTitle } from './title.ts';

/** A paper found by the block extractor, before it is placed in a digest. */
export interface BlockPaper {
  /** 1-based line of the anchor block. */
  line: number;
  identity: PaperIdentity;
  title: string;
  titleOriginal: string | null;
  authors: string[];
  abstract: string | null;
  abstractOriginal: string | null;
  published: string | null;
  codeUrl: string | null;
  categories: string[];
  /** The link the block gives for the paper when it is no identifier (PubMed, a journal page), else null. */
  url: string | null;
  /** `arxiv` for arXiv ids, `biorxiv`/`medrxiv` when the link names the server, else null (the digest's source). */
  source: string | null;
}

/** What the block pass found in a file. */
export interface BlockScan {
  papers: BlockPaper[];
  /** 0-based indexes of heading lines that are papers (they must not open digests). */
  paperHeadings: Set<number>;
  /** Distinct paper identifiers written in the file outside code (links, `arXiv:` text, attributes). */
  identifiers: number;
  /** 1-based line of the first of them, or 0. */
  firstIdentifierLine: number;
  /** 1 on lines (0-based) inside fenced code or a `<details>` block: their headings are not digest headings. */
  hidden: Uint8Array;
}

interface Heading {
  index: number;
  level: number;
  text: string;
}

/** Input lines longer than this are not looked into for blocks (a hostile one-line file stays linear). */
const MAX_LINE = 20_000;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+|$)/;
const HTML_HEADING = /^<h([1-6])\b[^>]{0,400}>(.{0,2000}?)<\/h\1>/i;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ARXIV_CATEGORY =
  /^(?:cs|math|physics|stat|eess|econ|q-bio|q-fin|astro-ph|cond-mat|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|nlin|nucl-ex|nucl-th|quant-ph)(?:\.[A-Za-z-]{2,10})?$/;
const GENERIC_LINK_TEXT = /^(?:arxiv|pdf|html|abs|hf|hugging ?face|paper|papers|code|github|link|links|url|project|website|page|here|details|more|source|doi)$/i;
const LEAD_JUNK = /^(?:\s|\[\d{1,4}\]|#\d{1,4}\b|\d{1,4}[.)、:：](?!\d)|\d\uFE0F?\u20E3|\p{Extended_Pictographic}|\uFE0F|\u200D)+/u;
const NUMBERED = /^\s*(?:\[\d{1,4}\]|#?\d{1,4}[.)、:：](?!\d)|\d\uFE0F?\u20E3)/u;
const STARS = /(?:⭐|★)[ \t]{0,3}[\d,.]{1,12}k?[ \t]{0,3}$/i;
const DETAILS_CAPTION = /^(?:details|click to expand|show|show more|more|展开|详情|详细信息|ai summary.*|.*- click to expand)$/i;
const LIST_START = /^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+/;
const CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

type Role = 'authors' | 'titleOriginal' | 'categories' | 'published' | 'abstract' | 'code' | 'link' | 'title';
const LABELS: Array<[RegExp, Role]> = [
  [/^(?:authors?|作者|作者们|著者)$/i, 'authors'],
  [/^(?:原文标题|原标题|英文标题|original title|english title)$/i, 'titleOriginal'],
  [/^(?:title|标题|论文标题)$/i, 'title'],
  [/^(?:categor(?:y|ies)|main category|primary category|subjects?|分类|类别|主分类|领域)$/i, 'categories'],
  [/^(?:published|publish date|publication date|date|发布日期|日期|发表日期|发布时间)$/i, 'published'],
  [/^(?:abstract|摘要|中文摘要|原文摘要|tl;?dr|summary|简介|一句话总结)$/i, 'abstract'],
  [/^(?:code|代码|代码链接|代码仓库|github|repo|repository)$/i, 'code'],
  [/^(?:links?|url|paper|pdf|论文链接|链接|原文链接|arxiv|arxiv id|论文地址|paper link)$/i, 'link'],
];

/** Per-line structure computed once: fences, `<details>` depth, and which details blocks hold a document. */
interface Layout {
  code: Uint8Array;
  /** 1 inside a `<details>` block (the open and close lines included). */
  details: Uint8Array;
  /** 1 inside a `<details>` block that contains headings: an AI-written document, not fields. */
  document: Uint8Array;
  headings: Heading[];
  /** Top-level details blocks: [first line, last line] (0-based, inclusive). */
  detailsBlocks: Array<[number, number]>;
  /** 1 on lines that may hold an identifier (a cheap test run once per line). */
  may: Uint8Array;
  /** Each line's anchors, computed once when first asked for. */
  anchors: Array<Anchor[] | undefined>;
}

/** The anchors of line `i` (links, `arXiv:` text, attributes), computed once. */
function lineAnchors(lines: readonly string[], lay: Layout, i: number): Anchor[] {
  let a = lay.anchors[i];
  if (a === undefined) {
    a = lay.may[i] ? anchorsIn(lines[i]!) : [];
    lay.anchors[i] = a;
  }
  return a;
}

function layout(lines: readonly string[], consumed: Uint8Array | null): Layout {
  const n = lines.length;
  const code = new Uint8Array(n);
  const details = new Uint8Array(n);
  const document = new Uint8Array(n);
  const headings: Heading[] = [];
  const detailsBlocks: Array<[number, number]> = [];
  const may = new Uint8Array(n);
  let fence = '';
  let depth = 0;
  let openedAt = -1;
  let hasHeading = false;
  for (let i = 0; i < n; i++) {
    const line = lines[i]!;
    if (line.length > MAX_LINE) {
      if (fence) code[i] = 1;
      continue;
    }
    // Rows the table pass reads are its papers: the block pass neither re-reads nor counts them (and they are the
    // bulk of a table digest, so skipping them keeps the block pass cheap there).
    if (!consumed?.[i] && mayHoldAnchor(line)) may[i] = 1;
    const f = line.includes('`') || line.includes('~') ? FENCE.exec(line) : null;
    if (fence) {
      code[i] = 1;
      if (f && f[1]![0] === fence[0] && f[1]!.length >= fence.length && line.trim() === f[1]) fence = '';
      continue;
    }
    if (f) {
      fence = f[1]!;
      code[i] = 1;
      continue;
    }
    const before = depth;
    if (line.includes('<')) {
      const lower = line.toLowerCase();
      depth += count(lower, '<details');
      depth = Math.max(0, depth - count(lower, '</details>'));
    }
    if (before > 0 || depth > 0) details[i] = 1;
    if (before === 0 && depth > 0) {
      openedAt = i;
      hasHeading = false;
    }
    const heading = headingAt(line);
    if (heading && before === 0 && depth === 0) headings.push({ index: i, ...heading });
    else if (heading) hasHeading = true;
    if (before > 0 && depth === 0 && openedAt >= 0) {
      detailsBlocks.push([openedAt, i]);
      if (hasHeading) document.fill(1, openedAt, i + 1);
      openedAt = -1;
    }
  }
  if (depth > 0 && openedAt >= 0) {
    detailsBlocks.push([openedAt, n - 1]);
    if (hasHeading) document.fill(1, openedAt, n);
  }
  return { code, details, document, headings, detailsBlocks, may, anchors: new Array<Anchor[] | undefined>(n) };
}

function count(text: string, what: string): number {
  let k = 0;
  for (let i = text.indexOf(what); i !== -1; i = text.indexOf(what, i + what.length)) k++;
  return k;
}

function headingAt(line: string): { level: number; text: string } | null {
  let at = 0;
  while (at < line.length && (line[at] === ' ' || line[at] === '\t')) at++;
  const first = line[at];
  if (first === '#') {
    const m = ATX.exec(line);
    if (!m) return null;
    let text = line.slice(m[0].length);
    let end = text.length;
    while (end > 0 && (text[end - 1] === '#' || text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
    text = text.slice(0, end);
    return { level: m[1]!.length, text };
  }
  if (first === '<' && /^\s*<h[1-6]\b/i.test(line)) {
    const m = HTML_HEADING.exec(line.trim());
    if (m) return { level: Number(m[1]), text: m[2]! };
  }
  return null;
}

/** Strip numbering (`[12]`, `3.`), emoji, HTML, links and bold from a heading or caption: the bare title. */
export function blockTitle(raw: string): string {
  let t = stripHtml(raw).replace(/\[\[back\]\]\([^)]{0,200}\)/gi, ' ');
  t = t.replace(LEAD_JUNK, '');
  const link = /^\[([^\]]{0,2000})\]\([^)\s]{0,2000}\)\s*$/.exec(t.trim());
  t = link ? link[1]! : cellText(t).text;
  t = t.replace(LEAD_JUNK, '').replace(STARS, '').trim();
  return cleanTitle(t).title;
}

/** The field a label names (`**Authors:**`, `Main category:`), or null. */
function roleOf(label: string): Role | null {
  const key = label.replace(LEAD_JUNK, '').replace(/\s+/g, ' ').trim();
  if (key.length === 0 || key.length > 40) return null;
  for (const [re, role] of LABELS) if (re.test(key)) return role;
  return null;
}

/** `**Label:** value`, `**Label**: value`, `- **Label:** value`, `Label: value` → label and value; else null. */
function fieldOf(line: string): { label: string; value: string } | null {
  let t = line.trimStart();
  const marker = /^[-*+][ \t]+/.exec(t);
  if (marker) t = t.slice(marker[0].length);
  if (t.startsWith('**') || t.startsWith('__')) {
    const close = t.indexOf(t.slice(0, 2), 2);
    if (close === -1 || close > 80) return null;
    let label = t.slice(2, close).trim();
    let rest = t.slice(close + 2).trimStart();
    if (label.endsWith(':') || label.endsWith('：')) label = label.slice(0, -1).trim();
    else if (rest.startsWith(':') || rest.startsWith('：')) rest = rest.slice(1).trimStart();
    else return null;
    return { label, value: rest };
  }
  const colon = /^([A-Za-z][A-Za-z ;&()-]{0,30}|[\u4e00-\u9fff]{1,8})[:：][ \t]*/.exec(t);
  if (colon) return { label: colon[1]!.trim(), value: t.slice(colon[0].length) };
  return null;
}

/** Fields gathered from a block's lines. */
interface Fields {
  title: string | null;
  titleOriginal: string | null;
  authors: string[];
  categories: string[];
  published: string | null;
  abstract: string | null;
  abstractOriginal: string | null;
  code: string | null;
  links: string[];
  quote: string | null;
}

function emptyFields(): Fields {
  return { title: null, titleOriginal: null, authors: [], categories: [], published: null, abstract: null, abstractOriginal: null, code: null, links: [], quote: null };
}

const LINK_TARGET = /\]\(\s*(https?:\/\/[^)\s]{1,2000})/g;
const BARE_URL = /https?:\/\/[^\s<>()[\]"'`]{1,2000}/g;

function linksIn(value: string): string[] {
  const out = [...value.matchAll(LINK_TARGET)].map((m) => m[1]!);
  if (out.length === 0) for (const m of value.matchAll(BARE_URL)) out.push(m[0]);
  return out;
}

/** Put one field value where it belongs. */
function assign(fields: Fields, role: Role, raw: string): void {
  if (role === 'abstract') {
    if (fields.abstract !== null && fields.abstractOriginal !== null) return;
    const text = proseText(raw);
    if (text === '' || /^no abstract/i.test(text)) return;
    if (CJK.test(text)) fields.abstract ??= text;
    else fields.abstractOriginal ??= text;
    return;
  }
  const value = raw.length > 2000 ? '' : collapse(raw);
  if (value === '') return;
  switch (role) {
    case 'authors':
      if (fields.authors.length === 0) fields.authors = splitAuthors(cellText(value).text);
      break;
    case 'titleOriginal':
      fields.titleOriginal ??= cleanTitle(cellText(value).text).title || null;
      break;
    case 'title':
      fields.title ??= blockTitle(value) || null;
      break;
    case 'categories':
      for (const part of cellText(value).text.split(/[,，;；、]/)) {
        const c = part.trim();
        if (c && !fields.categories.includes(c) && c.length <= 80) fields.categories.push(c);
      }
      break;
    case 'published':
      fields.published ??= findDate(value);
      break;
    case 'code':
      fields.code ??= linksIn(value)[0] ?? null;
      break;
    case 'link':
      fields.links.push(...linksIn(value));
      break;
  }
}

/**
 * Read the fields of a block (lines `from`..`to`, exclusive): bold/plain `Label: value` lines with values that
 * continue on the next lines, an italic author line right after the heading, `#### Abstract` sub-sections, and a
 * blockquote (kept as a fallback abstract). Sub-sections with other names and AI documents are skipped.
 */
function readFields(lines: readonly string[], from: number, to: number, lay: Layout): Fields {
  const fields = emptyFields();
  let open: { role: Role | null; parts: string[] } | null = null;
  let skipping = false;
  let sawContent = false;
  const quote: string[] = [];
  const flush = (): void => {
    if (open?.role) assign(fields, open.role, open.parts.join(' '));
    open = null;
  };
  for (let i = from; i < to; i++) {
    const line = lines[i]!;
    if (lay.code[i] || lay.document[i] || line.length > MAX_LINE) continue;
    const trimmed = line.trim();
    const heading = headingAt(line);
    if (heading) {
      flush();
      const role = roleOf(blockTitle(heading.text));
      skipping = role !== 'abstract';
      if (!skipping) open = { role: 'abstract', parts: [] };
      continue;
    }
    if (skipping) continue;
    if (trimmed === '') {
      if (open && (open as { parts: string[] }).parts.length > 0) flush();
      continue;
    }
    if (trimmed.startsWith('<') || /^(?:-{3,}|\*{3,}|_{3,})$/.test(trimmed)) {
      flush();
      continue;
    }
    if (!sawContent && /^\*[^*\s]/.test(trimmed) && trimmed.endsWith('*') && !trimmed.endsWith('**')) {
      // The daily-arXiv-ai-enhanced author line: `*A. One,B. Two*` right under the heading.
      fields.authors = splitAuthors(trimmed.slice(1, -1));
      sawContent = true;
      continue;
    }
    sawContent = true;
    if (trimmed.startsWith('>')) {
      flush();
      quote.push(trimmed.replace(/^(?:>\s?)+/, ''));
      continue;
    }
    const field = fieldOf(line);
    const role = field ? roleOf(field.label) : null;
    if (field && role) {
      flush();
      open = { role, parts: [field.value] };
      continue;
    }
    if (field) {
      flush();
      open = { role: null, parts: [] };
      continue;
    }
    if (open) (open as { parts: string[] }).parts.push(trimmed);
  }
  flush();
  if (quote.length > 0) {
    const text = proseText(quote.join(' '));
    if (text && !/^no abstract/i.test(text)) fields.quote = text;
  }
  return fields;
}

/** Anchors that can identify a block: links and attributes (not `arXiv:` mentions in prose). */
function strong(anchors: readonly Anchor[]): Anchor[] {
  return anchors.filter((a) => a.kind === 'link' || a.kind === 'attr');
}

function hasTable(lines: readonly string[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const t = lines[i]!.trimStart();
    if (t.startsWith('|') || /^<(?:table|tr|td)\b/i.test(t)) return true;
  }
  return false;
}

/** Strong anchors of lines `from`..`to`; pipe-table rows are units of their own and are left out. */
function anchorsOfRange(lines: readonly string[], from: number, to: number, lay: Layout): Anchor[] {
  const out: Anchor[] = [];
  for (let i = from; i < to; i++) {
    if (lay.code[i] || lay.document[i]) continue;
    const line = lines[i]!;
    if (!lay.may[i] || line.trimStart().startsWith('|')) continue;
    out.push(...strong(lineAnchors(lines, lay, i)));
  }
  return out;
}

function toPaper(line: number, identity: PaperIdentity, title: string, fields: Fields, categories: string[], url: string | null): BlockPaper {
  const cats = [...categories];
  for (const c of fields.categories) if (!cats.includes(c)) cats.push(c);
  return {
    line: line + 1,
    identity,
    title: title || fields.title || fields.titleOriginal || '',
    titleOriginal: title && fields.titleOriginal && fields.titleOriginal !== title ? fields.titleOriginal : null,
    authors: fields.authors,
    abstract: fields.abstract ?? (fields.quote && CJK.test(fields.quote) ? fields.quote : null),
    abstractOriginal: fields.abstractOriginal ?? (fields.quote && !CJK.test(fields.quote) ? fields.quote : null),
    published: fields.published,
    codeUrl: fields.code,
    categories: cats,
    url,
    source: identity.arxivId ? 'arxiv' : (SERVERS.get(identity) ?? null),
  };
}

/** The category a non-paper heading names (`cs.CV [[Back]](#toc)`, `cs.CL <a id='csCL'></a>`), or null. */
function categoryOf(text: string): string | null {
  const t = stripHtml(text).replace(/\[\[back\]\]\([^)]{0,200}\)/gi, '').trim();
  return t.length <= 30 && ARXIV_CATEGORY.test(t) ? t : null;
}

/**
 * Find the papers of the block layouts in `lines` (the caller drops those the table pass already produced);
 * `consumed` marks the lines (0-based) of table rows the table pass reads.
 * Never throws on any input.
 */
export function extractBlocks(lines: readonly string[], consumed: Uint8Array | null = null): BlockScan {
  const lay = layout(lines, consumed);
  const found: BlockPaper[] = [];
  const paperHeadings = new Set<number>();
  /** 1 on lines that belong to a paper found so far: they are its fields, not papers of their own. */
  const taken = new Uint8Array(lines.length);

  // 1. Headings: a heading whose text links one paper, or whose lines before the next heading do.
  const { headings } = lay;
  const categories: Array<{ level: number; name: string }> = [];
  let paperUntil = -1;
  let firstTitle = -1;
  for (let k = 0; k < headings.length; k++) {
    const h = headings[k]!;
    if (h.level === 1 && firstTitle === -1) firstTitle = h.index;
    if (h.index < paperUntil) continue;
    while (categories.length > 0 && categories[categories.length - 1]!.level >= h.level) categories.pop();
    let end = lines.length;
    for (let j = k + 1; j < headings.length; j++) {
      if (headings[j]!.level <= h.level) {
        end = headings[j]!.index;
        break;
      }
    }
    const headEnd = k + 1 < headings.length ? Math.min(end, headings[k + 1]!.index) : end;
    const own = h.text.length <= MAX_LINE ? distinctOf(strong(anchorsIn(h.text))) : [];
    let anchor: PaperIdentity | null = own.length === 1 ? own[0]! : null;
    let url: string | null = null;
    let fields: Fields | null = null;
    if (own.length === 0) {
      const category = categoryOf(h.text);
      if (category) {
        categories.push({ level: h.level, name: category });
        continue;
      }
      // A dated heading is a digest's heading (`# Arxiv 2024-12-20 Papers`), not a paper's.
      if (findDate(h.text)) continue;
      // Only a numbered heading (`### 3. 中文标题`) or a per-paper page's title (its first `#` heading) takes the
      // identifier from the lines under it: a README's "## Citation" over one link is no paper. A section heading
      // over a table of papers is none either: its rows are units of their own.
      const numbered = NUMBERED.test(stripHtml(h.text));
      const pageTitle = h.index === firstTitle;
      if (!numbered && !pageTitle) continue;
      const near = hasTable(lines, h.index + 1, headEnd) ? [] : distinctOf(anchorsOfRange(lines, h.index + 1, headEnd, lay));
      if (near.length === 1) anchor = near[0]!;
      else if (near.length === 0) {
        // No identifier at all: a heading-per-paper block with an explicit `Link:`/`URL:` field still is one.
        fields = readFields(lines, h.index + 1, end, lay);
        const link = fields.links[0];
        if (link && numbered && blockTitle(h.text)) {
          anchor = paperIdentity(link);
          url = link;
        }
      }
    }
    if (!anchor) continue;
    fields ??= readFields(lines, h.index + 1, end, lay);
    paperHeadings.add(h.index);
    taken.fill(1, h.index, end);
    paperUntil = end;
    const title = blockTitle(h.text);
    found.push(toPaper(h.index, anchor, title, fields, categories.map((c) => c.name), anchor.id.startsWith('url:') ? url : null));
  }

  // 2. `<details>` blocks outside paper sections: the caption is the title, the links inside the anchor.
  for (const [start, stop] of lay.detailsBlocks) {
    if (taken[start]) continue;
    const block = lines.slice(start, stop + 1).join('\n');
    if (block.length > 200_000) continue;
    const caption = /<summary[^>]{0,200}>([^]{0,2000}?)<\/summary>/i.exec(block);
    const title = caption ? blockTitle(caption[1]!) : '';
    if (!title || DETAILS_CAPTION.test(title)) continue;
    const ids = distinctOf(anchorsOfRange(lines, start, stop + 1, lay));
    if (ids.length !== 1) continue;
    taken.fill(1, start, stop + 1);
    found.push(toPaper(start, ids[0]!, title, readFields(lines, start + 1, stop, { ...lay, document: new Uint8Array(lines.length) }), [], null));
  }

  // 3. List items and table rows outside paper sections, one paper each.
  for (let i = 0; i < lines.length; i++) {
    if (taken[i] || lay.code[i] || lay.details[i]) continue;
    const line = lines[i]!;
    if (!lay.may[i]) continue;
    const marker = LIST_START.exec(line);
    if (marker) {
      const item = listPaper(line, marker[0].length);
      if (!item) continue;
      let end = i + 1;
      while (end < lines.length && (lines[end]!.trim() === '' ? /^\s{2,}\S/.test(lines[end + 1] ?? '') : /^\s{2,}\S/.test(lines[end]!))) end++;
      const fields = readFields(lines, i + 1, end, lay);
      found.push(toPaper(i, item.identity, item.title, fields, [], null));
      continue;
    }
    const trimmed = line.trim();
    if (trimmed.startsWith('|')) {
      // A row names its paper by a link (the id alone in a cell, next to its links, is the same paper); rows of
      // bare ids only (relation tables between the day's papers) are not papers.
      const anchors = anchorsIn(trimmed.replace(/\|/g, ' | '), { bare: true });
      const ids = distinctOf(anchors);
      if (ids.length === 1 && strong(anchors).length > 0) found.push(toPaper(i, ids[0]!, '', emptyFields(), [], null));
    }
  }

  // 4. HTML table rows: the id in a link, a `data-arxiv-id` attribute or, failing those, a page slug.
  for (let i = 0; i < lines.length; i++) {
    if (taken[i] || lay.code[i] || !/<tr\b/i.test(lines[i]!)) continue;
    let end = i;
    while (end < lines.length && end - i < 200 && !/<\/tr>/i.test(lines[end]!)) end++;
    const row = lines.slice(i, Math.min(end + 1, lines.length)).join('\n');
    i = end;
    if (/<th\b/i.test(row) || row.length > 100_000) continue;
    let ids = distinctOf(strong(anchorsIn(row)));
    if (ids.length === 0) ids = distinctOf(anchorsIn(row, { slug: true }).filter((a) => a.kind === 'slug'));
    if (ids.length !== 1) continue;
    const cells = row.split(/<td\b[^>]{0,400}>/i).slice(1);
    const at = cells.findIndex((c) => /<a\s[^>]{0,2000}>[^<]{2,}<\/a>/i.test(c));
    const title = at >= 0 ? blockTitle(cells[at]!) : '';
    const fields = emptyFields();
    if (at >= 0 && cells[at + 1]) assign(fields, 'abstract', stripHtml(cells[at + 1]!));
    found.push(toPaper(i, ids[0]!, GENERIC_LINK_TEXT.test(title) ? '' : title, fields, [], null));
  }

  // The same paper twice (cross-lists, a run appended to itself, a table and a list naming it): one paper, its
  // fields completed from every mention, placed at its first line.
  const merged = new Map<string, BlockPaper>();
  for (const p of found) {
    const seen = merged.get(p.identity.id);
    if (!seen) {
      merged.set(p.identity.id, p);
      continue;
    }
    seen.line = Math.min(seen.line, p.line);
    if (!seen.title) seen.title = p.title;
    seen.titleOriginal ??= p.titleOriginal;
    if (seen.authors.length === 0) seen.authors = p.authors;
    seen.abstract ??= p.abstract;
    seen.abstractOriginal ??= p.abstractOriginal;
    seen.published ??= p.published;
    seen.codeUrl ??= p.codeUrl;
    for (const c of p.categories) if (!seen.categories.includes(c)) seen.categories.push(c);
    if (seen.identity.version === null && p.identity.version !== null) seen.identity = p.identity;
  }
  const papers = [...merged.values()].sort((a, b) => a.line - b.line);

  let identifiers = 0;
  let firstIdentifierLine = 0;
  const all = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    if (lay.code[i]) continue;
    if (!lay.may[i]) continue;
    for (const a of lineAnchors(lines, lay, i)) {
      if (all.has(a.identity.id)) continue;
      all.add(a.identity.id);
      identifiers++;
      if (firstIdentifierLine === 0) firstIdentifierLine = i + 1;
    }
  }
  const hidden = new Uint8Array(lines.length);
  for (let i = 0; i < lines.length; i++) hidden[i] = lay.code[i]! | lay.details[i]!;
  return { papers, paperHeadings, identifiers, firstIdentifierLine, hidden };
}

/** Servers named by bioRxiv/medRxiv links, by paper id (filled as anchors are read). */
const SERVERS = new WeakMap<PaperIdentity, 'biorxiv' | 'medrxiv'>();

function distinctOf(anchors: readonly Anchor[]): PaperIdentity[] {
  const ids = distinctIds(anchors);
  return ids.map((id) => {
    const all = anchors.filter((a) => a.identity.id === id);
    const first = all[0]!.identity;
    const server = all.find((a) => a.server)?.server;
    if (server) SERVERS.set(first, server);
    return first;
  });
}

/** A list item that is one paper: one identifier and a title (bold, link text, or `Title, ID, links`). */
function listPaper(line: string, markerEnd: number): { identity: PaperIdentity; title: string } | null {
  const anchors = anchorsIn(line, { bare: true });
  const ids = distinctOf(anchors);
  if (ids.length !== 1) return null;
  const body = line.slice(markerEnd);
  let title = '';
  const bold = /^\*\*([^]{1,2000}?)\*\*/.exec(body);
  if (bold && !/[:：]\s*$/.test(bold[1]!)) title = blockTitle(bold[1]!);
  if (!title) {
    const link = /^\[([^\]]{1,2000})\]\(/.exec(body);
    if (link) {
      const text = collapse(link[1]!.replace(/^\s*(?:arxiv:)?\d{4}\.\d{4,5}(?:v\d+)?\s*(?:[—–:-]+|\s)\s*/i, ''));
      if (text && !GENERIC_LINK_TEXT.test(text) && !/^https?:/.test(text) && anchorsIn(text, { bare: true }).length === 0) title = blockTitle(text);
    }
  }
  if (!title) {
    const first = anchors[0]!;
    const after = line.slice(first.at).replace(/^[\dv.]+/, '');
    if (first.kind === 'bare' && after.startsWith(',') && /\]\(https?:/.test(after)) {
      const before = line.slice(markerEnd, first.at).trim();
      if (before.endsWith(',')) title = blockTitle(before.slice(0, -1));
    }
  }
  return title ? { identity: ids[0]!, title } : null;
}
