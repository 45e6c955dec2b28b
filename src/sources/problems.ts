/**
 * What can be wrong with a source, as typed values: `/digest status` turns them into sentences in the reader's
 * language (i18n keys `source.problem.<kind>`), so nothing here is English prose.
 */

/** The kinds of source failure an admin can act on. */
export type SourceProblemKind =
  | 'unreachable'
  | 'timeout'
  | 'rate-limited'
  | 'denied'
  | 'not-found'
  | 'server'
  | 'http'
  | 'too-large'
  | 'write';

/** Failed runs in a row before a source's failure is shown as a problem (one failure is usually a blip). */
export const FAILURES_BEFORE_PROBLEM = 3;

/** How a source looks in `/digest status`. */
export interface SourceStatus {
  name: string;
  /** The spec (URL template or github:…), never a token. */
  spec: string;
  lastCheck: Date | null;
  lastSuccess: Date | null;
  lastNewFile: { path: string; at: Date } | null;
  /** Set when the source keeps failing ({@link FAILURES_BEFORE_PROBLEM} runs in a row or more). */
  problem: { kind: SourceProblemKind; detail: string; since: Date; count: number; retryAt: Date | null } | null;
}
