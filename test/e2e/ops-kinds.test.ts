import { ConditionType } from '../../src/api/filesystem';
import { workflowIdFor } from '../../src/api/workflow-contract';
import {
  applyFileSystem,
  applyObject,
  conditionOf,
  createE2eContext,
  getObject,
  injectFault,
  startOrchestrator,
  waitForCondition,
  waitForObjectCondition,
  type E2eContext,
} from './harness';
import { noMetricsPorts, runCli } from './ops-helpers';

/**
 * `status`, `explain` and `resync` for every kind, against the real stack: a FileSystem with a
 * MountTarget and an AccessPoint whose creates fail once as AWS fails a bad request (terminal),
 * then are re-run by `resync` and end synced. The faults match only requests naming this run's
 * file system, so they reach no other run's objects.
 */
jest.setTimeout(300_000);

let ctx: E2eContext;
afterEach(async () => {
  await ctx?.close();
});

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

test('a MountTarget and an AccessPoint: status lists every kind, explain shows each, resync re-runs each', async () => {
  ctx = await createE2eContext('ops-kinds');
  startOrchestrator(ctx, 'worker', noMetricsPorts);
  startOrchestrator(ctx, 'watcher', noMetricsPorts);
  const ns = ctx.namespace;

  await applyFileSystem(ctx, 'shared');
  const fs = await waitForCondition(ctx, 'shared', ConditionType.synced, 'True');
  const fileSystemId = fs.status?.fileSystemID as string;
  for (const operation of ['CreateMountTarget', 'CreateAccessPoint']) {
    await injectFault(ctx, {
      kind: 'error',
      errorCode: 'BadRequest',
      status: 400,
      operation,
      times: 1,
      requestIncludes: fileSystemId,
    });
  }
  await applyObject(ctx, 'MountTarget', 'shared-a', {
    fileSystemRef: { from: { name: 'shared' } },
    subnetID: 'subnet-0123abcd1a',
    securityGroups: ['sg-0123456789abcdef0'],
  });
  await applyObject(ctx, 'AccessPoint', 'shared-ap', {
    fileSystemRef: { from: { name: 'shared' } },
    posixUser: { uid: 1000, gid: 1000 },
    rootDirectory: { path: '/app', creationInfo: { ownerUID: 1000, ownerGID: 1000, permissions: '755' } },
  });
  const mt = await waitForObjectCondition(ctx, 'MountTarget', 'shared-a', ConditionType.terminal, 'True');
  const ap = await waitForObjectCondition(ctx, 'AccessPoint', 'shared-ap', ConditionType.terminal, 'True');
  const mountTargetWorkflow = workflowIdFor('MountTarget', { namespace: ns, name: 'shared-a', uid: mt.metadata.uid });
  const accessPointWorkflow = workflowIdFor('AccessPoint', { namespace: ns, name: 'shared-ap', uid: ap.metadata.uid });

  // status: one table for every kind, in the registry's order; --kind narrows it.
  const all = await runCli(ctx, ['status', '--namespace', ns]);
  expect(all).toMatchObject({ code: 0, stderr: '' });
  const rows = all.stdout.trimEnd().split('\n');
  expect(rows[0]).toMatch(/^KIND\s+NAMESPACE\s+NAME\s+ID\s+STATE\s+SYNCED\s+AGE$/);
  expect(rows.slice(1)).toEqual([
    expect.stringMatching(new RegExp(`^FileSystem\\s+${ns}\\s+shared\\s+${fileSystemId}\\s+Synced\\s+True\\s+\\d+s$`)),
    expect.stringMatching(new RegExp(`^MountTarget\\s+${ns}\\s+shared-a\\s+-\\s+Terminal\\s+False\\s+\\d+s$`)),
    expect.stringMatching(new RegExp(`^AccessPoint\\s+${ns}\\s+shared-ap\\s+-\\s+Terminal\\s+False\\s+\\d+s$`)),
  ]);
  const mountTargetsOnly = await runCli(ctx, ['status', '--namespace', ns, '--kind', 'mounttargets']);
  expect(mountTargetsOnly.stdout.trimEnd().split('\n').slice(1)).toEqual([
    expect.stringMatching(new RegExp(`^MountTarget\\s+${ns}\\s+shared-a\\s`)),
  ]);
  const badKind = await runCli(ctx, ['status', '--kind', 'volume']);
  expect(badKind.code).toBe(2);
  expect(badKind.stderr).toMatch(/--kind: "volume" is not a kind; the kinds are filesystem, mounttarget, accesspoint/);

  // explain: the kind comes first in the argument; the object's own workflow and its failure.
  const explained = await runCli(ctx, ['explain', `mounttarget/${ns}/shared-a`]);
  expect(explained).toMatchObject({ code: 0, stderr: '' });
  expect(explained.stdout).toContain(`MountTarget:        ${ns}/shared-a\n`);
  expect(explained.stdout).toMatch(/Sync state:\s+Terminal/);
  expect(explained.stdout).toContain('Mount target:       (none yet)\n');
  expect(explained.stdout).toMatch(/subnetID: subnet-0123abcd1a/);
  expect(explained.stdout).toMatch(/ACK\.Terminal\s+True\s+BadRequest\s+\d+s\s+CreateMountTarget: /);
  expect(explained.stdout).toContain(`Id:               ${mountTargetWorkflow}\n`);
  expect(explained.stdout).toContain('Type:             mountTargetWorkflow\n');
  expect(explained.stdout).toMatch(/Run:\s+\S+ \(RUNNING, started \d+s ago, \d+ events\)/);
  expect(explained.stdout).toMatch(/State:\s+Terminal: CreateMountTarget: /);
  expect(explained.stdout).toContain(
    `Next retry:         none: fix the cause, then \`efs-orchestrator resync mounttarget/${ns}/shared-a\``,
  );
  expect(explained.stdout).toMatch(
    new RegExp(
      `Temporal UI:\\s+\\S+/workflows/${escape(encodeURIComponent(mountTargetWorkflow))}/[0-9a-f-]{36}/history`,
    ),
  );
  const missing = await runCli(ctx, ['explain', `accesspoint/${ns}/nope`]);
  expect(missing).toMatchObject({ code: 1, stderr: `AccessPoint ${ns}/nope not found\n` });

  // resync --all-terminal --kind: only the AccessPoint, though the MountTarget is terminal too.
  const accessPoints = await runCli(ctx, ['resync', '--all-terminal', '--kind', 'accesspoint', '--namespace', ns]);
  expect(accessPoints).toMatchObject({
    code: 0,
    stdout: `accesspoint/${ns}/shared-ap  resync requested  (workflow ${accessPointWorkflow})\n`,
  });
  const apSynced = await waitForObjectCondition(ctx, 'AccessPoint', 'shared-ap', ConditionType.synced, 'True');
  const accessPointId = apSynced.status?.accessPointID as string;
  expect(accessPointId).toMatch(/^fsap-[0-9a-f]+$/);
  expect(conditionOf(await getObject(ctx, 'MountTarget', 'shared-a'), ConditionType.terminal)?.status).toBe('True');

  // resync of one object by its kind-qualified name (the short name works as kubectl's does).
  const mountTarget = await runCli(ctx, ['resync', `efsmt/${ns}/shared-a`]);
  expect(mountTarget).toMatchObject({
    code: 0,
    stdout: `mounttarget/${ns}/shared-a  resync requested  (workflow ${mountTargetWorkflow})\n`,
  });
  const mtSynced = await waitForObjectCondition(ctx, 'MountTarget', 'shared-a', ConditionType.synced, 'True');
  const mountTargetId = mtSynced.status?.mountTargetID as string;
  expect(mountTargetId).toMatch(/^fsmt-[0-9a-f]+$/);

  const synced = await runCli(ctx, ['status', '--namespace', ns, '--kind', 'mounttarget,accesspoint']);
  expect(synced.stdout.trimEnd().split('\n').slice(1)).toEqual([
    expect.stringMatching(new RegExp(`^MountTarget\\s+${ns}\\s+shared-a\\s+${mountTargetId}\\s+Synced\\s+True\\s`)),
    expect.stringMatching(new RegExp(`^AccessPoint\\s+${ns}\\s+shared-ap\\s+${accessPointId}\\s+Synced\\s+True\\s`)),
  ]);

  // explain once synced: the resource, its file system, nothing pending.
  const apExplained = (await runCli(ctx, ['explain', `AccessPoint/${ns}/shared-ap`])).stdout;
  expect(apExplained).toContain(`AccessPoint:        ${ns}/shared-ap\n`);
  expect(apExplained).toContain(
    `Access point:       ${accessPointId} (${apSynced.status?.lifeCycleState as string})\n`,
  );
  expect(apExplained).toContain(`File system:        ${fileSystemId}\n`);
  expect(apExplained).toContain('Type:             accessPointWorkflow\n');
  expect(apExplained).toMatch(/ACK\.ResourceSynced\s+True\s+Synced/);
  expect(apExplained).toMatch(/Pending activity:\s+none/);
  expect(apExplained).toMatch(/Last error:\s+none/);
  const mtExplained = (await runCli(ctx, ['explain', `mounttarget/${ns}/shared-a`])).stdout;
  expect(mtExplained).toContain(
    `Mount target:       ${mountTargetId} (${mtSynced.status?.lifeCycleState as string})\n`,
  );
  expect(mtExplained).toContain(`File system:        ${fileSystemId}\n`);
  expect(mtExplained).toMatch(/Sync state:\s+Synced/);

  // The terminal create left nothing behind: the file system has the one mount target the resync made.
  const mountTargets = (await ctx.admin.mountTargets()).filter((m) => m.FileSystemId === fileSystemId);
  expect(mountTargets.map((m) => m.MountTargetId)).toEqual([mountTargetId]);
});
