/**
 * The parse worker's thread (see parse-worker.ts): parses one digest per request, off the bot's event loop. The
 * result goes back in pieces — papers in batches, then the digests as indexes into them — so that the main thread
 * never spends long decoding one huge message.
 */
import { parentPort } from 'node:worker_threads';
import { parseDigest } from '../digest/index.ts';
import type { Paper } from '../digest/types.ts';

/** A request: one file's bytes (transferred, not copied). */
export interface ParseRequest {
  id: number;
  bytes: Uint8Array;
  fileName: string;
}

/** Papers per message back. */
const PAPERS_PER_MESSAGE = 500;

const port = parentPort;
if (port) {
  // Loading (tsx compiling the parser) is not part of any file's time budget: say when it is done.
  port.postMessage({ id: 0, kind: 'ready' });
  port.on('message', (request: ParseRequest) => {
    const result = parseDigest({ text: new TextDecoder().decode(request.bytes), fileName: request.fileName });
    const order = new Map<Paper, number>();
    const papers = [...result.papers];
    papers.forEach((paper, i) => order.set(paper, i));
    const digests = result.digests.map((digest) => ({
      ...digest,
      papers: digest.papers.map((paper) => {
        let at = order.get(paper);
        if (at === undefined) {
          at = papers.push(paper) - 1;
          order.set(paper, at);
        }
        return at;
      }),
    }));
    for (let i = 0; i < papers.length; i += PAPERS_PER_MESSAGE) {
      port.postMessage({ id: request.id, kind: 'papers', papers: papers.slice(i, i + PAPERS_PER_MESSAGE) });
    }
    port.postMessage({ id: request.id, kind: 'done', digests, listed: result.papers.length, warnings: result.warnings });
  });
}
