import { type ObjectReference } from '../api/mounttarget';
import { type FieldError } from './validate';

/** How an object names its file system: an id, or a FileSystem object (ACK's `fileSystemRef`). */
export type FileSystemTarget = { fileSystemId: string } | { objectNamespace: string; objectName: string };

export function fileSystemTarget(
  spec: { fileSystemID?: string; fileSystemRef?: ObjectReference },
  objectNamespace: string,
): FileSystemTarget | FieldError {
  const name = spec.fileSystemRef?.from?.name;
  if (spec.fileSystemID && name) {
    return { field: 'spec.fileSystemRef', message: 'set either fileSystemID or fileSystemRef, not both' };
  }
  if (spec.fileSystemID) return { fileSystemId: spec.fileSystemID };
  if (name) return { objectNamespace: spec.fileSystemRef?.from?.namespace ?? objectNamespace, objectName: name };
  return {
    field: 'spec.fileSystemID',
    message: 'is required (or name a FileSystem object with fileSystemRef.from.name)',
  };
}

export function isFieldError(value: unknown): value is FieldError {
  return typeof value === 'object' && value !== null && 'field' in value && 'message' in value;
}
