/**
 * Store latency: times every operation of the key/value layer the repositories share. The repositories of one
 * `Stores` hold the very `Kv` object that `stores.kv` is, so timing it in place covers every repository without
 * changing how stores are opened; `undo()` puts the original methods back.
 */
import type { Kv } from '../store/index.ts';

/** The timed operations (`clear` and `close` are maintenance, not traffic). */
const OPS = ['get', 'getMany', 'set', 'setMany', 'deleteMany'] as const;

/** Wraps `kv`'s operations so each reports `(op, seconds, ok)`; returns how to undo it. */
export function instrumentKv(kv: Kv, observe: (op: string, seconds: number, ok: boolean) => void): { undo(): void } {
  const originals = new Map<(typeof OPS)[number], unknown>();
  for (const op of OPS) {
    const original = kv[op] as (...args: unknown[]) => Promise<unknown>;
    originals.set(op, original);
    const timed = async (...args: unknown[]) => {
      const started = performance.now();
      let ok = false;
      try {
        const result = await original.apply(kv, args);
        ok = true;
        return result;
      } finally {
        observe(op, (performance.now() - started) / 1000, ok);
      }
    };
    (kv as unknown as Record<string, unknown>)[op] = timed;
  }
  return {
    undo() {
      for (const [op, original] of originals) (kv as unknown as Record<string, unknown>)[op] = original;
    },
  };
}
