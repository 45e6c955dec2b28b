/** Table headers → the paper field each column holds, by name (column order differs between generators). */

/** The fields a column can hold. */
export type ColumnRole =
  | 'title'
  | 'titleOriginal'
  | 'authors'
  | 'date'
  | 'pdf'
  | 'code'
  | 'abstract'
  | 'abstractOriginal'
  | 'categories'
  | 'ignore';

const NAMES: Record<string, ColumnRole> = {
  标题: 'title',
  中文标题: 'title',
  title: 'title',
  作者: 'authors',
  authors: 'authors',
  author: 'authors',
  发布日期: 'date',
  日期: 'date',
  'publish date': 'date',
  date: 'date',
  pdf链接: 'pdf',
  pdf: 'pdf',
  paper: 'pdf',
  link: 'pdf',
  链接: 'pdf',
  代码仓库: 'code',
  代码链接: 'code',
  代码: 'code',
  code: 'code',
  摘要: 'abstract',
  中文摘要: 'abstract',
  abstract: 'abstract',
  category: 'categories',
  categories: 'categories',
  分类: 'categories',
  类别: 'categories',
};

/** Normalise a header cell: no bold, no extra spaces, lower case. */
export function headerKey(cell: string): string {
  return cell.replace(/\*\*|__/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Roles for a header row. English `Title`/`Abstract` beside Chinese 标题/摘要 are the originals.
 * Returns null when the table has no title column (index tables such as `| 来源 | 独立页面 |`).
 */
export function columnRoles(headers: string[]): ColumnRole[] | null {
  const keys = headers.map(headerKey);
  const roles = keys.map((k): ColumnRole => NAMES[k] ?? 'ignore');
  const hasChineseTitle = keys.some((k) => k === '标题' || k === '中文标题');
  const hasChineseAbstract = keys.some((k) => k === '摘要' || k === '中文摘要');
  keys.forEach((k, i) => {
    if (k === 'title' && hasChineseTitle) roles[i] = 'titleOriginal';
    if (k === 'abstract' && hasChineseAbstract) roles[i] = 'abstractOriginal';
  });
  // First column of each role wins; later duplicates are ignored.
  const seen = new Set<ColumnRole>();
  roles.forEach((r, i) => {
    if (r === 'ignore') return;
    if (seen.has(r)) roles[i] = 'ignore';
    seen.add(r);
  });
  return roles.includes('title') ? roles : null;
}
