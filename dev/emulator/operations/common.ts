import { EfsError } from '../errors';
import { type FileSystemRecord, type Scope } from '../model';
import { type OperationContext } from '../store';
import { type JsonObject } from '../validation';

/** A parsed EFS request: path labels (decoded), the query string and the JSON body. */
export interface OperationRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: JsonObject;
}

/** Returns the response body (serialized as JSON), or undefined for an empty body. */
export type OperationHandler = (context: OperationContext, request: OperationRequest) => unknown;

export const queryValue = (query: URLSearchParams, name: string): string | undefined => query.get(name) ?? undefined;

export function requireAvailable(fs: FileSystemRecord): void {
  if (fs.lifecycle.state !== 'available') {
    throw new EfsError(
      'IncorrectFileSystemLifeCycleState',
      `File system '${fs.id}' is in the '${fs.lifecycle.state}' state; this operation needs it to be 'available'.`,
    );
  }
}

/** FileSystemLimitExceeded once the account has its limit of file systems in the Region. */
export function requireRoomForFileSystem({ store, config }: OperationContext, scope: Scope): void {
  if (store.fileSystemsIn(scope).length >= config.fileSystemLimit) {
    throw new EfsError(
      'FileSystemLimitExceeded',
      `You have reached the maximum number of file systems (${config.fileSystemLimit}) for account ${scope.accountId} in ${scope.region}`,
    );
  }
}
