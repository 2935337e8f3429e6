import { describe, expect, it } from '@jest/globals';
import { fileSystemReferences, mountTargetReferences } from '../../src/api/references';
import { classifyError } from '../../src/domain/errors';
import { validateMountTargetSpec } from '../../src/domain/mounttarget';
import {
  createOnlyConflict,
  referencedValue,
  referenceFieldErrors,
  referenceTargets,
  resolvedValues,
  specWithValues,
  usesReferences,
} from '../../src/domain/references';
import { validateFileSystemSpec } from '../../src/domain/validate';

/** The rules of references to other ACK controllers' objects (pure: no Kubernetes, no AWS). */
const synced = { type: 'ACK.ResourceSynced', status: 'True' };
const subnet = (status: Record<string, unknown>) => ({ metadata: { name: 'app' }, status });

function failureOf(run: () => unknown) {
  try {
    run();
  } catch (err) {
    return classifyError(err);
  }
  throw new Error('expected a failure');
}

describe('which objects a spec references', () => {
  it('names each one, in the object’s namespace unless from.namespace says another', () => {
    const spec = {
      subnetRef: { from: { name: 'app' } },
      securityGroupRefs: [{ from: { name: 'web' } }, { from: { name: 'shared', namespace: 'net' } }],
    };
    expect(usesReferences(mountTargetReferences, spec)).toBe(true);
    expect(
      referenceTargets(mountTargetReferences, spec, 'team').map((t) => [t.field.target.kind, t.namespace, t.name]),
    ).toEqual([
      ['Subnet', 'team', 'app'],
      ['SecurityGroup', 'team', 'web'],
      ['SecurityGroup', 'net', 'shared'],
    ]);
  });

  it('a spec of plain ids uses none', () => {
    expect(usesReferences(mountTargetReferences, { subnetID: 'subnet-0123abcd1a', securityGroupRefs: [] })).toBe(false);
    expect(usesReferences(fileSystemReferences, { kmsKeyID: 'alias/x', encrypted: true })).toBe(false);
    expect(usesReferences(undefined, { kmsKeyRef: { from: { name: 'k' } } })).toBe(false);
  });
});

describe('validation of reference fields', () => {
  it('an id and a reference to it, both set: refused, saying which to drop (as ACK refuses them)', () => {
    expect(
      referenceFieldErrors(fileSystemReferences, { kmsKeyID: 'alias/x', kmsKeyRef: { from: { name: 'k' } } }),
    ).toEqual([{ field: 'spec.kmsKeyRef', message: 'set either kmsKeyID or kmsKeyRef, not both' }]);
    expect(
      validateMountTargetSpec(
        {
          fileSystemID: 'fs-0123456789abcdef0',
          subnetID: 'subnet-0123abcd1a',
          subnetRef: { from: { name: 'app' } },
          securityGroups: ['sg-0123456789abcdef0'],
          securityGroupRefs: [{ from: { name: 'web' } }],
        },
        'ns',
      ),
    ).toEqual([
      { field: 'spec.subnetRef', message: 'set either subnetID or subnetRef, not both' },
      { field: 'spec.securityGroupRefs', message: 'set either securityGroups or securityGroupRefs, not both' },
    ]);
  });

  it('a reference without a name: refused, naming the kind and its CRD', () => {
    expect(referenceFieldErrors(mountTargetReferences, { securityGroupRefs: [{ from: {} }] })).toEqual([
      {
        field: 'spec.securityGroupRefs[0].from.name',
        message: 'is required: name the ACK SecurityGroup object (securitygroups.ec2.services.k8s.aws)',
      },
    ]);
  });

  it('kmsKeyRef is accepted with encrypted: true, and needs it like kmsKeyID', () => {
    expect(validateFileSystemSpec({ encrypted: true, kmsKeyRef: { from: { name: 'k' } } })).toEqual([]);
    expect(validateFileSystemSpec({ kmsKeyRef: { from: { name: 'k' } } })).toEqual([
      {
        field: 'spec.kmsKeyRef',
        message: 'needs encrypted: true (a KMS key only applies to an encrypted file system)',
      },
    ]);
  });

  it('a mount target needs a subnet, by id or by reference', () => {
    const fileSystemID = 'fs-0123456789abcdef0';
    expect(validateMountTargetSpec({ fileSystemID, subnetRef: { from: { name: 'app' } } }, 'ns')).toEqual([]);
    expect(validateMountTargetSpec({ fileSystemID }, 'ns')).toEqual([
      { field: 'spec.subnetID', message: 'is required (or name an ACK Subnet object with subnetRef.from.name)' },
    ]);
  });
});

describe('the value a referenced object offers', () => {
  const [target] = referenceTargets(mountTargetReferences, { subnetRef: { from: { name: 'app' } } }, 'team');
  if (!target) throw new Error('no target');

  it('missing, not synced, or synced without the value: Recoverable, naming the object', () => {
    expect(failureOf(() => referencedValue(target, undefined))).toEqual({
      class: 'recoverable',
      code: 'ReferenceNotResolved',
      message: 'Subnet team/app does not exist yet',
      retryAfterMs: 5_000,
    });
    expect(
      failureOf(() =>
        referencedValue(target, subnet({ subnetID: 'subnet-1', conditions: [{ ...synced, status: 'False' }] })),
      ),
    ).toMatchObject({
      class: 'recoverable',
      code: 'ReferenceNotSynced',
      message: 'Subnet team/app is not synced yet (its ACK.ResourceSynced condition is not True)',
    });
    expect(failureOf(() => referencedValue(target, subnet({ conditions: [synced] })))).toMatchObject({
      class: 'recoverable',
      message: 'Subnet team/app is synced but has no status.subnetID yet',
    });
  });

  it('synced: the value at the kind’s status path (a Key’s ARN, a SecurityGroup’s id)', () => {
    expect(referencedValue(target, subnet({ subnetID: 'subnet-0123abcd1a', conditions: [synced] }))).toBe(
      'subnet-0123abcd1a',
    );
    const [key] = referenceTargets(fileSystemReferences, { kmsKeyRef: { from: { name: 'k' } } }, 'team');
    const arn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(key && referencedValue(key, { status: { ackResourceMetadata: { arn }, conditions: [synced] } })).toBe(arn);
  });
});

describe('the resolved spec', () => {
  const spec = {
    fileSystemID: 'fs-0123456789abcdef0',
    subnetRef: { from: { name: 'app' } },
    securityGroupRefs: [{ from: { name: 'web' } }, { from: { name: 'db' } }],
  };
  const targets = referenceTargets(mountTargetReferences, spec, 'team');
  const values = resolvedValues(targets, ['subnet-0123abcd1a', 'sg-0000000000000000a', 'sg-0000000000000000b']);

  it('has each reference replaced by its value; a list reference keeps its order', () => {
    expect(values).toEqual({
      subnetID: 'subnet-0123abcd1a',
      securityGroups: ['sg-0000000000000000a', 'sg-0000000000000000b'],
    });
    expect(specWithValues(mountTargetReferences, spec, values)).toEqual({
      fileSystemID: 'fs-0123456789abcdef0',
      subnetID: 'subnet-0123abcd1a',
      securityGroups: ['sg-0000000000000000a', 'sg-0000000000000000b'],
    });
  });

  it('a create-only value that now resolves differently from what AWS holds is refused, saying why', () => {
    expect(
      createOnlyConflict(targets, values, { subnetID: 'subnet-0123abcd1a' }, 'EFS mount target fsmt-1'),
    ).toBeUndefined();
    const conflict = createOnlyConflict(targets, values, { subnetID: 'subnet-0123abcd1b' }, 'EFS mount target fsmt-1');
    expect(conflict && classifyError(conflict)).toEqual({
      class: 'terminal',
      code: 'CreateOnlyReferenceChanged',
      message:
        'subnetRef now resolves to subnet-0123abcd1a (Subnet team/app), but EFS mount target fsmt-1 was created with ' +
        'subnet-0123abcd1b; subnetID is fixed when AWS creates it, so the change is not applied. Point subnetRef at an ' +
        'object whose status.subnetID is subnet-0123abcd1b, or delete this object and create a new one',
    });
  });

  it('an updatable value (security groups) is never a conflict: apply changes it', () => {
    expect(
      createOnlyConflict(targets, values, { securityGroups: 'sg-other' }, 'EFS mount target fsmt-1'),
    ).toBeUndefined();
  });
});
