import { EfsError, badRequest } from '../errors';
import { type AccessPointRecord, accessPointDescription, transition } from '../model';
import { paginate } from '../pagination';
import * as validate from '../validation';
import { type OperationHandler, queryValue, requireAvailable } from './common';

export const createAccessPoint: OperationHandler = ({ store, scope, now, config }, { body }) => {
  const input = validate.createAccessPointInput(body);
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
  const limit = validate.maxItems(queryValue(query, 'MaxResults'), 'MaxResults', 100);
  const token = validate.marker(queryValue(query, 'NextToken'), 'NextToken');
  const byAccessPoint = queryValue(query, 'AccessPointId');
  const byFileSystem = queryValue(query, 'FileSystemId');
  if (byAccessPoint !== undefined && byFileSystem !== undefined) {
    throw badRequest('Specify at most one of AccessPointId and FileSystemId');
  }

  let corpus: AccessPointRecord[];
  if (byAccessPoint !== undefined) {
    corpus = [store.accessPoint(scope, validate.accessPointId(byAccessPoint))];
  } else if (byFileSystem !== undefined) {
    const fs = store.fileSystem(scope, validate.fileSystemId(byFileSystem));
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
  const ap = store.accessPoint(scope, validate.accessPointId(params.AccessPointId));
  store.accessPoints.delete(ap.id);
  return undefined;
};
