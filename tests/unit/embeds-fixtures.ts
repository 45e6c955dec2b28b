/**
 * Test papers for the embed/message builder tests: realistic Chinese and English digest rows, hostile text, and a
 * seeded generator for large digests. Also the official spec check of a message body.
 */
import { MessageCreateRequestSchema } from 'discord-api-spec/zod';
import type { Paper } from '../../src/digest/types.ts';

/** A paper with sensible defaults; override what a test is about. */
export function makePaper(over: Partial<Paper> = {}): Paper {
  return {
    id: 'arxiv:2511.16674',
    arxivId: '2511.16674',
    version: 1,
    doi: null,
    source: 'arxiv',
    date: '2025-11-23',
    published: '2025-11-20',
    title: '基于扩散模型的高分辨率图像生成',
    titleOriginal: 'High-Resolution Image Generation with Diffusion Models',
    authors: ['Alice Zhang', 'Bob Li', 'Carol Wu', 'Dan Brown'],
    abstract: '扩散模型在图像生成方面取得了显著进展。然而，高分辨率生成仍然代价高昂！我们提出了一种级联方法；实验表明其效果优于基线？',
    abstractOriginal: null,
    pdfUrl: 'https://arxiv.org/pdf/2511.16674v1',
    url: 'https://arxiv.org/abs/2511.16674',
    codeUrl: 'https://github.com/example/cascade-diffusion',
    notes: null,
    ...over,
  };
}

/** An English bioRxiv paper with a DOI and no arXiv id. */
export function biorxivPaper(over: Partial<Paper> = {}): Paper {
  return makePaper({
    id: 'doi:10.1101/2021.02.23.432411',
    arxivId: null,
    version: null,
    doi: '10.1101/2021.02.23.432411',
    source: 'biorxiv',
    title: 'Single-cell atlas of the developing mouse cortex',
    titleOriginal: null,
    authors: ['E. Smith'],
    abstract:
      'We profile 1.2 million cells across eight developmental stages. The atlas reveals transient progenitor states. Data and code are public.',
    pdfUrl: 'https://www.biorxiv.org/content/10.1101/2021.02.23.432411v1.full.pdf',
    url: 'https://doi.org/10.1101/2021.02.23.432411',
    codeUrl: null,
    ...over,
  });
}

/** Text that tries every way of breaking a layout or pinging someone. */
export const HOSTILE =
  '**bold** __u__ *i* ~~s~~ `code` ```block``` [click](https://evil.example) > quote # head -# sub ' +
  '@everyone @here <@123456789012345678> <@&456> <#789> <t:1:R> ||spoiler|| \\ back\\slash 😀👩‍👩‍👧 é\u202Egnp.exe';

/** A deterministic PRNG (mulberry32), so that random tests reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['扩散模型', '大语言模型', '。', '！', '；', 'transformer', ' ', 'the ', 'model. ', '**', '`', '@everyone', '<@1>', '||', '\\', '😀', 'é', '\u0301', '[x](y)', '#', '>', '\n', '-', 'https://x.org/a_b*c ', '(http://y.cn/@h_i)'];

/** A random string of `n` pieces mixing Chinese, English, markdown, mentions, emoji and combining marks. */
export function randomText(random: () => number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += PIECES[Math.floor(random() * PIECES.length)];
  return out;
}

/** `count` varied papers: Chinese and English, some hostile, some with huge abstracts, over three sources. */
export function manyPapers(count: number, seed = 1): Paper[] {
  const random = rng(seed);
  const sources = ['arxiv', 'biorxiv', 'medrxiv'];
  return Array.from({ length: count }, (_, i) => {
    const kind = i % 4;
    const base = kind === 1 ? biorxivPaper() : makePaper();
    return {
      ...base,
      id: `arxiv:2511.${String(10000 + i)}`,
      arxivId: kind === 1 ? null : `2511.${String(10000 + i)}`,
      source: sources[i % 3] as string,
      title: kind === 2 ? randomText(random, 10 + Math.floor(random() * 80)) : `${base.title} ${i}`,
      abstract: kind === 3 ? '很长的摘要。'.repeat(2000) : kind === 2 ? randomText(random, 400) : base.abstract,
      authors: kind === 2 ? Array.from({ length: 40 }, (_, j) => `Author ${j} ${randomText(random, 3)}`) : base.authors,
    };
  });
}

/** Problems the official Discord OpenAPI schema (discord-api-spec) finds in a message-create body. */
export function specIssues(body: unknown): string[] {
  const result = MessageCreateRequestSchema.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.code} ${issue.message}`);
}
