/**
 * JSON shapes of the admin API (`/__admin/...`), shared by the server and the typed client.
 * Pure types and constants only, so any test can import them.
 */
import { type LifeCycleState } from './model';

export const adminPrefix = '/__admin';

export type FaultKind =
  /** HTTP 400 ThrottlingException "Rate exceeded", as AWS's request-rate limiter answers. */
  | 'throttling'
  /** HTTP 429 ThrottlingException, the status the EFS model gives the error. */
  | 'throttling429'
  /** HTTP 500 InternalServerError. */
  | 'internalError'
  /** HTTP 503 InsufficientThroughputCapacity. */
  | 'insufficientThroughputCapacity'
  /** HTTP 504 DependencyTimeout. */
  | 'dependencyTimeout'
  /** Any error of the catalogue: `errorCode` (and optionally `status`, `message`). */
  | 'error'
  /** The connection is destroyed before the request is processed. */
  | 'connectionReset'
  /** The request is processed (state changes happen), then the connection is destroyed: the caller never learns the result. */
  | 'responseLost'
  /** Waits `delayMs` before processing the request. */
  | 'slow'
  /** Processes the request, then holds the response for `delayMs`, or until released when `delayMs` is absent. */
  | 'pauseAfter';

export const faultKinds: readonly FaultKind[] = [
  'throttling',
  'throttling429',
  'internalError',
  'insufficientThroughputCapacity',
  'dependencyTimeout',
  'error',
  'connectionReset',
  'responseLost',
  'slow',
  'pauseAfter',
];

/**
 * A fault rule. It matches requests of `operation` (an EFS operation name such as
 * "CreateFileSystem", or "*" for all; default "*"), and fires on a matching request when all of
 * its conditions hold: `every` (the every-Nth matching request), `rate` (with this probability,
 * from an RNG seeded by `seed`), and `times` (at most this many firings; alone it means "the next
 * N calls"). With none of them it fires on every matching request.
 */
export interface FaultSpec {
  kind: FaultKind;
  operation?: string;
  every?: number;
  times?: number;
  rate?: number;
  seed?: number;
  delayMs?: number;
  errorCode?: string;
  status?: number;
  message?: string;
  /**
   * Only requests whose path, query or body contain this text match (e.g. one object's uid, which
   * is in its creation token), so tests sharing one emulator fault only their own calls.
   */
  requestIncludes?: string;
}

export interface FaultRuleStatus extends FaultSpec {
  id: string;
  operation: string;
  /** Matching requests seen so far. */
  matched: number;
  /** Times the fault was applied. */
  fired: number;
  /** Responses currently held by a `pauseAfter` rule. */
  held: number;
}

export interface OperationCounter {
  /** Requests on the wire, retries included. */
  requests: number;
  /** Logical calls: distinct `amz-sdk-invocation-id`s (a request without one counts as a call). */
  calls: number;
  /** Responses by HTTP status ("reset" for destroyed connections). */
  responses: Record<string, number>;
  /** Requests a fault rule was applied to. */
  faults: number;
  /** Requests the rate throttle answered with ThrottlingException (not processed). */
  throttled: number;
}

export interface CountersSnapshot {
  total: { requests: number; calls: number };
  operations: Record<string, OperationCounter>;
  invocations: Record<string, { operation: string; attempts: number }>;
}

/** A file system as the admin API lists it: the EFS description plus what only the emulator knows. */
export interface AdminFileSystem {
  FileSystemId: string;
  CreationToken: string;
  LifeCycleState: LifeCycleState;
  region: string;
  ownerId: string;
  /** When the pending transition happens (epoch ms), and to what; absent while the state is held. */
  nextTransition?: { at: number; state: LifeCycleState | 'gone' };
  throughputRestrictedUntil?: number;
  /** Its backup policy's status, which DescribeFileSystems does not show. */
  backupStatus?: 'ENABLED' | 'DISABLED';
  description: Record<string, unknown>;
}

export interface AdminMountTarget {
  MountTargetId: string;
  FileSystemId: string;
  LifeCycleState: LifeCycleState;
  region: string;
  nextTransition?: { at: number; state: LifeCycleState | 'gone' };
  description: Record<string, unknown>;
}

export interface CreateDelayRequest {
  /** The next create with this creation token. */
  creationToken?: string;
  /** The next N creates, whatever their token. */
  next?: number;
  /** How long they stay `creating`; null or absent holds them until `setState`. */
  delayMs?: number | null;
}

export interface ClockUpdate {
  advanceMs?: number;
  /** Epoch milliseconds or an ISO-8601 string. */
  set?: number | string;
  scale?: number;
  frozen?: boolean;
}

/** The groups of operations that each have a request-rate bucket of their own, per account and Region. */
export type OperationFamily =
  /** DescribeFileSystems. */
  | 'fileSystemReads'
  /** DescribeMountTargets, DescribeMountTargetSecurityGroups. */
  | 'mountTargetReads'
  /** DescribeAccessPoints. */
  | 'accessPointReads'
  /** DescribeBackupPolicy, DescribeLifecycleConfiguration, DescribeFileSystemPolicy, DescribeReplicationConfigurations, DescribeAccountPreferences. */
  | 'settingReads'
  /** ListTagsForResource, DescribeTags. */
  | 'tagReads'
  /** Every operation that creates, changes or deletes something. */
  | 'writes';

export interface ThrottleLimit {
  /** Tokens added a second. */
  ratePerSecond: number;
  /** Tokens a bucket holds at most: the burst it lets through at once. */
  burst: number;
}

/** The request-rate throttle: every family gets `ratePerSecond` and `burst` unless `families` says otherwise. */
export interface ThrottleSettings extends ThrottleLimit {
  enabled: boolean;
  families: Partial<Record<OperationFamily, ThrottleLimit>>;
}

/** One bucket's counts: requests it let through and requests it throttled. */
export interface ThrottleFamilyCounter {
  accountId: string;
  region: string;
  family: OperationFamily;
  allowed: number;
  throttled: number;
}

export interface ThrottleStatus {
  settings: ThrottleSettings;
  counters: ThrottleFamilyCounter[];
}
