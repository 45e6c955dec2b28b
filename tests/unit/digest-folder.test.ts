/** The bot's digest folder on disk with symbolic links in it (issue 15). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { diskDigestFolder } from '../../src/jobs/digest-folder.ts';

describe('diskDigestFolder and symlinks', () => {
  const base = mkdtempSync(join(tmpdir(), 'adb-folder-links-'));
  after(() => rmSync(base, { recursive: true, force: true }));

  it('lists a link to a file under its own name and reads its target; does not follow folder links; lists a dangling link so its read fails', async () => {
    const dir = join(base, 'digests');
    const outside = join(base, 'outside');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(dir, 'sub', 'a.md'), 'A');
    writeFileSync(join(outside, 'b.md'), 'B');
    symlinkSync(join(outside, 'b.md'), join(dir, 'linked.md'));
    symlinkSync(join(base, 'missing.md'), join(dir, 'dangling.md'));
    symlinkSync(dir, join(dir, 'sub', 'loop'));
    symlinkSync(outside, join(dir, 'out'));
    const folder = diskDigestFolder(dir);
    assert.deepEqual(await folder.list(), ['dangling.md', 'linked.md', 'sub/a.md']);
    assert.equal(new TextDecoder().decode(await folder.read('linked.md')), 'B');
    await assert.rejects(folder.read('dangling.md'), /ENOENT/);
  });
});
