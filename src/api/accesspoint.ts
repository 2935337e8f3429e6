import { type KindNames, type Tag } from './filesystem';
import { type ObjectReference } from './mounttarget';
import { type KubeObject } from './object';
import { type CommonStatus } from './status';

/** AccessPoint (efs.services.k8s.aws/v1alpha1): ACK's field names. */
export const accessPointNames: KindNames = {
  kind: 'AccessPoint',
  plural: 'accesspoints',
  singular: 'accesspoint',
  listKind: 'AccessPointList',
  shortNames: ['efsap'],
};

export interface AccessPointSpec {
  fileSystemID?: string;
  fileSystemRef?: ObjectReference;
  posixUser?: { gid?: number; uid?: number; secondaryGIDs?: number[] };
  rootDirectory?: { path?: string; creationInfo?: { ownerGID?: number; ownerUID?: number; permissions?: string } };
  tags?: Tag[];
}

export type AccessPointStatus = CommonStatus & {
  accessPointID?: string;
  accessPointARN?: string;
  fileSystemID?: string;
  name?: string;
  ownerID?: string;
};

export type AccessPointObject = KubeObject<AccessPointSpec, AccessPointStatus>;
