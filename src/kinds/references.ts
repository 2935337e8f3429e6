import { fileSystemNames, ConditionType, type FileSystemObject } from '../api/filesystem';
import { type ObjectReference } from '../api/mounttarget';
import { annotations } from '../api/workflow-contract';
import { RecoverableError, TerminalError } from '../domain/errors';
import { fileSystemTarget, isFieldError } from '../domain/references';
import { type ManagerDependencies } from './managers';

/** How long a child waits before it looks at its file system again. */
const parentRetryMs = 3_000;

/**
 * The file system a MountTarget or AccessPoint belongs to, once it can take them: by id (AWS
 * says it is available) or by FileSystem object (its status names the id and says Synced). Until
 * then the error is recoverable: the dependent object waits, says what for, and tries again.
 */
export async function resolveFileSystem(
  { efs, clientFor, region }: Pick<ManagerDependencies, 'efs' | 'clientFor' | 'region'>,
  spec: { fileSystemID?: string; fileSystemRef?: ObjectReference },
  namespace: string,
): Promise<string> {
  const target = fileSystemTarget(spec, namespace);
  if (isFieldError(target)) throw new TerminalError('InvalidSpec', `${target.field} ${target.message}`);
  if ('fileSystemId' in target) {
    const fs = await efs.describeFileSystem(target.fileSystemId);
    if (!fs) throw new TerminalError('FileSystemNotFound', `EFS file system ${target.fileSystemId} does not exist`);
    if (fs.LifeCycleState !== 'available')
      throw waiting(
        'IncorrectFileSystemLifeCycleState',
        `EFS file system ${target.fileSystemId} is ${fs.LifeCycleState}`,
      );
    return target.fileSystemId;
  }
  const client = clientFor(fileSystemNames.kind);
  const list = await client.list(target.objectNamespace, undefined);
  const obj = list.items.find((o) => o.metadata.name === target.objectName) as FileSystemObject | undefined;
  const where = `FileSystem ${target.objectNamespace}/${target.objectName}`;
  if (!obj) throw waiting('ReferenceNotResolved', `${where} does not exist yet`);
  const synced = obj.status?.conditions?.find((c) => c.type === ConditionType.synced)?.status === 'True';
  if (!obj.status?.fileSystemID || !synced) throw waiting('FileSystemNotSynced', `${where} is not synced yet`);
  // A mount target or access point lives in its file system's Region: AWS would only say "not found".
  const fileSystemRegion = obj.status.ackResourceMetadata?.region;
  if (fileSystemRegion && fileSystemRegion !== region) {
    throw new TerminalError(
      'FileSystemInAnotherRegion',
      `${where} lives in ${fileSystemRegion}, but this object's Region is ${region}: ` +
        `set the annotation ${annotations.region}: ${fileSystemRegion} on it (or on neither, with its namespace's default)`,
    );
  }
  return obj.status.fileSystemID;
}

/** The step that waits already says "waiting for the file system": the message says only why. */
function waiting(reason: string, message: string): Error {
  return new RecoverableError(reason, message, parentRetryMs);
}
