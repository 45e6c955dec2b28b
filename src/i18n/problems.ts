/**
 * Problems as values: something an admin should act on, said as a message key, the server (and channel or user)
 * it concerns, and its parameters. Whoever notices a problem creates one; only the edge that shows it turns it into
 * a sentence, in the reader's language, and only for the reader's server.
 */
import type { MessageKey, Translate } from './index.ts';

/** The message keys a problem may use: the `problem.*` texts of en-US.ts / zh-CN.ts. */
export type ProblemKey = Extract<MessageKey, `problem.${string}`>;

/** One problem. Without `guildId` it concerns the whole bot (the store, digest files, the job) and every server sees it. */
export interface Problem {
  key: ProblemKey;
  /** Parameters of the text: plain values (Discord's error text, a path, a count), never a mention. */
  params?: Record<string, string | number>;
  /** The server it concerns. */
  guildId?: string;
  /** The channel it concerns: shown as `{channel}` (a channel mention). */
  channelId?: string;
  /** The user it concerns: shown as `{user}` (a user mention). */
  userId?: string;
}

/** The problem in the reader's language: `{channel}`, `{user}` and `{target}` become mentions. */
export function problemText(problem: Problem, t: Translate): string {
  const channel = problem.channelId ? `<#${problem.channelId}>` : undefined;
  const user = problem.userId ? `<@${problem.userId}>` : undefined;
  const target = channel ?? user;
  return t(problem.key, { ...problem.params, ...(channel && { channel }), ...(user && { user }), ...(target && { target }) });
}

/** The problems a server's admins may see: their server's and the whole bot's, never another server's. */
export function problemsOf(problems: readonly Problem[], guildId: string): Problem[] {
  return problems.filter((problem) => problem.guildId === undefined || problem.guildId === guildId);
}

/**
 * A problem as another bot process reported it. Processes of an older release (a rolling restart) report plain
 * English sentences; they are shown as they came rather than dropped.
 */
export function asProblem(value: unknown): Problem {
  if (typeof value === 'object' && value !== null && typeof (value as Problem).key === 'string' && (value as Problem).key.startsWith('problem.')) {
    return value as Problem;
  }
  return { key: 'problem.fromOtherProcess', params: { text: String(value) } };
}
