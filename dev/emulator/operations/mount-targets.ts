import { EfsError, badRequest } from '../errors';
import { type MountTargetRecord, mountTargetDescription, transition } from '../model';
import {
  allocateIpAddress,
  checkRequestedIpAddress,
  checkSecurityGroups,
  defaultSecurityGroupId,
  findSubnet,
} from '../network';
import { paginate } from '../pagination';
import * as validate from '../validation';
import { type OperationHandler, queryValue, requireAvailable } from './common';

export const createMountTarget: OperationHandler = ({ store, scope, now, config }, { body }) => {
  const input = validate.createMountTargetInput(body);
  const fs = store.fileSystem(scope, input.fileSystemId);
  requireAvailable(fs);
  const subnet = findSubnet(input.subnetId, scope.region);
  const securityGroups = input.securityGroups?.length ? input.securityGroups : [defaultSecurityGroupId];
  checkSecurityGroups(securityGroups);

  if (fs.availabilityZoneName !== undefined && fs.availabilityZoneName !== subnet.availabilityZoneName) {
    throw new EfsError(
      'AvailabilityZonesMismatch',
      `One Zone file system '${fs.id}' is in ${fs.availabilityZoneName}; subnet '${subnet.id}' is in ${subnet.availabilityZoneName}`,
    );
  }
  const siblings = store.mountTargetsOf(fs.id);
  if (siblings.some((mt) => mt.vpcId !== subnet.vpcId)) {
    throw new EfsError('MountTargetConflict', `File system '${fs.id}' already has mount targets in another VPC`);
  }
  if (siblings.some((mt) => mt.availabilityZoneName === subnet.availabilityZoneName)) {
    throw new EfsError(
      'MountTargetConflict',
      `File system '${fs.id}' already has a mount target in ${subnet.availabilityZoneName}`,
    );
  }

  const inUse = new Set(
    store
      .mountTargetsIn(scope)
      .filter((mt) => mt.vpcId === subnet.vpcId)
      .map((mt) => mt.ipAddress),
  );
  if (input.ipAddress !== undefined) checkRequestedIpAddress(subnet, input.ipAddress, inUse);
  const mt: MountTargetRecord = {
    seq: store.nextSeq(),
    id: store.newId('fsmt'),
    fileSystemId: fs.id,
    region: scope.region,
    ownerId: scope.accountId,
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    availabilityZoneName: subnet.availabilityZoneName,
    availabilityZoneId: subnet.availabilityZoneId,
    ipAddress: input.ipAddress ?? allocateIpAddress(subnet, inUse),
    networkInterfaceId: store.newId('eni'),
    securityGroups,
    lifecycle: transition('creating', 'available', now, config.mountTargetCreateDelayMs),
  };
  store.mountTargets.set(mt.id, mt);
  return mountTargetDescription(mt);
};

export const describeMountTargets: OperationHandler = ({ store, scope, config }, { query }) => {
  const limit = validate.maxItems(queryValue(query, 'MaxItems'), 'MaxItems', 10);
  const marker = validate.marker(queryValue(query, 'Marker'), 'Marker');
  const byFileSystem = queryValue(query, 'FileSystemId');
  const byMountTarget = queryValue(query, 'MountTargetId');
  const byAccessPoint = queryValue(query, 'AccessPointId');
  if ([byFileSystem, byMountTarget, byAccessPoint].filter((v) => v !== undefined).length !== 1) {
    throw badRequest('Specify exactly one of FileSystemId, MountTargetId or AccessPointId');
  }

  let corpus: MountTargetRecord[];
  if (byMountTarget !== undefined) {
    corpus = [store.mountTarget(scope, validate.mountTargetId(byMountTarget))];
  } else if (byFileSystem !== undefined) {
    corpus = store.mountTargetsOf(store.fileSystem(scope, validate.fileSystemId(byFileSystem)).id);
  } else {
    corpus = store.mountTargetsOf(store.accessPoint(scope, validate.accessPointId(byAccessPoint)).fileSystemId);
  }

  const page = paginate(corpus, (mt) => mt.seq, {
    limit,
    marker,
    markerName: 'Marker',
    pageSizeCap: config.pageSizeCap,
  });
  return {
    ...(marker !== undefined ? { Marker: marker } : {}),
    MountTargets: page.items.map(mountTargetDescription),
    ...(page.next !== undefined ? { NextMarker: page.next } : {}),
  };
};

export const deleteMountTarget: OperationHandler = ({ store, scope, now, config }, { params }) => {
  const mt = store.mountTarget(scope, validate.mountTargetId(params.MountTargetId));
  if (mt.lifecycle.state !== 'deleting')
    mt.lifecycle = transition('deleting', 'gone', now, config.mountTargetDeleteDelayMs);
  return undefined;
};

export const describeMountTargetSecurityGroups: OperationHandler = ({ store, scope }, { params }) => {
  const mt = store.mountTarget(scope, validate.mountTargetId(params.MountTargetId));
  return { SecurityGroups: mt.securityGroups };
};

export const modifyMountTargetSecurityGroups: OperationHandler = ({ store, scope }, { params, body }) => {
  const mt = store.mountTarget(scope, validate.mountTargetId(params.MountTargetId));
  const groups = validate.securityGroups(body);
  if (groups === undefined || groups.length === 0)
    throw badRequest('SecurityGroups must list at least one security group');
  checkSecurityGroups(groups);
  if (mt.lifecycle.state !== 'available') {
    throw new EfsError(
      'IncorrectMountTargetState',
      `Mount target '${mt.id}' is in the '${mt.lifecycle.state}' state; this operation needs it to be 'available'.`,
    );
  }
  mt.securityGroups = groups;
  return undefined;
};
