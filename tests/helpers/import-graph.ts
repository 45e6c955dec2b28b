/**
 * The project's module graph, read statically with the TypeScript compiler's own import scanner: every `import`,
 * `import type`, `export … from` and literal `import()` between the project's files. Type-only imports count: a
 * circle of types is still a circle in the design (stores.ts ↔ transfer.ts was one).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Module → the project modules it imports, as paths relative to `root` (`src/store/stores.ts`). */
export type ImportGraph = Map<string, Set<string>>;

/** Every `.ts` file under `dirs` (relative to `root`), declaration files and fixtures excepted. */
function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'fixtures' ? [] : walk(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
    });
  return dirs.flatMap((dir) => (existsSync(join(root, dir)) ? walk(join(root, dir)) : []));
}

/** Builds the graph of the files under `dirs`; imports of packages and of files outside `dirs` are left out. */
export function importGraph(root: string, dirs: readonly string[]): ImportGraph {
  const files = sourceFiles(root, dirs);
  const known = new Set(files.map((file) => relative(root, file)));
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const from = relative(root, file);
    const edges = new Set<string>();
    for (const { fileName: specifier } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!specifier.startsWith('.')) continue;
      const target = relative(root, resolve(dirname(file), specifier));
      if (known.has(target)) edges.add(target);
    }
    graph.set(from, edges);
  }
  return graph;
}

/** The graph with every module replaced by its unit (`unitOf`), self-edges dropped. */
export function collapse(graph: ImportGraph, unitOf: (module: string) => string): ImportGraph {
  const units: ImportGraph = new Map();
  for (const [from, targets] of graph) {
    const unit = unitOf(from);
    const edges = units.get(unit) ?? new Set<string>();
    for (const target of targets) if (unitOf(target) !== unit) edges.add(unitOf(target));
    units.set(unit, edges);
  }
  return units;
}

/**
 * The circles of the graph: its strongly connected components with more than one member (Tarjan), plus any
 * module that imports itself. Each is listed as one path around the circle, so a failure says what to cut.
 */
export function cycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node)) components.push(component);
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((component) => circleThrough(graph, new Set(component)));
}

/** One shortest way around a component, starting from its first module in sort order. */
function circleThrough(graph: ImportGraph, members: Set<string>): string[] {
  const start = [...members].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [...members];
}
