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
import {
  type JsonObject,
  accessPointId,
  checkString,
  fileSystemId,
  pageMarker,
  maxItems,
  mountTargetId,
  optionalArray,
  optionalEnum,
  optionalString,
  requiredString,
} from '../validation';
import { type OperationHandler, queryValue, requireAvailable } from './common';

// Request rules

export interface CreateMountTargetInput {
  fileSystemId: string;
  subnetId: string;
  ipAddress?: string;
  securityGroups?: string[];
}

export function securityGroups(body: JsonObject): string[] | undefined {
  const raw = optionalArray(body, 'SecurityGroups');
  if (raw === undefined) return undefined;
  return raw.map((group) => {
    if (typeof group !== 'string') throw badRequest('SecurityGroups must be a list of strings');
    // Shorter than AWS's ids on purpose: the emulator's fake networking accepts `sg-web` and the like.
    checkString(group, 'Security group id', { min: 1, max: 43 });
    return group;
  });
}

export function createMountTargetInput(body: JsonObject): CreateMountTargetInput {
  const id = fileSystemId(optionalString(body, 'FileSystemId'));
  // Shorter than AWS's ids on purpose: the emulator's fake subnets are named like `subnet-a` (see network.ts).
  const subnetId = requiredString(body, 'SubnetId', { min: 1, max: 47 });
  const ipAddress = optionalString(body, 'IpAddress', { min: 7, max: 15 });
  const ipv6Address = optionalString(body, 'Ipv6Address', { min: 3, max: 39 });
  const ipAddressType = optionalEnum(body, 'IpAddressType', ['IPV4_ONLY', 'IPV6_ONLY', 'DUAL_STACK'] as const);
  if (ipv6Address !== undefined || (ipAddressType !== undefined && ipAddressType !== 'IPV4_ONLY')) {
    throw badRequest(`Subnet '${subnetId}' has no IPv6 CIDR block (the emulator's subnets are IPv4 only)`);
  }
  return { fileSystemId: id, subnetId, ipAddress, securityGroups: securityGroups(body) };
}

// Operations

export const createMountTarget: OperationHandler = ({ store, scope, now, config }, { body }) => {
  const input = createMountTargetInput(body);
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
  const limit = maxItems(queryValue(query, 'MaxItems'), 'MaxItems', 10);
  const marker = pageMarker(queryValue(query, 'Marker'), 'Marker');
  const byFileSystem = queryValue(query, 'FileSystemId');
  const byMountTarget = queryValue(query, 'MountTargetId');
  const byAccessPoint = queryValue(query, 'AccessPointId');
  if ([byFileSystem, byMountTarget, byAccessPoint].filter((v) => v !== undefined).length !== 1) {
    throw badRequest('Specify exactly one of FileSystemId, MountTargetId or AccessPointId');
  }

  let corpus: MountTargetRecord[];
  if (byMountTarget !== undefined) {
    corpus = [store.mountTarget(scope, mountTargetId(byMountTarget))];
  } else if (byFileSystem !== undefined) {
    corpus = store.mountTargetsOf(store.fileSystem(scope, fileSystemId(byFileSystem)).id);
  } else {
    corpus = store.mountTargetsOf(store.accessPoint(scope, accessPointId(byAccessPoint)).fileSystemId);
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
  const mt = store.mountTarget(scope, mountTargetId(params.MountTargetId));
  if (mt.lifecycle.state !== 'deleting')
    mt.lifecycle = transition('deleting', 'gone', now, config.mountTargetDeleteDelayMs);
  return undefined;
};

export const describeMountTargetSecurityGroups: OperationHandler = ({ store, scope }, { params }) => {
  const mt = store.mountTarget(scope, mountTargetId(params.MountTargetId));
  return { SecurityGroups: mt.securityGroups };
};

export const modifyMountTargetSecurityGroups: OperationHandler = ({ store, scope }, { params, body }) => {
  const mt = store.mountTarget(scope, mountTargetId(params.MountTargetId));
  const groups = securityGroups(body);
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
