import { type KindNames } from './filesystem';
import { type KubeObject } from './object';
import { type CommonStatus } from './status';

/** MountTarget (efs.services.k8s.aws/v1alpha1): ACK's field names. */
export const mountTargetNames: KindNames = {
  kind: 'MountTarget',
  plural: 'mounttargets',
  singular: 'mounttarget',
  listKind: 'MountTargetList',
  shortNames: ['efsmt'],
};

/** A reference to another object of this API group, by name (ACK's `...Ref.from`). */
export interface ObjectReference {
  from?: { name?: string; namespace?: string };
}

export interface MountTargetSpec {
  fileSystemID?: string;
  fileSystemRef?: ObjectReference;
  subnetID?: string;
  subnetRef?: ObjectReference;
  securityGroups?: string[];
  securityGroupRefs?: ObjectReference[];
  ipAddress?: string;
}

export type MountTargetStatus = CommonStatus & {
  mountTargetID?: string;
  fileSystemID?: string;
  networkInterfaceID?: string;
  vpcID?: string;
  availabilityZoneID?: string;
  availabilityZoneName?: string;
  ipAddress?: string;
  ownerID?: string;
};

export type MountTargetObject = KubeObject<MountTargetSpec, MountTargetStatus>;
