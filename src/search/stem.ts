/**
 * A deliberately light English stemmer: plurals, -ing, -ed and a final -e. Heavier stemmers (Porter) merge
 * words that researchers keep apart (`general`/`generate`); this one only removes inflections, so that
 * `models`/`modeling`/`modeled` meet at `model` and `GANs` at `gan`, while `organ` stays `organ`.
 */

const VOWEL = /[aeiouy]/;

/**
 * Word forms a suffix rule cannot reach, folded to their base word before stemming: irregular and Latin/Greek
 * plurals common in papers, and `robotic(s)` (robot/robotic/robotics are one subject to a researcher; a
 * general `-ic` rule would fold `logic` into `log`, so it is listed, not a rule). Kept short on purpose: each
 * entry was checked against the words it could wrongly merge.
 */
const IRREGULAR = new Map<string, string>([
  ['mice', 'mouse'], ['analyses', 'analysis'], ['hypotheses', 'hypothesis'], ['syntheses', 'synthesis'],
  ['diagnoses', 'diagnosis'], ['prognoses', 'prognosis'], ['metastases', 'metastasis'], ['crises', 'crisis'],
  ['indices', 'index'], ['matrices', 'matrix'], ['vertices', 'vertex'], ['criteria', 'criterion'],
  ['phenomena', 'phenomenon'], ['children', 'child'], ['teeth', 'tooth'], ['spectra', 'spectrum'],
  ['maxima', 'maximum'], ['minima', 'minimum'], ['optima', 'optimum'], ['corpora', 'corpus'], ['nuclei', 'nucleus'],
  ['fungi', 'fungus'], ['stimuli', 'stimulus'], ['loci', 'locus'], ['bacteria', 'bacterium'], ['larvae', 'larva'],
  ['robotic', 'robot'], ['robotics', 'robot'],
]);

/** Returns the stem of one lower-case Latin token. Tokens with digits and short tokens are returned as is. */
export function stem(input: string): string {
  const word = IRREGULAR.get(input) ?? input;
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is|ys|ias)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length >= 7 && VOWEL.test(w.slice(0, -3))) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length >= 6 && VOWEL.test(w.slice(0, -2))) w = undouble(w.slice(0, -2));
  // `encode`/`encoding`/`encoded` all end as `encod`; short words (`base`, `gene`) keep their e.
  if (w.endsWith('e') && w.length >= 5) w = w.slice(0, -1);
  return w;
}

/** `running` → `runn` → `run`; keeps the doubles English really has at the end of stems (`ll`, `ss`, `zz`). */
function undouble(w: string): string {
  const n = w.length;
  if (n >= 3 && w[n - 1] === w[n - 2] && !/[lsz]/.test(w[n - 1] ?? '') && !VOWEL.test(w[n - 1] ?? '')) {
    return w.slice(0, -1);
  }
  return w;
}
