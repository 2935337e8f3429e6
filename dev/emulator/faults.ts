/**
 * Fault injection: rules added through the admin API decide, per request, whether to delay it,
 * answer with an error, drop the connection, or hold the response after processing it.
 */
import { type FaultKind, type FaultRuleStatus, type FaultSpec, faultKinds } from './admin-types';
import { EfsError, type EfsErrorCode, isEfsErrorCode, rateExceeded } from './errors';
import { type Random, seededRandom, unseededRandom } from './random';

/** What the server must do with one request. */
export interface FaultDecision {
  /** Rule ids applied to the request. */
  applied: string[];
  delayBeforeMs: number;
  /** Answer with this error instead of processing. */
  error?: EfsError;
  /** Destroy the connection before processing, or after processing instead of answering. */
  reset?: 'before' | 'after';
  /** Hold the response of the processed request. */
  pause?: { ruleId: string; delayMs?: number };
}

export class InvalidFaultSpec extends Error {
  override name = 'InvalidFaultSpec';
}

interface Rule {
  status: FaultRuleStatus;
  random: Random;
}

interface HeldResponse {
  ruleId: string;
  release: () => void;
}

const cannedErrors: Partial<Record<FaultKind, () => EfsError>> = {
  throttling: rateExceeded,
  throttling429: () => new EfsError('ThrottlingException', 'Rate exceeded'),
  internalError: () => new EfsError('InternalServerError', 'We encountered an internal error. Please try again.'),
  insufficientThroughputCapacity: () =>
    new EfsError(
      'InsufficientThroughputCapacity',
      'There is not enough capacity to provision the requested throughput. Try again later.',
    ),
  dependencyTimeout: () =>
    new EfsError('DependencyTimeout', 'The service timed out trying to fulfill the request. Try again.'),
};

export class FaultInjector {
  private rules: Rule[] = [];
  private held = new Set<HeldResponse>();
  private nextId = 1;

  constructor(private readonly knownOperations: readonly string[]) {}

  add(spec: FaultSpec): FaultRuleStatus {
    const status: FaultRuleStatus = {
      ...this.checked(spec),
      id: `fault-${this.nextId++}`,
      operation: spec.operation ?? '*',
      matched: 0,
      fired: 0,
      held: 0,
    };
    this.rules.push({ status, random: spec.seed === undefined ? unseededRandom() : seededRandom(spec.seed) });
    return { ...status };
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.status.id !== id);
    this.release(id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
    this.release();
  }

  list(): FaultRuleStatus[] {
    return this.rules.map((r) => ({ ...r.status }));
  }

  /** `request` is the request's path, query and body: what `requestIncludes` looks in. */
  decide(operation: string, request = ''): FaultDecision {
    const decision: FaultDecision = { applied: [], delayBeforeMs: 0 };
    for (const rule of this.rules) {
      const { status } = rule;
      if (status.operation !== '*' && status.operation !== operation) continue;
      if (status.requestIncludes !== undefined && !request.includes(status.requestIncludes)) continue;
      const terminalBefore =
        cannedErrors[status.kind] !== undefined || status.kind === 'error' || status.kind === 'connectionReset';
      // One error per request: later error rules neither count this request nor fire.
      if (terminalBefore && (decision.error || decision.reset === 'before')) continue;
      status.matched++;
      if (!this.fires(rule)) continue;
      status.fired++;
      decision.applied.push(status.id);
      this.apply(status, decision);
    }
    return decision;
  }

  /** Holds a response until `delayMs` passes or the rule's responses are released. */
  hold(ruleId: string, delayMs?: number): Promise<void> {
    const rule = this.rules.find((r) => r.status.id === ruleId);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const entry: HeldResponse = {
        ruleId,
        release: () => {
          if (timer) clearTimeout(timer);
          if (this.held.delete(entry) && rule) rule.status.held--;
          resolve();
        },
      };
      this.held.add(entry);
      if (rule) rule.status.held++;
      if (delayMs !== undefined) timer = setTimeout(entry.release, delayMs);
    });
  }

  /** Lets held responses go (of one rule, or all); returns how many. */
  release(ruleId?: string): number {
    const chosen = [...this.held].filter((h) => ruleId === undefined || h.ruleId === ruleId);
    for (const h of chosen) h.release();
    return chosen.length;
  }

  private fires({ status, random }: Rule): boolean {
    if (status.times !== undefined && status.fired >= status.times) return false;
    if (status.every !== undefined && status.matched % status.every !== 0) return false;
    if (status.rate !== undefined && random() >= status.rate) return false;
    return true;
  }

  private apply(status: FaultRuleStatus, decision: FaultDecision): void {
    const canned = cannedErrors[status.kind];
    if (canned) {
      decision.error = canned();
    } else if (status.kind === 'error') {
      decision.error = new EfsError(
        status.errorCode as EfsErrorCode,
        status.message ?? `Injected ${status.errorCode} (fault rule ${status.id})`,
        {},
        status.status,
      );
    } else if (status.kind === 'connectionReset') {
      decision.reset = 'before';
    } else if (status.kind === 'responseLost') {
      decision.reset ??= 'after';
    } else if (status.kind === 'slow') {
      decision.delayBeforeMs += status.delayMs ?? 0;
    } else if (status.kind === 'pauseAfter') {
      decision.pause ??= { ruleId: status.id, delayMs: status.delayMs };
    }
  }

  private checked(spec: FaultSpec): FaultSpec {
    if (!faultKinds.includes(spec.kind))
      throw new InvalidFaultSpec(`kind must be one of ${faultKinds.join(', ')}; got ${JSON.stringify(spec.kind)}`);
    const operation = spec.operation ?? '*';
    if (operation !== '*' && !this.knownOperations.includes(operation)) {
      throw new InvalidFaultSpec(
        `operation must be "*" or an EFS operation name (e.g. CreateFileSystem); got ${JSON.stringify(operation)}`,
      );
    }
    const positiveInteger = (name: 'every' | 'times', value: number | undefined) => {
      if (value !== undefined && !(Number.isInteger(value) && value >= 1))
        throw new InvalidFaultSpec(`${name} must be an integer of at least 1`);
    };
    positiveInteger('every', spec.every);
    positiveInteger('times', spec.times);
    if (spec.rate !== undefined && !(typeof spec.rate === 'number' && spec.rate >= 0 && spec.rate <= 1)) {
      throw new InvalidFaultSpec('rate must be a probability from 0 to 1');
    }
    if (spec.delayMs !== undefined && !(typeof spec.delayMs === 'number' && spec.delayMs >= 0)) {
      throw new InvalidFaultSpec('delayMs must be a non-negative number');
    }
    if (spec.kind === 'slow' && spec.delayMs === undefined) throw new InvalidFaultSpec('a slow fault needs delayMs');
    if (spec.kind === 'error') {
      if (spec.errorCode === undefined || !isEfsErrorCode(spec.errorCode))
        throw new InvalidFaultSpec(`an error fault needs a known errorCode; got ${JSON.stringify(spec.errorCode)}`);
      if (spec.status !== undefined && !(Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599)) {
        throw new InvalidFaultSpec('status must be an HTTP error status (400-599)');
      }
    }
    if (
      spec.requestIncludes !== undefined &&
      (typeof spec.requestIncludes !== 'string' || spec.requestIncludes === '')
    ) {
      throw new InvalidFaultSpec('requestIncludes must be a non-empty string');
    }
    const { kind, every, times, rate, seed, delayMs, errorCode, status, message, requestIncludes } = spec;
    const known: FaultSpec = {
      kind,
      operation,
      every,
      times,
      rate,
      seed,
      delayMs,
      errorCode,
      status,
      message,
      requestIncludes,
    };
    return Object.fromEntries(Object.entries(known).filter(([, v]) => v !== undefined)) as unknown as FaultSpec;
  }
}
