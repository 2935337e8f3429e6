import type { DestinationToCreate, ReplicationConfigurationDescription } from '@aws-sdk/client-efs';
import {
  type FileSystemSpec,
  type ReplicationConfigurationStatus,
  type ReplicationDestination,
} from '../api/filesystem';
import { type FieldError } from './validate';

/**
 * Replication of a file system to one destination, as ACK's efs-controller does it: the spec's
 * `replicationConfiguration` (absent or empty: no replication, as ACK compares it) against what
 * DescribeReplicationConfigurations reports. Pure.
 */

/** The next step towards the spec's replication, or why to wait. */
export type ReplicationStep =
  | { op: 'none' }
  | { op: 'CreateReplicationConfiguration'; destination: DestinationToCreate }
  | { op: 'DeleteReplicationConfiguration'; why: 'removed' | 'changed' }
  /** AWS is still getting there (ENABLING, DELETING): look again later. */
  | { op: 'wait'; message: string };

export function desiredDestination(spec: FileSystemSpec | undefined): ReplicationDestination | undefined {
  return spec?.replicationConfiguration?.[0];
}

export function planReplication(
  desired: ReplicationDestination | undefined,
  observed: ReplicationConfigurationDescription | undefined,
): ReplicationStep {
  const current = observed?.Destinations?.[0];
  if (!observed || !current) {
    return desired
      ? { op: 'CreateReplicationConfiguration', destination: destinationToCreate(desired) }
      : { op: 'none' };
  }
  const where = `replication to ${current.Region ?? '?'} (${current.FileSystemId ?? '?'})`;
  if (current.Status === 'DELETING') return { op: 'wait', message: `${where} is DELETING` };
  if (!desired) return { op: 'DeleteReplicationConfiguration', why: 'removed' };
  if (!sameDestination(desired, current)) return { op: 'DeleteReplicationConfiguration', why: 'changed' };
  if (current.Status === 'ENABLING') return { op: 'wait', message: `${where} is ENABLING` };
  return { op: 'none' };
}

/**
 * Whether AWS's destination is the one the spec asks for, by what AWS reports of it: the Region
 * (from the zone when only a zone is given), the existing file system and the role when the spec
 * names them. The KMS key and zone of a new destination are fixed once it exists (the CRD says so).
 */
function sameDestination(
  desired: ReplicationDestination,
  current: NonNullable<ReplicationConfigurationDescription['Destinations']>[number],
): boolean {
  const region = desired.region ?? regionOfZone(desired.availabilityZoneName);
  if (region !== undefined && region !== current.Region) return false;
  if (desired.fileSystemID !== undefined && desired.fileSystemID !== current.FileSystemId) return false;
  if (desired.roleARN !== undefined && desired.roleARN !== current.RoleArn) return false;
  return true;
}

const regionOfZone = (zone: string | undefined): string | undefined => zone?.replace(/[a-z]$/, '');

export function destinationToCreate(d: ReplicationDestination): DestinationToCreate {
  const out: DestinationToCreate = {};
  const region = d.region ?? regionOfZone(d.availabilityZoneName);
  if (region !== undefined) out.Region = region;
  if (d.availabilityZoneName !== undefined) out.AvailabilityZoneName = d.availabilityZoneName;
  if (d.fileSystemID !== undefined) out.FileSystemId = d.fileSystemID;
  if (d.kmsKeyID !== undefined) out.KmsKeyId = d.kmsKeyID;
  if (d.roleARN !== undefined) out.RoleArn = d.roleARN;
  return out;
}

/** The step in words, for the Event and the log (e.g. "CreateReplicationConfiguration eu-west-1"). */
export function describeReplicationStep(step: ReplicationStep): string {
  switch (step.op) {
    case 'CreateReplicationConfiguration':
      return `CreateReplicationConfiguration ${step.destination.Region ?? ''}${step.destination.FileSystemId ? ` into ${step.destination.FileSystemId}` : ''}`.trim();
    case 'DeleteReplicationConfiguration':
      return `DeleteReplicationConfiguration (destination ${step.why})`;
    case 'wait':
      return step.message;
    case 'none':
      return '';
  }
}

/** Status `replicationConfigurationStatus`: AWS's description with ACK's field names; empty without one. */
export function replicationStatus(
  observed: ReplicationConfigurationDescription | undefined,
): ReplicationConfigurationStatus[] {
  if (!observed) return [];
  return [
    omitUndefined({
      creationTime: iso(observed.CreationTime),
      destinations: (observed.Destinations ?? []).map((d) =>
        omitUndefined({
          fileSystemID: d.FileSystemId,
          lastReplicatedTimestamp: iso(d.LastReplicatedTimestamp),
          ownerID: d.OwnerId,
          region: d.Region,
          roleARN: d.RoleArn,
          status: d.Status,
          statusMessage: d.StatusMessage,
        }),
      ),
      originalSourceFileSystemARN: observed.OriginalSourceFileSystemArn,
      sourceFileSystemARN: observed.SourceFileSystemArn,
      sourceFileSystemID: observed.SourceFileSystemId,
      sourceFileSystemOwnerID: observed.SourceFileSystemOwnerId,
      sourceFileSystemRegion: observed.SourceFileSystemRegion,
    }),
  ];
}

const iso = (d: Date | undefined): string | undefined =>
  d ? new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;

function omitUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The rules the CRD cannot hold for every client (a spec written before the CRD had them, or by a test). */
export function replicationErrors(spec: FileSystemSpec): FieldError[] {
  const list = spec.replicationConfiguration ?? [];
  const errors: FieldError[] = [];
  const fail = (field: string, message: string): void => {
    errors.push({ field: `spec.replicationConfiguration${field}`, message });
  };
  if (list.length > 1)
    fail('', `only one destination is supported (AWS allows one per file system); got ${list.length}`);
  list.forEach((d, i) => {
    const at = `[${i}]`;
    if (d.fileSystemRef !== undefined)
      fail(
        `${at}.fileSystemRef`,
        'references are not supported here; set fileSystemID to the destination file system id',
      );
    if (d.kmsKeyRef !== undefined)
      fail(`${at}.kmsKeyRef`, 'references are not supported here; set kmsKeyID to the key id or ARN');
    if (d.roleRef !== undefined)
      fail(`${at}.roleRef`, 'references are not supported here; set roleARN to the role ARN');
    if (d.region === undefined && d.availabilityZoneName === undefined && d.fileSystemID === undefined)
      fail(at, 'needs region (or availabilityZoneName, or an existing fileSystemID)');
    if (d.fileSystemID !== undefined && (d.kmsKeyID !== undefined || d.availabilityZoneName !== undefined))
      fail(
        at,
        'kmsKeyID and availabilityZoneName shape a new destination file system; leave them out with fileSystemID',
      );
    if (d.roleARN !== undefined && d.fileSystemID === undefined)
      fail(`${at}.roleARN`, 'is for replicating into an existing file system of another account: set fileSystemID too');
    if (
      d.region !== undefined &&
      d.availabilityZoneName !== undefined &&
      regionOfZone(d.availabilityZoneName) !== d.region
    )
      fail(`${at}.availabilityZoneName`, `"${d.availabilityZoneName}" is not in region "${d.region}"`);
  });
  return errors;
}
