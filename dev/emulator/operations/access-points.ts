import { EfsError, badRequest } from '../errors';
import {
  type AccessPointRecord,
  type PosixUser,
  type RootDirectory,
  type Tag,
  accessPointDescription,
  transition,
} from '../model';
import { paginate } from '../pagination';
import {
  type JsonObject,
  accessPointId,
  asObject,
  fileSystemId,
  integerInRange,
  pageMarker,
  maxItems,
  optionalArray,
  optionalString,
  requiredString,
} from '../validation';
import { tags } from './tags';
import { type OperationHandler, queryValue, requireAvailable } from './common';

// Request rules

export interface CreateAccessPointInput {
  clientToken: string;
  fileSystemId: string;
  tags: Tag[];
  posixUser?: PosixUser;
  rootDirectory: RootDirectory;
}

const maxId = 4294967295;
/** The API's pattern for RootDirectory.Path. */
const rootDirectoryPath = /^(\/|(\/(?!\.)+[^$#<>;`|&?{}^*/\n]+){1,4})$/;

export function createAccessPointInput(body: JsonObject): CreateAccessPointInput {
  const clientToken = requiredString(body, 'ClientToken', { min: 1, max: 64 });
  const id = fileSystemId(optionalString(body, 'FileSystemId'));
  let posixUser: PosixUser | undefined;
  if (body.PosixUser !== undefined && body.PosixUser !== null) {
    const user = asObject(body.PosixUser, 'PosixUser');
    const secondary = optionalArray(user, 'SecondaryGids');
    if (secondary !== undefined && secondary.length > 16)
      throw badRequest('PosixUser.SecondaryGids may list at most 16 ids');
    posixUser = {
      Uid: integerInRange(user.Uid, 'PosixUser.Uid', 0, maxId),
      Gid: integerInRange(user.Gid, 'PosixUser.Gid', 0, maxId),
      ...(secondary
        ? { SecondaryGids: secondary.map((g) => integerInRange(g, 'PosixUser.SecondaryGids', 0, maxId)) }
        : {}),
    };
  }
  const root = asObject(body.RootDirectory, 'RootDirectory');
  const path =
    optionalString(root, 'Path', {
      min: 1,
      max: 100,
      pattern: rootDirectoryPath,
      patternText: "an absolute path of at most 4 levels, no part starting with '.' and none of $#<>;`|&?{}^*",
    }) ?? '/';
  let creationInfo: RootDirectory['CreationInfo'];
  if (root.CreationInfo !== undefined && root.CreationInfo !== null) {
    const info = asObject(root.CreationInfo, 'RootDirectory.CreationInfo');
    creationInfo = {
      OwnerUid: integerInRange(info.OwnerUid, 'CreationInfo.OwnerUid', 0, maxId),
      OwnerGid: integerInRange(info.OwnerGid, 'CreationInfo.OwnerGid', 0, maxId),
      Permissions: requiredString(info, 'Permissions', {
        pattern: /^[0-7]{3,4}$/,
        patternText: 'an octal mode such as 755',
      }),
    };
  }
  return {
    clientToken,
    fileSystemId: id,
    tags: tags(body.Tags),
    posixUser,
    rootDirectory: creationInfo ? { Path: path, CreationInfo: creationInfo } : { Path: path },
  };
}

// Operations

export const createAccessPoint: OperationHandler = ({ store, scope, now, config }, { body }) => {
  const input = createAccessPointInput(body);
  const fs = store.fileSystem(scope, input.fileSystemId);
  requireAvailable(fs);
  const siblings = store.accessPointsIn(scope).filter((ap) => ap.fileSystemId === fs.id);
  const sameToken = siblings.find((ap) => ap.clientToken === input.clientToken);
  if (sameToken) {
    throw new EfsError(
      'AccessPointAlreadyExists',
      `Access point '${sameToken.id}' already exists with client token '${input.clientToken}'`,
      { AccessPointId: sameToken.id },
    );
  }
  if (siblings.length >= config.accessPointLimit) {
    throw new EfsError(
      'AccessPointLimitExceeded',
      `File system '${fs.id}' already has the maximum of ${config.accessPointLimit} access points`,
    );
  }
  const ap: AccessPointRecord = {
    seq: store.nextSeq(),
    id: store.newId('fsap'),
    fileSystemId: fs.id,
    region: scope.region,
    ownerId: scope.accountId,
    clientToken: input.clientToken,
    tags: input.tags,
    posixUser: input.posixUser,
    rootDirectory: input.rootDirectory,
    lifecycle: transition('creating', 'available', now, config.accessPointCreateDelayMs),
  };
  store.accessPoints.set(ap.id, ap);
  return accessPointDescription(ap);
};

export const describeAccessPoints: OperationHandler = ({ store, scope, config }, { query }) => {
  const limit = maxItems(queryValue(query, 'MaxResults'), 'MaxResults', 100);
  const token = pageMarker(queryValue(query, 'NextToken'), 'NextToken');
  const byAccessPoint = queryValue(query, 'AccessPointId');
  const byFileSystem = queryValue(query, 'FileSystemId');
  if (byAccessPoint !== undefined && byFileSystem !== undefined) {
    throw badRequest('Specify at most one of AccessPointId and FileSystemId');
  }

  let corpus: AccessPointRecord[];
  if (byAccessPoint !== undefined) {
    corpus = [store.accessPoint(scope, accessPointId(byAccessPoint))];
  } else if (byFileSystem !== undefined) {
    const fs = store.fileSystem(scope, fileSystemId(byFileSystem));
    corpus = store.accessPointsIn(scope).filter((ap) => ap.fileSystemId === fs.id);
  } else {
    corpus = store.accessPointsIn(scope);
  }

  const page = paginate(corpus, (ap) => ap.seq, {
    limit,
    marker: token,
    markerName: 'NextToken',
    pageSizeCap: config.pageSizeCap,
  });
  return {
    AccessPoints: page.items.map(accessPointDescription),
    ...(page.next !== undefined ? { NextToken: page.next } : {}),
  };
};

export const deleteAccessPoint: OperationHandler = ({ store, scope }, { params }) => {
  const ap = store.accessPoint(scope, accessPointId(params.AccessPointId));
  store.accessPoints.delete(ap.id);
  return undefined;
};
