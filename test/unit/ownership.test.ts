import { describe, expect, test } from '@jest/globals';
import { type ObjectClients } from '../../src/activities/objects';
import { mountTargetClaimant } from '../../src/kinds/mounttarget/manager';
import { classifyError } from '../../src/domain/errors';
import { ownTags } from '../../src/domain/filesystem';
import {
  ackTagKeys,
  decideOwnership,
  describeOwner,
  notOursToDelete,
  ownerFromTags,
  ownerToLookUp,
  ownershipReasons,
  ownershipRefusal,
  takeOverMessage,
  type ObjectIdentity,
  type OwnershipDecision,
  type OwnershipInput,
} from '../../src/domain/ownership';

const self: ObjectIdentity = { kind: 'FileSystem', namespace: 'team-a', name: 'b', uid: 'uid-b' };
const other = { namespace: 'team-a', name: 'a', uid: 'uid-a' };
const otherTags = ownTags(other);
const ackTags = [
  { Key: ackTagKeys.controllerVersion, Value: 'efs-v1.4.1' },
  { Key: ackTagKeys.namespace, Value: 'team-a' },
];
const takeOver = 'efs-orchestrator.io/take-over';

const decide = (input: Partial<OwnershipInput>): OwnershipDecision => decideOwnership({ self, tags: [], ...input });

describe('ownerFromTags', () => {
  test('reads the orchestrator tags, the kind being the resource type', () => {
    expect(ownerFromTags(otherTags, 'FileSystem')).toEqual({ by: 'object', kind: 'FileSystem', ...other });
  });

  test('the orchestrator tags come before ACK tags; user tags name nobody', () => {
    expect(ownerFromTags([...ackTags, ...otherTags], 'FileSystem')?.by).toBe('object');
    expect(ownerFromTags(ackTags, 'FileSystem')).toEqual({
      by: 'ack',
      controllerVersion: 'efs-v1.4.1',
      namespace: 'team-a',
    });
    expect(ownerFromTags([{ Key: 'team', Value: 'x' }], 'FileSystem')).toBeUndefined();
    expect(ownerFromTags([], 'FileSystem')).toBeUndefined();
  });

  test('partial or empty orchestrator tags', () => {
    expect(ownerFromTags([{ Key: 'efs-orchestrator/name', Value: 'a' }], 'AccessPoint')).toEqual({
      by: 'object',
      kind: 'AccessPoint',
      name: 'a',
      namespace: undefined,
      uid: undefined,
    });
    expect(ownerFromTags([{ Key: 'efs-orchestrator/uid', Value: '' }], 'FileSystem')).toBeUndefined();
  });
});

describe('ownerToLookUp', () => {
  test('the tagged object, when it is another one', () => {
    expect(ownerToLookUp(otherTags, self)).toEqual({ kind: 'FileSystem', namespace: 'team-a', name: 'a' });
  });

  test('nothing to look up: our own tags, ACK, no tags, or no name to look up by', () => {
    expect(ownerToLookUp(ownTags(self), self)).toBeUndefined();
    expect(ownerToLookUp(ackTags, self)).toBeUndefined();
    expect(ownerToLookUp([], self)).toBeUndefined();
    expect(ownerToLookUp([{ Key: 'efs-orchestrator/uid', Value: 'uid-a' }], self)).toBeUndefined();
  });
});

describe('decideOwnership', () => {
  const owner = { by: 'object', kind: 'FileSystem', ...other } as const;

  test('tags naming this object: ours', () => {
    expect(decide({ tags: ownTags(self) })).toEqual({ kind: 'ours' });
  });

  test('no owner tags: unowned, or ours when this object created it', () => {
    expect(decide({ tags: [{ Key: 'team', Value: 'x' }] })).toEqual({ kind: 'adoptable-unowned' });
    expect(decide({ createdByThisObject: true })).toEqual({ kind: 'ours' });
  });

  test('tags naming another object win over the creation token', () => {
    expect(decide({ tags: otherTags, createdByThisObject: true }).kind).toBe('refused');
  });

  test('another live object with the uid the tags carry: refused, naming it', () => {
    expect(decide({ tags: otherTags, owner: { namespace: 'team-a', name: 'a', exists: true, uid: 'uid-a' } })).toEqual({
      kind: 'refused',
      owner,
    });
  });

  test('the tagged object is gone: take-over needed', () => {
    expect(decide({ tags: otherTags, owner: { namespace: 'team-a', name: 'a', exists: false } })).toEqual({
      kind: 'take-over-needed',
      owner,
      why: 'owner-gone',
    });
  });

  test('an object of that name exists with another uid (it was recreated): take-over needed', () => {
    expect(
      decide({ tags: otherTags, owner: { namespace: 'team-a', name: 'a', exists: true, uid: 'uid-new' } }),
    ).toEqual({
      kind: 'take-over-needed',
      owner,
      why: 'owner-recreated',
    });
    // This object itself, applied again after a retained deletion, is a new incarnation too.
    const previous = ownTags({ ...self, uid: 'uid-old' });
    expect(
      decide({ tags: previous, owner: { namespace: 'team-a', name: 'b', exists: true, uid: 'uid-b' } }),
    ).toMatchObject({ kind: 'take-over-needed', why: 'owner-recreated' });
  });

  test('not looked up, or a lookup of another object: refused (nothing is known)', () => {
    expect(decide({ tags: otherTags })).toEqual({ kind: 'refused', owner });
    expect(decide({ tags: otherTags, owner: { namespace: 'team-a', name: 'x', exists: false } })).toEqual({
      kind: 'refused',
      owner,
    });
  });

  test('ACK made it: take-over needed, whatever else is known', () => {
    expect(decide({ tags: ackTags })).toEqual({
      kind: 'take-over-needed',
      owner: { by: 'ack', controllerVersion: 'efs-v1.4.1', namespace: 'team-a' },
      why: 'made-by-ack',
    });
    expect(decide({ tags: ackTags, createdByThisObject: true }).kind).toBe('take-over-needed');
  });

  test('partial tags without a uid: ours only when the named object is this one', () => {
    const byName = [
      { Key: 'efs-orchestrator/namespace', Value: 'team-a' },
      { Key: 'efs-orchestrator/name', Value: 'a' },
    ];
    expect(decide({ tags: byName, owner: { namespace: 'team-a', name: 'a', exists: true, uid: 'uid-b' } })).toEqual({
      kind: 'ours',
    });
    expect(decide({ tags: byName, owner: { namespace: 'team-a', name: 'a', exists: true, uid: 'uid-z' } }).kind).toBe(
      'refused',
    );
    expect(decide({ tags: byName, owner: { namespace: 'team-a', name: 'a', exists: false } }).kind).toBe(
      'take-over-needed',
    );
  });

  test('mount targets: another object recording it refuses; this object recording it does not', () => {
    const claimant = { kind: 'MountTarget', ...other };
    expect(decideOwnership({ self: { ...self, kind: 'MountTarget' }, tags: [], claimant })).toEqual({
      kind: 'refused',
      owner: { by: 'object', ...claimant },
    });
    expect(
      decideOwnership({
        self: { ...self, kind: 'MountTarget' },
        tags: [],
        claimant: { ...claimant, uid: self.uid },
        createdByThisObject: true,
      }),
    ).toEqual({ kind: 'ours' });
  });
});

describe('messages and classification', () => {
  const refused = decide({ tags: otherTags, owner: { namespace: 'team-a', name: 'a', exists: true, uid: 'uid-a' } });
  const gone = decide({ tags: otherTags, owner: { namespace: 'team-a', name: 'a', exists: false } });
  const ack = decide({ tags: ackTags });

  test('a refusal is terminal through the one classifier, with its reason and the owner named', () => {
    if (refused.kind !== 'refused') throw new Error('expected refused');
    const classified = classifyError(ownershipRefusal(refused, 'EFS file system fs-1', takeOver));
    expect(classified).toMatchObject({ class: 'terminal', code: ownershipReasons.ownedByAnotherObject });
    expect(classified.message).toContain('FileSystem team-a/a (uid uid-a), which still exists');
  });

  test('a take-over without the annotation says which annotation to add', () => {
    if (gone.kind !== 'take-over-needed') throw new Error('expected take-over-needed');
    const classified = classifyError(ownershipRefusal(gone, 'EFS file system fs-1', takeOver));
    expect(classified).toMatchObject({ class: 'terminal', code: ownershipReasons.takeOverRequired });
    expect(classified.message).toContain('which no longer exists');
    expect(classified.message).toContain(`add the annotation ${takeOver}: "true"`);
  });

  test('advice replaces the adoption hint', () => {
    if (refused.kind !== 'refused') throw new Error('expected refused');
    expect(ownershipRefusal(refused, 'mount target fsmt-1', takeOver, 'Use another subnet').message).toMatch(
      /still exists: only one object may manage it\. Use another subnet$/,
    );
  });

  test('owners in words', () => {
    if (ack.kind !== 'take-over-needed') throw new Error('expected take-over-needed');
    expect(describeOwner(ack.owner)).toBe('an ACK controller (efs-v1.4.1, namespace team-a)');
    expect(describeOwner({ by: 'ack', controllerVersion: 'efs-v1.0.0' })).toBe('an ACK controller (efs-v1.0.0)');
    expect(describeOwner({ by: 'object', kind: 'AccessPoint', name: 'x' })).toBe('AccessPoint ?/x');
    expect(takeOverMessage(ack, 'EFS file system fs-1', takeOver)).toBe(
      `took over EFS file system fs-1 from an ACK controller (efs-v1.4.1, namespace team-a), which made it (${takeOver}: "true")`,
    );
  });

  test('deletion leaves everything that is not ours, and says why', () => {
    expect(notOursToDelete({ kind: 'ours' }, 'EFS file system fs-1')).toBeUndefined();
    expect(notOursToDelete({ kind: 'adoptable-unowned' }, 'EFS file system fs-1')).toBe(
      'EFS file system fs-1 carries no owner tags naming this object; it is not deleted',
    );
    expect(notOursToDelete(refused, 'EFS file system fs-1')).toBe(
      'EFS file system fs-1 now belongs to FileSystem team-a/a (uid uid-a); it is not deleted',
    );
    expect(notOursToDelete(gone, 'x')).toContain('now belongs to FileSystem team-a/a');
  });
});

describe('mountTargetClaimant (with a fake Kubernetes client)', () => {
  const objects = [
    { metadata: { namespace: 'team-a', name: 'mine', uid: 'uid-b' }, status: { mountTargetID: 'fsmt-1' } },
    { metadata: { namespace: 'team-a', name: 'theirs', uid: 'uid-a' }, status: { mountTargetID: 'fsmt-2' } },
  ];
  const clientsListing = (list: (namespace: string | undefined) => Promise<{ items: unknown[] }>): ObjectClients =>
    (() => ({ list })) as unknown as ObjectClients;

  test('another object recording the mount target is its claimant; this object is not', async () => {
    const clientFor = clientsListing(async () => ({ items: objects }));
    expect(await mountTargetClaimant(clientFor, self, 'fsmt-2')).toEqual({
      kind: 'MountTarget',
      namespace: 'team-a',
      name: 'theirs',
      uid: 'uid-a',
    });
    expect(await mountTargetClaimant(clientFor, self, 'fsmt-1')).toBeUndefined();
    expect(await mountTargetClaimant(clientFor, self, 'fsmt-3')).toBeUndefined();
  });

  test('an orchestrator limited to one namespace looks in the object namespace when it may not list them all', async () => {
    const asked: (string | undefined)[] = [];
    const clientFor = clientsListing(async (namespace) => {
      asked.push(namespace);
      if (namespace === undefined) throw Object.assign(new Error('forbidden'), { code: 403 });
      return { items: objects };
    });
    expect((await mountTargetClaimant(clientFor, self, 'fsmt-2'))?.name).toBe('theirs');
    expect(asked).toEqual([undefined, 'team-a']);
  });

  test('other failures are not hidden', async () => {
    const clientFor = clientsListing(async () => {
      throw Object.assign(new Error('unavailable'), { code: 503 });
    });
    await expect(mountTargetClaimant(clientFor, self, 'fsmt-2')).rejects.toThrow('unavailable');
  });
});
