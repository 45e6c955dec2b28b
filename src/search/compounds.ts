/**
 * Extra index terms for the ways one term is written in several pieces (issue 14):
 *
 * - Hyphenated words also index their joined form, so `multi-modal`, `multimodal` and (as a phrase)
 *   `multi modal` meet, and `C-3` is `C3`; a query written with a hyphen asks for the joined form or the
 *   adjacent words (see `query.ts`), never for the parts anywhere in the paper (`T-cell` ≠ "T … cell").
 * - Names glued from words and acronyms (`FrugalNeRF`, `NeRFiller`, `GraphMoE`, `UnZipLoRA`, `HSRMamba`)
 *   also index their parts: camel-case pieces of 3+ letters and known acronyms written in their own
 *   casing. Case is the evidence: `organ`, `ORGAN` and `Morgan` never yield `gan`, `CycleGAN` does.
 *
 * These terms are added to a paper's term frequencies (not to its token stream or lengths), and to the
 * subscription matcher's word set; queries are never expanded with them.
 */
import { stem } from './stem.ts';
import { normalizeText } from './normalize.ts';

const NOT_CJK = String.raw`[[\p{L}\p{N}]--[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]]`;
/** Letter/digit runs joined by hyphens (ASCII or Unicode hyphens, not dashes that separate clauses). */
// Scanned as maximal runs of letters, digits and hyphens, then split: a pattern of the form `w+(?:-w+)+` would retry
// from every letter of a long word without a hyphen (quadratic on untrusted text).
const WORD_OR_HYPHEN_RUN = new RegExp(String.raw`(?:${NOT_CJK}|[\-\u2010\u2011])+`, 'gv');
const WHOLE_WORD = new RegExp(String.raw`^${NOT_CJK}+$`, 'v');
const HYPHEN = /[-\u2010\u2011]/u;

/** The hyphenated words of a text, each as its parts (`multi-modal` → multi, modal); linear in the text. */
function* hyphenatedWords(text: string): Generator<string[]> {
  for (const m of text.matchAll(WORD_OR_HYPHEN_RUN)) {
    let parts: string[] = [];
    for (const part of m[0].split(HYPHEN)) {
      if (part) {
        parts.push(part);
        continue;
      }
      if (parts.length >= 2) yield parts;
      parts = [];
    }
    if (parts.length >= 2) yield parts;
  }
}
/** A word of the raw (not lower-cased) text. */
const RAW_WORD = new RegExp(`${NOT_CJK}+`, 'gv');
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;

/**
 * Acronyms and short names researchers glue into model names, in their usual casing. Matched case-sensitively
 * inside a mixed-case word only, so the casing itself tells a name part from letters of an ordinary word.
 */
export const KNOWN_ACRONYMS: readonly string[] = [
  'NeRF', 'MoE', 'LoRA', 'QLoRA', 'Mamba', 'GAN', 'ViT', 'RAG', 'LLM', 'MLLM', 'VLM', 'VLA', 'CLIP', 'SAM', 'BERT',
  'GPT', 'LLaMA', 'Llama', 'DiT', 'VAE', 'GNN', 'GCN', 'CNN', 'RNN', 'LSTM', 'YOLO', 'DETR', 'SLAM', 'VQA', 'OCR',
  'TTS', 'ASR', 'SSM', 'KAN', 'DPO', 'PPO', 'GRPO', 'RLHF', 'CoT', 'MLP', 'UNet', 'GS', 'NLP', 'KG', 'QA', 'RL',
];

/**
 * Camel-case pieces of one raw word: `FrugalNeRF` → Frugal, Ne, RF; `HSRMamba` → HSR, Mamba. Runs of capitals
 * end before a capital that starts a lower-case run; digits stay with the letters before them.
 */
function camelPieces(word: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 1; i < word.length; i++) {
    const prev = word[i - 1]!;
    const cur = word[i]!;
    const next = word[i + 1] ?? '';
    const lowerToUpper = LOWER.test(prev) && UPPER.test(cur);
    const acronymEnd = UPPER.test(prev) && UPPER.test(cur) && LOWER.test(next);
    if (lowerToUpper || acronymEnd) {
      out.push(word.slice(start, i));
      start = i;
    }
  }
  out.push(word.slice(start));
  return out;
}

/** Index terms (stems) of the parts of a glued name, excluding the whole word's own stem. */
export function namePartTerms(word: string): string[] {
  // All lower case or all capitals (a plural `s` aside: `ORGANs`, `LLMs`): no evidence of parts.
  if (!UPPER.test(word) || !LOWER.test(word.replace(/s$/u, ''))) return [];
  if (!UPPER.test(word.slice(1))) return []; // `Organ`, `Morgan`: an ordinary capitalised word
  const out = new Set<string>();
  for (const piece of camelPieces(word)) if (piece.length >= 3 && piece.length < word.length) out.add(stem(normalizeText(piece)));
  for (const a of KNOWN_ACRONYMS) {
    if (a.length >= word.length) continue;
    const at = word.indexOf(a);
    if (at < 0) continue;
    // The acronym must start the word or start a new piece:
    const before = word[at - 1];
    // after a lower-case letter, or after capitals when the acronym itself has lower case (`HSRMamba`), so
    // capitals runs (`ORGANs`) never yield `gan`.
    if (at === 0 || (before !== undefined && (LOWER.test(before) || LOWER.test(a)))) out.add(stem(a.toLowerCase()));
  }
  out.delete(stem(normalizeText(word)));
  return [...out];
}

/**
 * Bound prefixes that papers write joined, hyphenated or spaced (`multimodal`, `multi-modal`, `multi modal`):
 * a spaced pair starting with one also indexes its joined form, so a query written joined finds it. A closed
 * list, because joining every adjacent pair would double the index for little gain.
 */
const PREFIXES = [
  'multi', 'self', 'pre', 'post', 'non', 'semi', 'co', 'cross', 'inter', 'intra', 'sub', 'meta', 'hyper', 'bi', 'tri',
  'fine', 'zero', 'few', 'real',
];
const SPACED = new RegExp(String.raw`(?<![\p{L}\p{N}])(${PREFIXES.join('|')})[ \t]+(${NOT_CJK}+)`, 'gv');

/** Joined forms (stems) of hyphenated words, and of spaced pairs after a bound prefix, in normalised text. */
export function joinedTerms(normalized: string): string[] {
  const out: string[] = [];
  for (const m of normalized.matchAll(SPACED)) out.push(stem(m[1]! + m[2]!));
  for (const parts of hyphenatedWords(normalized)) {
    out.push(stem(parts.join('')));
    if (parts.length > 2) for (let i = 0; i + 1 < parts.length; i++) out.push(stem(parts[i]! + parts[i + 1]!));
  }
  return out;
}

/** All extra terms of a raw text: joined hyphenated forms and glued-name parts (repeats kept, for counting). */
export function compoundTerms(raw: string): string[] {
  if (!raw) return [];
  const out = joinedTerms(normalizeText(raw));
  for (const m of raw.matchAll(RAW_WORD)) {
    const w = m[0];
    if (w.length >= 4) for (const t of namePartTerms(w)) out.push(t);
  }
  return out;
}

/** The joined form of a hyphenated query word (`multi-modal` → its stem `multimodal`), or null. */
export function joinedQueryTerm(normalizedWord: string): string | null {
  const parts = normalizedWord.split(HYPHEN);
  return parts.length >= 2 && parts.every((part) => WHOLE_WORD.test(part)) ? parts.join('') : null;
}
