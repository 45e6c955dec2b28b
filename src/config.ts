/**
 * Configuration: environment (and an optional `.env` file) → one typed, validated object.
 * Fails fast with one line per problem, so a mis-configured bot never half-starts.
 * The token is kept out of everything printable (see {@link redactConfig}).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseEnv } from 'node:util';
import cron from 'node-cron';
import { z } from 'zod';
import { redactUrl, urlCredentials } from './redact.ts';
import { parseSources, SourceSpecError, type SourceSpec } from './source-spec.ts';

/** Log levels pino understands. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * A whole number from `min` to `max` written in the environment. Coercing would say "expected number, received
 * NaN" for `PREVIEW_PORT=abc`; this says what is expected.
 */
const wholeNumber = (min: number, max: number, what = 'a whole number') =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be ${what} from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be ${what} from ${min} to ${max}`);

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');

const schema = z.object({
  DISCORD_TOKEN: z.string().trim().min(1).optional(),
  DISCORD_APPLICATION_ID: snowflake.optional(),
  DISCORD_API_URL: z
    .string()
    .trim()
    .url('must be a URL such as https://discord.com/api')
    .default('https://discord.com/api')
    .transform((url) => url.slice(0, url.length - trailingSlashes(url))),
  KEYV_URL: z.string().trim().min(1).optional(),
  KEYV_NAMESPACE: z.string().trim().regex(/^[\w.-]{1,64}$/, 'must be 1-64 letters, digits, _ . or -').default('arxiv-digest-bot'),
  SHARD_COUNT: wholeNumber(1, 1000).optional(),
  SHARD_IDS: z
    .string()
    .trim()
    .regex(/^\d+(\s*,\s*\d+)*$/, 'must be a comma-separated list of shard numbers such as 0,1')
    .transform((list) => list.split(',').map((n) => Number(n.trim())))
    .optional(),
  LEASE_TTL_MS: wholeNumber(500, 600_000, 'a number of milliseconds').default(15_000),
  DATA_DIR: z.string().trim().min(1).default('data'),
  DIGEST_DIR: z.string().trim().min(1).default('digests'),
  DIGEST_CRON: z
    .string()
    .trim()
    .default('*/15 * * * *')
    .refine((expr) => cron.validate(expr), 'must be a cron expression such as "*/15 * * * *"'),
  TZ: z
    .string()
    .trim()
    .default('UTC')
    .refine(isTimeZone, 'must be an IANA time zone such as UTC or Asia/Shanghai'),
  DIGEST_BACKLOG: wholeNumber(1, 60).default(3),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DIGEST_CHANNEL_IDS: z
    .string()
    .trim()
    .default('')
    .transform((list) => list.split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(snowflake)),
  METRICS_PORT: wholeNumber(0, 65535, 'a port number').default(9464),
  METRICS_HOST: z.string().trim().default('127.0.0.1'),
  PREVIEW_PORT: wholeNumber(0, 65535, 'a port number').default(8787),
  METADATA: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  METADATA_CONTACT: z.string().trim().email('must be an e-mail address the API operators can write to').optional(),
  METADATA_BUDGET_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
  METADATA_BACKOFF_MS: z.coerce.number().int().min(100).max(600_000).optional(),
  ARXIV_API_URL: z
    .string()
    .trim()
    .url('must be a URL such as https://export.arxiv.org/api/query')
    .default('https://export.arxiv.org/api/query'),
  BIORXIV_API_URL: z
    .string()
    .trim()
    .url('must be a URL such as https://api.biorxiv.org')
    .default('https://api.biorxiv.org')
    .transform((url) => url.slice(0, url.length - trailingSlashes(url))),
  DIGEST_SOURCES: z
    .string()
    .default('')
    .transform((raw, ctx) => {
      try {
        return parseSources(raw);
      } catch (error) {
        if (!(error instanceof SourceSpecError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message });
        return z.NEVER;
      }
    }),
  DIGEST_LOOKBACK_DAYS: wholeNumber(0, 60, 'a number of days').default(3),
  GITHUB_TOKEN: z.string().trim().min(1).optional(),
  GITHUB_API_URL: httpUrl('https://api.github.com'),
  GITHUB_RAW_URL: httpUrl('https://raw.githubusercontent.com'),
});

function httpUrl(fallback: string) {
  return z
    .string()
    .trim()
    .default(fallback)
    .refine((url) => URL.canParse(url) && /^https?:$/i.test(new URL(url).protocol), `must be an http(s) URL such as ${fallback}`)
    .transform((url) => url.slice(0, url.length - trailingSlashes(url)));
}

/** The bot's configuration, after validation. */
export interface Config {
  /** Absent: the bot cannot log in, and `npm start` offers the local preview instead. */
  discordToken: string | undefined;
  applicationId: string | undefined;
  /** REST base without the version, e.g. `https://discord.com/api` (a proxy or the local test server). */
  discordApiUrl: string;
  /** Keyv store URL; undefined selects the default SQLite file under {@link dataDir}. */
  keyvUrl: string | undefined;
  /** Key prefix of this bot's data in a shared store (and of its Redis lease and channels). */
  keyvNamespace: string;
  /** Discord shards this process runs (with `shardCount`), or undefined for all (a single process). */
  shardIds: number[] | undefined;
  shardCount: number | undefined;
  /** How long a dead job holder blocks the other processes (Redis lease time to live). */
  leaseTtlMs: number;
  dataDir: string;
  digestDir: string;
  digestCron: string;
  timeZone: string;
  /** How many of the newest digests per source a channel may receive (e.g. after being added, or after an outage). */
  digestBacklog: number;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Channels to post to without any command (single-server installs). */
  digestChannelIds: string[];
  metricsPort: number;
  metricsHost: string;
  previewPort: number;
  /** Look papers up in arXiv / bioRxiv / medRxiv (`METADATA=on|off`). */
  metadata: boolean;
  /** E-mail address named in the User-Agent of metadata requests (the APIs ask callers to identify themselves). */
  metadataContact: string | undefined;
  /** Time a run may spend looking its new papers up before it plans posts. */
  metadataBudgetMs: number;
  /** First wait after a 429/5xx/timeout (doubled per retry); undefined: each client's default (arXiv 10 s, bioRxiv 5 s). */
  metadataBackoffMs: number | undefined;
  arxivApiUrl: string;
  biorxivApiUrl: string;
  /** Where digests are fetched from (`DIGEST_SOURCES`); empty: only files dropped into {@link digestDir}. */
  digestSources: SourceSpec[];
  /** Each run fetches today (in {@link timeZone}) and this many days before it. */
  digestLookbackDays: number;
  /** Optional GitHub token (more API requests an hour, private repositories). */
  githubToken: string | undefined;
  githubApiUrl: string;
  githubRawUrl: string;
}

/** Thrown when the environment is invalid; `problems` holds one line per problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads the configuration from `env`, with values from `envFile` (default `.env`) filling the gaps:
 * the real environment always wins, so a deployment can override a checked-in `.env`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile: string | null = '.env'): Config {
  const fromFile = envFile && existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  // Empty strings mean "unset" so that a copied .env.example with blank values behaves like no value.
  const merged = Object.fromEntries(
    Object.entries({ ...fromFile, ...env }).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const [name, item] = issue.path;
        return `${String(name)}${typeof item === 'number' ? ` (item ${item + 1})` : ''}: ${issue.message}`;
      }),
    );
  }
  const c = parsed.data;
  if ((c.SHARD_IDS === undefined) !== (c.SHARD_COUNT === undefined)) {
    throw new ConfigError(['SHARD_IDS and SHARD_COUNT: set both (e.g. SHARD_IDS=0 SHARD_COUNT=2) or neither']);
  }
  const badShard = c.SHARD_IDS?.find((id) => id >= (c.SHARD_COUNT ?? 0));
  if (badShard !== undefined) throw new ConfigError([`SHARD_IDS: shard ${badShard} does not exist with SHARD_COUNT=${c.SHARD_COUNT}`]);
  return {
    discordToken: c.DISCORD_TOKEN,
    applicationId: c.DISCORD_APPLICATION_ID,
    discordApiUrl: c.DISCORD_API_URL,
    keyvUrl: c.KEYV_URL,
    keyvNamespace: c.KEYV_NAMESPACE,
    shardIds: c.SHARD_IDS,
    shardCount: c.SHARD_COUNT,
    leaseTtlMs: c.LEASE_TTL_MS,
    dataDir: c.DATA_DIR,
    digestDir: c.DIGEST_DIR,
    digestCron: c.DIGEST_CRON,
    timeZone: c.TZ,
    digestBacklog: c.DIGEST_BACKLOG,
    logLevel: c.LOG_LEVEL,
    digestChannelIds: c.DIGEST_CHANNEL_IDS,
    metricsPort: c.METRICS_PORT,
    metricsHost: c.METRICS_HOST,
    previewPort: c.PREVIEW_PORT,
    metadata: c.METADATA === 'on',
    metadataContact: c.METADATA_CONTACT,
    metadataBudgetMs: c.METADATA_BUDGET_MS,
    metadataBackoffMs: c.METADATA_BACKOFF_MS,
    arxivApiUrl: c.ARXIV_API_URL,
    biorxivApiUrl: c.BIORXIV_API_URL,
    digestSources: c.DIGEST_SOURCES,
    digestLookbackDays: c.DIGEST_LOOKBACK_DAYS,
    githubToken: c.GITHUB_TOKEN,
    githubApiUrl: c.GITHUB_API_URL,
    githubRawUrl: c.GITHUB_RAW_URL,
  };
}

/** A copy safe to log: the tokens replaced, credentials in the store URL masked. */
export function redactConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    discordToken: config.discordToken ? '[set]' : '[unset]',
    githubToken: config.githubToken ? '[set]' : '[unset]',
    keyvUrl: config.keyvUrl && redactUrl(config.keyvUrl),
    discordApiUrl: redactUrl(config.discordApiUrl),
  };
}

/** Every string of the configuration that must never be printed: tokens and passwords in URLs. */
export function configSecrets(config: Config): string[] {
  return [config.discordToken ?? '', config.githubToken ?? '', ...urlCredentials(config.discordApiUrl), ...urlCredentials(config.keyvUrl)].filter(Boolean);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Number of `/` at the end of `url` (counted by hand: a `/\/+$/` regex is quadratic on a run of slashes). */
function trailingSlashes(url: string): number {
  let n = 0;
  while (n < url.length && url[url.length - 1 - n] === '/') n++;
  return n;
}

/**
 * Why `DIGEST_DIR` cannot be read as a folder of digests, or null: a mistyped path would otherwise ingest nothing
 * without a word.
 */
export function digestDirProblem(config: Pick<Config, 'digestDir'>): string | null {
  let isFolder: boolean;
  try {
    isFolder = statSync(config.digestDir).isDirectory();
  } catch {
    return `DIGEST_DIR ${config.digestDir} does not exist: no digests will be ingested until it does — create it or set DIGEST_DIR to your digests folder`;
  }
  return isFolder ? null : `DIGEST_DIR ${config.digestDir} is not a folder — set DIGEST_DIR to the folder that holds the digest files`;
}
