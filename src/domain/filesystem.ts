import type { CreateFileSystemCommandInput, FileSystemDescription } from '@aws-sdk/client-efs';
import { type FileSystemSpec, type FileSystemStatus, type ObjectMeta } from '../api/filesystem';

/** Pure translations between a FileSystem object and the EFS API. */

/**
 * The CreationToken is derived from the object's uid, never from a clock: a retry after any crash
 * sends the same token and finds the same file system instead of creating a second one.
 */
export function creationTokenFor(uid: string): string {
  const token = `${creationTokenPrefix}${uid}`;
  // Kubernetes uids (36-character UUIDs) fit as they are. Anything else is shortened to a stable
  // digest, since EFS takes 1-64 ASCII characters.
  if (token.length <= maxCreationTokenLength && /^[\x21-\x7e]*$/.test(uid)) return token;
  const readable = uid.replace(/[^A-Za-z0-9-]/g, '').slice(0, 30);
  return `${creationTokenPrefix}${readable}-${fnv1a64(uid)}`;
}

const creationTokenPrefix = 'efs-orchestrator-';
const maxCreationTokenLength = 64;

/** 64-bit FNV-1a as 16 hex digits: plain arithmetic, so this module stays importable from workflow code. */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** Tags the orchestrator adds for itself, kept apart from the user's by their prefix. */
export const ownTagPrefix = 'efs-orchestrator/';

export function ownTags(meta: Pick<ObjectMeta, 'namespace' | 'name' | 'uid'>): { Key: string; Value: string }[] {
  return [
    { Key: `${ownTagPrefix}namespace`, Value: meta.namespace },
    { Key: `${ownTagPrefix}name`, Value: meta.name },
    { Key: `${ownTagPrefix}uid`, Value: meta.uid },
  ];
}

export function createFileSystemInput(
  spec: FileSystemSpec | undefined,
  meta: Pick<ObjectMeta, 'namespace' | 'name' | 'uid'>,
): CreateFileSystemCommandInput {
  const s = spec ?? {};
  const userTags = (s.tags ?? []).map((t) => ({ Key: t.key ?? '', Value: t.value ?? '' }));
  const input: CreateFileSystemCommandInput = {
    CreationToken: creationTokenFor(meta.uid),
    Tags: [...userTags.filter((t) => !t.Key.startsWith(ownTagPrefix)), ...ownTags(meta)],
  };
  if (s.performanceMode !== undefined)
    input.PerformanceMode = s.performanceMode as CreateFileSystemCommandInput['PerformanceMode'];
  if (s.throughputMode !== undefined)
    input.ThroughputMode = s.throughputMode as CreateFileSystemCommandInput['ThroughputMode'];
  if (s.throughputMode === 'provisioned') input.ProvisionedThroughputInMibps = s.provisionedThroughputInMiBps;
  if (s.encrypted !== undefined) input.Encrypted = s.encrypted;
  if (s.kmsKeyID !== undefined) input.KmsKeyId = s.kmsKeyID;
  if (s.availabilityZoneName !== undefined) input.AvailabilityZoneName = s.availabilityZoneName;
  // A One Zone file system turns backups on by default; honour an explicit backupPolicy at create.
  if (s.backupPolicy?.status !== undefined) input.Backup = s.backupPolicy.status === 'ENABLED';
  return input;
}

/** The status fields ACK reports, from a DescribeFileSystems answer. */
export function statusFromDescription(fs: FileSystemDescription, region: string): FileSystemStatus {
  const toIso = (d: Date | undefined): string | undefined =>
    d ? new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
  const status: FileSystemStatus = {
    fileSystemID: fs.FileSystemId,
    lifeCycleState: fs.LifeCycleState,
    numberOfMountTargets: fs.NumberOfMountTargets,
    ownerID: fs.OwnerId,
    creationTime: toIso(fs.CreationTime),
    ackResourceMetadata: { arn: fs.FileSystemArn, ownerAccountID: fs.OwnerId, region },
  };
  if (fs.Name !== undefined) status.name = fs.Name;
  if (fs.AvailabilityZoneId !== undefined) status.availabilityZoneID = fs.AvailabilityZoneId;
  if (fs.SizeInBytes) {
    status.sizeInBytes = {
      value: fs.SizeInBytes.Value,
      timestamp: toIso(fs.SizeInBytes.Timestamp),
      valueInIA: fs.SizeInBytes.ValueInIA,
      valueInStandard: fs.SizeInBytes.ValueInStandard,
      valueInArchive: fs.SizeInBytes.ValueInArchive,
    };
  }
  return status;
}
