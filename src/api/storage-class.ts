/**
 * Publishing a FileSystem as a StorageClass of the EFS CSI driver: the annotations that ask for
 * it, the driver's parameters, and what the FileSystem's status says about it. Pure (workflow
 * code imports it).
 *
 * Annotations rather than a companion kind: an ACK FileSystem manifest stays valid (and applies to
 * ACK's CRD) with them, nothing needs a second object to be created, watched and kept in step with
 * the first, and a StorageClass has no life of its own beyond the file system it names.
 */

/** The CSI driver that provisions volumes from the StorageClasses we make. */
export const efsCsiProvisioner = 'efs.csi.aws.com';

/**
 * The StorageClass parameters of the EFS CSI driver's dynamic provisioning, as its documentation
 * lists them (kubernetes-sigs/aws-efs-csi-driver, README.md "Dynamic Provisioning", and
 * examples/kubernetes/dynamic_provisioning/specs/storageclass.yaml). `provisioningMode` and
 * `fileSystemId` are the orchestrator's to set; the others a user may set through annotations.
 */
export const efsCsiParameters = {
  provisioningMode: 'type of volume: efs-ap (an access point per volume), the only mode the driver provisions',
  fileSystemId: 'the file system under which access points are created',
  directoryPerms: 'permissions of the root directory the access point creates, e.g. "700"',
  uid: 'POSIX user id applied to the access point root directory',
  gid: 'POSIX group id applied to the access point root directory',
  gidRangeStart: 'start of the POSIX group id range of the access points (default 50000)',
  gidRangeEnd: 'end of the POSIX group id range (default 7000000)',
  basePath: 'path on the file system under which access point root directories are created',
  subPathPattern: 'the sub-path of each volume, e.g. ${.PVC.namespace}/${.PVC.name}',
  ensureUniqueDirectory: '"true" (default) appends a UUID to the sub-path',
  reuseAccessPoint: '"true" finds an access point again by the PVC name (static re-use)',
  az: 'Availability Zone of a One Zone file system, for cross-account mounts',
} as const;
export type EfsCsiParameter = keyof typeof efsCsiParameters;

/** Parameters the orchestrator sets itself: an annotation naming one is refused. */
export const orchestratorParameters: readonly EfsCsiParameter[] = ['provisioningMode', 'fileSystemId'];

/** The provisioning mode the driver supports for dynamic provisioning. */
export const provisioningModeAccessPoints = 'efs-ap';

/** What the driver's documentation uses and a fresh access point gets unless told otherwise. */
export const defaultDirectoryPerms = '700';

export const reclaimPolicies = ['Delete', 'Retain'] as const;
export const volumeBindingModes = ['Immediate', 'WaitForFirstConsumer'] as const;
/** Kubernetes' own defaults for a StorageClass, made explicit. EFS is regional, so binding need not wait. */
export const defaultReclaimPolicy = 'Delete';
export const defaultVolumeBindingMode = 'Immediate';

export const storageAnnotations = {
  /** The name of the StorageClass to publish for the file system. */
  storageClass: 'efs-orchestrator.io/storage-class',
  /** Prefix of one annotation per driver parameter, e.g. storage-class.efs-orchestrator.io/directoryPerms. */
  parameterPrefix: 'storage-class.efs-orchestrator.io/',
  /** Subnets to create one owned MountTarget object in each, comma-separated. */
  mountTargetSubnets: 'efs-orchestrator.io/mount-target-subnets',
  /** Security groups of those mount targets, comma-separated (default: the VPC's default group). */
  mountTargetSecurityGroups: 'efs-orchestrator.io/mount-target-security-groups',
} as const;

/** The StorageClass fields beside the driver's parameters, set through the same annotation prefix. */
export const storageClassFields = ['reclaimPolicy', 'volumeBindingMode'] as const;

/** Labels on what the orchestrator makes for a FileSystem: they name the object that owns it. */
export const ownerLabels = {
  namespace: 'efs-orchestrator.io/filesystem-namespace',
  name: 'efs-orchestrator.io/filesystem-name',
  uid: 'efs-orchestrator.io/filesystem-uid',
} as const;

/** The StorageClass as the orchestrator wants it. */
export interface DesiredStorageClass {
  name: string;
  parameters: Record<string, string>;
  reclaimPolicy: string;
  volumeBindingMode: string;
}

/** The owned MountTarget objects a FileSystem asks for. */
export interface DesiredMountTargets {
  subnets: string[];
  securityGroups?: string[];
}

/** `status.storageClass` of a FileSystem. */
export interface StorageClassStatus {
  name?: string;
  ready: boolean;
  /** CamelCase: Published, WaitingForMountTarget, NotOurs, VolumesInUse, InvalidAnnotation, ... */
  reason: string;
  message: string;
}

/** The condition that says whether the StorageClass is ready. */
export const storageClassCondition = 'StorageClassReady';
