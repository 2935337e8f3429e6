import { describe, expect, it } from '@jest/globals';
import { type EfsGateway } from '../../src/aws/efs';
import { classifyError } from '../../src/domain/errors';
import { type ManagerDependencies } from '../../src/kinds/managers';
import { resolveFileSystem } from '../../src/kinds/references';

/** The file system lookups of MountTarget and AccessPoint objects, against fakes of AWS and the API server. */
function deps(
  fileSystems: Record<string, string>,
  objects: unknown[],
): Pick<ManagerDependencies, 'efs' | 'clientFor' | 'region'> {
  const efs = {
    describeFileSystem: async (id: string) =>
      fileSystems[id] ? { FileSystemId: id, LifeCycleState: fileSystems[id] } : undefined,
  } as unknown as EfsGateway;
  const clientFor = (() => ({ list: async () => ({ items: objects }) })) as unknown as ManagerDependencies['clientFor'];
  return { efs, clientFor, region: 'us-east-1' };
}

async function failureOf(promise: Promise<unknown>) {
  return classifyError(
    await promise.then(
      () => undefined,
      (err: unknown) => err,
    ),
  );
}

describe('resolveFileSystem', () => {
  it('a FileSystem object that does not exist: said once, with a reason that fits', async () => {
    const failure = await failureOf(resolveFileSystem(deps({}, []), { fileSystemRef: { from: { name: 'x' } } }, 'ns'));
    expect(failure).toEqual({
      class: 'recoverable',
      code: 'ReferenceNotResolved',
      message: 'FileSystem ns/x does not exist yet',
      retryAfterMs: 3_000,
    });
  });

  it('a FileSystem object that is not synced yet', async () => {
    const objects = [{ metadata: { name: 'x' }, status: { fileSystemID: 'fs-1', conditions: [] } }];
    const failure = await failureOf(
      resolveFileSystem(deps({}, objects), { fileSystemRef: { from: { name: 'x' } } }, 'ns'),
    );
    expect(failure).toMatchObject({
      class: 'recoverable',
      code: 'FileSystemNotSynced',
      message: 'FileSystem ns/x is not synced yet',
    });
  });

  it('a file system id that is not available yet, and one AWS does not have', async () => {
    expect(
      await failureOf(resolveFileSystem(deps({ 'fs-1': 'creating' }, []), { fileSystemID: 'fs-1' }, 'ns')),
    ).toMatchObject({
      class: 'recoverable',
      code: 'IncorrectFileSystemLifeCycleState',
      message: 'EFS file system fs-1 is creating',
    });
    expect(await failureOf(resolveFileSystem(deps({}, []), { fileSystemID: 'fs-2' }, 'ns'))).toMatchObject({
      class: 'terminal',
      code: 'FileSystemNotFound',
    });
  });

  it('the id of a synced FileSystem object', async () => {
    const objects = [
      {
        metadata: { name: 'x' },
        status: { fileSystemID: 'fs-1', conditions: [{ type: 'ACK.ResourceSynced', status: 'True' }] },
      },
    ];
    await expect(resolveFileSystem(deps({}, objects), { fileSystemRef: { from: { name: 'x' } } }, 'ns')).resolves.toBe(
      'fs-1',
    );
  });

  it('a FileSystem object in another Region than the dependent object: terminal, saying which annotation to set', async () => {
    const objects = [
      {
        metadata: { name: 'x' },
        status: {
          fileSystemID: 'fs-1',
          ackResourceMetadata: { region: 'eu-west-1' },
          conditions: [{ type: 'ACK.ResourceSynced', status: 'True' }],
        },
      },
    ];
    expect(
      await failureOf(resolveFileSystem(deps({}, objects), { fileSystemRef: { from: { name: 'x' } } }, 'ns')),
    ).toEqual({
      class: 'terminal',
      code: 'FileSystemInAnotherRegion',
      message:
        "FileSystem ns/x lives in eu-west-1, but this object's Region is us-east-1: set the annotation " +
        "services.k8s.aws/region: eu-west-1 on it (or on neither, with its namespace's default)",
    });
  });
});
