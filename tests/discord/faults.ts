/**
 * Fault injection: the next N requests matching a method and route answer with a chosen failure instead of
 * being handled (5xx, 429, 403), or have their TCP connection destroyed.
 */

/** What an injected fault matches and how it answers. */
export interface FaultSpec {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Path after `/api/v10` to match: a substring or a regular expression (any when omitted). */
  route?: string | RegExp;
  /** Status to answer with; `'drop'` destroys the socket without an answer. */
  status: 500 | 502 | 503 | 504 | 429 | 403 | 'drop';
  /** How many matching requests fail (default 1). */
  times?: number;
  /** For 429: seconds in `Retry-After` / `retry_after` (default 0.2). */
  retryAfter?: number;
  /** For 429: mark it global (`X-RateLimit-Global`). */
  global?: boolean;
}

/** A fault that is armed; `remaining` counts down to zero as requests hit it. */
export interface ActiveFault {
  readonly spec: FaultSpec;
  remaining: number;
  /** Requests that hit this fault. */
  hits: number;
}

/** The armed faults of one server. */
export class FaultInjector {
  private readonly faults: ActiveFault[] = [];

  /** Arms a fault and returns its live record. */
  inject(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { spec, remaining: spec.times ?? 1, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  /** The first armed fault matching this request, consumed by one; undefined when none applies. */
  take(method: string, path: string): ActiveFault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && matches(f.spec, method, path));
    if (!fault) return undefined;
    fault.remaining--;
    fault.hits++;
    return fault;
  }

  /** Disarms every fault. */
  clear(): void {
    this.faults.length = 0;
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method) return false;
  if (spec.route === undefined) return true;
  return typeof spec.route === 'string' ? path.includes(spec.route) : spec.route.test(path);
}
