/**
 * Result snippets for Discord: a window of the text around the first match, matched words in **bold**,
 * every other markdown character escaped (the embeds' own escaping) so a title like `A*B_C` cannot turn the embed
 * into italics. It lives with the Discord code because its output is Discord markdown; the search module only says
 * which terms matched.
 */
import { CJK_CHAR, normalizeText } from '../search/normalize.ts';
import { stem } from '../search/stem.ts';
import { escapeMarkdown } from './markdown.ts';

const TOKEN = new RegExp(
  // `v` flag for set subtraction (Latin-like letters minus CJK); built at run time because tsc targets ES2023.
  String.raw`[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+|[[\p{L}\p{N}]--[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]]+`,
  'gv',
);
/**
 * Returns at most `maxLen` characters of `text` (plus `…` marks where cut) with the words matching
 * `matchedTerms` (as returned by `SearchIndex.search`: Latin stems and CJK runs) in bold.
 */
export function highlight(text: string, matchedTerms: readonly string[], maxLen = 200): string {
  const flat = String(text ?? '').replace(/\s+/g, ' ').trim();
  const latin = new Set<string>();
  const cjk: string[] = [];
  for (const t of matchedTerms) {
    const n = normalizeText(t);
    if (!n) continue;
    if (CJK_CHAR.test(n[0] ?? '')) cjk.push(n);
    else latin.add(n);
  }
  cjk.sort((a, b) => b.length - a.length);
  const ranges: [number, number][] = [];
  for (const m of flat.matchAll(TOKEN)) {
    const start = m.index;
    const word = m[0];
    if (CJK_CHAR.test(word[0] ?? '')) {
      // NFKC keeps CJK runs the same length in practice; when it does not, positions would drift, so skip.
      const norm = normalizeText(word);
      if (norm.length !== word.length) continue;
      for (const term of cjk) {
        for (let i = norm.indexOf(term); i >= 0; i = norm.indexOf(term, i + term.length)) {
          ranges.push([start + i, start + i + term.length]);
        }
      }
    } else {
      const norm = normalizeText(word);
      if (latin.has(stem(norm)) || latin.has(norm)) ranges.push([start, start + word.length]);
    }
  }
  const merged = mergeRanges(ranges);
  const limit = Math.max(1, Math.floor(maxLen));
  let from = 0;
  let to = flat.length;
  if (flat.length > limit) {
    const first = merged[0]?.[0] ?? 0;
    from = Math.max(0, Math.min(first - Math.floor(limit / 4), flat.length - limit));
    to = from + limit;
  }
  let out = from > 0 ? '…' : '';
  let pos = from;
  for (const [s0, e0] of merged) {
    const s = Math.max(s0, from);
    const e = Math.min(e0, to);
    if (e <= s) continue;
    out += escapeMarkdown(flat.slice(pos, s)) + `**${escapeMarkdown(flat.slice(s, e))}**`;
    pos = e;
  }
  out += escapeMarkdown(flat.slice(pos, to));
  if (to < flat.length) out += '…';
  return out;
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}
