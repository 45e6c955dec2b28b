/** The bot's digest folder on disk with symbolic links in it (issue 15). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { digestFileKey, diskDigestFolder } from '../../src/jobs/digest-folder.ts';

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

describe('digestFileKey (issue 15)', () => {
  it('keys a file as the bot does: relative to DIGEST_DIR, else to the folder it was found in, else absolute', () => {
    assert.equal(digestFileKey('digests/sub/2026-01-01.md', 'digests'), 'sub/2026-01-01.md');
    assert.equal(digestFileKey('/srv/bot/digests/a.md', '/srv/bot/digests/', '/srv/bot/digests'), 'a.md');
    assert.equal(digestFileKey('/elsewhere/day/a.md', '/srv/bot/digests', '/elsewhere'), 'day/a.md');
    assert.equal(digestFileKey('/elsewhere/a.md', '/srv/bot/digests'), '/elsewhere/a.md');
    assert.equal(digestFileKey('/srv/bot/digests-old/a.md', '/srv/bot/digests'), '/srv/bot/digests-old/a.md');
  });
});
