/**
 * The query language shared by `/paper search` and subscriptions:
 * words, "quoted phrases", `OR` (or `|`) between two items, `-word` / `-"phrase"` to exclude,
 * `author:`, `source:`, `cat:` (arXiv category, `cs.*`, or a bioRxiv/medRxiv subject), `from:YYYY-MM-DD`,
 * `to:YYYY-MM-DD` (values may be quoted).
 * Items are ANDed; `OR` binds tighter than the implicit AND (`a b OR c d` = a ∧ (b ∨ c) ∧ d).
 * The parser never throws: an unbalanced quote is read as a literal character, unknown `field:` prefixes
 * are ordinary words, and problems are reported in `errors` for the caller to show.
 */
import { tokenize, type Token } from './analyzer.ts';
import { joinedQueryTerm } from './compounds.ts';
import { normalizeCategory } from './categories.ts';
import { normalizeText } from './normalize.ts';
import { stem } from './stem.ts';

/** Queries are cut to this many characters; nobody types more, and it bounds the work per query. */
export const MAX_QUERY_LENGTH = 500;
/** At most this many items are kept (the rest are dropped with an error). */
export const MAX_ITEMS = 32;

/** One searchable item: a word (possibly several tokens, `GRPO强化学习`) or a quoted phrase. */
export interface QueryItem {
  /** The normalised text as typed, for display. */
  text: string;
  tokens: Token[];
  /** Quoted: tokens must be adjacent and in order. */
  phrase: boolean;
  /**
   * Added by `expandAcrossLanguages` (term-table.ts): the other language's term for a word of its group. Search
   * scores it lower and only for papers the typed word does not reach; it earns no title bonus.
   */
  translated?: true;
}

/** A parsed query or subscription expression. */
export interface ParsedQuery {
  /** AND of OR-groups: every group must match, a group matches when any of its items does. */
  groups: QueryItem[][];
  /** Items that must not match. */
  exclude: QueryItem[];
  /** `author:` values as token lists (each author filter must match one paper author). */
  authors: Token[][];
  /** `source:` values, lower case (any of them). */
  sources: string[];
  /** `cat:` patterns, normalised (`cs.cv`, `cs.*`, `animal behavior and cognition`): any of them. */
  categories: string[];
  /** Inclusive date bounds, YYYY-MM-DD. */
  from: string | null;
  to: string | null;
  /** True when the last item was a bare word typed without trailing space (eligible for prefix matching). */
  lastIsPrefix: boolean;
  /** Human-readable problems (invalid dates, truncated input, ignored operators). Empty when all is well. */
  errors: string[];
}

interface RawPart {
  negate: boolean;
  field: string | null;
  value: string;
  quoted: boolean;
}

const FIELDS = new Set(['author', 'source', 'from', 'to', 'cat', 'category']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Splits the input into raw parts, honouring balanced double quotes (straight or curly). */
function lex(input: string): RawPart[] {
  const parts: RawPart[] = [];
  const s = input.replace(/[“”„＂]/g, '"');
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    let negate = false;
    if (s[i] === '-' && i + 1 < s.length && !/\s/.test(s[i + 1]!)) {
      negate = true;
      i++;
    }
    let field: string | null = null;
    const fm = /^([a-zA-Z]+):/.exec(s.slice(i, i + 12));
    if (fm && FIELDS.has(fm[1]!.toLowerCase())) {
      field = fm[1]!.toLowerCase();
      i += fm[0].length;
    }
    if (s[i] === '"') {
      const close = s.indexOf('"', i + 1);
      if (close > i) {
        parts.push({ negate, field, value: s.slice(i + 1, close), quoted: true });
        i = close + 1;
        continue;
      }
      i++; // unbalanced quote: drop it and read the rest as plain words
    }
    let j = i;
    while (j < s.length && !/\s/.test(s[j]!)) j++;
    const value = s.slice(i, j).replace(/"/g, '');
    if (value || field) parts.push({ negate, field, value, quoted: false });
    i = j;
  }
  return parts;
}

/** Parses a search query or subscription expression. Never throws. */
export function parseQuery(input: string): ParsedQuery {
  const errors: string[] = [];
  let text = typeof input === 'string' ? input : '';
  if (text.length > MAX_QUERY_LENGTH) {
    text = text.slice(0, MAX_QUERY_LENGTH);
    errors.push(`query truncated to ${MAX_QUERY_LENGTH} characters`);
  }
  const q: ParsedQuery = {
    groups: [],
    exclude: [],
    authors: [],
    sources: [],
    categories: [],
    from: null,
    to: null,
    lastIsPrefix: false,
    errors,
  };
  const parts = lex(text);
  let pendingOr = false;
  let itemCount = 0;
  let lastWasBareWord = false;
  for (const p of parts) {
    lastWasBareWord = false;
    if (!p.field && !p.quoted && !p.negate && (p.value === 'OR' || p.value === '|')) {
      if (q.groups.length === 0) errors.push('OR needs a word on each side');
      else pendingOr = true;
      continue;
    }
    if (p.field) {
      pendingOr = false;
      const v = p.value.trim();
      if (!v) {
        errors.push(`${p.field}: needs a value`);
        continue;
      }
      if (p.field === 'from' || p.field === 'to') {
        if (!DATE.test(v) || Number.isNaN(Date.parse(v))) {
          errors.push(`${p.field}: expects a date like 2025-01-31, got "${v.slice(0, 40)}"`);
          continue;
        }
        if (p.field === 'from') q.from = v;
        else q.to = v;
      } else if (p.field === 'source') {
        q.sources.push(normalizeText(v));
      } else if (p.field === 'cat' || p.field === 'category') {
        q.categories.push(normalizeCategory(v));
      } else {
        const toks = tokenize(v);
        if (toks.length > 0) q.authors.push(toks);
      }
      continue;
    }
    const tokens = tokenize(p.value);
    if (tokens.length === 0) {
      pendingOr = false;
      continue; // punctuation only, nothing to search for
    }
    if (itemCount >= MAX_ITEMS) {
      if (itemCount === MAX_ITEMS) errors.push(`only the first ${MAX_ITEMS} words are used`);
      itemCount++;
      continue;
    }
    itemCount++;
    const items = spellings(normalizeText(p.value), tokens, p.quoted);
    if (p.negate) {
      q.exclude.push(...items);
      pendingOr = false;
      continue;
    }
    const last = q.groups[q.groups.length - 1];
    if (pendingOr && last) last.push(...items);
    else q.groups.push(items);
    pendingOr = false;
    lastWasBareWord = !p.quoted;
  }
  if (pendingOr) errors.push('OR needs a word on each side');
  if (q.from && q.to && q.from > q.to) errors.push(`from: ${q.from} is after to: ${q.to}`);
  q.lastIsPrefix = lastWasBareWord && !/\s$/.test(text);
  return q;
}

/** Phrases of at most this many Latin words also match their joined spelling (`"multi modal"` = multimodal). */
const MAX_JOINED_WORDS = 3;

/**
 * The items one typed word or phrase stands for, as alternatives. A hyphenated word (`multi-modal`, `T-cell`,
 * `C-3`) means its words adjacent — a phrase — or written joined (`multimodal`, `C3`; papers written with the
 * hyphen index the joined form too), never the parts anywhere in the paper. A short quoted Latin phrase
 * also matches its joined spelling. Anything else is one item.
 */
function spellings(text: string, tokens: Token[], quoted: boolean): QueryItem[] {
  const latinOnly = tokens.length > 1 && tokens.every((t) => t.kind === 'latin');
  const joined = latinOnly ? (quoted ? (tokens.length <= MAX_JOINED_WORDS ? tokens.map((t) => t.surface).join('') : null) : joinedQueryTerm(text)) : null;
  if (!joined) return [{ text, tokens, phrase: quoted && tokens.length > 1 }];
  // The joined item goes last, so a hyphenated last word is still completed as a prefix (`multi-mod`).
  return [
    { text, tokens, phrase: true },
    { text, tokens: [{ kind: 'latin', term: stem(joined), surface: joined, joined: true }], phrase: false },
  ];
}

/** True when the query has nothing to match on (no items and no filters). */
export function isEmptyQuery(q: ParsedQuery): boolean {
  return q.groups.length === 0 && q.authors.length === 0 && q.sources.length === 0 && q.categories.length === 0 && !q.from && !q.to;
}
