/**
 * Fetching digests from the generators a group follows (`DIGEST_SOURCES`): URL templates per date and GitHub
 * folders. An edge: HTTP in, files into DIGEST_DIR out; the folder scan ingests them like any dropped-in file.
 */
import type { Logger } from '../log.ts';
import type { MetaStore } from '../store/index.ts';
import { fetchSources, type FetchReport } from './fetch.ts';
import type { DateRange } from './dates.ts';
import type { GitHubEndpoints } from './github.ts';
import { createHttpClient, type HttpClient, type HttpOptions } from './http.ts';
import { FAILURES_BEFORE_PROBLEM, type SourceStatus } from './problems.ts';
import { describeSource, type SourceSpec } from '../source-spec.ts';
import { metaSourceStateStore, type SourceStateStore } from './state.ts';
import { diskDigestWriter, type DigestWriter } from './writer.ts';

export type { FetchReport, FetchedFile, FetchStatus } from './fetch.ts';
export type { SourceStatus, SourceProblemKind } from './problems.ts';
export type { SourceSpec } from '../source-spec.ts';
export { parseSources, SourceSpecError, describeSource } from '../source-spec.ts';
export type { DateRange } from './dates.ts';
export { isIsoDate, dateIn } from './dates.ts';
export { memorySourceStateStore, metaSourceStateStore, type SourceStateStore } from './state.ts';

/**
 * The bot's User-Agent: its name, version and where to read about it, so an operator who sees its requests in a
 * log knows what it is and whom to ask.
 */
export const USER_AGENT = 'arxiv-digest-bot/0.1.0 (+https://github.com/arxiv-digest-bot/arxiv-digest-bot; Discord bot following daily paper digests)';

/** The sources part of the configuration. */
export interface SourcesConfig {
  sources: readonly SourceSpec[];
  lookbackDays: number;
  timeZone: string;
  digestDir: string;
  github: GitHubEndpoints;
}

/** Runs the sources; one per process (it owns an HTTP connection pool). */
export interface SourceFetcher {
  /** Fetches every source for `range` (default: the lookback window). */
  run(range?: DateRange, onFile?: Parameters<typeof fetchSources>[0]['onFile']): Promise<FetchReport>;
  /** How each source is doing, for `/digest status`. */
  status(): Promise<SourceStatus[]>;
  readonly http: HttpClient;
  close(): Promise<void>;
}

/** Creates the fetcher over the store's meta area and DIGEST_DIR (both replaceable in tests). */
export function createSourceFetcher(
  config: SourcesConfig,
  deps: {
    meta?: MetaStore;
    state?: SourceStateStore;
    writer?: DigestWriter;
    log: Logger;
    now?: () => Date;
    http?: Partial<HttpOptions>;
  },
): SourceFetcher {
  const state = deps.state ?? (deps.meta ? metaSourceStateStore(deps.meta) : undefined);
  if (!state) throw new Error('createSourceFetcher needs a state store or the meta store');
  const http = createHttpClient({ userAgent: USER_AGENT, ...deps.http });
  const writer = deps.writer ?? diskDigestWriter(config.digestDir);
  return {
    http,
    run: (range, onFile) =>
      fetchSources(
        {
          sources: config.sources,
          http,
          state,
          writer,
          github: config.github,
          log: deps.log,
          timeZone: config.timeZone,
          lookbackDays: config.lookbackDays,
          ...(deps.now && { now: deps.now }),
          ...(onFile && { onFile }),
        },
        range,
      ),
    status: () => sourceStatuses(config.sources, state),
    close: () => http.close(),
  };
}

/** The status of each source from its stored state (a source never run shows no check yet). */
export async function sourceStatuses(sources: readonly SourceSpec[], state: SourceStateStore): Promise<SourceStatus[]> {
  return Promise.all(
    sources.map(async (source): Promise<SourceStatus> => {
      const spec = describeSource(source);
      const known = await state.get(source.name);
      const s = known?.spec === spec ? known : undefined;
      const error = s?.lastError;
      // One failed run is usually a blip; a wrong address or a denied token is worth saying at once.
      const serious =
        error &&
        (error.count >= FAILURES_BEFORE_PROBLEM || error.retryAt !== null || error.kind === 'not-found' || error.kind === 'denied' || error.kind === 'write');
      return {
        name: source.name,
        spec,
        lastCheck: s?.lastCheck ? new Date(s.lastCheck) : null,
        lastSuccess: s?.lastSuccess ? new Date(s.lastSuccess) : null,
        lastNewFile: s?.lastNewFile ? { path: s.lastNewFile.path, at: new Date(s.lastNewFile.at) } : null,
        problem: serious
          ? { kind: error.kind, detail: error.detail, since: new Date(error.since), count: error.count, retryAt: error.retryAt ? new Date(error.retryAt) : null }
          : null,
      };
    }),
  );
}
