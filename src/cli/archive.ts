/** Opening the archive for command-line use: `--store URL`, else `KEYV_URL`, else the default SQLite file. */
import { diskSnapshotFile, openArchive, type Archive } from '../archive.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { snapshotPathIn, sqlitePathIn } from '../paths.ts';
import { openStores, StoreOpenError } from '../store/index.ts';
import { CliError, type CliIo } from './types.ts';

/** Opens the store and its search index. Store problems become one clear CliError line. */
export async function openCliArchive(io: CliIo, storeUrl: string | undefined): Promise<Archive & { origin: string }> {
  let config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.problems.join('; '));
    throw error;
  }
  try {
    const stores = await openStores(storeUrl ?? config.keyvUrl, { sqlitePath: sqlitePathIn(config.dataDir) });
    return await openArchive({ stores, snapshot: diskSnapshotFile(snapshotPathIn(config.dataDir, stores.backend)) });
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
