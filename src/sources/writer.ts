/**
 * Where fetched files go: `DIGEST_DIR/<source>/<file>`, written atomically (a temp file in the same folder, then
 * a rename), so the folder scan never reads half a file and a crash never leaves one. Paths are checked here, at
 * the last moment, whatever produced them: no `..`, no absolute paths, no hidden files, only `.md`.
 */
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

/** Writes fetched digests. Paths are relative, `/`-separated. */
export interface DigestWriter {
  /** The current content, or null when there is no such file. */
  read(path: string): Promise<Uint8Array | null>;
  write(path: string, content: Uint8Array): Promise<void>;
}

/** Throws unless `path` is a safe relative `…/x.md` path (at most 6 segments of at most 200 characters). */
export function assertSafePath(path: string): void {
  const segments = path.split('/');
  const bad =
    segments.length > 6 ||
    !path.toLowerCase().endsWith('.md') ||
    segments.some((s) => s.length === 0 || s.length > 200 || s.startsWith('.') || /[\\:*?"<>|]/.test(s) || hasControl(s));
  if (bad) throw new Error(`refusing to write the unsafe path ${JSON.stringify(path.slice(0, 200))}`);
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** The file operations the disk writer uses: Node's, or (tests) ones that fail at a chosen step. */
export type WriterFs = Pick<typeof nodeFs, 'mkdir' | 'readFile' | 'rename' | 'rm' | 'writeFile'>;

/** Files under `dir` on disk. */
export function diskDigestWriter(dir: string, fs: WriterFs = nodeFs): DigestWriter {
  const { mkdir, readFile, rename, rm, writeFile } = fs;
  const root = resolve(dir);
  const target = (path: string) => {
    assertSafePath(path);
    const full = resolve(root, ...path.split('/'));
    if (!full.startsWith(root + sep)) throw new Error(`refusing to write outside ${dir}: ${path}`);
    return full;
  };
  return {
    async read(path) {
      try {
        return new Uint8Array(await readFile(target(path)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async write(path, content) {
      const full = target(path);
      await mkdir(dirname(full), { recursive: true });
      // A dot-name: the folder scan skips it even if a crash leaves it behind.
      const temp = join(dirname(full), `.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeFile(temp, content);
        await rename(temp, full);
      } catch (error) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw error;
      }
    },
  };
}

/** Files in memory (tests): path → content. */
export function memoryDigestWriter(files: Map<string, Uint8Array> = new Map()): DigestWriter & { files: Map<string, Uint8Array> } {
  return {
    files,
    read: async (path) => files.get(path) ?? null,
    write: async (path, content) => {
      assertSafePath(path);
      files.set(path, content);
    },
  };
}
