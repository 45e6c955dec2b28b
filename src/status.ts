/**
 * `/digest status`: one read of everything an admin needs, with each problem a typed value saying what to do about
 * it (commands/digest.ts translates them in the admin's language).
 */
import type { DigestJob, StatusReport } from './app.ts';
import type { SourceStatus } from './sources/index.ts';
import { problemsOf, type Problem } from './i18n/problems.ts';
import type { Stores } from './store/index.ts';

/** Builds the status of one guild. */
export async function buildStatus(
  deps: { stores: Stores; runner: DigestJob; instance: () => string; sources?: () => Promise<SourceStatus[]> },
  guildId: string,
): Promise<StatusReport> {
  const { stores, runner } = deps;
  const problems: Problem[] = [];
  // Each read on its own: a store that is down must still give an admin a status that says so.
  let storeDown = false;
  const read = async <T>(what: Promise<T>, fallback: T): Promise<T> => {
    try {
      return await what;
    } catch (error) {
      if (!storeDown) {
        storeDown = true;
        problems.push({
          key: 'problem.storeDown',
          params: { backend: stores.backend, reason: (error as { code?: string }).code ?? (error as Error).message },
        });
      }
      return fallback;
    }
  };
  const [papers, outboxDepth, last, channels, files, failed, sources] = await Promise.all([
    read(stores.papers.count(), 0),
    read(stores.outbox.depth(), 0),
    read(stores.digests.last(), undefined),
    read(stores.channels.listByGuild(guildId), []),
    read(stores.files.list(), []),
    read(stores.outbox.failed(), []),
    read(deps.sources?.() ?? Promise.resolve([]), [] as SourceStatus[]),
  ]);
  for (const channel of channels) {
    if (channel.disabled) {
      problems.push({
        key: 'problem.channelDisabled',
        guildId,
        channelId: channel.channelId,
        params: { since: channel.disabled.since.slice(0, 16).replace('T', ' '), reason: channel.disabled.reason },
      });
    } else if (channel.failures > 0) {
      problems.push({ key: 'problem.channelFailing', guildId, channelId: channel.channelId, params: { count: channel.failures } });
    }
  }
  const guildChannels = new Set(channels.map((c) => c.channelId));
  const failedHere = failed.filter((e) => e.target.guildId === guildId || (e.target.kind === 'channel' && guildChannels.has(e.target.channelId)));
  if (failedHere.length) {
    problems.push({ key: 'problem.undelivered', guildId, params: { count: failedHere.length, reason: failedHere.at(-1)?.lastError ?? 'unknown' } });
  }
  const badFiles = files.filter((f) => f.error);
  for (const file of badFiles.slice(-5)) problems.push({ key: 'problem.badFile', params: { path: file.path, reason: file.error ?? '' } });
  if (badFiles.length > 5) problems.push({ key: 'problem.moreBadFiles', params: { count: badFiles.length - 5 } });
  // The last run's problems: the whole bot's and this server's, never another server's. A digest channel's own
  // state is read from its record above (fresher than the run), so the run's word on it is not repeated.
  const seen = new Set(problems.map((p) => JSON.stringify(p)));
  for (const problem of problemsOf(runner.lastRun()?.problems ?? [], guildId)) {
    if (problem.channelId && guildChannels.has(problem.channelId)) continue;
    if (seen.has(JSON.stringify(problem))) continue;
    seen.add(JSON.stringify(problem));
    problems.push(problem);
  }
  return {
    store: stores.backend,
    papers,
    outboxDepth,
    lastDigest: last
      ? { date: last.date, source: last.source, status: last.status, papers: last.papers, ingestedAt: new Date(last.ingestedAt) }
      : null,
    nextRun: runner.nextRun(),
    channels,
    sources,
    problems: problems.slice(0, 15),
    instance: deps.instance(),
  };
}
