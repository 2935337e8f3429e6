/**
 * The emulator's core: its state, settings, clock, faults and counters, and how one EFS request
 * is served (route, count, apply faults, run the operation, answer).
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Logger } from '../../src/shared/log';
import { type Clock, ControlledClock } from './clock';
import { RequestCounters } from './counters';
import { type ThrottleSettings } from './admin-types';
import { EfsError, badRequest, rateExceeded } from './errors';
import { type FaultDecision, FaultInjector } from './faults';
import { BodyTooLarge, type HttpAnswer, efsErrorAnswer, header, readBody, send, sleep } from './http';
import { type EmulatorConfig, defaultConfig } from './model';
import { type Random, seededRandom, unseededRandom } from './random';
import { type Route, matchRoute, operationNames } from './routes';
import { EmulatorStore } from './store';
import { handleSts, requestScope } from './sts';
import { RequestThrottle, defaultThrottleSettings } from './throttle';
import { type JsonObject } from './validation';

export interface EmulatorSettings extends Partial<EmulatorConfig> {
  /** The source of time; real time by default. The emulator layers its own adjustable clock on top. */
  clock?: Clock;
  /** Emulated milliseconds per source millisecond (e.g. 60: a minute passes every second). */
  timeScale?: number;
  /** Makes generated ids reproducible. */
  seed?: number;
  /** Request-rate throttling per account, Region and operation family; off by default. */
  throttle?: Partial<ThrottleSettings>;
}

export class Emulator {
  readonly store: EmulatorStore;
  readonly faults = new FaultInjector(operationNames);
  readonly counters = new RequestCounters();
  readonly clock: ControlledClock;
  readonly throttle: RequestThrottle;
  config: EmulatorConfig;
  private readonly initialConfig: EmulatorConfig;
  private readonly initialTimeScale: number;

  constructor(
    settings: EmulatorSettings,
    private readonly log: Logger,
  ) {
    const { clock, timeScale, seed, throttle, ...config } = settings;
    this.throttle = new RequestThrottle({ ...defaultThrottleSettings, ...withoutUndefined(throttle ?? {}) });
    this.initialConfig = { ...defaultConfig, ...withoutUndefined(config) };
    this.config = { ...this.initialConfig };
    this.clock = new ControlledClock(clock);
    this.initialTimeScale = timeScale ?? 1;
    this.clock.setScale(this.initialTimeScale);
    const random: Random = seed === undefined ? unseededRandom() : seededRandom(seed);
    this.store = new EmulatorStore(random);
  }

  /**
   * Forgets every resource, fault, counter and override, and restores the starting settings
   * (time scale included) with the clock running. Emulated time is not rewound.
   */
  reset(): void {
    this.store.clear();
    this.faults.clear();
    this.counters.reset();
    this.throttle.reset();
    this.config = { ...this.initialConfig };
    this.clock.setScale(this.initialTimeScale);
    this.clock.setFrozen(false);
  }

  async handleEfs(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const requestId = randomUUID();
    const started = Date.now();
    const method = req.method ?? 'GET';
    const match = matchRoute(method, url.pathname);
    const operation = match.route?.operation ?? 'Unknown';
    this.counters.request(operation, header(req, 'amz-sdk-invocation-id'));

    let rawBody = '';
    let bodyError: EfsError | undefined;
    try {
      rawBody = await readBody(req);
    } catch (err) {
      bodyError = badRequest(err instanceof BodyTooLarge ? err.message : 'could not read the request body');
    }

    // Like AWS's rate limiter, the throttle answers before anything else looks at the request.
    if (match.route && !this.throttle.admit(requestScope(req, this.config), operation)) {
      this.counters.throttled(operation);
      send(res, efsErrorAnswer(rateExceeded()), requestId);
      this.counters.response(operation, 400);
      return;
    }

    // Fault rules are about EFS operations; requests no operation matches are never faulted.
    const decision: FaultDecision = match.route
      ? this.faults.decide(operation, `${url.pathname}${url.search}\n${rawBody}`)
      : { applied: [], delayBeforeMs: 0 };
    if (decision.applied.length > 0) {
      this.counters.fault(operation);
      this.log.info('fault injected', { operation, rules: decision.applied, requestId });
    }
    if (decision.delayBeforeMs > 0) await sleep(decision.delayBeforeMs);
    if (decision.reset === 'before') return this.dropConnection(res, operation);

    let answer: HttpAnswer;
    if (decision.error) answer = efsErrorAnswer(decision.error);
    else if (bodyError) answer = efsErrorAnswer(bodyError);
    else if (!match.route) {
      const why = match.pathKnown
        ? `${method} is not an EFS method for ${url.pathname}`
        : `no EFS operation matches ${method} ${url.pathname}`;
      answer = efsErrorAnswer(new EfsError('UnknownOperationException', why));
    } else {
      answer = this.execute(req, url, rawBody, match.route, match.params);
    }

    if (decision.pause) await this.faults.hold(decision.pause.ruleId, decision.pause.delayMs);
    if (decision.reset === 'after') return this.dropConnection(res, operation);
    send(res, answer, requestId);
    this.counters.response(operation, answer.status);
    this.log.debug('request', {
      operation,
      method,
      path: url.pathname,
      status: answer.status,
      ms: Date.now() - started,
      requestId,
    });
  }

  /** A local STS request (AssumeRole, GetCallerIdentity); its credentials' expiry is in real time, as clients check it. */
  async handleSts(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    handleSts(req, res, body, {
      accountId: this.config.accountId,
      refusedRoleArns: this.config.refusedRoleArns,
      now: Date.now(),
    });
  }

  private execute(
    req: IncomingMessage,
    url: URL,
    rawBody: string,
    route: Route,
    params: Record<string, string>,
  ): HttpAnswer {
    try {
      const body = parseBody(rawBody);
      const now = this.clock.now();
      this.store.settleAll(now);
      const scope = requestScope(req, this.config);
      const output = route.handler(
        { store: this.store, config: this.config, scope, now },
        { params, query: url.searchParams, body },
      );
      return { status: route.status, body: output };
    } catch (err) {
      if (err instanceof EfsError) return efsErrorAnswer(err);
      this.log.error('operation failed', { operation: route.operation, error: err, stack: (err as Error).stack });
      return efsErrorAnswer(new EfsError('InternalServerError', `The EFS emulator failed: ${(err as Error).message}`));
    }
  }

  private dropConnection(res: ServerResponse, operation: string): void {
    res.socket?.destroy();
    this.counters.response(operation, 'reset');
  }
}

function parseBody(raw: string): JsonObject {
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw badRequest('The request body must be a JSON object');
  return parsed as JsonObject;
}

function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}
