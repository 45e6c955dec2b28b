/**
 * Where digest files come from: a folder on disk in production, a map in tests. Paths are reported relative to
 * the folder so that moving the folder does not make every file look new.
 *
 * Symbolic links (issue 15): a link to a file is listed under the link's own name and read wherever it points (an
 * admin who links a digest in means it to be read); a link to a folder is not followed, since it could loop back
 * or lead anywhere on the disk. A link that points nowhere (or in a loop) is listed, so that reading it fails and
 * is reported with the reason like any unreadable file, instead of the file silently missing.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A source of digest files. */
export interface DigestFolder {
  /** Display name (the folder path). */
  readonly name: string;
  /** Relative paths of every `*.md` file, sorted. */
  list(): Promise<string[]>;
  read(path: string): Promise<Uint8Array>;
}

/** What a folder entry is for listing digests: a file to read, a folder to walk, or a folder link not followed. */
export type EntryKind = 'file' | 'folder' | 'linked-folder' | 'other';

/** {@link EntryKind} of `entry` (at `path`), following a symbolic link one step to see what it points at. */
export async function entryKind(entry: Dirent, path: string): Promise<EntryKind> {
  if (entry.isDirectory()) return 'folder';
  if (entry.isFile()) return 'file';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const target = await stat(path);
    return target.isDirectory() ? 'linked-folder' : target.isFile() ? 'file' : 'other';
  } catch {
    // Dangling or looping: listed, so the read fails with its reason and is reported.
    return 'file';
  }
}

/**
 * The `*.md` files below `dir` (recursively, in name order within each folder), as paths joined to `dir`: entries
 * whose name starts with a dot are skipped (the fetcher's temp files, hidden folders), links to files are followed,
 * links to folders are passed to `onSkip` and not followed (they could loop or lead anywhere). Errors reading a
 * folder are thrown as they are. The bot's folder and the CLI list files with this one walk.
 */
export async function walkDigestFiles(dir: string, onSkip: (path: string) => void = () => undefined): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const kind = await entryKind(entry, path);
    if (kind === 'folder') out.push(...(await walkDigestFiles(path, onSkip)));
    else if (kind === 'linked-folder') onSkip(path);
    else if (kind === 'file' && entry.name.toLowerCase().endsWith('.md')) out.push(path);
  }
  return out;
}

/** The `*.md` files below `dir` on disk (see {@link walkDigestFiles}), relative to it. A missing folder lists nothing. */
export function diskDigestFolder(dir: string): DigestFolder {
  async function list(): Promise<string[]> {
    try {
      return (await walkDigestFiles(dir)).map((path) => relative(dir, path).split(sep).join('/')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (error as NodeJS.ErrnoException).path === dir) return [];
      throw error;
    }
  }
  return {
    name: dir,
    list,
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
 * The key a digest file is recorded under (issue 15): its path relative to `digestDir` with `/` separators — what
 * {@link diskDigestFolder} lists, so `cli ingest digests/` and the bot record one file under one key. A file
 * outside `digestDir` is keyed relative to the folder it was found in (as the bot would key it with `DIGEST_DIR`
 * pointed there), and a file named on its own outside `digestDir` by its absolute path.
 */
export function digestFileKey(file: string, digestDir: string, foundIn?: string): string {
  const absolute = resolve(file);
  for (const root of [digestDir, foundIn]) {
    if (root === undefined) continue;
    const inside = relative(resolve(root), absolute);
    if (inside !== '' && inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside)) return inside.split(sep).join('/');
  }
  return absolute.split(sep).join('/');
}

/** Files on disk under the keys {@link digestFileKey} gave them (the command line's expanded paths). */
export function keyedFileFolder(files: ReadonlyArray<{ key: string; path: string }>): DigestFolder {
  const paths = new Map(files.map((f) => [f.key, f.path]));
  return {
    name: 'command line',
    list: async () => [...paths.keys()],
    read: async (key) => new Uint8Array(await readFile(paths.get(key) ?? key)),
  };
}
