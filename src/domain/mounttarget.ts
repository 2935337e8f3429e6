import type { CreateMountTargetCommandInput, MountTargetDescription } from '@aws-sdk/client-efs';
import { type MountTargetSpec, type MountTargetStatus } from '../api/mounttarget';
import { fileSystemTarget, isFieldError } from './references';
import { type FieldError } from './validate';

/** Pure rules and translations for MountTarget objects. */
export function validateMountTargetSpec(spec: MountTargetSpec | undefined, namespace: string): FieldError[] {
  const s = spec ?? {};
  const errors: FieldError[] = [];
  const target = fileSystemTarget(s, namespace);
  if (isFieldError(target)) errors.push(target);
  if (!s.subnetID) {
    errors.push({
      field: s.subnetRef ? 'spec.subnetRef' : 'spec.subnetID',
      message: s.subnetRef ? 'references to Subnet objects are not supported; set subnetID' : 'is required',
    });
  }
  if (s.subnetID && !/^subnet-[0-9a-z]{8,40}$/.test(s.subnetID)) {
    errors.push({
      field: 'spec.subnetID',
      message: `"${s.subnetID}" is not a subnet id (subnet- followed by 8-40 letters or digits, 15-47 characters in all)`,
    });
  }
  if (s.securityGroupRefs && s.securityGroupRefs.length > 0) {
    errors.push({
      field: 'spec.securityGroupRefs',
      message: 'references to SecurityGroup objects are not supported; list ids in securityGroups',
    });
  }
  if ((s.securityGroups ?? []).length > 100)
    errors.push({ field: 'spec.securityGroups', message: 'at most 100 security groups' });
  (s.securityGroups ?? []).forEach((sg, i) => {
    if (!/^sg-[0-9a-f]{8,40}$/.test(sg))
      errors.push({ field: `spec.securityGroups[${i}]`, message: `"${sg}" is not a security group id (sg-...)` });
  });
  if (s.ipAddress !== undefined && !/^(\d{1,3}\.){3}\d{1,3}$/.test(s.ipAddress)) {
    errors.push({ field: 'spec.ipAddress', message: `"${s.ipAddress}" is not an IPv4 address` });
  }
  return errors;
}

export function createMountTargetInput(
  spec: MountTargetSpec | undefined,
  fileSystemId: string,
): CreateMountTargetCommandInput {
  const s = spec ?? {};
  return {
    FileSystemId: fileSystemId,
    SubnetId: s.subnetID,
    ...(s.securityGroups ? { SecurityGroups: s.securityGroups } : {}),
    ...(s.ipAddress ? { IpAddress: s.ipAddress } : {}),
  };
}

export function mountTargetStatus(mt: MountTargetDescription): MountTargetStatus {
  return {
    mountTargetID: mt.MountTargetId,
    fileSystemID: mt.FileSystemId,
    lifeCycleState: mt.LifeCycleState,
    networkInterfaceID: mt.NetworkInterfaceId,
    vpcID: mt.VpcId,
    availabilityZoneID: mt.AvailabilityZoneId,
    availabilityZoneName: mt.AvailabilityZoneName,
    ipAddress: mt.IpAddress,
    ownerID: mt.OwnerId,
  };
}

/** Security groups are a set: order does not matter. */
export function sameSecurityGroups(desired: string[], observed: string[]): boolean {
  const a = [...new Set(desired)].sort();
  const b = [...new Set(observed)].sort();
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
