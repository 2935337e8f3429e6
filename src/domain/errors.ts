/**
 * The one place where errors are classified. Every failure an activity sees (AWS, Kubernetes,
 * network, our own validation) becomes a ClassifiedError, and its class alone decides what
 * happens next, everywhere:
 *
 * - retryable:   transient (throttling, 5xx, network, write conflicts). Retried at once by the
 *                activity's retry policy; if it persists the object shows ACK.Recoverable.
 * - recoverable: the world must change first (the file system is not `available` yet, mount
 *                targets still attached, the 24-hour throughput rule). Not retried by Temporal; the
 *                workflow shows ACK.Recoverable and tries again after `retryAfterMs`.
 * - terminal:    only a spec change or a resync request can help (bad input, quota, access
 *                denied). The workflow shows ACK.Terminal and waits.
 *
 * Pure: no I/O, safe to import from workflow code.
 */
export type ErrorClass = 'retryable' | 'recoverable' | 'terminal';

export interface ClassifiedError {
  class: ErrorClass;
  /** The AWS error code, Kubernetes reason or Node error code (e.g. ThrottlingException, Conflict, ECONNRESET). */
  code: string;
  message: string;
  /** How long to wait before the next attempt, when the error says (e.g. the 24-hour rule). */
  retryAfterMs?: number;
  /** What AWS says of the resource now, when the error knows (e.g. "deleted" for one that vanished). */
  lifeCycleState?: string;
}

/**
 * Errors our own code throws to say what should happen next. The classifier recognises them
 * first, by their stable `name` (which survives serialisation), before any AWS or Kubernetes
 * shape is looked at, so no code has to dress an error up as AWS's to steer it.
 */
export class TerminalError extends Error {
  static readonly errorName = 'TerminalError';
  override readonly name = TerminalError.errorName;
  /** The reason shown on the object's condition (e.g. InvalidSpec, FileSystemNotFound). */
  constructor(
    readonly reason: string,
    message: string,
    /** What AWS says of the resource, when the error knows. */
    readonly lifeCycleState?: string,
  ) {
    super(message);
  }
}

/** The world must change first (a parent not ready yet): try again after `retryAfterMs`. */
export class RecoverableError extends Error {
  static readonly errorName = 'RecoverableError';
  override readonly name = RecoverableError.errorName;
  constructor(
    readonly reason: string,
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** Transient: retry at once (the activity's retry policy). */
export class RetryableError extends Error {
  static readonly errorName = 'RetryableError';
  override readonly name = RetryableError.errorName;
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The account of an object's namespace (services.k8s.aws/owner-account-id) has no usable role:
 * none is mapped to it in the role-account map, or STS refused to let the orchestrator assume it.
 * Recoverable: the object waits, says which account and what to add, and goes on once it is fixed.
 */
export const accountRoleReasons = {
  notMapped: 'AccountRoleNotMapped',
  assumeRoleRefused: 'AssumeRoleRefused',
} as const;

/** How soon an object whose account has no usable role looks again (ACK waits 15 s for a missing CARM role). */
export const accountRoleRetryMs = 15_000;

export function accountRoleNotMapped(accountId: string, namespace: string, configMap: string): RecoverableError {
  return new RecoverableError(
    accountRoleReasons.notMapped,
    `namespace ${namespace} puts its resources in AWS account ${accountId} (services.k8s.aws/owner-account-id), ` +
      `but ConfigMap ${configMap} maps no role to it: add the key "${accountId}" with the ARN of a role in that account ` +
      `the orchestrator may assume, e.g. arn:aws:iam::${accountId}:role/efs-orchestrator`,
    accountRoleRetryMs,
  );
}

export function assumeRoleRefused(
  accountId: string,
  roleArn: string,
  configMap: string,
  refusal: { code: string; message: string },
): RecoverableError {
  return new RecoverableError(
    accountRoleReasons.assumeRoleRefused,
    `STS refused to let the orchestrator assume ${roleArn}, the role ConfigMap ${configMap} maps to account ${accountId} ` +
      `(${refusal.code}: ${refusal.message}): fix the ARN there, or let the orchestrator's own role assume it ` +
      `(the role's trust policy, and sts:AssumeRole on it in the orchestrator's IAM policy)`,
    accountRoleRetryMs,
  );
}

/** Failure type carried by ApplicationFailure for an invalid spec: found before any AWS call. */
export const invalidSpecCode = 'InvalidSpec';

const retryableAwsCodes = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'InsufficientThroughputCapacity',
  'DependencyTimeout',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/** Conditions in AWS that pass by themselves: wait, then try again. */
const recoverableAwsCodes: Record<string, number> = {
  IncorrectFileSystemLifeCycleState: 3_000,
  IncorrectMountTargetState: 3_000,
  FileSystemInUse: 10_000,
};

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

const dayMs = 24 * 60 * 60 * 1000;

interface ErrorLike {
  name?: unknown;
  reason?: unknown;
  retryAfterMs?: unknown;
  lifeCycleState?: unknown;
  /** Set by the SDK on answers it could not decode (not enumerable). */
  $response?: { statusCode?: unknown; bodyText?: unknown } | null;
  $responseBodyText?: unknown;
  /** The EFS operation, added by our client's middleware (src/aws/efs.ts). */
  $operation?: unknown;
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
  body?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

export function classifyError(error: unknown, now: Date = new Date()): ClassifiedError {
  const err = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
  const name = typeof err.name === 'string' ? err.name : 'Error';
  const message = typeof err.message === 'string' && err.message ? err.message : name;

  const typed = classifyTyped(err, name, message);
  if (typed) return typed;

  const undecodable = classifyUndecodableAnswer(err);
  if (undecodable) return undecodable;

  // Node socket errors surface with a `code` (also inside `cause` for fetch-based clients).
  const networkCode = [err.code, (err.cause as ErrorLike | undefined)?.code].find(
    (c): c is string => typeof c === 'string' && networkCodes.has(c),
  );
  if (networkCode) return { class: 'retryable', code: networkCode, message };

  // AWS SDK v3 service errors carry `$fault` and `$metadata`.
  if (err.$metadata !== undefined || err.$fault !== undefined) return classifyAws(name, message, err, now);

  // @kubernetes/client-node ApiException: numeric `code` = HTTP status, `body` = raw Status JSON.
  if (typeof err.code === 'number') return classifyKubernetes(err.code, message, err.body);
  if (typeof err.statusCode === 'number') return classifyKubernetes(err.statusCode, message, err.body);

  if (name === 'AbortError' || name === 'TimeoutError' || name === 'FetchError') {
    return { class: 'retryable', code: name, message };
  }
  // Anything unknown is treated as transient: retrying a bug is safe (activities are idempotent),
  // giving up on a transient failure would leave the object stuck.
  return { class: 'retryable', code: name, message };
}

/** Our own typed errors, by name (instances and copies that crossed a serialisation boundary alike). */
function classifyTyped(err: ErrorLike, name: string, message: string): ClassifiedError | undefined {
  const reason = typeof err.reason === 'string' && err.reason ? err.reason : name;
  if (name === TerminalError.errorName) {
    const state = typeof err.lifeCycleState === 'string' ? { lifeCycleState: err.lifeCycleState } : {};
    return { class: 'terminal', code: reason, message, ...state };
  }
  if (name === RetryableError.errorName) return { class: 'retryable', code: reason, message };
  if (name === RecoverableError.errorName) {
    const retryAfterMs = typeof err.retryAfterMs === 'number' ? err.retryAfterMs : undefined;
    return { class: 'recoverable', code: reason, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return undefined;
}

/** How much of an unreadable answer's body a message shows. */
const bodyPreviewLength = 200;

/**
 * An answer the SDK could not decode (a 5xx with an HTML or plain-text body, as moto sends for
 * calls it lacks) arrives as a parse error whose raw response is hidden; the SDK's own message
 * only says to inspect it. Say what a person needs: the call, the HTTP status, how the body starts.
 */
function classifyUndecodableAnswer(err: ErrorLike): ClassifiedError | undefined {
  const response = err.$response;
  if (typeof response !== 'object' || response === null) return undefined;
  const status = response.statusCode;
  // Only parse failures: a modelled AWS error also carries $response, and is classified by its name.
  if (typeof status !== 'number' || err.name !== 'SyntaxError') return undefined;
  const text = err.$responseBodyText ?? response.bodyText;
  const body = typeof text === 'string' ? text : undefined;
  const operation = typeof err.$operation === 'string' ? err.$operation : 'the EFS call';
  const preview =
    body === undefined
      ? 'a body that could not be read'
      : body.trim() === ''
        ? 'an empty body'
        : `a body that is not JSON: ${JSON.stringify(body.trim().slice(0, bodyPreviewLength))}${body.trim().length > bodyPreviewLength ? '...' : ''}`;
  const message = `${operation} answered HTTP ${status} with ${preview}`;
  const code = `HTTP${status}`;
  if (status >= 500 || status === 429) return { class: 'retryable', code, message };
  return { class: 'terminal', code, message };
}

function classifyAws(name: string, message: string, err: ErrorLike, now: Date): ClassifiedError {
  const status = typeof err.$metadata?.httpStatusCode === 'number' ? err.$metadata.httpStatusCode : undefined;
  if (name === 'TooManyRequests') {
    return { class: 'recoverable', code: name, message, retryAfterMs: retryAfterFromMessage(message, now) };
  }
  if (retryableAwsCodes.has(name)) return { class: 'retryable', code: name, message };
  const waitMs = recoverableAwsCodes[name];
  if (waitMs !== undefined) return { class: 'recoverable', code: name, message, retryAfterMs: waitMs };
  if (err.$fault === 'server' || (status !== undefined && status >= 500) || status === 429) {
    return { class: 'retryable', code: name, message };
  }
  // No HTTP status and no fault: the request never got an answer (a socket or TLS error the SDK
  // decorated with `$metadata.attempts`), so it says nothing about the request itself.
  if (status === undefined && err.$fault === undefined) return { class: 'retryable', code: name, message };
  return { class: 'terminal', code: name, message };
}

function classifyKubernetes(status: number, message: string, body: unknown): ClassifiedError {
  const reason = kubernetesReason(body) ?? `HTTP${status}`;
  const detail = kubernetesMessage(body) ?? message;
  if (status === 409 || status === 429 || status >= 500) return { class: 'retryable', code: reason, message: detail };
  // 401/403 (credentials, RBAC), 404 (object gone) and 422 (invalid) do not pass by themselves.
  return { class: 'terminal', code: reason, message: detail };
}

function parseStatusBody(body: unknown): { reason?: unknown; message?: unknown } | undefined {
  if (typeof body === 'object' && body !== null) return body as { reason?: unknown; message?: unknown };
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body) as { reason?: unknown; message?: unknown };
  } catch {
    return undefined;
  }
}

function kubernetesReason(body: unknown): string | undefined {
  const reason = parseStatusBody(body)?.reason;
  return typeof reason === 'string' && reason ? reason : undefined;
}

function kubernetesMessage(body: unknown): string | undefined {
  const message = parseStatusBody(body)?.message;
  return typeof message === 'string' && message ? message : undefined;
}

/**
 * The 24-hour throughput rule says "Wait until 2026-11-29T10:00:00Z UTC and try again."; without a
 * readable time, wait a full day.
 */
export function retryAfterFromMessage(message: string, now: Date): number {
  const match = /until\s+(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?Z?)/i.exec(message);
  if (match?.[1]) {
    const until = Date.parse(match[1].endsWith('Z') ? match[1] : `${match[1]}Z`);
    if (Number.isFinite(until)) return Math.max(until - now.getTime(), 1_000);
  }
  return dayMs;
}
