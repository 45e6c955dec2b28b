/**
 * Where digest files come from: a folder on disk in production, a map in tests. Paths are reported relative to
 * the folder so that moving the folder does not make every file look new.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** A source of digest files. */
export interface DigestFolder {
  /** Display name (the folder path). */
  readonly name: string;
  /** Relative paths of every `*.md` file, sorted. */
  list(): Promise<string[]>;
  read(path: string): Promise<Uint8Array>;
}

/** The `*.md` files below `dir` on disk (recursively; dot-folders skipped). A missing folder lists nothing. */
export function diskDigestFolder(dir: string): DigestFolder {
  async function walk(current: string): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && current === dir) return [];
      throw error;
    }
    const out: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) out.push(...(await walk(path)));
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.md')) out.push(relative(dir, path).split(sep).join('/'));
    }
    return out;
  }
  return {
    name: dir,
    list: async () => (await walk(dir)).sort(),
    read: async (path) => new Uint8Array(await readFile(join(dir, path))),
  };
}

/** A folder held in memory (tests): path → content. */
export function memoryDigestFolder(files: Map<string, string | Uint8Array> = new Map(), name = 'memory'): DigestFolder & {
  files: Map<string, string | Uint8Array>;
} {
  return {
    name,
    files,
    list: async () => [...files.keys()].filter((p) => p.toLowerCase().endsWith('.md')).sort(),
    read: async (path) => {
      const content = files.get(path);
      if (content === undefined) throw Object.assign(new Error(`ENOENT: no such file ${path}`), { code: 'ENOENT' });
      return typeof content === 'string' ? new TextEncoder().encode(content) : content;
    },
  };
}

/**
 * Explicit files (the command line's paths, already expanded): each path is its own key, read as given.
 */
export function fileListFolder(paths: readonly string[]): DigestFolder {
  return {
    name: 'command line',
    list: async () => [...paths],
    read: async (path) => new Uint8Array(await readFile(path)),
  };
}
