/** Opening the archive for command-line use: `--store URL`, else `KEYV_URL`, else the default SQLite file. */
import { diskSnapshotFile, openArchive, type Archive } from '../archive.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { snapshotPathIn, sqlitePathIn } from '../paths.ts';
import { openStores, StoreOpenError, type StoreLogger, type Stores } from '../store/index.ts';
import { CliError, type CliIo } from './types.ts';

/** Opens the store and its search index (loaded from its snapshot when current). */
export async function openCliArchive(io: CliIo, storeUrl: string | undefined): Promise<Archive & { origin: string }> {
  const stores = await openCliStores(io, storeUrl);
  const config = loadConfig(io.env);
  return openArchive({ stores, snapshot: diskSnapshotFile(snapshotPathIn(config.dataDir, stores.backend)) });
}

/**
 * Store warnings on stderr: a value that does not decode is skipped by every listing, so an export would silently
 * leave it out — the user moving an archive must hear about it (and retries of a flaky server, likewise).
 */
function stderrLogger(io: Pick<CliIo, 'stderr'>): StoreLogger {
  return {
    warn(obj, msg) {
      const detail = Object.entries(obj)
        .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(' ');
      io.stderr.write(`warning: ${msg}${detail ? ` (${detail})` : ''}\n`);
    },
  };
}

/**
 * Opens just the store (no search index: export and import do not search) from `--store`, else `KEYV_URL`, else
 * the default SQLite file; problems become one CliError line.
 */
export async function openCliStores(io: CliIo, storeUrl: string | undefined): Promise<Stores> {
  let config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.problems.join('; '));
    throw error;
  }
  try {
    return await openStores(storeUrl ?? config.keyvUrl, { sqlitePath: sqlitePathIn(config.dataDir), log: stderrLogger(io) });
  } catch (error) {
    if (error instanceof StoreOpenError) throw new CliError(error.message);
    throw error;
  }
}


/** Takes `--name value` out of `args` (mutating it); undefined when absent. Throws when the value is missing. */
export function takeOption(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new CliError(`${name} needs a value`);
  args.splice(at, 2);
  return value;
}

/** `--limit N` as a positive integer within bounds. */
export function takeLimit(args: string[], fallback: number, max = 1000): number {
  const raw = takeOption(args, '--limit');
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`--limit must be a whole number from 1 to ${max}`);
  return n;
}
