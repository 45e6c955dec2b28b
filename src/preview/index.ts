/**
 * The local preview: what `npm start` runs when no `DISCORD_TOKEN` is set. It ingests `DIGEST_DIR` into the
 * configured store (the default SQLite file, as the bot would) and serves on 127.0.0.1 a page showing the
 * messages the bot would post, rendered as Discord shows them, and a search box over the same index.
 */
import { diskSnapshotFile, memorySnapshotFile, openArchive, type Archive } from '../archive.ts';
import { digestDirProblem, type Config } from '../config.ts';
import { diskDigestFolder } from '../jobs/digest-folder.ts';
import { ingestFolder, type IngestReport } from '../jobs/ingest.ts';
import type { Logger } from '../log.ts';
import { SAMPLES_DIR, snapshotPathIn, sqlitePathIn } from '../paths.ts';
import { memoryStores, openStores } from '../store/index.ts';
import { previewContent } from './content.ts';
import { createPreviewServer, listenPreview } from './server.ts';

export { previewContent, type PreviewContent } from './content.ts';
export { createPreviewServer, listenPreview, handlePreviewRequest, PREVIEW_HOST, type ListeningPreview } from './server.ts';

/** A running preview. */
export interface RunningPreview {
  /** Where to open it: `http://127.0.0.1:<port>/`. */
  url: string;
  port: number;
  archive: Archive;
  /** What the start-up ingest did. */
  ingest: IngestReport;
  /**
   * True when DIGEST_DIR held no digest, so the shipped sample is shown instead — from memory: the sample is never
   * written to the configured store, where the bot would later post it to a real channel.
   */
  sample: boolean;
  /** Stops serving, saves the search index snapshot and closes the store. */
  stop(): Promise<void>;
}

/**
 * Opens the store, ingests `config.digestDir`, and serves the preview on 127.0.0.1:`config.previewPort`.
 * Throws with a one-line message (and nothing left open) when the store or the port is unavailable.
 */
export async function startPreview(config: Config, log: Logger, samplesDir = SAMPLES_DIR): Promise<RunningPreview> {
  const own = diskDigestFolder(config.digestDir);
  const sample = (await own.list()).length === 0;
  const openConfigured = () =>
    openStores(config.keyvUrl, { sqlitePath: sqlitePathIn(config.dataDir), namespace: config.keyvNamespace, log: log.child({ part: 'store' }) });
  // The sample lives in memory, but a KEYV_URL that was set must still work: a store that cannot be opened is said
  // now (issue 15), not first when the bot starts with its token.
  if (sample && config.keyvUrl !== undefined) await (await openConfigured()).close();
  const stores = sample ? await memoryStores({ log: log.child({ part: 'store' }) }) : await openConfigured();
  try {
    const archive = await openArchive({
      stores,
      snapshot: sample ? memorySnapshotFile() : diskSnapshotFile(snapshotPathIn(config.dataDir, stores.backend)),
      log,
    });
    const digestDir = digestDirProblem(config);
    if (digestDir) log.warn({ digestDir: config.digestDir }, digestDir);
    const folder = sample ? diskDigestFolder(samplesDir) : own;
    const ingest = await ingestFolder({ archive, folder, log: log.child({ part: 'ingest' }) });
    log.info({ store: stores.backend, papers: archive.index.size, files: ingest.files, added: ingest.added.length }, 'preview archive ready');
    const server = createPreviewServer(previewContent(archive), log.child({ part: 'preview' }));
    const listening = await listenPreview(server, config.previewPort);
    log.info({ url: listening.url }, 'preview serving');
    return {
      url: listening.url,
      port: listening.port,
      archive,
      ingest,
      sample,
      async stop() {
        await listening.close();
        await archive.saveSnapshot().catch((error: unknown) => log.warn({ err: error }, 'could not save the search index snapshot'));
        await stores.close();
      },
    };
  } catch (error) {
    await stores.close().catch(() => undefined);
    throw error;
  }
}
