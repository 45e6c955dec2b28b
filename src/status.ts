/**
 * `/digest status`: one read of everything an admin needs, with each problem phrased as what to do about it.
 */
import type { DigestJob, StatusReport } from './app.ts';
import type { Stores } from './store/index.ts';

/** Builds the status of one guild. */
export async function buildStatus(deps: { stores: Stores; runner: DigestJob; instance: () => string }, guildId: string): Promise<StatusReport> {
  const { stores, runner } = deps;
  const problems: string[] = [];
  // Each read on its own: a store that is down must still give an admin a status that says so.
  let storeDown = false;
  const read = async <T>(what: Promise<T>, fallback: T): Promise<T> => {
    try {
      return await what;
    } catch (error) {
      if (!storeDown) {
        storeDown = true;
        problems.push(
          `The store (${stores.backend}) is not answering (${(error as { code?: string }).code ?? (error as Error).message}). Check that it is running and reachable; the bot keeps retrying, and nothing waiting to be posted is lost.`,
        );
      }
      return fallback;
    }
  };
  const [papers, outboxDepth, last, channels, files, failed] = await Promise.all([
    read(stores.papers.count(), 0),
    read(stores.outbox.depth(), 0),
    read(stores.digests.last(), undefined),
    read(stores.channels.listByGuild(guildId), []),
    read(stores.files.list(), []),
    read(stores.outbox.failed(), []),
  ]);
  for (const channel of channels) {
    if (channel.disabled) {
      problems.push(
        `<#${channel.channelId}>: delivery switched off since ${channel.disabled.since.slice(0, 16).replace('T', ' ')} (${channel.disabled.reason}). Give the bot View Channel, Send Messages and Embed Links there, then run /digest channel add again.`,
      );
    } else if (channel.failures > 0) {
      problems.push(`<#${channel.channelId}>: the last ${channel.failures} deliveries failed; check the bot's permissions there.`);
    }
  }
  const guildChannels = new Set(channels.map((c) => c.channelId));
  const failedHere = failed.filter((e) => e.target.guildId === guildId || (e.target.kind === 'channel' && guildChannels.has(e.target.channelId)));
  if (failedHere.length) problems.push(`${failedHere.length} messages could not be delivered (last error: ${failedHere.at(-1)?.lastError ?? 'unknown'}).`);
  const badFiles = files.filter((f) => f.error);
  for (const file of badFiles.slice(-5)) problems.push(`digest file ${file.path} yielded no papers: ${file.error}. Check the file's format.`);
  if (badFiles.length > 5) problems.push(`…and ${badFiles.length - 5} more digest files with problems (see the logs).`);
  // The last run's problems are the whole bot's: keep only those that name no channel or user (another server's).
  for (const problem of runner.lastRun()?.problems ?? []) {
    if (!/<[#@]/.test(problem) && !problems.includes(problem)) problems.push(problem);
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
    problems: problems.slice(0, 15),
    instance: deps.instance(),
  };
}
