/**
 * `cli fetch [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--store URL]`: runs the sources of `DIGEST_SOURCES` once —
 * the lookback window by default, a range for a backfill — writing new and changed files into DIGEST_DIR (the
 * bot's next run ingests and posts them). Prints one JSON object (a contract):
 * `{ sources, requests, downloaded, unchanged, missing, failed, files: [{ source, url, path, status, message }], bytes }`.
 * Progress and failures go to stderr; the exit code is 1 when a file failed.
 */
import { createLogger } from '../log.ts';
import { addDays, datesBetween, dateIn } from '../sources/dates.ts';
import { createSourceFetcher, isIsoDate } from '../sources/index.ts';
import { metaSourceStateStore } from '../sources/state.ts';
import { cliConfig, openCliStores, takeOption } from './archive.ts';
import { createProgress } from './progress.ts';
import { CliError, type CliCommand } from './types.ts';

/** The longest backfill one command may ask for (ten years of daily files). */
const MAX_DAYS = 3660;

const command: CliCommand = {
  summary: 'fetch [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--store URL]: download new digests from DIGEST_SOURCES',
  async run(argv, io) {
    const args = [...argv];
    const store = takeOption(args, '--store');
    const since = takeOption(args, '--since');
    const until = takeOption(args, '--until');
    if (args.length) throw new CliError(`unexpected ${args[0]} (fetch takes only --since, --until and --store)`);
    for (const [name, value] of [['--since', since], ['--until', until]] as const) {
      if (value !== undefined && !isIsoDate(value)) throw new CliError(`${name} must be a date such as 2025-11-23, not "${value}"`);
    }
    const config = cliConfig(io);
    if (config.digestSources.length === 0) {
      throw new CliError(
        'DIGEST_SOURCES is empty, so there is nothing to fetch. Set it in .env or the environment, e.g. ' +
          'DIGEST_SOURCES=github:Lcollection/Arxiv_Daily/docs/daily-papers (README.md, "Where digests come from").',
      );
    }
    const today = dateIn(new Date(), config.timeZone);
    const to = until ?? today;
    const from = since ?? addDays(to, -config.digestLookbackDays);
    if (from > to) throw new CliError(`--since ${from} is after --until ${to}`);
    const days = datesBetween(from, to).length;
    if (days > MAX_DAYS) throw new CliError(`${days} days is more than one fetch may ask for (${MAX_DAYS}); split the range`);

    const stores = await openCliStores(io, store, 'write');
    const log = createLogger({
      level: io.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent',
      destination: io.stderr,
      secrets: config.githubToken ? [config.githubToken] : [],
    });
    const fetcher = createSourceFetcher(
      {
        sources: config.digestSources,
        lookbackDays: config.digestLookbackDays,
        timeZone: config.timeZone,
        digestDir: config.digestDir,
        github: { apiUrl: config.githubApiUrl, rawUrl: config.githubRawUrl, token: config.githubToken },
      },
      { state: metaSourceStateStore(stores.meta), log },
    );
    // A folder's size is known only once listed, so the bar is exact for URL templates alone.
    const templatesOnly = config.digestSources.every((s) => s.kind === 'template');
    const progress = createProgress(io.stderr, {
      label: 'fetch',
      unit: 'files',
      ...(templatesOnly && { total: days * config.digestSources.length }),
    });
    try {
      const report = await fetcher.run({ since: from, until: to }, () => progress.tick()).finally(() => progress.finish());
      for (const file of report.files) if (file.status === 'failed') io.stderr.write(`warning: ${file.source}: ${file.message ?? 'failed'}\n`);
      const { sources, requests, downloaded, unchanged, missing, failed, files, bytes } = report;
      io.stdout.write(`${JSON.stringify({ sources, requests, downloaded, unchanged, missing, failed, files, bytes })}\n`);
      return failed > 0 ? 1 : 0;
    } finally {
      await fetcher.close();
      await stores.close();
    }
  },
};

export default command;
