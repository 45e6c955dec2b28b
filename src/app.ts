/**
 * The services command handlers and jobs share, wired once by main.ts (or by a test) and passed explicitly.
 */
import type { Archive } from './archive.ts';
import type { Config } from './config.ts';
import type { MetadataProgress } from './metadata/index.ts';
import type { DigestRunner } from './jobs/runner.ts';
import type { ChannelRecord, Stores } from './store/index.ts';

export type { ChannelMode } from './store/index.ts';

/** Everything the bot's handlers may use. */
export interface AppServices {
  config: Config;
  stores: Stores;
  /** The store plus the live search index. */
  archive: Archive;
  runner: DigestRunner;
  /** The first thing an admin looks at: `/digest status`. */
  status(guildId: string): Promise<StatusReport>;
  /** Current time (injected so tests can pin it). */
  now(): Date;
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
  /** Each a sentence saying what is wrong and what to do. */
  problems: string[];
  /** Which process answered: its shards and whether it runs the job (several bot processes). */
  instance: string;
  /** Looking papers up in arXiv/bioRxiv/medRxiv: the back-fill's progress; null when off or not started yet. */
  metadata: MetadataProgress | null;
}
