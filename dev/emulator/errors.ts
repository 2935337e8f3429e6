/**
 * The one place that knows every error code the emulator can answer with, its HTTP status and
 * whether it is the caller's fault or the service's (status and fault as in the EFS model).
 */
export const errorCatalogue = {
  AccessPointAlreadyExists: 409,
  AccessPointLimitExceeded: 403,
  AccessPointNotFound: 404,
  AvailabilityZonesMismatch: 400,
  BadRequest: 400,
  ConflictException: 409,
  DependencyTimeout: 504,
  FileSystemAlreadyExists: 409,
  FileSystemInUse: 409,
  FileSystemLimitExceeded: 403,
  FileSystemNotFound: 404,
  IncorrectFileSystemLifeCycleState: 409,
  IncorrectMountTargetState: 409,
  InsufficientThroughputCapacity: 503,
  InternalServerError: 500,
  InvalidPolicyException: 400,
  IpAddressInUse: 409,
  MountTargetConflict: 409,
  MountTargetNotFound: 404,
  NetworkInterfaceLimitExceeded: 409,
  NoFreeAddressesInSubnet: 409,
  PolicyNotFound: 404,
  ReplicationAlreadyExists: 409,
  ReplicationNotFound: 404,
  SecurityGroupLimitExceeded: 400,
  SecurityGroupNotFound: 400,
  SubnetNotFound: 400,
  ThrottlingException: 429,
  ThroughputLimitExceeded: 400,
  TooManyRequests: 429,
  UnsupportedAvailabilityZone: 400,
  ValidationException: 400,
  // Not in the EFS model: answers for requests no EFS operation matches or the emulator does not do.
  UnknownOperationException: 404,
  NotImplemented: 501,
} as const;

export type EfsErrorCode = keyof typeof errorCatalogue;

export function isEfsErrorCode(code: string): code is EfsErrorCode {
  return Object.prototype.hasOwnProperty.call(errorCatalogue, code);
}

/** An EFS error answer: `x-amzn-errortype: <code>` and a JSON body `{ErrorCode, Message, ...extra}`. */
export class EfsError extends Error {
  override name = 'EfsError';
  readonly status: number;

  constructor(
    readonly code: EfsErrorCode,
    message: string,
    /** Extra members of the error shape, e.g. `FileSystemId` on FileSystemAlreadyExists. */
    readonly extra: Record<string, string> = {},
    status?: number,
  ) {
    super(message);
    this.status = status ?? errorCatalogue[code];
  }

  body(): Record<string, string> {
    return { ErrorCode: this.code, Message: this.message, ...this.extra };
  }
}

/** How AWS's request-rate limiter answers: HTTP 400 ThrottlingException "Rate exceeded". */
export const rateExceeded = (): EfsError => new EfsError('ThrottlingException', 'Rate exceeded', {}, 400);

export const badRequest = (message: string): EfsError => new EfsError('BadRequest', message);

export const fileSystemNotFound = (id: string): EfsError =>
  new EfsError('FileSystemNotFound', `File system '${id}' does not exist.`);

export const mountTargetNotFound = (id: string): EfsError =>
  new EfsError('MountTargetNotFound', `Mount target '${id}' does not exist.`);

export const accessPointNotFound = (id: string): EfsError =>
  new EfsError('AccessPointNotFound', `Access point '${id}' does not exist.`);
