/**
 * The services command handlers and jobs share, wired once by main.ts (or by a test) and passed explicitly.
 */
import type { Archive } from './archive.ts';
import type { Config } from './config.ts';
import type { SourceStatus } from './sources/index.ts';
import type { Problem } from './i18n/problems.ts';
import type { ChannelRecord, Stores } from './store/index.ts';

export type { ChannelMode } from './store/index.ts';

/** Everything the bot's handlers may use. */
export interface AppServices {
  config: Config;
  stores: Stores;
  /** The store plus the live search index. */
  archive: Archive;
  /** The digest job (jobs/runner.ts, or the cluster's runner that hands runs to the process holding the job). */
  runner: DigestJob;
  /** The first thing an admin looks at: `/digest status`. */
  status(guildId: string): Promise<StatusReport>;
  /** Current time (injected so tests can pin it). */
  now(): Date;
}

/**
 * The digest job as handlers and the status see it. Declared here rather than imported from `jobs/` so that the
 * services every layer may receive do not depend on the job that sits above them; `DigestRunner` satisfies it.
 */
export interface DigestJob {
  /** Runs now (or after the run under way) and resolves with its report. */
  run(trigger: string): Promise<RunSummary>;
  nextRun(): Date | null;
  lastRun(): RunSummary | null;
}

/** What a run of the digest job reports to the people who asked for it (part of `jobs/runner.ts`'s `RunReport`). */
export interface RunSummary {
  /** Digest files that were new or changed. */
  filesChanged: number;
  /** Files the fetch step downloaded new or changed (absent without DIGEST_SOURCES). */
  filesFetched?: number;
  /** Sources whose fetch failed this run (details in `/digest status`). */
  sourcesFailed?: number;
  newPapers: number;
  messagesSent: number;
  /** Problems for `/digest status` and the reply to `/digest run`, translated where they are shown. */
  problems: Problem[];
  /** True when this process did not run the job because another one holds it (several bot processes). */
  skipped?: boolean;
}

/** What `/digest status` shows. */
export interface StatusReport {
  /** The store backend, credentials masked. */
  store: string;
  papers: number;
  outboxDepth: number;
  lastDigest: { date: string | null; source: string; status: string; papers: number; ingestedAt: Date } | null;
  nextRun: Date | null;
  channels: ChannelRecord[];
  /** Each configured digest source (`DIGEST_SOURCES`): last check, last new file, and a typed problem when it keeps failing. */
  sources: SourceStatus[];
  /** What is wrong and what to do: this server's problems and the whole bot's, translated where they are shown. */
  problems: Problem[];
  /** Which process answered: its shards and whether it runs the job (several bot processes). */
  instance: string;
}
