/**
 * Title cells as LLM translators leave them: a preamble ("以下是这段文字的中文翻译："), the title (maybe bold,
 * quoted, prefixed "标题："), then a translator's note or a whole hallucinated mini-document. This module
 * keeps the title on one clean line and moves everything else to `notes`.
 */
import { cellText, collapse, stripHtml, type CellMode } from './text.ts';

/** A cleaned title cell. */
export interface TitleParts {
  title: string;
  notes: string | null;
  /** Links found in the title line (some generators link the title to the paper). */
  links: string[];
}

// Lines that only announce the translation that follows ("以下是这段文字的中文翻译：", "根据您的要求，我将…：").
const PREAMBLE = /^(?:.{0,80}(?:翻译|译文|译为|中文|Translation).{0,60}|以下是.{0,100}|标题|Title)\s*[：:]\s*$/i;
// The same announcement in front of the title on one line: "将这段文字翻译成中文为：通过…".
const INLINE_PREAMBLE = /^[^：:，,]{0,300}?(?:翻译成中文|翻译为中文|翻译成|翻译为|中文翻译是|的中文翻译|译为)[^：:，,“"]{0,12}[：:，,]\s*/;
// A cell that explains a translation instead of giving one: keep the first quoted rendering.
const EXPLAINED = /(?:翻译|译)(?:为|成|是)\s*[“"「『《]([^”"」』》]{2,200})[”"」』》]/;
// Labels in front of the title itself.
const LABEL = /^(?:标题翻译|中文翻译|中文标题|翻译标题|标题|翻译|译文|Title)\s*[：:]\s*/i;
// Where a trailing explanation starts inside the title line.
const NOTE_START = /[（(]\s*(?:注|解析|说明|翻译说明|译注|备注|Note)\s*[：:]|(?:^|\s)(?:注|解析|翻译说明|说明|译注)[：:]/i;
// Quote/bracket pairs an LLM wraps a title in.
const WRAPPERS: Array<[string, string]> = [
  ['「', '」'],
  ['“', '”'],
  ['"', '"'],
  ['『', '』'],
  ['《', '》'],
  ["'", "'"],
  ['‘', '’'],
];

/** Split a raw title cell (may span many lines) into a clean one-line title and the notes around it. */
export function cleanTitle(raw: string, mode: CellMode = 'auto'): TitleParts {
  // Most title cells are one line with nothing to strip; the checks in front of each pattern below are what
  // that pattern needs to match at all, so such a title skips them (they are the bulk of a table's rows).
  const lines = raw.includes('\n') ? raw.split('\n') : [raw];
  let i = 0;
  // Skip blank lines and announcement lines before the title.
  while (i < lines.length && (lines[i]!.trim() === '' || isPreamble(lines[i]!.trim()))) i++;
  const first = i < lines.length ? lines[i]! : '';
  const rest = i + 1 < lines.length ? lines.slice(i + 1).join('\n') : '';

  const converted = cellText(first, mode);
  let title = converted.text;
  let inlineNote = '';
  title = title.replace(LABEL, '');
  // INLINE_PREAMBLE and EXPLAINED both need a 译 (翻译, 译为).
  if (title.includes('译')) {
    title = title.replace(INLINE_PREAMBLE, '');
    const explained = EXPLAINED.exec(title);
    if (explained && explained.index > 0 && explained[1]) {
      inlineNote = title;
      title = explained[1];
    }
  }
  const note = title.includes(':') || title.includes('：') ? NOTE_START.exec(title) : null;
  if (note && note.index > 0) {
    inlineNote = `${title.slice(note.index).trim()} ${inlineNote}`.trim();
    title = title.slice(0, note.index).trim();
  }
  // A `**` left unmatched by the generator (`基于模型预测控制的**实践`) is markup, never part of a title.
  title = unwrap(title.replace(LABEL, '')).replace(/\*\*/g, '').trim();

  const noteText = inlineNote === '' && rest === '' ? '' : collapse([inlineNote, notesText(rest)].join(' '));
  return { title, notes: noteText === '' ? null : noteText, links: converted.links };
}

/** True for a trimmed line that only announces the title after it; such a line ends with a colon, or is bold. */
function isPreamble(line: string): boolean {
  if (!line.endsWith(':') && !line.endsWith('：') && !line.endsWith('**')) return false;
  return PREAMBLE.test(stripBold(line));
}

function stripBold(line: string): string {
  return line.replace(/^\*\*(.*)\*\*$/, '$1').trim();
}

/** Remove one or more layers of surrounding quotes/brackets, and a trailing full stop a translator added. */
function unwrap(title: string): string {
  let t = title.trim();
  if (/^[“"「『《].*[”"」』》][。.]$/.test(t)) t = t.slice(0, -1);
  for (let changed = true; changed && t.length > 1; ) {
    changed = false;
    for (const [open, close] of WRAPPERS) {
      if (t.startsWith(open) && t.endsWith(close) && t.length > open.length + close.length) {
        const inner = t.slice(open.length, t.length - close.length);
        // Only a true wrapper: `"A" and "B"` must stay as it is.
        if (!inner.includes(open) && !inner.includes(close)) {
          t = inner.trim();
          changed = true;
        }
      }
    }
  }
  return t;
}

/**
 * Notes are commentary, shown as-is: a cheap markdown strip (list markers, heading hashes, emphasis) is
 * enough, and it keeps the many long translator notes out of remark, which dominated the parse time.
 */
function notesText(raw: string): string {
  if (raw.trim() === '') return '';
  return stripHtml(raw.replace(/\\\|/g, '|'))
    .replace(/^[ \t]*(?:#{1,6}|[-+*]|\d{1,9}[.)])[ \t]+/gm, '')
    .replace(/\*\*|__|`/g, '');
}
