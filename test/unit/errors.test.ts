import { describe, expect, it } from '@jest/globals';
import {
  AccessPointLimitExceeded,
  AccessPointNotFound,
  AvailabilityZonesMismatch,
  BadRequest,
  DependencyTimeout,
  EFSServiceException,
  FileSystemAlreadyExists,
  FileSystemInUse,
  FileSystemLimitExceeded,
  FileSystemNotFound,
  IncorrectFileSystemLifeCycleState,
  IncorrectMountTargetState,
  InsufficientThroughputCapacity,
  InternalServerError,
  InvalidPolicyException,
  IpAddressInUse,
  MountTargetConflict,
  MountTargetNotFound,
  NetworkInterfaceLimitExceeded,
  NoFreeAddressesInSubnet,
  PolicyNotFound,
  ReplicationNotFound,
  SecurityGroupLimitExceeded,
  SecurityGroupNotFound,
  SubnetNotFound,
  ThrottlingException,
  ThroughputLimitExceeded,
  TooManyRequests,
  UnsupportedAvailabilityZone,
  ValidationException,
  DescribeReplicationConfigurationsCommand,
} from '@aws-sdk/client-efs';
import { Readable } from 'node:stream';
import { ApiException } from '@kubernetes/client-node';
import { createEfsClient } from '../../src/aws/efs';
import {
  classifyError,
  RecoverableError,
  RetryableError,
  retryAfterFromMessage,
  TerminalError,
  type ErrorClass,
} from '../../src/domain/errors';

/**
 * Every row of the error table in the EFS reference (§4), with errors built the way
 * @aws-sdk/client-efs 3.1141.0 builds them: the modelled exception class, `$fault` from the model
 * and `$metadata.httpStatusCode` from the response.
 */

type ExceptionClass = new (opts: {
  message: string;
  $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number; totalRetryDelay?: number };
  ErrorCode: string;
  Message?: string;
  /** Only FileSystemAlreadyExists models it; the others ignore it. */
  FileSystemId: string;
}) => EFSServiceException;

function awsError(
  Exception: ExceptionClass,
  httpStatusCode: number,
  message = `${Exception.name} from EFS`,
): EFSServiceException {
  return new Exception({
    message,
    ErrorCode: Exception.name,
    Message: message,
    FileSystemId: 'fs-0123456789abcdef0',
    $metadata: { httpStatusCode, requestId: 'c0ffee00-0000-4000-8000-000000000000', attempts: 1, totalRetryDelay: 0 },
  });
}

interface Row {
  Exception: ExceptionClass;
  status: number;
  fault: 'client' | 'server';
  expected: ErrorClass;
}

const table: Row[] = [
  // BadRequest / ValidationException / InvalidPolicyException: a spec bug.
  { Exception: BadRequest, status: 400, fault: 'client', expected: 'terminal' },
  { Exception: ValidationException, status: 400, fault: 'client', expected: 'terminal' },
  { Exception: InvalidPolicyException, status: 400, fault: 'client', expected: 'terminal' },
  // FileSystemAlreadyExists is adopted by the EFS client before it is ever classified; if it does
  // reach the classifier, retrying the same create cannot help.
  { Exception: FileSystemAlreadyExists, status: 409, fault: 'client', expected: 'terminal' },
  // Quotas.
  { Exception: FileSystemLimitExceeded, status: 403, fault: 'client', expected: 'terminal' },
  { Exception: AccessPointLimitExceeded, status: 403, fault: 'client', expected: 'terminal' },
  // Not found: callers treat these as "absent" by name; as failures they do not pass by themselves.
  { Exception: FileSystemNotFound, status: 404, fault: 'client', expected: 'terminal' },
  { Exception: MountTargetNotFound, status: 404, fault: 'client', expected: 'terminal' },
  { Exception: AccessPointNotFound, status: 404, fault: 'client', expected: 'terminal' },
  { Exception: PolicyNotFound, status: 404, fault: 'client', expected: 'terminal' },
  { Exception: ReplicationNotFound, status: 404, fault: 'client', expected: 'terminal' },
  // The world must change first: mount targets to go, the file system to become available.
  { Exception: FileSystemInUse, status: 409, fault: 'client', expected: 'recoverable' },
  { Exception: IncorrectFileSystemLifeCycleState, status: 409, fault: 'client', expected: 'recoverable' },
  { Exception: IncorrectMountTargetState, status: 409, fault: 'client', expected: 'recoverable' },
  // Operator action.
  { Exception: MountTargetConflict, status: 409, fault: 'client', expected: 'terminal' },
  { Exception: IpAddressInUse, status: 409, fault: 'client', expected: 'terminal' },
  { Exception: NoFreeAddressesInSubnet, status: 409, fault: 'client', expected: 'terminal' },
  { Exception: NetworkInterfaceLimitExceeded, status: 409, fault: 'client', expected: 'terminal' },
  { Exception: ThroughputLimitExceeded, status: 400, fault: 'client', expected: 'terminal' },
  { Exception: UnsupportedAvailabilityZone, status: 400, fault: 'client', expected: 'terminal' },
  { Exception: AvailabilityZonesMismatch, status: 400, fault: 'client', expected: 'terminal' },
  { Exception: SubnetNotFound, status: 400, fault: 'client', expected: 'terminal' },
  { Exception: SecurityGroupNotFound, status: 400, fault: 'client', expected: 'terminal' },
  { Exception: SecurityGroupLimitExceeded, status: 400, fault: 'client', expected: 'terminal' },
  // Throttling: real rate limiting arrives as HTTP 400 "Rate exceeded"; the model says 429.
  { Exception: ThrottlingException, status: 400, fault: 'client', expected: 'retryable' },
  { Exception: ThrottlingException, status: 429, fault: 'client', expected: 'retryable' },
  // Server faults.
  { Exception: InsufficientThroughputCapacity, status: 503, fault: 'server', expected: 'retryable' },
  { Exception: InternalServerError, status: 500, fault: 'server', expected: 'retryable' },
  { Exception: DependencyTimeout, status: 504, fault: 'server', expected: 'retryable' },
];

describe('classifyError: AWS service errors (EFS reference §4)', () => {
  it.each(table)(
    '$Exception.name (HTTP $status, $fault fault) is $expected',
    ({ Exception, status, fault, expected }) => {
      const error = awsError(Exception, status);
      // The classes carry the model's fault; check the fixture is what the SDK would throw.
      expect(error.$fault).toBe(fault);
      expect(error.name).toBe(Exception.name);

      const classified = classifyError(error);
      expect(classified.class).toBe(expected);
      expect(classified.code).toBe(Exception.name);
      expect(classified.message).toBe(`${Exception.name} from EFS`);
    },
  );

  it('waits a few seconds for a lifecycle state to settle and longer for mount targets to go', () => {
    const lifecycle = classifyError(awsError(IncorrectFileSystemLifeCycleState, 409));
    const inUse = classifyError(awsError(FileSystemInUse, 409));
    expect(lifecycle.retryAfterMs).toBeGreaterThan(0);
    expect(lifecycle.retryAfterMs).toBeLessThanOrEqual(10_000);
    expect(inUse.retryAfterMs).toBeGreaterThan(0);
    expect(inUse.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('does not invent a wait for retryable or terminal errors', () => {
    expect(classifyError(awsError(ThrottlingException, 400)).retryAfterMs).toBeUndefined();
    expect(classifyError(awsError(BadRequest, 400)).retryAfterMs).toBeUndefined();
  });
});

describe('classifyError: the 24-hour throughput rule (TooManyRequests, HTTP 429)', () => {
  const message =
    'You have reached the maximum number of throughput mode changes or provisioned throughput value decreases. ' +
    'Wait until 2026-11-29T10:00:00Z UTC and try again.';
  const now = new Date('2026-11-28T12:34:56Z');

  it('is not retried by Temporal and waits until the time the message names', () => {
    const classified = classifyError(awsError(TooManyRequests, 429, message), now);
    expect(classified.class).toBe('recoverable');
    expect(classified.code).toBe('TooManyRequests');
    expect(classified.message).toBe(message);
    // 12:34:56 -> 10:00:00 the next day = 21 h 25 min 4 s.
    expect(classified.retryAfterMs).toBe(((21 * 60 + 25) * 60 + 4) * 1000);
  });

  it('reads the time without seconds, and without the Z', () => {
    expect(retryAfterFromMessage('Wait until 2026-11-29T10:00Z UTC and try again.', now)).toBe(
      ((21 * 60 + 25) * 60 + 4) * 1000,
    );
    expect(retryAfterFromMessage('Wait until 2026-11-29T10:00:00 UTC and try again.', now)).toBe(
      ((21 * 60 + 25) * 60 + 4) * 1000,
    );
  });

  it('waits a full day when the message names no time', () => {
    const classified = classifyError(awsError(TooManyRequests, 429, 'Too many requests.'), now);
    expect(classified.class).toBe('recoverable');
    expect(classified.retryAfterMs).toBe(24 * 60 * 60 * 1000);
  });

  it('waits at least a second when the named time has already passed', () => {
    expect(retryAfterFromMessage(message, new Date('2026-11-30T00:00:00Z'))).toBe(1_000);
  });
});

describe('classifyError: other shapes the SDK produces', () => {
  it('a non-JSON 5xx body (SyntaxError deserialization error with HTTP 500) is retryable', () => {
    const error = Object.assign(
      new SyntaxError(
        'Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
      ),
      {
        $metadata: { httpStatusCode: 500, attempts: 3, totalRetryDelay: 120 },
      },
    );
    expect(classifyError(error)).toMatchObject({ class: 'retryable', code: 'SyntaxError' });
  });

  it('an error without a modelled type (name "Unknown") is judged by its status', () => {
    const unknown = (httpStatusCode: number, $fault: 'client' | 'server'): Error =>
      Object.assign(new Error('UnknownError'), { name: 'Unknown', $fault, $metadata: { httpStatusCode } });
    expect(classifyError(unknown(400, 'client')).class).toBe('terminal');
    expect(classifyError(unknown(502, 'server')).class).toBe('retryable');
    expect(classifyError(unknown(429, 'client')).class).toBe('retryable');
  });

  it('an SDK request timeout (TimeoutError) is retryable', () => {
    const error = Object.assign(new Error('Connection timed out after 1000 ms'), {
      name: 'TimeoutError',
      $metadata: { attempts: 3, totalRetryDelay: 80 },
    });
    expect(classifyError(error)).toMatchObject({ class: 'retryable', code: 'TimeoutError' });
  });

  it('a transport failure the SDK decorated with $metadata but no HTTP status is retryable, whatever its code', () => {
    const error = Object.assign(
      new Error('write EPROTO 00F8A1B2:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'),
      {
        code: 'EPROTO',
        $metadata: { attempts: 3, totalRetryDelay: 60 },
      },
    );
    expect(classifyError(error).class).toBe('retryable');
  });
});

describe('classifyError: Node socket errors', () => {
  const socketError = (code: string, syscall = 'connect'): NodeJS.ErrnoException =>
    Object.assign(new Error(`${syscall} ${code} 127.0.0.1:4566`), {
      code,
      errno: -111,
      syscall,
      address: '127.0.0.1',
      port: 4566,
    });

  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EAI_AGAIN',
    'ENOTFOUND',
    'ECONNABORTED',
  ])('%s is retryable and keeps its code', (code) => {
    expect(classifyError(socketError(code))).toEqual({
      class: 'retryable',
      code,
      message: `connect ${code} 127.0.0.1:4566`,
    });
  });

  it('is retryable also after the SDK added $metadata (socket errors surface that way after its retries)', () => {
    const error = Object.assign(socketError('ECONNREFUSED'), { $metadata: { attempts: 3, totalRetryDelay: 50 } });
    expect(classifyError(error)).toMatchObject({ class: 'retryable', code: 'ECONNREFUSED' });
  });

  it('is found inside `cause`, where fetch-based clients put it', () => {
    const error = new TypeError('fetch failed', { cause: socketError('ECONNRESET', 'read') });
    expect(classifyError(error)).toEqual({ class: 'retryable', code: 'ECONNRESET', message: 'fetch failed' });
  });

  it('a node-fetch FetchError carrying a socket code is retryable', () => {
    const error = Object.assign(
      new Error('request to https://127.0.0.1:6443/apis failed, reason: connect ECONNREFUSED 127.0.0.1:6443'),
      {
        name: 'FetchError',
        type: 'system',
        code: 'ECONNREFUSED',
        errno: 'ECONNREFUSED',
      },
    );
    expect(classifyError(error)).toMatchObject({ class: 'retryable', code: 'ECONNREFUSED' });
  });
});

describe('classifyError: Kubernetes ApiException', () => {
  const headers = { 'content-type': 'application/json', 'audit-id': '5b1c3e2a-4d6f-4b8e-9a0c-1d2e3f4a5b6c' };
  const status = (code: number, reason: string, message: string): string =>
    JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  const apiException = (code: number, reason: string, message: string): ApiException<string> =>
    new ApiException(code, 'Unknown API Status Code!', status(code, reason, message), headers);

  it('404 NotFound (the object is gone) is terminal, with the reason and the Status message', () => {
    const message = 'filesystems.efs.services.k8s.aws "shared" not found';
    expect(classifyError(apiException(404, 'NotFound', message))).toEqual({
      class: 'terminal',
      code: 'NotFound',
      message,
    });
  });

  it('409 Conflict (a concurrent write) is retryable', () => {
    const message =
      'Operation cannot be fulfilled on filesystems.efs.services.k8s.aws "shared": the object has been modified; please apply your changes to the latest version and try again';
    expect(classifyError(apiException(409, 'Conflict', message))).toEqual({
      class: 'retryable',
      code: 'Conflict',
      message,
    });
  });

  it('422 Invalid (the API server refused the object) is terminal', () => {
    const message =
      'FileSystem.efs.services.k8s.aws "shared" is invalid: spec: Invalid value: "object": spec.performanceMode is immutable';
    expect(classifyError(apiException(422, 'Invalid', message))).toEqual({
      class: 'terminal',
      code: 'Invalid',
      message,
    });
  });

  it('500 InternalError is retryable', () => {
    const message = 'Internal error occurred: etcdserver: request timed out';
    expect(classifyError(apiException(500, 'InternalError', message))).toEqual({
      class: 'retryable',
      code: 'InternalError',
      message,
    });
  });

  it('429 TooManyRequests (API priority and fairness) is retryable', () => {
    expect(
      classifyError(apiException(429, 'TooManyRequests', 'Too many requests, please try again later.')).class,
    ).toBe('retryable');
  });

  it('403 Forbidden (RBAC) is terminal', () => {
    const message =
      'filesystems.efs.services.k8s.aws "shared" is forbidden: User "system:serviceaccount:x:y" cannot patch resource';
    expect(classifyError(apiException(403, 'Forbidden', message))).toEqual({
      class: 'terminal',
      code: 'Forbidden',
      message,
    });
  });

  it('401 without a body (client-node throws "Unauthorized" with body undefined) is terminal and named by its status', () => {
    const error = new ApiException(401, 'Unauthorized', undefined, headers);
    const classified = classifyError(error);
    expect(classified.class).toBe('terminal');
    expect(classified.code).toBe('HTTP401');
    expect(classified.message).toContain('Unauthorized');
  });

  it('a body that is not a Status (an HTML error page) falls back to the status code', () => {
    const error = new ApiException(
      503,
      'Unknown API Status Code!',
      '<html><body>Service Unavailable</body></html>',
      headers,
    );
    expect(classifyError(error)).toMatchObject({ class: 'retryable', code: 'HTTP503' });
  });

  it('an already-parsed Status body is read too', () => {
    const error = new ApiException(404, 'Not Found', { kind: 'Status', reason: 'NotFound', message: 'gone' }, headers);
    expect(classifyError(error)).toEqual({ class: 'terminal', code: 'NotFound', message: 'gone' });
  });
});

describe('classifyError: anything else', () => {
  it('an unknown Error is retryable (activities are idempotent; giving up on a transient failure would leave the object stuck)', () => {
    expect(classifyError(new RangeError('boom'))).toEqual({ class: 'retryable', code: 'RangeError', message: 'boom' });
  });

  it('AbortError is retryable', () => {
    expect(classifyError(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }))).toMatchObject({
      class: 'retryable',
      code: 'AbortError',
    });
  });

  it('a thrown string or null still yields a classification with a message', () => {
    expect(classifyError('plain text')).toEqual({ class: 'retryable', code: 'Error', message: 'plain text' });
    expect(classifyError(null)).toEqual({ class: 'retryable', code: 'Error', message: 'null' });
  });

  it('an error with an empty message is described by its name', () => {
    expect(classifyError(awsError(BadRequest, 400, '')).message).toBe('BadRequest');
  });
});

describe('classifyError: an answer the SDK cannot decode', () => {
  /** The real client and its deserialiser, answered by a handler instead of a network: 5xx, HTML body. */
  async function undecodableAnswer(statusCode: number, body: string): Promise<unknown> {
    const client = createEfsClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: {
        handle: async () => ({
          response: {
            statusCode,
            reason: 'Internal Server Error',
            headers: { 'content-type': 'text/html' },
            body: Readable.from([Buffer.from(body)]),
          },
        }),
      },
    });
    return client.send(new DescribeReplicationConfigurationsCommand({})).then(
      () => {
        throw new Error('the call succeeded');
      },
      (err: unknown) => err,
    );
  }

  it('names the operation, the HTTP status and the start of the body, not the SDK hint', async () => {
    const html = `<!doctype html><html><head><title>500 Internal Server Error</title></head><body>${'x'.repeat(500)}</body></html>`;
    const classified = classifyError(await undecodableAnswer(500, html));
    expect(classified.class).toBe('retryable');
    expect(classified.code).toBe('HTTP500');
    expect(classified.message).toContain('DescribeReplicationConfigurations answered HTTP 500');
    expect(classified.message).toContain('<!doctype html><html><head><title>500 Internal Server Error');
    expect(classified.message).not.toContain('$response');
    expect(classified.message.length).toBeLessThan(400);
  });

  it('a 4xx body that is not JSON is terminal, with the same words', async () => {
    const classified = classifyError(await undecodableAnswer(400, 'Bad request, sorry'));
    expect(classified).toMatchObject({ class: 'terminal', code: 'HTTP400' });
    expect(classified.message).toBe(
      'DescribeReplicationConfigurations answered HTTP 400 with a body that is not JSON: "Bad request, sorry"',
    );
  });
});

describe('classifyError: the typed errors our code throws', () => {
  it('TerminalError, RecoverableError and RetryableError decide the class by type, with their reason', () => {
    expect(classifyError(new TerminalError('InvalidSpec', 'spec.x is wrong'))).toEqual({
      class: 'terminal',
      code: 'InvalidSpec',
      message: 'spec.x is wrong',
    });
    expect(classifyError(new RecoverableError('ReferenceNotResolved', 'waiting', 4_000))).toEqual({
      class: 'recoverable',
      code: 'ReferenceNotResolved',
      message: 'waiting',
      retryAfterMs: 4_000,
    });
    expect(classifyError(new RetryableError('Busy', 'try again'))).toEqual({
      class: 'retryable',
      code: 'Busy',
      message: 'try again',
    });
  });

  it('are recognised before any AWS shape: a typed error that also looks like AWS keeps its class', () => {
    const dressed = Object.assign(new TerminalError('Gone', 'gone'), {
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    expect(classifyError(dressed).class).toBe('terminal');
  });

  it('keep their names across serialisation (a plain copy classifies the same)', () => {
    const copy = JSON.parse(
      JSON.stringify({
        ...new RecoverableError('ParentNotReady', 'later', 1_000),
        message: 'later',
        name: 'RecoverableError',
      }),
    ) as unknown;
    expect(classifyError(copy)).toMatchObject({ class: 'recoverable', code: 'ParentNotReady', retryAfterMs: 1_000 });
  });
});
