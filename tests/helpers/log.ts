/** A silent pino logger for tests, and one that captures lines for assertions. */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** A logger that writes nothing. */
export function silentLog(): Logger {
  return pino({ level: 'silent' });
}

/** A logger whose JSON lines are kept in `lines`. */
export function capturingLog(level = 'debug'): { log: Logger; lines: Record<string, unknown>[]; text: () => string } {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { log: pino({ level }, stream), lines, text: () => raw.join('\n') };
}
