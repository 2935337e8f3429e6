import { describe, expect, it } from '@jest/globals';
import { efsCsiParameters, storageAnnotations } from '../../src/api/storage-class';
import {
  ownedMountTargetName,
  storageClassDifferences,
  storageFingerprint,
  storageRequest,
  volumeUses,
} from '../../src/domain/storage-class';

const p = storageAnnotations.parameterPrefix;
const sc = storageAnnotations.storageClass;

describe('storageRequest: what the annotations ask of the StorageClass', () => {
  it('fills in the provisioning mode, the file system and the documented default permissions', () => {
    expect(storageRequest({ [sc]: 'shared' }, 'fs-0123456789abcdef0')).toEqual({
      storageClass: {
        name: 'shared',
        parameters: { provisioningMode: 'efs-ap', fileSystemId: 'fs-0123456789abcdef0', directoryPerms: '700' },
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
      },
      mountTargets: undefined,
      errors: [],
    });
  });

  it('takes every parameter of the driver that a user may set, and the two StorageClass fields', () => {
    const request = storageRequest(
      {
        [sc]: 'shared',
        [`${p}directoryPerms`]: '0750',
        [`${p}uid`]: '1000',
        [`${p}gid`]: '1000',
        [`${p}gidRangeStart`]: '2000',
        [`${p}gidRangeEnd`]: '3000',
        [`${p}basePath`]: '/dynamic',
        [`${p}subPathPattern`]: '${.PVC.namespace}/${.PVC.name}',
        [`${p}ensureUniqueDirectory`]: 'false',
        [`${p}reuseAccessPoint`]: 'true',
        [`${p}az`]: 'us-east-1a',
        [`${p}reclaimPolicy`]: 'Retain',
        [`${p}volumeBindingMode`]: 'WaitForFirstConsumer',
      },
      'fs-1',
    );
    expect(request.errors).toEqual([]);
    expect(Object.keys(request.storageClass?.parameters ?? {}).sort()).toEqual(Object.keys(efsCsiParameters).sort());
    expect(request.storageClass).toMatchObject({ reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' });
  });

  it('refuses, naming the annotation, what the driver does not know or the orchestrator sets', () => {
    const { errors } = storageRequest(
      {
        [sc]: 'Shared_Class',
        [`${p}directoryPerm`]: '700',
        [`${p}fileSystemId`]: 'fs-2',
        [`${p}directoryPerms`]: '800',
        [`${p}gidRangeStart`]: '5000',
        [`${p}gidRangeEnd`]: '10',
        [`${p}basePath`]: 'relative',
        [`${p}ensureUniqueDirectory`]: 'yes',
        [`${p}reclaimPolicy`]: 'Recycle',
      },
      'fs-1',
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringContaining('"Shared_Class" is not a StorageClass name'),
        expect.stringMatching(
          /directoryPerm: "directoryPerm" is not a parameter of the EFS CSI driver; known: directoryPerms, uid/,
        ),
        expect.stringContaining('fileSystemId is set by the orchestrator (fs-1)'),
        expect.stringContaining(`${p}directoryPerms must be octal permissions such as "700", not "800"`),
        expect.stringContaining('gidRangeStart (5000) must not be greater than'),
        expect.stringContaining('must be an absolute path'),
        expect.stringContaining(`${p}ensureUniqueDirectory must be "true" or "false", not "yes"`),
        expect.stringContaining(`${p}reclaimPolicy must be one of "Delete", "Retain", not "Recycle"`),
      ]),
    );
    expect(errors).toHaveLength(8);
  });

  it('reads owned mount targets: subnets, optional security groups, each checked', () => {
    expect(
      storageRequest(
        {
          [storageAnnotations.mountTargetSubnets]: 'subnet-0123abcd1a, subnet-0123abcd1b',
          [storageAnnotations.mountTargetSecurityGroups]: 'sg-0123456789abcdef0',
        },
        'fs-1',
      ),
    ).toEqual({
      storageClass: undefined,
      mountTargets: { subnets: ['subnet-0123abcd1a', 'subnet-0123abcd1b'], securityGroups: ['sg-0123456789abcdef0'] },
      errors: [],
    });
    expect(
      storageRequest({ [storageAnnotations.mountTargetSubnets]: 'subnet-0123abcd1a,subnet-0123abcd1a,vpc-1' }, 'fs-1')
        .errors,
    ).toEqual([
      `${storageAnnotations.mountTargetSubnets}: "vpc-1" is not a subnet id (subnet-...)`,
      `${storageAnnotations.mountTargetSubnets} names a subnet twice (one mount target per subnet)`,
    ]);
    expect(
      storageRequest({ [storageAnnotations.mountTargetSecurityGroups]: 'sg-0123456789abcdef0' }, 'fs-1').errors,
    ).toEqual([
      `${storageAnnotations.mountTargetSecurityGroups} set without ${storageAnnotations.mountTargetSubnets}: name the subnets`,
    ]);
  });
});

describe('storageFingerprint', () => {
  it('is empty without storage annotations and changes with any of them, not with others', () => {
    expect(storageFingerprint({ 'services.k8s.aws/deletion-policy': 'retain' })).toBe('');
    expect(storageFingerprint(undefined)).toBe('');
    const a = storageFingerprint({ [sc]: 'x', [`${p}basePath`]: '/a', other: '1' });
    expect(storageFingerprint({ [`${p}basePath`]: '/a', [sc]: 'x', other: '2' })).toBe(a);
    expect(storageFingerprint({ [sc]: 'x', [`${p}basePath`]: '/b' })).not.toBe(a);
  });
});

describe('storageClassDifferences', () => {
  const desired = {
    name: 'x',
    parameters: { provisioningMode: 'efs-ap', fileSystemId: 'fs-1', directoryPerms: '700' },
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
  it('is empty when the StorageClass is current (Kubernetes defaults count as set)', () => {
    expect(
      storageClassDifferences(desired, { provisioner: 'efs.csi.aws.com', parameters: { ...desired.parameters } }),
    ).toEqual([]);
  });
  it('names each difference', () => {
    expect(
      storageClassDifferences(desired, {
        provisioner: 'efs.csi.aws.com',
        parameters: { provisioningMode: 'efs-ap', fileSystemId: 'fs-1', directoryPerms: '750', basePath: '/a' },
        reclaimPolicy: 'Retain',
      }),
    ).toEqual(['basePath /a -> (unset)', 'directoryPerms 750 -> 700', 'reclaimPolicy Retain -> Delete']);
  });
});

describe('volumeUses', () => {
  it('matches the StorageClass, or an EFS volume handle naming the file system in any documented form', () => {
    const csi = (volumeHandle: string) => ({ name: 'pv', csiDriver: 'efs.csi.aws.com', volumeHandle });
    expect(volumeUses({ name: 'pv', storageClassName: 'x' }, 'fs-1', 'x')).toBe(true);
    expect(volumeUses({ name: 'pv', storageClassName: 'y' }, 'fs-1', 'x')).toBe(false);
    for (const handle of ['fs-1', 'fs-1::fsap-1', 'fs-1:/data', 'fs-1:/data:fsap-1']) {
      expect(volumeUses(csi(handle), 'fs-1')).toBe(true);
    }
    expect(volumeUses(csi('fs-12::fsap-1'), 'fs-1')).toBe(false);
    expect(volumeUses({ name: 'pv', csiDriver: 'other.csi', volumeHandle: 'fs-1' }, 'fs-1')).toBe(false);
  });
});

describe('ownedMountTargetName', () => {
  it('is <filesystem>-<subnet>, cut to a valid object name', () => {
    expect(ownedMountTargetName('shared', 'subnet-0123abcd1a')).toBe('shared-subnet-0123abcd1a');
    const long = ownedMountTargetName(`${'a'.repeat(240)}-b`, 'subnet-0123abcd1a');
    expect(long.length).toBeLessThanOrEqual(253);
    expect(long.endsWith('-subnet-0123abcd1a')).toBe(true);
  });
});
