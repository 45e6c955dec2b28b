/** Problems (typed values) as the sentences an admin reads, for assertions. */
import { translator, type Locale } from '../../src/i18n/index.ts';
import { problemText, type Problem } from '../../src/i18n/problems.ts';

/** Each problem translated, in `locale` (en-US by default). */
export function problemSentences(problems: readonly Problem[], locale: Locale = 'en-US'): string[] {
  const t = translator(locale);
  return problems.map((problem) => problemText(problem, t));
}
