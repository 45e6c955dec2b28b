/** Digest files for tests, in the layout of the sample digest (`# arxiv DATE`, 标题 | 作者 | PDF链接 | 摘要). */

/** One synthetic paper row. */
export interface RowInput {
  arxivId: string;
  title: string;
  author?: string;
  abstract?: string;
}

/** Synthetic rows `2601.<start>`…: distinct, readable titles. */
export function rows(count: number, start = 10000, prefix = '测试论文'): RowInput[] {
  return Array.from({ length: count }, (_, i) => ({
    arxivId: `2601.${String(start + i).padStart(5, '0')}`,
    title: `${prefix}${start + i}：基于扩散模型的第${i + 1}种方法`,
    author: `Author ${start + i}`,
    abstract: `这是第${i + 1}篇测试论文的摘要。我们提出一种新方法，在多个基准上取得了更好的结果。`,
  }));
}

/** A digest file's markdown. */
export function digestMarkdown(date: string, papers: readonly RowInput[], source = 'arxiv'): string {
  const lines = [`# ${source} ${date}`, '', '| 标题 | 作者 | PDF链接 |  摘要 |', '|------|------|--------|------|'];
  for (const p of papers) {
    lines.push(`| ${p.title} | ${p.author ?? 'Someone'} | [PDF](https://arxiv.org/pdf/${p.arxivId}v1) | ${p.abstract ?? '摘要。'} |`);
  }
  return `${lines.join('\n')}\n`;
}
