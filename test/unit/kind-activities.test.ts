import { describe, expect, it } from '@jest/globals';
import { ApplicationFailure } from '@temporalio/common';
import { createKindActivities } from '../../src/activities/engine';
import { type ObjectClients } from '../../src/activities/objects';
import { RecoverableError } from '../../src/domain/errors';
import { type ResourceManager } from '../../src/kinds/kind';
import { mountTargetDescriptor } from '../../src/kinds/mounttarget/descriptor';
import { createLogger } from '../../src/shared/log';

/** The generic activities of one kind, over a recording fake manager (no AWS, no Kubernetes). */
function activitiesWith(overrides: Partial<ResourceManager<unknown, { id: string; state: string }>> = {}) {
  const seen: unknown[][] = [];
  const manager: ResourceManager<unknown, { id: string; state: string }> = {
    validate: () => [],
    create: async (...args) => {
      seen.push(['create', ...args]);
      return { description: { id: 'fsmt-1', state: 'creating' }, settled: false };
    },
    adopt: async () => undefined,
    describe: async () => undefined,
    idOf: (d) => d.id,
    statusOf: (d) => ({ mountTargetID: d.id, lifeCycleState: d.state }),
    apply: async (...args) => {
      seen.push(['apply', ...args]);
      return ['ModifyMountTargetSecurityGroups sg-1'];
    },
    delete: async () => undefined,
    ownershipEvidence: async () => ({ tags: [], createdByThisObject: true }),
    ...overrides,
  };
  const activities = createKindActivities(
    mountTargetDescriptor,
    async () => manager as ResourceManager<unknown, unknown>,
    {
      clientFor: (() => {
        throw new Error('no Kubernetes here');
      }) as unknown as ObjectClients,
      log: createLogger('test'),
      validate: manager.validate,
    },
  );
  const call = (name: string, ...args: unknown[]) =>
    (activities[name] as (...a: unknown[]) => Promise<unknown>)(...args);
  return { seen, call };
}

const ref = { namespace: 'ns', name: 'mt', uid: 'u-1' };
const spec = { subnetID: 'subnet-0123abcd1a' };

describe('the generic activities of a kind', () => {
  it('are registered under the names the kind has always used', async () => {
    const { seen, call } = activitiesWith();
    await expect(call('createMountTarget', ref, spec, 'fs-1')).resolves.toEqual({
      id: 'fsmt-1',
      status: { mountTargetID: 'fsmt-1', lifeCycleState: 'creating' },
    });
    await expect(call('syncMountTargetSecurityGroups', ref, 'fsmt-1', spec)).resolves.toEqual({
      applied: ['ModifyMountTargetSecurityGroups sg-1'],
    });
    expect(seen).toEqual([
      ['create', ref, spec, 'fs-1'],
      ['apply', ref, 'fsmt-1', spec],
    ]);
  });

  it('a create that settled the resource says so; one that did not leaves the field out', async () => {
    const settled = activitiesWith({
      create: async () => ({ description: { id: 'fsmt-2', state: 'creating' }, settled: true }),
    });
    await expect(settled.call('createMountTarget', ref, spec, 'fs-1')).resolves.toEqual({
      id: 'fsmt-2',
      status: { mountTargetID: 'fsmt-2', lifeCycleState: 'creating' },
      settled: true,
    });
    await expect(activitiesWith().call('createMountTarget', ref, spec, 'fs-1')).resolves.not.toHaveProperty('settled');
  });

  it('accept the arguments of calls scheduled before the engine was shared (retried after a deploy)', async () => {
    const { seen, call } = activitiesWith();
    await call('createMountTarget', ref, 'fs-1', spec);
    await call('syncMountTargetSecurityGroups', 'fsmt-1', spec);
    expect(seen[0]).toEqual(['create', ref, spec, 'fs-1']);
    expect(seen[1]?.slice(2)).toEqual(['fsmt-1', spec]);
  });

  it('leave as classified failures: a RecoverableError keeps its reason and wait', async () => {
    const { call } = activitiesWith({
      delete: async () => {
        throw new RecoverableError('MountTargetBusy', 'busy', 5_000);
      },
    });
    const failure = await call('deleteMountTarget', 'fsmt-1').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).details?.[0]).toEqual({
      class: 'recoverable',
      code: 'MountTargetBusy',
      message: 'busy',
      retryAfterMs: 5_000,
    });
  });
});
