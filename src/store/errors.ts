/** Store errors with messages that tell the user what to do, and the transient-error test used for retries. */

/** The store could not be opened at start-up (dead server, unwritable file, bad URL). */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
  /** Short cause such as `ECONNREFUSED`. */
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The store stayed unreachable through every retry; whatever was being written was not (fully) written. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  // PostgreSQL: connection exceptions and server shutting down / starting up.
  '08000',
  '08001',
  '08003',
  '08006',
  '57P01',
  '57P02',
  '57P03',
]);
const TRANSIENT_NAMES = new Set([
  'ClientClosedError',
  'ClientOfflineError',
  'ConnectionTimeoutError',
  'SocketClosedUnexpectedlyError',
  'ReconnectStrategyError',
  'SocketTimeoutError',
]);
const TRANSIENT_MESSAGE =
  /connection terminated|not connected|failed to connect|socket closed|client is closed|offline queue|timeout exceeded when trying to connect|ECONNREFUSED|ECONNRESET/i;

/** Best short code for an error from any of the drivers (`ECONNREFUSED`, `SQLITE_CANTOPEN`, `28P01`, …). */
export function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const e = error as { code?: unknown; errors?: unknown; cause?: unknown; originalError?: unknown; message?: unknown };
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  // Node reports a refused dual-stack connect as an AggregateError; node-redis wraps the socket error.
  for (const inner of [...(Array.isArray(e.errors) ? e.errors : []), e.originalError, e.cause]) {
    if (inner !== undefined && inner !== null) {
      const code = errorCode(inner);
      if (/^[A-Z0-9_]+$/.test(code)) return code;
    }
  }
  const message = typeof e.message === 'string' ? e.message : '';
  return /\b(E[A-Z]{3,}|SQLITE_[A-Z]+)\b/.exec(message)?.[1] ?? (message || 'unknown error');
}

/**
 * True for the store's own failures (`StoreUnavailableError`, `StoreOpenError`): what a command handler shows as
 * "the archive is unavailable, try again shortly" instead of a generic error. Recognised by class, never by name.
 */
export function isStoreError(error: unknown): error is StoreUnavailableError | StoreOpenError {
  return error instanceof StoreUnavailableError || error instanceof StoreOpenError;
}

/**
 * Turns a driver error seen outside the `Kv` (a Redis command of the lease or the cluster channel) into a
 * `StoreUnavailableError` when it is a lost connection, so callers can recognise it by class; anything else is
 * returned as it is.
 */
export function asStoreError(error: unknown, what: string): unknown {
  if (isStoreError(error) || !isTransient(error)) return error;
  return new StoreUnavailableError(`store unavailable during ${what}: ${errorCode(error)}`, errorCode(error), { cause: error });
}

/** True for errors where retrying later can succeed (connection lost, server restarting, database busy). */
export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; message?: unknown; constructor?: { name?: string } };
  if (TRANSIENT_CODES.has(errorCode(error))) return true;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.constructor?.name !== undefined && TRANSIENT_NAMES.has(e.constructor.name)) return true;
  return typeof e.message === 'string' && TRANSIENT_MESSAGE.test(e.message);
}
