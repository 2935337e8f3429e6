import type { AccessPointDescription, CreateAccessPointCommandInput } from '@aws-sdk/client-efs';
import { type AccessPointSpec, type AccessPointStatus } from '../api/accesspoint';
import { creationTokenFor, ownTags, ownTagPrefix } from './filesystem';
import { fileSystemTarget, isFieldError } from './references';
import { validateAccessPointFields, type FieldError } from './validate';

/** Pure rules and translations for AccessPoint objects. */
export function validateAccessPointSpec(spec: AccessPointSpec | undefined, namespace: string): FieldError[] {
  const target = fileSystemTarget(spec ?? {}, namespace);
  return [...(isFieldError(target) ? [target] : []), ...validateAccessPointFields(spec)];
}

export function createAccessPointInput(
  spec: AccessPointSpec | undefined,
  fileSystemId: string,
  meta: { namespace: string; name: string; uid: string },
): CreateAccessPointCommandInput {
  const s = spec ?? {};
  const input: CreateAccessPointCommandInput = {
    // The same derivation as file systems: a retry after a crash finds the same access point.
    ClientToken: creationTokenFor(meta.uid),
    FileSystemId: fileSystemId,
    Tags: [
      ...(s.tags ?? [])
        .filter((t) => !t.key?.startsWith(ownTagPrefix))
        .map((t) => ({ Key: t.key ?? '', Value: t.value ?? '' })),
      ...ownTags(meta),
    ],
  };
  if (s.posixUser)
    input.PosixUser = { Uid: s.posixUser.uid, Gid: s.posixUser.gid, SecondaryGids: s.posixUser.secondaryGIDs };
  if (s.rootDirectory) {
    const info = s.rootDirectory.creationInfo;
    input.RootDirectory = {
      Path: s.rootDirectory.path,
      ...(info
        ? { CreationInfo: { OwnerUid: info.ownerUID, OwnerGid: info.ownerGID, Permissions: info.permissions } }
        : {}),
    };
  }
  return input;
}

export function accessPointStatus(ap: AccessPointDescription): AccessPointStatus {
  return {
    accessPointID: ap.AccessPointId,
    accessPointARN: ap.AccessPointArn,
    fileSystemID: ap.FileSystemId,
    lifeCycleState: ap.LifeCycleState,
    name: ap.Name,
    ownerID: ap.OwnerId,
  };
}
