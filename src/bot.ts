/**
 * Wires the bot: store, archive, Discord client, commands, publisher and the scheduled job. main.ts calls
 * {@link startBot}; nothing else logs in to Discord.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Client, DefaultRestOptions, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import type { AppServices } from './app.ts';
import { diskSnapshotFile, openArchive, type Archive, type RevisionRange } from './archive.ts';
import type { Paper } from './digest/types.ts';
import { configSecrets, digestDirProblem, type Config } from './config.ts';
import { explainDiscordError } from './interactions/api-errors.ts';
import { restDiscordPort } from './discord/discord-port.ts';
import { loadCommands } from './interactions/loader.ts';
import { createPublisher } from './discord/publisher.ts';
import { inviteUrl } from './discord/invite.ts';
import { createPacer, pacedRequest } from './discord/pacer.ts';
import { createRouter } from './interactions/router.ts';
import { addDigestChannel } from './jobs/channels.ts';
import { diskDigestFolder } from './jobs/digest-folder.ts';
import { ingestFolder } from './jobs/ingest.ts';
import { createCluster, type Cluster } from './jobs/cluster.ts';
import { localLease, redisLease } from './jobs/lease.ts';
import { createParseWorker } from './jobs/parse-worker.ts';
import { planDeliveries } from './jobs/plan.ts';
import { createRefusalPolicy } from './jobs/refusals.ts';
import { planWeekly } from './jobs/weekly.ts';
import { createRunner } from './jobs/runner.ts';
import { createMetadataJob, type MetadataJob } from './jobs/metadata.ts';
import { createArxivClient, createBiorxivClient } from './metadata/index.ts';
import { scrubSecrets, type Logger } from './log.ts';
import { wireMetrics } from './metrics/wire.ts';
import { snapshotPathIn, sqlitePathIn } from './paths.ts';
import { buildStatus } from './status.ts';
import { openStores } from './store/index.ts';

/** A running bot. */
export interface RunningBot {
  app: AppServices;
  client: Client;
  /** Settles once the start-up run (ingest and delivery after READY) is over. */
  startupRun: Promise<void>;
  /** Finishes in-flight work, then disconnects and closes the store. */
  stop(): Promise<void>;
}

/** What a test may inject into a bot (the clock). */
export interface BotOptions {
  /** The clock of the store, the weekly schedule and the handlers (default: the system clock). */
  now?: () => Date;
}

/** Opens everything and logs in. Throws (with a one-line message) when the store or Discord cannot be reached. */
export async function startBot(config: Config, log: Logger, options: BotOptions = {}): Promise<RunningBot> {
  const token = config.discordToken;
  if (!token) throw new Error('DISCORD_TOKEN is not set');
  // First, before anything is opened: a malformed command module is a one-line start-up error.
  const commands = await loadCommands();
  // The one clock: everything below that records or compares a time gets it from here.
  const now = options.now ?? (() => new Date());
  const stores = await openStores(config.keyvUrl, {
    sqlitePath: sqlitePathIn(config.dataDir),
    namespace: config.keyvNamespace,
    log: log.child({ part: 'store' }),
    now,
  });
  const archive = await openArchive({ stores, snapshot: diskSnapshotFile(snapshotPathIn(config.dataDir, stores.backend)), log });
  log.info({ store: stores.backend, papers: archive.index.size, index: archive.origin }, 'archive open');
  const digestDir = digestDirProblem(config);
  if (digestDir) log.warn({ digestDir: config.digestDir }, digestDir);

  // Every request under Discord's global limit leaves evenly spaced below it (discord/pacer.ts): bursts that cross
  // Discord's one-second windows come back 429 and stall every send.
  const pacer = createPacer({ now: () => performance.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: config.discordApiUrl, makeRequest: pacedRequest(pacer, (url, init) => DefaultRestOptions.makeRequest(url, init)) },
    // Belt and braces: every message also sets allowed_mentions itself.
    allowedMentions: { parse: [] },
    ...(config.shardIds && config.shardCount ? { shards: config.shardIds, shardCount: config.shardCount } : {}),
  });

  const metrics = await wireMetrics({ client, stores, config, log: log.child({ part: 'metrics' }) }).catch(async (error: unknown) => {
    await stores.close().catch(() => undefined);
    throw error;
  });

  // Several processes may share a Redis store (sharding): the job and the outbox then run on the lease holder only.
  const owner = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const lease = stores.redis ? redisLease(stores.redis, { prefix: config.keyvNamespace, owner, ttlMs: config.leaseTtlMs }) : localLease();
  const discord = restDiscordPort(client.rest);
  const publisher = createPublisher({
    stores,
    discord,
    log: log.child({ part: 'publisher' }),
    refusals: createRefusalPolicy({ stores, discord, log: log.child({ part: 'refusals' }), now }),
    observe: metrics.publisherObserve,
    ...(stores.redis ? { fence: () => lease.stillHeld() } : {}),
  });
  const folder = diskDigestFolder(config.digestDir);
  // Digests are parsed in a worker thread: a huge or hostile file must not delay interactions (issue 15).
  const parser = createParseWorker({ eager: true });
  // DIGEST_SOURCES: the run fetches new files into DIGEST_DIR first; the folder scan then ingests them.
  // Loaded only when used: its HTTP stack (undici 7) costs start-up time an install without sources need not pay.
  const fetcher = config.digestSources.length
    ? (await import('./sources/index.ts')).createSourceFetcher(
        {
          sources: config.digestSources,
          lookbackDays: config.digestLookbackDays,
          timeZone: config.timeZone,
          digestDir: config.digestDir,
          github: { apiUrl: config.githubApiUrl, rawUrl: config.githubRawUrl, token: config.githubToken },
        },
        { meta: stores.meta, log: log.child({ part: 'sources' }) },
      )
    : null;
  let cluster: Cluster | null = null;
  // Looked-up papers reach the other processes' indexes the way ingested ones do (no full rebuild there).
  const metadata = metadataJobFor(config, archive, log.child({ part: 'metadata' }), (papers, range) => cluster?.announcePapers(papers, range) ?? Promise.resolve());
  const inner = createRunner({
    log: log.child({ part: 'job' }),
    schedule: config.digestCron,
    timeZone: config.timeZone,
    gate: async () => (await lease.acquire()) !== null,
    now,
    steps: {
      ...(fetcher && {
        fetch: async () => {
          const report = await fetcher.run();
          return { downloaded: report.downloaded, failedSources: new Set(report.files.filter((f) => f.status === 'failed').map((f) => f.source)).size };
        },
      }),
      async ingest() {
        const report = metrics.ingestObserve(await ingestFolder({ archive, folder, log: log.child({ part: 'ingest' }), now, parse: parser.parse }));
        await cluster?.announcePapers([...report.added, ...report.updated], report.revisions);
        // Before posts are planned, within the budget: today's posts carry English titles and every author.
        await metadata?.enrichNew(report.added);
        // Everything else (what did not fit, what failed, the archive) in the background, at the polite pace.
        void metadata?.backfill();
        return report;
      },
      plan: async (onPlanned) =>
        (await planDeliveries({ stores, log: log.child({ part: 'plan' }), backlog: config.digestBacklog, ...(onPlanned && { onPlanned }) })) +
        // Weekly posts are not fed to the drain batch by batch: the drain's final sweep of the outbox picks them up.
        (await planWeekly({ stores, now, log: log.child({ part: 'weekly' }) })),
      publisher,
    },
  });
  if (stores.redis) {
    cluster = createCluster({ redis: stores.redis, prefix: config.keyvNamespace, owner, lease, inner, archive, log: log.child({ part: 'cluster' }) });
  }
  const runner = cluster?.runner ?? inner;
  // Papers stored by someone else (`cli ingest` into the same store) reach this index too: the cluster checks for
  // followers; a single process checks here.
  const refreshTimer = cluster
    ? null
    : setInterval(() => {
        archive.refresh().then(
          (outcome) => outcome !== 'current' && log.info({ outcome }, 'search index caught up: the store changed outside this process'),
          (error: unknown) => log.warn({ err: error }, 'search index refresh failed'),
        );
      }, 60_000);
  refreshTimer?.unref();
  const instance = () => {
    const shards = config.shardIds ? `shard ${config.shardIds.join(',')}/${config.shardCount}` : 'single process';
    return cluster ? `${shards} · ${cluster.isLeader() ? 'runs the schedule' : 'schedule runs in another process'}` : shards;
  };
  const app: AppServices = {
    config,
    stores,
    archive,
    runner,
    now,
    status: (guildId) =>
      buildStatus({ stores, runner, instance, ...(fetcher && { sources: () => fetcher.status() }), metadata: metadata ? () => metadata.progress() : undefined }, guildId),
  };

  const route = createRouter({ commands, app, log: log.child({ part: 'router' }), observe: metrics.routerObserve });
  const inFlight = new Set<Promise<void>>();
  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    const handling = route(interaction).finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });
  client.on(Events.Error, (error) => log.error({ err: error }, 'Discord client error'));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ shard, code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardResume, (shard) => log.info({ shard }, 'gateway resumed'));
  const startupRun = new Promise<void>((resolve) => {
    client.once(Events.ClientReady, (ready) => {
      log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size, invite: inviteUrl(ready.application.id) }, 'logged in to Discord');
      void (async () => {
        await registerEnvChannels(client, app, log);
        await cluster?.start();
        runner.start();
        // Gated by the lease: with several processes only the holder runs it.
        await inner.run('startup');
      })()
        .catch((error: unknown) => log.error({ err: error }, 'start-up run failed'))
        .finally(resolve);
    });
  });

  try {
    await client.login(token);
  } catch (error) {
    await client.destroy().catch(() => undefined);
    await parser.close().catch(() => undefined);
    await metrics.close().catch(() => undefined);
    await stores.close().catch(() => undefined);
    // The cause is not attached: its message (and stack) could carry the token.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(scrubSecrets(explainDiscordError(error, { apiUrl: config.discordApiUrl, action: 'log in to Discord' }), configSecrets(config)));
  }

  return {
    app,
    client,
    startupRun,
    async stop() {
      if (refreshTimer) clearInterval(refreshTimer);
      await metadata?.stop();
      await (cluster ?? runner).stop();
      await Promise.allSettled([...inFlight]);
      await fetcher?.close().catch(() => undefined);
      await archive.saveSnapshot().catch((error: unknown) => log.warn({ err: error }, 'could not save the search index snapshot'));
      await archive.settled();
      await parser.close();
      await client.destroy();
      await metrics.close();
      await stores.close();
    },
  };
}

/** The metadata job with the real arXiv and bioRxiv/medRxiv clients, or null with `METADATA=off`. */
function metadataJobFor(
  config: Config,
  archive: Archive,
  log: Logger,
  onChanged: (papers: readonly Paper[], range: RevisionRange) => Promise<void>,
): MetadataJob | null {
  if (!config.metadata) return null;
  const contact = config.metadataContact;
  const backoff = config.metadataBackoffMs ? { backoffMs: config.metadataBackoffMs } : {};
  return createMetadataJob({
    archive,
    log,
    budgetMs: config.metadataBudgetMs,
    onChanged,
    clients: {
      arxiv: createArxivClient({ url: config.arxivApiUrl, ...(contact ? { contact } : {}), ...backoff }),
      biorxiv: createBiorxivClient({ url: config.biorxivApiUrl, ...(contact ? { contact } : {}), ...backoff }),
    },
  });
}

/** `DIGEST_CHANNEL_IDS`: channels configured by environment, for single-server installs without commands. */
async function registerEnvChannels(client: Client, app: AppServices, log: Logger): Promise<void> {
  for (const channelId of app.config.digestChannelIds) {
    if (await app.stores.channels.get(channelId)) continue;
    try {
      const channel = await client.channels.fetch(channelId);
      if (!channel || !('guildId' in channel) || !channel.isSendable()) throw new Error('not a server text channel');
      await addDigestChannel(app, { guildId: channel.guildId, channelId, sources: null, mode: 'embeds', notices: false, addedBy: 'DIGEST_CHANNEL_IDS' });
      log.info({ channel: channelId }, 'channel from DIGEST_CHANNEL_IDS added');
    } catch (error) {
      log.error({ channel: channelId, reason: (error as Error).message }, 'DIGEST_CHANNEL_IDS names a channel the bot cannot use');
    }
  }
}

