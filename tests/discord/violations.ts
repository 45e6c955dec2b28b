/**
 * The list of things a client did that real Discord would refuse or punish. Tests assert it stays empty.
 */

/** What kind of rule was broken. */
export type ViolationKind = 'route' | 'auth' | 'schema' | 'limits' | 'interaction' | 'rate-limit' | 'gateway' | 'request' | 'policy';

/** One recorded violation. */
export interface Violation {
  kind: ViolationKind;
  message: string;
  method?: string;
  path?: string;
  at: number;
}

/** Collects violations for one server. */
export class Violations {
  private readonly list: Violation[] = [];

  /** Records a violation. */
  record(kind: ViolationKind, message: string, request?: { method: string; path: string }): void {
    this.list.push({ kind, message, ...(request ? { method: request.method, path: request.path } : {}), at: Date.now() });
  }

  /** A copy of everything recorded so far. */
  all(): Violation[] {
    return [...this.list];
  }

  /** Forgets what was recorded (tests that provoke violations on purpose clear them afterwards). */
  clear(): void {
    this.list.length = 0;
  }
}
