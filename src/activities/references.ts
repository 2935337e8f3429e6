import { fileSystemNames, ConditionType, type FileSystemObject } from '../api/filesystem';
import { type EfsGateway } from '../aws/efs';
import { type FileSystemTarget } from '../domain/references';
import { type ObjectClients } from './objects';

/**
 * The file system a MountTarget or AccessPoint belongs to, once it can take them: by id (AWS
 * says it is available) or by FileSystem object (its status names the id and says Synced). Until
 * then the error is recoverable: the dependent object waits, says what for, and tries again.
 */
export async function resolveFileSystem(
  efs: EfsGateway,
  clientFor: ObjectClients,
  target: FileSystemTarget,
): Promise<string> {
  if ('fileSystemId' in target) {
    const fs = await efs.describeFileSystem(target.fileSystemId);
    if (!fs)
      throw Object.assign(new Error(`EFS file system ${target.fileSystemId} does not exist`), {
        name: 'FileSystemNotFound',
        $fault: 'client',
      });
    if (fs.LifeCycleState !== 'available')
      throw waiting(`EFS file system ${target.fileSystemId} is ${fs.LifeCycleState}`);
    return target.fileSystemId;
  }
  const client = clientFor(fileSystemNames.kind);
  const list = await client.list(target.objectNamespace, undefined);
  const obj = list.items.find((o) => o.metadata.name === target.objectName) as FileSystemObject | undefined;
  const where = `FileSystem ${target.objectNamespace}/${target.objectName}`;
  if (!obj) throw waiting(`${where} does not exist yet`);
  const synced = obj.status?.conditions?.find((c) => c.type === ConditionType.synced)?.status === 'True';
  if (!obj.status?.fileSystemID || !synced) throw waiting(`${where} is not synced yet`);
  return obj.status.fileSystemID;
}

/** IncorrectFileSystemLifeCycleState is recoverable: the classifier waits and retries. */
function waiting(message: string): Error {
  return Object.assign(new Error(`waiting for the file system: ${message}`), {
    name: 'IncorrectFileSystemLifeCycleState',
    $fault: 'client',
  });
}
