/**
 * Local servers that answer like the arXiv API and the bioRxiv/medRxiv API (built from the real responses in
 * ../shared/api-samples, written here so a clone passes alone). Each listens on an ephemeral port and records
 * what it was asked, when, and how many requests were in flight at once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One arXiv paper as the fake serves it. */
export interface FakeArxivEntry {
  id: string;
  version: number;
  title: string;
  summary: string;
  authors: string[];
  categories: string[];
  primary: string;
  comment?: string;
  journalRef?: string;
  doi?: string;
  published: string;
  updated: string;
}

/** What the fake does with the next requests. */
export type Fault = 'ok' | '429' | '500' | '503' | 'hang' | 'empty' | 'malformed';

/** Request log entry. */
export interface Seen {
  method: string;
  url: string;
  body: string;
  at: number;
  userAgent: string;
}

/** A running fake. */
export interface FakeService {
  url: string;
  seen: Seen[];
  /** Most requests in flight at once. */
  maxInFlight: number;
  /** Faults served in order to the next requests (then `ok`); `always` sets a permanent fault. */
  faults: Fault[];
  always: Fault;
  /** Requests answered so far (any status); a held or hung request is not. */
  answered: number;
  /** While true, requests are received (and logged) but not answered until {@link FakeService.release}. */
  holding: boolean;
  /** Answers every held request (with the fault in force at release time) and stops holding. */
  release(): void;
  close(): Promise<void>;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The API manual's serializer: xmlns on every element, double-quoted declaration, `scheme` on primary_category. */
export function manualFeed(entries: FakeArxivEntry[], errorFor?: string): string {
  const A = 'xmlns="http://www.w3.org/2005/Atom"';
  const X = 'xmlns:arxiv="http://arxiv.org/schemas/atom"';
  const body = errorFor
    ? `<entry ${A}><id ${A}>http://arxiv.org/api/errors#incorrect_id_format_for_${xmlEscape(errorFor)}</id><title ${A}>Error</title><summary ${A}>incorrect id format for ${xmlEscape(errorFor)}</summary><author ${A}><name ${A}>arXiv api core</name></author></entry>`
    : entries
        .map(
          (e) => `  <entry ${A} ${X}>
    <id ${A}>http://arxiv.org/abs/${e.id}v${e.version}</id>
    <published ${A}>${e.published}T13:46:39-04:00</published>
    <updated ${A}>${e.updated}T13:46:39-04:00</updated>
    <title ${A}>${xmlEscape(e.title).replace(/ /, '\n  ')}</title>
    <summary ${A}>  ${xmlEscape(e.summary).replace(/ /g, (m, i: number) => (i % 50 < 1 ? '\n' : m))}\n</summary>
${e.authors.map((a) => `    <author ${A}><name ${A}>${xmlEscape(a)}</name></author>`).join('\n')}
${e.comment ? `    <arxiv:comment ${X}>${xmlEscape(e.comment)}</arxiv:comment>` : ''}
${e.journalRef ? `    <arxiv:journal_ref ${X}>${xmlEscape(e.journalRef)}</arxiv:journal_ref>` : ''}
${e.doi ? `    <arxiv:doi ${X}>${xmlEscape(e.doi)}</arxiv:doi>` : ''}
    <link ${A} href="http://arxiv.org/abs/${e.id}v${e.version}" rel="alternate" type="text/html"/>
    <arxiv:primary_category ${X} term="${e.primary}" scheme="http://arxiv.org/schemas/atom"/>
${e.categories.map((c) => `    <category ${A} term="${c}" scheme="http://arxiv.org/schemas/atom"/>`).join('\n')}
  </entry>`,
        )
        .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed ${A} xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" ${X}>
  <title ${A}>ArXiv Query</title>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">${entries.length}</opensearch:totalResults>
${body}
</feed>`;
}

/**
 * The 2026 serializer: single-quoted declaration, prefixes declared once on the root (here with a different prefix
 * than `arxiv:`, which a parser by namespace must not care about), https ids, primary_category without scheme.
 */
export function feed2026(entries: FakeArxivEntry[]): string {
  return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
      xmlns:ax="http://arxiv.org/schemas/atom"
      xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/x</id>
  <title>arXiv Query: id_list</title>
  <opensearch:totalResults>${entries.length}</opensearch:totalResults>
${entries
  .map(
    (e) => `  <entry>
    <id>http://arxiv.org/abs/${e.id}v${e.version}</id>
    <title>${xmlEscape(e.title)}</title>
    <updated>${e.updated}T02:40:47Z</updated>
    <published>${e.published}T02:40:47Z</published>
    <link href="https://arxiv.org/abs/${e.id}v${e.version}" rel="alternate" type="text/html"/>
    <summary>${xmlEscape(e.summary)}</summary>
${e.categories.map((c) => `    <category term="${c}" scheme="http://arxiv.org/schemas/atom"/>`).join('\n')}
    <ax:primary_category term="${e.primary}"/>
${e.comment ? `    <ax:comment>${xmlEscape(e.comment)}</ax:comment>` : ''}
${e.authors.map((a) => `    <author><name>${xmlEscape(a)}</name></author>`).join('\n')}
  </entry>`,
  )
  .join('\n')}
</feed>`;
}

function service(handle: (req: IncomingMessage, body: string, res: ServerResponse, fault: Fault) => void): Promise<FakeService> {
  let inFlight = 0;
  let held: (() => void)[] = [];
  const state: FakeService = {
    url: '', seen: [], maxInFlight: 0, faults: [], always: 'ok', answered: 0, holding: false,
    release() {
      state.holding = false;
      const waiting = held;
      held = [];
      for (const answer of waiting) answer();
    },
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      res.on('close', () => inFlight--);
      state.seen.push({ method: req.method ?? '', url: req.url ?? '', body, at: performance.now(), userAgent: String(req.headers['user-agent'] ?? '') });
      const answer = () => respond(req, body, res);
      if (state.holding) held.push(answer);
      else answer();
    });
  });
  function respond(req: IncomingMessage, body: string, res: ServerResponse): void {
    if (res.destroyed) return; // the client gave up while the request was held
    const fault = state.faults.shift() ?? state.always;
    if (fault !== 'hang') res.on('finish', () => state.answered++);
    if (fault === 'hang') return; // never answers: the client's timeout must end it
    if (fault === '429') {
      res.writeHead(429, { 'content-type': 'text/html' }).end('Rate exceeded.');
      return;
    }
    if (fault === '500' || fault === '503') {
      res.writeHead(Number(fault), { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    if (fault === 'empty') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('');
      return;
    }
    if (fault === 'malformed') {
      // A page cut short mid-way: HTTP 200, JSON that does not parse.
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"messages":[{"status":"ok","cursor":0,"count":30,"total":"109"}],"collection":[{"doi":"10.');
      return;
    }
    handle(req, body, res, fault);
  }
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      state.close = () =>
        new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        });
      resolve(Object.assign(state, { url: `http://127.0.0.1:${port}` }));
    });
  });
}

/** A fake arXiv API at `<url>/api/query`. `serializer` picks the Atom flavour. */
export async function startFakeArxiv(
  entries: FakeArxivEntry[],
  options: { serializer?: 'manual' | '2026' } = {},
): Promise<FakeService & { apiUrl: string; serializer: 'manual' | '2026' }> {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const state = { serializer: options.serializer ?? 'manual' } as { serializer: 'manual' | '2026' };
  const svc = await service((req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const params = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
    const ids = (params.get('id_list') ?? '').split(',').filter(Boolean);
    const max = Number(params.get('max_results') ?? 10);
    // Like arXiv: a well-formed id with an impossible month (1234.12345) is an "incorrect id format" error.
    const bad = ids.find((id) => !/^(\d{4}\.\d{4,5}|[a-z-]+\/\d{7})(v\d+)?$/.test(id) || (/^\d{4}\./.test(id) && Number(id.slice(2, 4)) > 12));
    const found = ids.map((id) => byId.get(id.replace(/v\d+$/, ''))).filter((e): e is FakeArxivEntry => !!e).slice(0, max);
    const xml = bad ? manualFeed([], bad) : state.serializer === '2026' ? feed2026(found) : manualFeed(found);
    res.writeHead(200, { 'content-type': 'application/atom+xml; charset=utf-8' }).end(xml);
  });
  return Object.assign(svc, { apiUrl: `${svc.url}/api/query` }, {
    get serializer() {
      return state.serializer;
    },
    set serializer(s: 'manual' | '2026') {
      state.serializer = s;
    },
  });
}

/** One version of a bioRxiv/medRxiv preprint as `/details` returns it. */
export interface FakePreprint {
  doi: string;
  title: string;
  authors: string;
  date: string;
  version: string;
  category: string;
  abstract: string;
  published: string;
  server: 'bioRxiv' | 'medRxiv';
}

/**
 * A fake `api.biorxiv.org`: `/details/{server}/{doi}/na/json` (several versions of one DOI listed in order) and the
 * day-range listing `/details/{server}/{from}/{to}/{cursor}/json`, paged like the real API: every version posted in
 * the interval (oldest day first), `pageSize` a page from `cursor`, with `messages[0]` carrying `cursor`, `count` (this
 * page), `count_new_papers` and `total` (strings, as the real API sends them), and `no posts found` for an empty
 * interval or a cursor past the end. `pageSize` defaults to 100 (the help page); the 2026 API served 30.
 */
export async function startFakeBiorxiv(versions: FakePreprint[], options: { pageSize?: number } = {}): Promise<FakeService & { pageSize: number }> {
  const state = { pageSize: options.pageSize ?? 100 };
  // Indexed once (the bench serves a whole corpus of DOIs and days): by server and day, and by server and DOI.
  const byDay = new Map<string, FakePreprint[]>();
  const byDoi = new Map<string, FakePreprint[]>();
  for (const v of versions) {
    for (const [index, key] of [[byDay, `${v.server.toLowerCase()} ${v.date}`], [byDoi, `${v.server.toLowerCase()} ${v.doi}`]] as const) {
      const list = index.get(key);
      if (list) list.push(v);
      else index.set(key, [v]);
    }
  }
  const DAY_MS = 86_400_000;
  const svc = await service((req, _body, res) => {
    const json = (value: unknown) => res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' }).end(JSON.stringify(value));
    const full = (v: FakePreprint) => ({ ...v, author_corresponding: 'X', type: 'new results', license: 'cc_by', jatsxml: '', funder: 'NA' });
    const range = /^\/details\/(biorxiv|medrxiv)\/(\d{4}-\d\d-\d\d)\/(\d{4}-\d\d-\d\d)\/(\d+)\/json$/.exec(req.url ?? '');
    if (range) {
      const [, server, from, to, at] = range as unknown as [string, string, string, string, string];
      const cursor = Number(at);
      const listed: FakePreprint[] = [];
      // Oldest day first, each day in the order given.
      for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`) && listed.length < 1e6; t += DAY_MS) {
        listed.push(...(byDay.get(`${server} ${new Date(t).toISOString().slice(0, 10)}`) ?? []));
      }
      const page = listed.slice(cursor, cursor + state.pageSize);
      const interval = `${from}:${to}`;
      if (page.length === 0) {
        json({ messages: [{ status: 'no posts found', interval, cursor, count: 0, total: String(listed.length) }], collection: [] });
        return;
      }
      const fresh = listed.filter((v) => v.version === '1').length;
      json({
        messages: [{ status: 'ok', category: 'all', interval, cursor, count: page.length, count_new_papers: String(fresh), total: String(listed.length) }],
        collection: page.map(full),
      });
      return;
    }
    const m = /^\/details\/(biorxiv|medrxiv)\/(.+)\/na\/json$/.exec(req.url ?? '');
    if (!m) {
      json({ messages: [{ status: 'error: bad request' }], collection: [] });
      return;
    }
    const doi = decodeURIComponent(m[2]!);
    const list = byDoi.get(`${m[1]} ${doi}`) ?? [];
    if (list.length === 0) {
      json({ messages: [{ status: 'no posts found' }], collection: [] });
      return;
    }
    json({ messages: [{ status: 'ok' }], collection: list.map(full) });
  });
  // defineProperty, not Object.assign: assign would copy the getter's value, not the accessor.
  return Object.defineProperty(svc, 'pageSize', {
    get: () => state.pageSize,
    set: (n: number) => void (state.pageSize = n),
    enumerable: true,
  }) as FakeService & { pageSize: number };
}

/** Sample papers used by the tests (invented, shaped like the real ones). */
export const ARXIV_SAMPLES: FakeArxivEntry[] = [
  {
    id: '2511.16674',
    version: 2,
    title: 'Diffusion Policies for Dexterous Robot Manipulation',
    summary: 'We present a diffusion policy that learns dexterous manipulation skills for a robot hand from few demonstrations.',
    authors: ['Wei Zhang', 'Maria Loconsole', 'Sergey Levine'],
    categories: ['cs.RO', 'cs.LG'],
    primary: 'cs.RO',
    comment: '12 pages, 5 figures',
    journalRef: 'CoRL 2025',
    doi: '10.1000/corl.2025.1',
    published: '2025-11-20',
    updated: '2025-11-22',
  },
  {
    id: '2511.20001',
    version: 1,
    title: 'Sparse Attention for Long Context Language Models',
    summary: 'A sparse attention scheme lets large language models read a million tokens.',
    authors: ['Chenhang Christopher Zhang', 'Yanqing Lou', 'Xianjun Dong'],
    categories: ['cs.CL', 'cs.AI'],
    primary: 'cs.CL',
    published: '2025-11-21',
    updated: '2025-11-21',
  },
  {
    id: 'hep-ex/0307015',
    version: 1,
    title: 'Multi-Electron Production at High Transverse Momenta in ep Collisions at HERA',
    summary: 'Multi-electron production is studied at high electron transverse momentum.',
    authors: ['H1 Collaboration'],
    categories: ['hep-ex'],
    primary: 'hep-ex',
    journalRef: 'Eur.Phys.J. C31 (2003) 17-29',
    published: '2003-07-07',
    updated: '2003-07-07',
  },
];

export const PREPRINT_SAMPLES: FakePreprint[] = [
  {
    doi: '10.64898/2026.07.31.741992',
    title: 'Sound-shape correspondences in macaques',
    authors: 'Loconsole, M.; Xue, C.; Garcia-Pelegrin, E.',
    date: '2026-08-01',
    version: '1',
    category: 'animal behavior and cognition',
    abstract: 'Humans reliably associate certain speech-like sounds with visual shapes.',
    published: 'NA',
    server: 'bioRxiv',
  },
  {
    doi: '10.1101/2025.06.01.25328811',
    title: 'Plasma biomarkers of Alzheimer disease (first version)',
    authors: 'Zhang, W.; Smith, J.',
    date: '2025-06-03',
    version: '1',
    category: 'neurology',
    abstract: 'First version.',
    published: 'NA',
    server: 'medRxiv',
  },
  {
    doi: '10.1101/2025.06.01.25328811',
    title: 'Plasma biomarkers predict Alzheimer disease progression',
    authors: 'Zhang, W.; Smith, J.; Levine, S.',
    date: '2025-07-10',
    version: '2',
    category: 'neurology',
    abstract: 'Plasma p-tau217 predicts progression of Alzheimer disease in a cohort of 2,000 adults.',
    published: '10.1001/jama.2025.1234',
    server: 'medRxiv',
  },
];
