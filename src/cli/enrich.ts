/**
 * `cli enrich [--store URL] [--limit N] [--refresh]`: looks up in arXiv / bioRxiv / medRxiv every stored paper not
 * looked up yet (at most N; with `--refresh`, looked-up ones too) at the services' polite pace, and keeps the
 * answers. Prints `{ papers, requested, enriched, notFound, failed, pending, requests, seconds }` (a contract):
 * `papers` stored, `requested` asked for now, `pending` still to look up afterwards, `requests` HTTP requests sent.
 * Progress on stderr. `ARXIV_API_URL`, `BIORXIV_API_URL` and `METADATA_CONTACT` are read from the environment.
 */
import type { Paper } from '../digest/types.ts';
import { createArxivClient, createBiorxivClient, enrichPapers, lookupKeyOf, needsLookup } from '../metadata/index.ts';
import { cliConfig, openCliStores, takeLimit, takeOption } from './archive.ts';
import { createProgress } from './progress.ts';
import { CliError, type CliCommand } from './types.ts';

const command: CliCommand = {
  summary: 'enrich [--store URL] [--limit N] [--refresh]: look stored papers up in arXiv / bioRxiv / medRxiv',
  async run(argv, io) {
    const args = [...argv];
    const store = takeOption(args, '--store');
    const limit = takeLimit(args, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const refreshAt = args.indexOf('--refresh');
    const refresh = refreshAt >= 0;
    if (refresh) args.splice(refreshAt, 1);
    const unknown = args.find((a) => a.startsWith('--'));
    if (unknown) throw new CliError(`unknown option ${unknown}`);
    if (args.length) throw new CliError(`unexpected argument ${args[0]}`);
    const started = performance.now();
    const stores = await openCliStores(io, store, 'write');
    try {
      const config = cliConfig(io);
      const contact = {
        ...(config.metadataContact ? { contact: config.metadataContact } : {}),
        ...(config.metadataBackoffMs ? { backoffMs: config.metadataBackoffMs } : {}),
      };
      const clients = {
        arxiv: createArxivClient({ url: config.arxivApiUrl, ...contact }),
        biorxiv: createBiorxivClient({ url: config.biorxivApiUrl, ...contact }),
      };
      let papers = 0;
      const wanted: Paper[] = [];
      for await (const p of stores.papers.all()) {
        papers++;
        if (!lookupKeyOf(p)) continue;
        if (wanted.length < limit && needsLookup(p, refresh)) wanted.push(p);
      }
      const totals = { requested: wanted.length, enriched: 0, notFound: 0, failed: 0, answered: 0 };
      const progress = createProgress(io.stderr, { label: 'enrich', unit: 'papers', total: wanted.length });
      try {
        // Chunks of one arXiv request's worth: answers are stored as they come, so an interrupted run loses little.
        for (let i = 0; i < wanted.length; i += 100) {
          const r = await enrichPapers({ clients, papers: stores.papers }, wanted.slice(i, i + 100), { refresh });
          totals.enriched += r.enriched;
          totals.notFound += r.notFound;
          totals.failed += r.failed;
          progress.tick(r.requested);
          if (r.serviceDown) io.stderr.write(`\nwarning: ${r.serviceDown}\n`);
        }
      } finally {
        progress.finish();
      }
      let pending = 0;
      for await (const p of stores.papers.all()) if (needsLookup(p)) pending++;
      io.stdout.write(
        `${JSON.stringify({
          papers,
          requested: totals.requested,
          enriched: totals.enriched,
          notFound: totals.notFound,
          failed: totals.failed,
          pending,
          requests: clients.arxiv.requests + clients.biorxiv.requests,
          seconds: Math.round(performance.now() - started) / 1000,
        })}\n`,
      );
      return 0;
    } finally {
      await stores.close();
    }
  },
};

export default command;
