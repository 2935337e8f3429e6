import type { CreateMountTargetCommandInput, MountTargetDescription } from '@aws-sdk/client-efs';
import { type MountTargetSpec, type MountTargetStatus } from '../api/mounttarget';
import { fileSystemTarget, isFieldError } from './references';
import { validateMountTargetFields, type FieldError } from './validate';

/** Pure rules and translations for MountTarget objects. */
export function validateMountTargetSpec(spec: MountTargetSpec | undefined, namespace: string): FieldError[] {
  const target = fileSystemTarget(spec ?? {}, namespace);
  return [...(isFieldError(target) ? [target] : []), ...validateMountTargetFields(spec)];
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
