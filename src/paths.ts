/** Where the bot keeps its files inside `DATA_DIR`; shared by the bot and the command line. */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The default SQLite store inside the data folder. */
export function sqlitePathIn(dataDir: string): string {
  return join(dataDir, 'arxiv-digest-bot.sqlite');
}

/** The search index snapshot of one store: one per store, so switching stores never loads a foreign index. */
export function snapshotPathIn(dataDir: string, storeBackend: string): string {
  return join(dataDir, `search-${createHash('sha256').update(storeBackend).digest('hex').slice(0, 12)}.idx`);
}

/**
 * The shipped sample digest's folder (`samples/` at the repository root). Never inside the default DIGEST_DIR, so
 * the sample can never reach a real channel; the local preview shows it when DIGEST_DIR has no digest yet.
 */
export const SAMPLES_DIR = fileURLToPath(new URL('../samples/', import.meta.url));
