/**
 * The fetched-file writer's promise (src/sources/writer.ts): a write that fails in the middle — the disk filling up
 * halfway through the bytes, a rename that fails, a process that dies before it can clean up — never leaves a
 * partial file under the final name, and the folder scan never sees the temp file. Failures are injected through
 * the writer's file operations (tests run as root here, so permissions cannot make a folder unwritable), plus one
 * real one: a rename onto a directory.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { diskDigestFolder } from '../../src/jobs/digest-folder.ts';
import { diskDigestWriter, type WriterFs } from '../../src/sources/writer.ts';

const OLD = '# arxiv 2025-11-23\n\nthe version ingested yesterday\n';
const NEW = new Uint8Array(Buffer.from(`# arxiv 2025-11-23\n\n${'a rewritten digest, longer than before\n'.repeat(200)}`));

/** An errno error, as Node's fs raises them. */
const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: injected`), { code });

describe('atomic writes of fetched digests', () => {
  let dir: string;
  const folder = () => join(dir, 'daily');
  const final = () => join(folder(), '2025-11-23-arxiv.md');
  const everything = () => readdirSync(folder());

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'adb-writer-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Node's operations, with writeFile writing half the bytes and then failing as a full disk does. */
  const diskFullHalfway: WriterFs = {
    ...fs,
    writeFile: (async (path: string, data: Uint8Array) => {
      await fs.writeFile(path, data.subarray(0, Math.floor(data.length / 2)));
      throw errno('ENOSPC');
    }) as WriterFs['writeFile'],
  };

  it('a new file: the disk filling up halfway leaves nothing under the final name, and no temp file', async () => {
    const writer = diskDigestWriter(dir, diskFullHalfway);
    await assert.rejects(writer.write('daily/2025-11-23-arxiv.md', NEW), { code: 'ENOSPC' });
    assert.deepEqual(everything(), []);
    assert.equal(await writer.read('daily/2025-11-23-arxiv.md'), null);
  });

  it('a rewrite: the disk filling up halfway leaves the previous version whole', async () => {
    mkdirSync(folder());
    writeFileSync(final(), OLD);
    const writer = diskDigestWriter(dir, diskFullHalfway);
    await assert.rejects(writer.write('daily/2025-11-23-arxiv.md', NEW), { code: 'ENOSPC' });
    assert.equal(readFileSync(final(), 'utf8'), OLD);
    assert.deepEqual(everything(), ['2025-11-23-arxiv.md']);
  });

  it('a rename that fails leaves the previous version whole and removes the temp file', async () => {
    mkdirSync(folder());
    writeFileSync(final(), OLD);
    const renames: string[] = [];
    const writer = diskDigestWriter(dir, {
      ...fs,
      rename: (async (from: string) => {
        renames.push(from);
        throw errno('EIO');
      }) as WriterFs['rename'],
    });
    await assert.rejects(writer.write('daily/2025-11-23-arxiv.md', NEW), { code: 'EIO' });
    assert.equal(renames.length, 1, 'the new content went to a temp file first');
    assert.match(renames[0]!, /[/\\]\.[0-9a-f]+\.tmp$/, 'a dot-file in the same folder');
    assert.equal(readFileSync(final(), 'utf8'), OLD);
    assert.deepEqual(everything(), ['2025-11-23-arxiv.md']);
  });

  it('a real failure: the final name is taken by a folder, which is left as it was, with no temp file', async () => {
    mkdirSync(final(), { recursive: true });
    writeFileSync(join(final(), 'keep.txt'), 'x');
    const writer = diskDigestWriter(dir);
    await assert.rejects(writer.write('daily/2025-11-23-arxiv.md', NEW), (error: NodeJS.ErrnoException) => ['EISDIR', 'ENOTEMPTY', 'EEXIST', 'EPERM'].includes(error.code ?? ''));
    assert.deepEqual(everything(), ['2025-11-23-arxiv.md']);
    assert.deepEqual(readdirSync(final()), ['keep.txt']);
  });

  it('a process that dies between the write and the rename leaves only a dot-file, which the folder scan skips', async () => {
    mkdirSync(folder());
    writeFileSync(final(), OLD);
    // Dying: the rename never happens and neither does the clean-up.
    const writer = diskDigestWriter(dir, {
      ...fs,
      rename: (async () => {
        throw errno('EINTR');
      }) as WriterFs['rename'],
      rm: (async () => {
        throw errno('EINTR');
      }) as WriterFs['rm'],
    });
    await assert.rejects(writer.write('daily/2025-11-23-arxiv.md', NEW));
    const left = everything().filter((name) => name !== '2025-11-23-arxiv.md');
    assert.equal(left.length, 1);
    assert.match(left[0]!, /^\.[0-9a-f]+\.tmp$/);
    assert.equal(readFileSync(final(), 'utf8'), OLD);
    assert.deepEqual(await diskDigestFolder(dir).list(), ['daily/2025-11-23-arxiv.md'], 'the scan ingests only the whole file');
  });

  it('without a failure, the new content replaces the old in one piece', async () => {
    mkdirSync(folder());
    writeFileSync(final(), OLD);
    await diskDigestWriter(dir).write('daily/2025-11-23-arxiv.md', NEW);
    assert.deepEqual(new Uint8Array(readFileSync(final())), NEW);
    assert.deepEqual(everything(), ['2025-11-23-arxiv.md']);
  });
});
