/** Opening the archive for command-line use: `--store URL`, else `KEYV_URL`, else the default SQLite file. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { diskSnapshotFile, openArchive, type Archive } from '../archive.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { snapshotPathIn, sqlitePathIn } from '../paths.ts';
import { openStores, StoreOpenError, type StoreLogger, type Stores } from '../store/index.ts';
import { CliError, type CliIo } from './types.ts';

/** ≈33 s of retries: 0.25, 0.5, 1, 2, 4, then 5 s apart (±25 % jitter). */
export const CLI_WRITE_RETRY = { retries: 10, baseDelayMs: 250, maxDelayMs: 5000 };

/** Whether a command only reads the store (it must exist) or writes to it (it may be created, saying where). */
export type StoreUse = 'read' | 'write';

/** The configuration from the CLI's environment; a bad setting is one CliError line, not a stack trace. */
export function cliConfig(io: CliIo): Config {
  try {
    return loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.problems.join('; '));
    throw error;
  }
}

/** Opens the store and its search index (loaded from its snapshot when current). */
export async function openCliArchive(io: CliIo, storeUrl: string | undefined, use: StoreUse): Promise<Archive & { origin: string }> {
  const stores = await openCliStores(io, storeUrl, use);
  try {
    return await openArchive({ stores, snapshot: cliSnapshotFile(io, storeUrl, stores), log: indexLogger(io) });
  } catch (error) {
    await stores.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Where the CLI keeps the search snapshot of a store: a `--store sqlite://…` file keeps it beside that file, not in
 * ./data (which belongs to the bot); any other store (Redis, Postgres, the bot's own SQLite file) in DATA_DIR,
 * where the bot looks for it.
 */
function cliSnapshotFile(io: CliIo, storeUrl: string | undefined, stores: Stores) {
  const file = sqliteFileOf(storeUrl);
  const snapshotDir = file === undefined ? cliConfig(io).dataDir : dirname(file);
  return diskSnapshotFile(snapshotPathIn(snapshotDir, stores.backend));
}

/**
 * Brings the search snapshot of `stores` up to date after a bulk write (`cli import`), saying so on stderr: otherwise
 * the first search (the bot's, or `cli search`) would rebuild it silently — 22 s for 28k papers. A failure here is a
 * warning: the records are imported, and whoever searches first rebuilds the index.
 */
export async function buildCliSnapshot(io: CliIo, storeUrl: string | undefined, stores: Stores): Promise<void> {
  const started = performance.now();
  io.stderr.write('building the search index (so the first search does not have to)…\n');
  try {
    const archive = await openArchive({ stores, snapshot: cliSnapshotFile(io, storeUrl, stores), log: indexLogger(io) });
    await archive.settled();
    const seconds = Math.round(performance.now() - started) / 1000;
    io.stderr.write(`search index ready: ${archive.index.size} papers in ${seconds} s\n`);
  } catch (error) {
    io.stderr.write(`warning: could not build the search index (${(error as Error).message}); the first search will build it\n`);
  }
}

/** The file a `sqlite://` URL names, or undefined for other stores. */
function sqliteFileOf(url: string | undefined): string | undefined {
  if (url === undefined || !/^sqlite:\/\//i.test(url)) return undefined;
  const path = url.replace(/^sqlite:\/\//i, '');
  return path === ':memory:' ? undefined : resolve(path);
}

/** Papers the index had to leave out are warnings on stderr (the JSON on stdout stays the contract). */
function indexLogger(io: Pick<CliIo, 'stderr'>): Logger {
  const warn = stderrLogger(io);
  const logger = {
    warn: (obj: Record<string, unknown>, msg: string) => warn.warn(obj, msg),
    info: () => undefined,
    debug: () => undefined,
    error: (obj: Record<string, unknown>, msg: string) => warn.warn(obj, msg),
    child: () => logger,
  };
  return logger as unknown as Logger;
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
export async function openCliStores(io: CliIo, storeUrl: string | undefined, use: StoreUse): Promise<Stores> {
  const config = cliConfig(io);
  const url = storeUrl ?? config.keyvUrl;
  const setting = storeUrl !== undefined ? '--store' : 'KEYV_URL';
  const file = url === undefined ? resolve(sqlitePathIn(config.dataDir)) : sqliteFileOf(url);
  if (file !== undefined && !existsSync(file)) {
    // Opening SQLite creates the file: a mistyped path must not read as an empty archive.
    if (use === 'read') {
      throw new CliError(
        `store sqlite://${file} does not exist — check ${url === undefined ? 'DATA_DIR (or set KEYV_URL / --store)' : setting}; \`cli ingest\` or \`cli import\` create a store`,
      );
    }
    io.stderr.write(`creating a new store at sqlite://${file}\n`);
  }
  try {
    // KEYV_NAMESPACE as the bot reads it: otherwise a custom namespace exports nothing and imports where the bot never looks.
    return await openStores(url, {
      sqlitePath: sqlitePathIn(config.dataDir),
      namespace: config.keyvNamespace,
      setting,
      log: stderrLogger(io),
      // A writing command rides out a store restart of the length an operator expects (~30 s, each retry shown on
      // stderr) before it fails; what it had not yet written is written by the next run (files are marked last).
      ...(use === 'write' && { retry: CLI_WRITE_RETRY }),
    });
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
