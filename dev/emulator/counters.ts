import { type CountersSnapshot, type OperationCounter } from './admin-types';

/**
 * Requests per operation, told apart into wire requests and logical calls by the SDK's
 * `amz-sdk-invocation-id` header (the same on every retry of one call).
 */
export class RequestCounters {
  private operations = new Map<string, OperationCounter>();
  private invocations = new Map<string, { operation: string; attempts: number }>();

  request(operation: string, invocationId: string | undefined): void {
    const counter = this.counter(operation);
    counter.requests++;
    const known = invocationId === undefined ? undefined : this.invocations.get(invocationId);
    if (known) {
      known.attempts++;
    } else {
      counter.calls++;
      if (invocationId !== undefined) this.invocations.set(invocationId, { operation, attempts: 1 });
    }
  }

  response(operation: string, status: number | 'reset'): void {
    const responses = this.counter(operation).responses;
    responses[String(status)] = (responses[String(status)] ?? 0) + 1;
  }

  fault(operation: string): void {
    this.counter(operation).faults++;
  }

  throttled(operation: string): void {
    this.counter(operation).throttled++;
  }

  reset(): void {
    this.operations.clear();
    this.invocations.clear();
  }

  snapshot(): CountersSnapshot {
    const operations: Record<string, OperationCounter> = {};
    let requests = 0;
    let calls = 0;
    for (const [name, c] of this.operations) {
      operations[name] = { ...c, responses: { ...c.responses } };
      requests += c.requests;
      calls += c.calls;
    }
    return {
      total: { requests, calls },
      operations,
      invocations: Object.fromEntries([...this.invocations].map(([k, v]) => [k, { ...v }])),
    };
  }

  private counter(operation: string): OperationCounter {
    let counter = this.operations.get(operation);
    if (!counter) {
      counter = { requests: 0, calls: 0, responses: {}, faults: 0, throttled: 0 };
      this.operations.set(operation, counter);
    }
    return counter;
  }
}
