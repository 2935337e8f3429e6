import { describe, expect, it } from '@jest/globals';
import { MockActivityEnvironment } from '@temporalio/testing';
import { type ObjectClients } from '../../src/activities/objects';
import { awsTargets, type AwsTarget } from '../../src/activities/partitions';
import { type FieldError } from '../../src/domain/validate';
import { workflowIdFor } from '../../src/api/workflow-contract';
import { AssumedRoles } from '../../src/aws/assume-role';
import { EfsGateways } from '../../src/aws/efs-gateways';
import { classifyError } from '../../src/domain/errors';
import { fileSystemDescriptor } from '../../src/kinds/filesystem/descriptor';
import { type AwsTargetReader } from '../../src/kube/aws-targets';

/** The partition of the object whose workflow runs an activity, from fakes of the API server and STS. */
function setup() {
  const world = {
    object: { metadata: { annotations: {} as Record<string, string> }, status: {} as Record<string, unknown> },
    namespace: {} as Record<string, string>,
    roleMap: {} as Record<string, string>,
    assumed: [] as string[],
  };
  const reader: AwsTargetReader = {
    roleAccountMapRef: 'ops/ack-role-account-map',
    namespaceAnnotations: async () => world.namespace,
    roleAccountMap: async () => world.roleMap,
  };
  const clientFor = (() => ({ getByName: async () => world.object })) as unknown as ObjectClients;
  const roles = new AssumedRoles({
    async assumeRole(roleArn) {
      world.assumed.push(roleArn);
      return { accessKeyId: 'k', secretAccessKey: 's', expiration: new Date(Date.now() + 3600_000) };
    },
    ownAccountId: async () => '123456789012',
  });
  const gateways = new EfsGateways({ endpoint: 'http://127.0.0.1:1' });
  const targets = awsTargets({ clientFor, reader, roles, gateways, processRegion: 'us-east-1', ttlMs: 0 });
  const ref = { namespace: 'team-a', name: 'fs', uid: 'u-1' };
  const env = new MockActivityEnvironment({
    workflowType: fileSystemDescriptor.workflowType,
    workflowExecution: { workflowId: workflowIdFor('FileSystem', ref), runId: 'r' },
  });
  const current = (): Promise<AwsTarget> => env.run(() => targets.current()) as Promise<AwsTarget>;
  const regionErrors = (): Promise<FieldError[]> =>
    env.run(() => targets.regionChangeErrors()) as Promise<FieldError[]>;
  return { world, gateways, current, regionErrors, outside: () => targets.current() };
}

describe('the AWS partition of an activity’s object', () => {
  it('follows ACK’s Region precedence, and the recorded Region once the resource exists', async () => {
    const { world, current, regionErrors } = setup();
    expect((await current()).partition).toEqual({ region: 'us-east-1' });
    world.namespace['services.k8s.aws/default-region'] = 'ap-south-1';
    expect((await current()).partition).toEqual({ region: 'ap-south-1' });
    world.object.metadata.annotations['services.k8s.aws/region'] = 'eu-west-1';
    expect((await current()).partition).toEqual({ region: 'eu-west-1' });
    world.object.status = { fileSystemID: 'fs-1', ackResourceMetadata: { region: 'eu-west-1' } };
    expect(await regionErrors()).toEqual([]);
    // Asked to move: refused, and the calls keep going where the resource is.
    world.object.metadata.annotations['services.k8s.aws/region'] = 'us-west-2';
    expect((await current()).partition).toEqual({ region: 'eu-west-1' });
    expect((await regionErrors())[0]?.message).toContain('asks for Region us-west-2');
  });

  it('a resource made before Regions were recorded lives in the process’s Region', async () => {
    const { world, current } = setup();
    world.object.status = { fileSystemID: 'fs-1' };
    world.object.metadata.annotations['services.k8s.aws/region'] = 'eu-west-1';
    expect((await current()).partition).toEqual({ region: 'us-east-1' });
  });

  it('one gateway per partition', async () => {
    const { world, current } = setup();
    const first = (await current()).gateway;
    expect((await current()).gateway).toBe(first);
    world.object.metadata.annotations['services.k8s.aws/region'] = 'eu-west-1';
    const other = (await current()).gateway;
    expect(other).not.toBe(first);
    expect(await other.client.config.region()).toBe('eu-west-1');
  });

  it('another account waits (recoverable, saying what to add) until the map names its role, then assumes it', async () => {
    const { world, current, gateways } = setup();
    world.namespace['services.k8s.aws/owner-account-id'] = '210987654321';
    const failure = classifyError(await current().catch((err: unknown) => err));
    expect(failure).toMatchObject({ class: 'recoverable', code: 'AccountRoleNotMapped', retryAfterMs: 15_000 });
    expect(failure.message).toContain('AWS account 210987654321');
    expect(failure.message).toContain(
      'ConfigMap ops/ack-role-account-map maps no role to it: add the key "210987654321"',
    );
    expect(world.assumed).toEqual([]);
    world.roleMap['210987654321'] = 'arn:aws:iam::210987654321:role/efs';
    const target = await current();
    expect(target.partition).toEqual({ accountId: '210987654321', region: 'us-east-1' });
    expect(world.assumed).toEqual(['arn:aws:iam::210987654321:role/efs']);
    expect(gateways.partitions()).toContain('210987654321/us-east-1|arn:aws:iam::210987654321:role/efs');
    expect((await target.gateway.client.config.credentials()).accessKeyId).toBe('k');
  });

  it('the orchestrator’s own account needs no mapping, and shares the client of objects that name no account', async () => {
    const { world, current } = setup();
    const own = await current();
    world.namespace['services.k8s.aws/owner-account-id'] = '123456789012';
    expect((await current()).partition).toEqual({ region: 'us-east-1' });
    expect((await current()).gateway).toBe(own.gateway);
    expect(world.assumed).toEqual([]);
  });

  it('outside an object’s workflow: the process’s own partition', async () => {
    expect((await setup().outside()).partition).toEqual({ region: 'us-east-1' });
  });
});
