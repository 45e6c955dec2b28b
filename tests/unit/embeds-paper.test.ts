import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_EMBED_BUDGET,
  OTHER_SOURCE_COLOR,
  authorLine,
  digestHeader,
  paperEmbed,
  paperLinksLine,
  paperUrl,
  sourceColor,
  sourceName,
} from '../../src/discord/embeds.ts';
import { LIMITS, embedLength, fieldLength, validateMessage } from '../../src/discord/limits.ts';
import { oneLine, unescapeMarkdown } from '../../src/discord/markdown.ts';
import { HOSTILE, biorxivPaper, makePaper, manyPapers, specIssues } from './embeds-fixtures.ts';

const asBody = (embed: ReturnType<typeof paperEmbed>) => ({ embeds: [embed], allowed_mentions: { parse: [] } });

describe('paperEmbed', () => {
  it('builds the full layout of a Chinese arXiv paper', () => {
    const embed = paperEmbed(makePaper());
    assert.equal(embed.title, '基于扩散模型的高分辨率图像生成');
    assert.equal(embed.url, 'https://arxiv.org/abs/2511.16674');
    assert.equal(embed.author?.name, 'Alice Zhang, Bob Li et al.');
    assert.equal(embed.footer?.text, 'arXiv · 2025-11-23');
    assert.equal(embed.color, 0xb31b1b);
    assert.deepEqual(embed.fields, [{ name: 'English title', value: 'High-Resolution Image Generation with Diffusion Models' }]);
    assert.equal(
      embed.description,
      '扩散模型在图像生成方面取得了显著进展。然而，高分辨率生成仍然代价高昂！我们提出了一种级联方法；实验表明其效果优于基线？\n\n' +
        '[arXiv:2511.16674v1](https://arxiv.org/abs/2511.16674) · [PDF](https://arxiv.org/pdf/2511.16674v1) · ' +
        '[Code](https://github.com/example/cascade-diffusion)',
    );
  });

  it('speaks Chinese for the fixed strings', () => {
    const embed = paperEmbed(makePaper(), { locale: 'zh-CN' });
    assert.equal(embed.author?.name, 'Alice Zhang, Bob Li 等');
    assert.equal(embed.fields?.[0]?.name, '英文标题');
    assert.match(embed.description ?? '', /\[代码\]\(https:\/\/github\.com/);
  });

  it('shows a bioRxiv paper by DOI, without English title field or code link', () => {
    const embed = paperEmbed(biorxivPaper());
    assert.equal(embed.color, 0xe87722);
    assert.equal(embed.footer?.text, 'bioRxiv · 2025-11-23');
    assert.equal(embed.author?.name, 'E. Smith');
    assert.equal(embed.fields, undefined);
    assert.equal(
      embed.description,
      'We profile 1.2 million cells across eight developmental stages. The atlas reveals transient progenitor states. ' +
        'Data and code are public.\n\n[DOI:10.1101/2021.02.23.432411](https://doi.org/10.1101/2021.02.23.432411) · ' +
        '[PDF](https://www.biorxiv.org/content/10.1101/2021.02.23.432411v1.full.pdf)',
    );
  });

  it('cuts a long Chinese abstract at a sentence end within the 600 budget', () => {
    const embed = paperEmbed(makePaper({ abstract: '这是一个句子。'.repeat(500) }));
    assert.ok(embedLength(embed) <= DEFAULT_EMBED_BUDGET, String(embedLength(embed)));
    const abstract = (embed.description ?? '').split('\n\n')[0] ?? '';
    assert.match(abstract, /^(这是一个句子。)+…$/);
    assert.ok(abstract.length > 200, 'the abstract keeps most of the budget');
  });

  it('cuts a long English abstract at ". " and gives a standalone embed (budget 6000) up to 4096', () => {
    const abstract = 'We study transformers. '.repeat(400).trim();
    const small = paperEmbed(makePaper({ abstract }));
    assert.match((small.description ?? '').split('\n\n')[0] ?? '', /^(We study transformers\. )*We study transformers\.…$/);
    const big = paperEmbed(makePaper({ abstract }), { budget: 6000 });
    assert.ok(fieldLength(big.description ?? '') <= LIMITS.description);
    assert.ok(fieldLength(big.description ?? '') > 3800);
    assert.deepEqual(validateMessage(asBody(big)), []);
  });

  it('escapes hostile titles and abstracts so that they read as typed and ping no one', () => {
    const embed = paperEmbed(makePaper({ title: '**x** [a](b) @everyone <@123> <@&456> ||s|| `c` > # \\', abstract: HOSTILE }));
    assert.equal(embed.title, '\\*\\*x\\*\\* \\[a\\](b) \\@everyone \\<\\@123\\> \\<\\@&456\\> \\|\\|s\\|\\| \\`c\\` \\> \\# \\\\');
    const abstract = (embed.description ?? '').split('\n\n')[0] ?? '';
    assert.doesNotMatch(abstract, /(?<!\\)[*_`|[\]<>#@]/u, 'every markdown or mention character is escaped');
    const kept = unescapeMarkdown(abstract.replace(/…$/u, ''));
    assert.ok(kept.length > 100 && oneLine(HOSTILE).startsWith(kept), kept);
  });

  it('uses the English title when the title is empty, and the id when both are', () => {
    assert.equal(paperEmbed(makePaper({ title: '', titleOriginal: 'Only *English*' })).title, 'Only \\*English\\*');
    assert.equal(paperEmbed(makePaper({ title: ' ', titleOriginal: null })).title, 'arxiv:2511.16674');
  });

  it('derives links from the ids when the digest gives no URL, and refuses unsafe URLs', () => {
    const embed = paperEmbed(makePaper({ url: 'javascript:alert(1)', pdfUrl: 'ftp://x', codeUrl: 'not a url' }));
    assert.equal(embed.url, 'https://arxiv.org/abs/2511.16674');
    assert.equal(paperLinksLine(makePaper({ pdfUrl: null, codeUrl: null })), '[arXiv:2511.16674v1](https://arxiv.org/abs/2511.16674)');
    assert.equal(paperUrl(makePaper({ url: null, arxivId: null, doi: '10.1/x(y)', pdfUrl: null })), 'https://doi.org/10.1/x%28y%29');
    assert.equal(paperUrl(makePaper({ url: null, arxivId: null, doi: null, pdfUrl: null })), null);
  });

  it('stays valid (limits and official schema) for input of any size', () => {
    const huge = HOSTILE.repeat(5000);
    const paper = makePaper({
      title: huge,
      titleOriginal: huge,
      authors: Array.from({ length: 5000 }, () => huge.slice(0, 300)),
      abstract: huge,
      source: huge,
      date: huge,
      arxivId: huge.slice(0, 500),
      doi: huge.slice(0, 500),
      url: `https://example.com/${'a'.repeat(5000)}`,
    });
    for (const budget of [0, 600, 6000, 100_000]) {
      const embed = paperEmbed(paper, { budget, matched: [huge, huge] });
      assert.deepEqual(validateMessage(asBody(embed)), []);
      assert.deepEqual(specIssues(asBody(embed)), []);
      assert.ok(fieldLength(embed.title ?? '') <= LIMITS.title);
    }
  });

  it('keeps every embed of a varied 100-paper digest within its budget and limits', () => {
    for (const paper of manyPapers(100)) {
      const embed = paperEmbed(paper);
      assert.ok(embedLength(embed) <= DEFAULT_EMBED_BUDGET, `${paper.id}: ${embedLength(embed)}`);
      assert.deepEqual(validateMessage(asBody(embed)), []);
    }
  });

  it('shows matched keywords for subscriptions', () => {
    const embed = paperEmbed(makePaper(), { matched: ['扩散模型', 'author:Zhang'], locale: 'zh-CN' });
    assert.deepEqual(embed.fields?.[0], { name: '匹配', value: '扩散模型, author:Zhang' });
  });
});

describe('authorLine', () => {
  it('lists up to three authors, else two and "et al."', () => {
    assert.equal(authorLine([]), '');
    assert.equal(authorLine(['A']), 'A');
    assert.equal(authorLine(['A', 'B', 'C']), 'A, B, C');
    assert.equal(authorLine(['A', 'B', 'C', 'D']), 'A, B et al.');
    assert.equal(authorLine(['A', 'B', 'C', 'D'], { locale: 'zh-CN' }), 'A, B 等');
    assert.equal(authorLine([' A\nB ', '', 'C']), 'A B, C');
  });
  it('cuts to its limit', () => {
    const line = authorLine(['x'.repeat(300)]);
    assert.equal(fieldLength(line), LIMITS.authorName);
    assert.ok(line.endsWith('…'));
  });
});

describe('digest header and sources', () => {
  it('names date, source and count in both languages', () => {
    assert.equal(digestHeader({ source: 'arxiv', date: '2025-11-23', count: 10 }), '📰 arXiv · 2025-11-23 · 10 papers');
    assert.equal(digestHeader({ source: 'medrxiv', date: '2025-11-23', count: 1 }), '📰 medRxiv · 2025-11-23 · 1 paper');
    assert.equal(digestHeader({ source: 'arxiv', date: '2025-11-23', count: 10 }, { locale: 'zh-CN' }), '📰 arXiv · 2025-11-23 · 10 篇论文');
    assert.equal(digestHeader({ source: 'biorxiv', date: null, count: 3 }), '📰 bioRxiv · 3 papers');
    assert.equal(digestHeader({ source: 'my_*src*', date: null, count: 2 }), '📰 my\\_\\*src\\* · 2 papers');
  });
  it('gives each known source its own colour and the others one shared colour', () => {
    const colours = ['arxiv', 'biorxiv', 'medrxiv'].map(sourceColor);
    assert.equal(new Set([...colours, OTHER_SOURCE_COLOR]).size, 4);
    assert.equal(sourceColor('ArXiv'), colours[0]);
    assert.equal(sourceColor('chemrxiv'), OTHER_SOURCE_COLOR);
    assert.equal(sourceName('BIORXIV'), 'bioRxiv');
    assert.equal(sourceName('psyarxiv'), 'psyarxiv');
  });
});
