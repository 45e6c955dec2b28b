/** Public API of the digest parser. Pure: text in, papers out. */
export { parseDigest, type ParseOptions } from './parser.ts';
export { paperIdentity, linkHash, normalizeLink, type PaperIdentity } from './identity.ts';
export { digestHintsFromFileName, findDate, findSource, type DigestHints } from './hints.ts';
export { cleanTitle, type TitleParts } from './title.ts';
export { splitAuthors } from './authors.ts';
export { paperCategories } from './categories.ts';
export type * from './types.ts';
