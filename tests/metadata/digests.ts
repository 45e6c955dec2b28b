/** Digests shaped like the main generator's since 2025-04: Chinese only, first author only; medRxiv rows without title. */

export const CHINESE_ARXIV_DIGEST = `# 2025-11-23 每日论文

## arXiv

| 标题 | 作者 | 发布日期 | PDF链接 | 摘要 |
|------|------|----------|--------|------|
| 用于灵巧机器人操作的扩散策略 | Wei Zhang | 2025-11-20 | [PDF](https://arxiv.org/pdf/2511.16674v1) | 我们提出一种扩散策略，从少量示范中学习灵巧操作技能。 |
| 面向长上下文语言模型的稀疏注意力 | Chenhang Christopher Zhang | 2025-11-21 | [PDF](https://arxiv.org/pdf/2511.20001v1) | 稀疏注意力让大模型读取百万词元。 |
| 高横动量下的多电子产生 | H1 Collaboration | 2003-07-07 | [PDF](https://arxiv.org/pdf/hep-ex/0307015v1) | 研究了多电子产生。 |
`;

export const TITLELESS_MEDRXIV_DIGEST = `# medrxiv 2025-11-23

| 标题 | 作者 | PDF链接 |  摘要 |
|------|------|--------|------|
|  |  | [PDF](https://doi.org/10.1101/2025.06.01.25328811) |  |
|  |  | [PDF](https://doi.org/10.1101/2025.01.01.99999999) |  |
`;
