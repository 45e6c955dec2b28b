import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgress, type ProgressStream } from '../../src/cli/progress.ts';

/** A stream that keeps what was written, and a clock the test moves. */
function fake(tty: boolean, columns?: number) {
  const writes: string[] = [];
  const stream: ProgressStream = { isTTY: tty, ...(columns ? { columns } : {}), write: (chunk: string) => writes.push(chunk) };
  let t = 0;
  return { stream, writes, now: () => t, advance: (ms: number) => (t += ms) };
}

describe('progress', () => {
  it('draws a bar in place on a terminal, at most every redraw interval, and ends with a newline', () => {
    const f = fake(true);
    const p = createProgress(f.stream, { label: 'ingest', unit: 'files', total: 200, now: f.now });
    p.tick();
    assert.equal(f.writes.length, 0, 'nothing before the first interval: quick work stays quiet');
    f.advance(150);
    p.tick(49);
    assert.equal(f.writes.length, 1);
    assert.match(f.writes[0] ?? '', /^\ringest \[#{6}-{18}\] 25% 50\/200 files · \d+ files\/s/);
    assert.ok(f.writes[0]?.endsWith('\x1b[K'), 'clears the rest of the line');
    p.tick();
    assert.equal(f.writes.length, 1, 'no redraw within 100 ms');
    f.advance(100);
    p.set(200);
    assert.match(f.writes[1] ?? '', /\[#{24}\] 100% 200\/200 files/);
    p.finish();
    assert.match(f.writes.at(-2) ?? '', /^\r.*100%/);
    assert.equal(f.writes.at(-1), '\n');
    assert.ok(f.writes.every((w) => !w.includes('\n') || w === '\n'), 'a terminal line never scrolls until the end');
  });

  it('writes plain lines every few seconds when not a terminal', () => {
    const f = fake(false);
    const p = createProgress(f.stream, { label: 'import', unit: 'bytes', total: 1000, now: f.now });
    for (let i = 0; i < 10; i++) {
      f.advance(1000);
      p.tick(50);
    }
    assert.equal(f.writes.length, 2, 'one line per 5 s');
    assert.equal(f.writes[0], 'import: 250/1000 bytes (25%) · 50 bytes/s\n');
    assert.equal(f.writes[1], 'import: 500/1000 bytes (50%) · 50 bytes/s\n');
    assert.ok(f.writes.every((w) => !w.includes('\r') && !w.includes('\x1b')), 'no terminal control codes in a log');
    p.finish();
    assert.equal(f.writes.length, 3);
    p.finish();
    assert.equal(f.writes.length, 3, 'finish twice writes once');
  });

  it('shows a count and a rate when the total is unknown', () => {
    const f = fake(false);
    const p = createProgress(f.stream, { label: 'export', unit: 'records', now: f.now, intervalMs: 1000 });
    f.advance(2000);
    p.tick(250_000);
    assert.equal(f.writes[0], 'export: 250k records · 125k records/s\n');
  });

  it('stays silent when the work ends before anything was drawn', () => {
    const f = fake(true);
    const p = createProgress(f.stream, { label: 'export', unit: 'records', now: f.now });
    p.tick(10);
    p.finish();
    assert.deepEqual(f.writes, []);
  });

  it('cuts a terminal line to the width of the terminal', () => {
    const f = fake(true, 30);
    const p = createProgress(f.stream, { label: 'a-rather-long-label', unit: 'files', total: 10, now: f.now });
    f.advance(500);
    p.tick();
    assert.equal((f.writes[0] ?? '').replace('\r', '').replace('\x1b[K', '').length, 29);
  });
});
