import {
  defaultDirectoryPerms,
  defaultReclaimPolicy,
  defaultVolumeBindingMode,
  efsCsiParameters,
  orchestratorParameters,
  ownerLabels,
  provisioningModeAccessPoints,
  reclaimPolicies,
  storageAnnotations,
  storageClassFields,
  volumeBindingModes,
  type DesiredMountTargets,
  type DesiredStorageClass,
} from '../api/storage-class';
import { maxSecurityGroups, permissionsPattern, securityGroupIdPattern, subnetIdPattern } from '../api/efs-rules';
import { matches } from './validate';

/**
 * What a FileSystem's annotations ask of its StorageClass and owned mount targets, checked before
 * anything is made; how an existing StorageClass differs from the wanted one; which
 * PersistentVolumes use a file system. Pure.
 */

export interface StorageRequest {
  storageClass?: DesiredStorageClass;
  mountTargets?: DesiredMountTargets;
  /** Every broken rule, each naming the annotation to fix. */
  errors: string[];
}

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const listOf = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
const quoted = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(', ');

/** Whether any annotation asks for storage publishing (a StorageClass or owned mount targets). */
export function storageAnnotationsOf(annotations: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(annotations)
      .filter(
        ([key]) =>
          key === storageAnnotations.storageClass ||
          key === storageAnnotations.mountTargetSubnets ||
          key === storageAnnotations.mountTargetSecurityGroups ||
          key.startsWith(storageAnnotations.parameterPrefix),
      )
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** One string that changes exactly when the storage annotations change (a new one means a new pass). */
export function storageFingerprint(annotations: Record<string, string> | undefined): string {
  const own = storageAnnotationsOf(annotations ?? {});
  return Object.keys(own).length === 0 ? '' : JSON.stringify(own);
}

/** The StorageClass and mount targets the annotations ask for, with the file system's id filled in. */
export function storageRequest(annotations: Record<string, string>, fileSystemId: string): StorageRequest {
  const errors: string[] = [];
  const own = storageAnnotationsOf(annotations);
  const prefix = storageAnnotations.parameterPrefix;
  const name = own[storageAnnotations.storageClass]?.trim();
  const settings = Object.entries(own).filter(([key]) => key.startsWith(prefix));
  const known = Object.keys(efsCsiParameters).filter((p) => !(orchestratorParameters as string[]).includes(p));

  let storageClass: DesiredStorageClass | undefined;
  if (name !== undefined) {
    if (name.length === 0 || name.length > 253 || !dnsSubdomain.test(name)) {
      errors.push(
        `${storageAnnotations.storageClass}: "${name}" is not a StorageClass name (lower-case letters, digits, '-' and '.', at most 253 characters)`,
      );
    }
    const parameters: Record<string, string> = {
      provisioningMode: provisioningModeAccessPoints,
      fileSystemId,
      directoryPerms: defaultDirectoryPerms,
    };
    let reclaimPolicy: string = defaultReclaimPolicy;
    let volumeBindingMode: string = defaultVolumeBindingMode;
    for (const [key, raw] of settings) {
      const field = key.slice(prefix.length);
      const value = raw.trim();
      if (field === 'reclaimPolicy') {
        if (!(reclaimPolicies as readonly string[]).includes(value)) {
          errors.push(`${key} must be one of ${quoted(reclaimPolicies)}, not "${value}"`);
        }
        reclaimPolicy = value;
      } else if (field === 'volumeBindingMode') {
        if (!(volumeBindingModes as readonly string[]).includes(value)) {
          errors.push(`${key} must be one of ${quoted(volumeBindingModes)}, not "${value}"`);
        }
        volumeBindingMode = value;
      } else if ((orchestratorParameters as string[]).includes(field)) {
        errors.push(`${key}: ${field} is set by the orchestrator (${parameters[field]}); remove the annotation`);
      } else if (!known.includes(field)) {
        errors.push(
          `${key}: "${field}" is not a parameter of the EFS CSI driver; known: ${[...known, ...storageClassFields].join(', ')}`,
        );
      } else {
        const problem = parameterProblem(field, value);
        if (problem) errors.push(`${key} ${problem}`);
        parameters[field] = value;
      }
    }
    const start = parameters.gidRangeStart;
    const end = parameters.gidRangeEnd;
    if (start !== undefined && end !== undefined && Number(start) > Number(end)) {
      errors.push(`${prefix}gidRangeStart (${start}) must not be greater than ${prefix}gidRangeEnd (${end})`);
    }
    storageClass = { name, parameters, reclaimPolicy, volumeBindingMode };
  }

  let mountTargets: DesiredMountTargets | undefined;
  const subnetsRaw = own[storageAnnotations.mountTargetSubnets];
  const groupsRaw = own[storageAnnotations.mountTargetSecurityGroups];
  if (subnetsRaw !== undefined) {
    const subnets = listOf(subnetsRaw);
    if (subnets.length === 0) errors.push(`${storageAnnotations.mountTargetSubnets} names no subnet`);
    for (const subnet of subnets) {
      if (!matches(subnetIdPattern, subnet)) {
        errors.push(`${storageAnnotations.mountTargetSubnets}: "${subnet}" is not a subnet id (subnet-...)`);
      }
    }
    if (new Set(subnets).size !== subnets.length) {
      errors.push(`${storageAnnotations.mountTargetSubnets} names a subnet twice (one mount target per subnet)`);
    }
    const securityGroups = groupsRaw === undefined ? undefined : listOf(groupsRaw);
    for (const group of securityGroups ?? []) {
      if (!matches(securityGroupIdPattern, group)) {
        errors.push(`${storageAnnotations.mountTargetSecurityGroups}: "${group}" is not a security group id (sg-...)`);
      }
    }
    if (securityGroups && securityGroups.length > maxSecurityGroups) {
      errors.push(`${storageAnnotations.mountTargetSecurityGroups} names more than ${maxSecurityGroups} groups`);
    }
    mountTargets = { subnets: [...new Set(subnets)], ...(securityGroups ? { securityGroups } : {}) };
  } else if (groupsRaw !== undefined) {
    errors.push(
      `${storageAnnotations.mountTargetSecurityGroups} set without ${storageAnnotations.mountTargetSubnets}: name the subnets`,
    );
  }
  return { storageClass, mountTargets, errors };
}

function parameterProblem(field: string, value: string): string | undefined {
  const integer = (v: string): boolean => /^\d{1,10}$/.test(v) && Number(v) <= 4294967295;
  switch (field) {
    case 'directoryPerms':
      return matches(permissionsPattern, value) ? undefined : `must be octal permissions such as "700", not "${value}"`;
    case 'uid':
    case 'gid':
    case 'gidRangeStart':
    case 'gidRangeEnd':
      return integer(value) ? undefined : `must be a POSIX id (0 to 4294967295), not "${value}"`;
    case 'basePath':
      return value.startsWith('/') ? undefined : `must be an absolute path (starting with /), not "${value}"`;
    case 'ensureUniqueDirectory':
    case 'reuseAccessPoint':
      return value === 'true' || value === 'false' ? undefined : `must be "true" or "false", not "${value}"`;
    default:
      return value.length > 0 ? undefined : 'must not be empty';
  }
}

/** The StorageClass fields Kubernetes keeps, as the orchestrator compares them. */
export interface ObservedStorageClass {
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  labels?: Record<string, string>;
}

/**
 * What differs between the StorageClass that exists and the one wanted, in words ("directoryPerms
 * 700 -> 750"); empty when it is current. None of these can change in place.
 */
export function storageClassDifferences(desired: DesiredStorageClass, existing: ObservedStorageClass): string[] {
  const out: string[] = [];
  const show = (v: string | undefined): string => (v === undefined ? '(unset)' : v);
  if (existing.provisioner !== undefined && existing.provisioner !== 'efs.csi.aws.com') {
    out.push(`provisioner ${existing.provisioner} -> efs.csi.aws.com`);
  }
  const keys = [...new Set([...Object.keys(existing.parameters ?? {}), ...Object.keys(desired.parameters)])].sort();
  for (const key of keys) {
    const had = existing.parameters?.[key];
    const want = desired.parameters[key];
    if (had !== want) out.push(`${key} ${show(had)} -> ${show(want)}`);
  }
  if ((existing.reclaimPolicy ?? defaultReclaimPolicy) !== desired.reclaimPolicy) {
    out.push(`reclaimPolicy ${show(existing.reclaimPolicy)} -> ${desired.reclaimPolicy}`);
  }
  if ((existing.volumeBindingMode ?? defaultVolumeBindingMode) !== desired.volumeBindingMode) {
    out.push(`volumeBindingMode ${show(existing.volumeBindingMode)} -> ${desired.volumeBindingMode}`);
  }
  return out;
}

export interface ObjectIdentityLabels {
  namespace: string;
  name: string;
  uid: string;
}

/** The labels that name the FileSystem owning a StorageClass or MountTarget object. */
export function ownerLabelsFor(owner: ObjectIdentityLabels): Record<string, string> {
  return { [ownerLabels.namespace]: owner.namespace, [ownerLabels.name]: owner.name, [ownerLabels.uid]: owner.uid };
}

/** Whether the labels name this FileSystem (this incarnation) as the owner. */
export function ownedBy(labels: Record<string, string> | undefined, owner: ObjectIdentityLabels): boolean {
  return labels?.[ownerLabels.uid] === owner.uid;
}

/** Who the labels say owns it, in words, or undefined when nothing of ours does. */
export function ownerOf(labels: Record<string, string> | undefined): string | undefined {
  const ns = labels?.[ownerLabels.namespace];
  const name = labels?.[ownerLabels.name];
  return ns && name ? `FileSystem ${ns}/${name}` : undefined;
}

/** The PersistentVolume fields that say which file system it uses. */
export interface ObservedVolume {
  name: string;
  storageClassName?: string;
  csiDriver?: string;
  volumeHandle?: string;
}

/**
 * Whether a PersistentVolume uses the file system: it is of the StorageClass, or its EFS CSI
 * volume handle names the file system (`fs-id`, `fs-id::fsap-id`, `fs-id:/path`, `fs-id:/path:fsap-id`).
 */
export function volumeUses(volume: ObservedVolume, fileSystemId: string | undefined, storageClass?: string): boolean {
  if (storageClass !== undefined && volume.storageClassName === storageClass) return true;
  if (!fileSystemId || volume.csiDriver !== 'efs.csi.aws.com' || !volume.volumeHandle) return false;
  return volume.volumeHandle.split(':')[0] === fileSystemId;
}

/** The MountTarget object a FileSystem owns in a subnet: `<filesystem>-<subnet>`, cut to a valid name. */
export function ownedMountTargetName(fileSystemName: string, subnet: string): string {
  const suffix = `-${subnet}`;
  return `${fileSystemName.slice(0, 253 - suffix.length).replace(/[-.]+$/, '')}${suffix}`;
}
