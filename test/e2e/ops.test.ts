import { ConditionType, type FileSystemObject } from '../../src/api/filesystem';
import { workflowIdFor } from '../../src/api/workflow-contract';
import { creationTokenFor } from '../../src/domain/filesystem';
import {
  applyFileSystem,
  conditionOf,
  createE2eContext,
  getFileSystem,
  startOrchestrator,
  waitForCondition,
  type E2eContext,
} from './harness';
import {
  applyTerminalObject,
  expectOneFileSystemPerObject,
  noMetricsPorts,
  removeOwnFaults,
  runCli,
} from './ops-helpers';

/**
 * The operating commands against the real stack: `resync` re-runs a sync through the workflow
 * (also while the watcher is down), `explain` shows one object on one screen, `status` lists them.
 * The terminal failure is an emulator fault on CreateFileSystem (400 BadRequest, once): after the
 * failure the cause is gone, but nothing retries until someone asks.
 */
jest.setTimeout(300_000);

let ctx: E2eContext;
afterEach(async () => {
  if (ctx) await removeOwnFaults(ctx);
  await ctx?.close();
});

const uiBase = 'http://127.0.0.1:8233';

test('a terminal object: explain shows why, resync re-runs the sync once the cause is gone, status lists it', async () => {
  ctx = await createE2eContext('resync');
  startOrchestrator(ctx, 'worker', noMetricsPorts);
  startOrchestrator(ctx, 'watcher', noMetricsPorts);
  const broken = await applyTerminalObject(ctx, 'broken', { performanceMode: 'generalPurpose', encrypted: true });
  const terminal = (await getFileSystem(ctx, broken)) as FileSystemObject;
  expect(conditionOf(terminal, ConditionType.terminal)?.reason).toBe('BadRequest');
  const ref = `${ctx.namespace}/${broken}`;
  const workflowId = workflowIdFor('FileSystem', {
    namespace: ctx.namespace,
    name: broken,
    uid: terminal.metadata.uid,
  });

  const explained = await runCli(ctx, ['explain', ref, '--temporal-ui-url', uiBase]);
  expect(explained.stderr).toBe('');
  expect(explained.code).toBe(0);
  const out = explained.stdout;
  expect(out).toContain(`FileSystem:         ${ref}\n`);
  expect(out).toMatch(/Sync state:\s+Terminal/);
  expect(out).toMatch(/performanceMode: generalPurpose/);
  expect(out).toMatch(/ACK\.Terminal\s+True\s+BadRequest\s+\d+s\s+CreateFileSystem: /);
  expect(out).toMatch(/ACK\.ResourceSynced\s+False\s+Terminal/);
  expect(out).toContain(`Id:               ${workflowId}\n`);
  expect(out).toContain('Type:             fileSystemWorkflow\n');
  expect(out).toMatch(/Run:\s+\S+ \(RUNNING, started \d+s ago, \d+ events\)/);
  expect(out).toMatch(/State:\s+Terminal: CreateFileSystem: /);
  expect(out).toMatch(/Last error:\s+CreateFileSystem: .+/);
  expect(out).toContain(`Next retry:         none: fix the cause, then \`efs-orchestrator resync ${ref}\``);
  const link = `${uiBase}/namespaces/default/workflows/${encodeURIComponent(workflowId)}/`;
  expect(out).toMatch(new RegExp(`Temporal UI:\\s+${link.replace(/[.?]/g, '\\$&')}[0-9a-f-]{36}/history\\n`));

  // The kind-qualified form names the same object.
  const qualified = await runCli(ctx, ['explain', `filesystem/${ref}`, '--temporal-ui-url', uiBase]);
  expect(qualified.stdout).toContain(`Id:               ${workflowId}\n`);

  // That Terminal stays so, with no call until someone asks, is asserted exactly in test/workflow.

  const resync = await runCli(ctx, ['resync', ref]);
  expect(resync.code).toBe(0);
  expect(resync.stdout).toBe(`${ref}  resync requested  (workflow ${workflowId})\n`);
  const synced = await waitForCondition(ctx, broken, ConditionType.synced, 'True');
  expect(conditionOf(synced, ConditionType.terminal)?.status).toBe('False');

  await applyFileSystem(ctx, 'second');
  await waitForCondition(ctx, 'second', ConditionType.synced, 'True');
  await expectOneFileSystemPerObject(ctx);
  const status = await runCli(ctx, ['status', '--namespace', ctx.namespace]);
  expect(status.code).toBe(0);
  const lines = status.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^KIND\s+NAMESPACE\s+NAME\s+ID\s+STATE\s+SYNCED\s+AGE$/);
  const objects = (await ctx.fileSystems.list(ctx.namespace)).items.sort((a, b) =>
    a.metadata.name.localeCompare(b.metadata.name),
  );
  expect(objects.map((o) => o.metadata.name)).toEqual(expect.arrayContaining([broken, 'second']));
  expect(lines.slice(1)).toHaveLength(objects.length);
  objects.forEach((obj, i) => {
    const fileSystemId = (obj.status as { fileSystemID?: string } | undefined)?.fileSystemID;
    expect(fileSystemId).toMatch(/^fs-[0-9a-f]+$/);
    expect(lines[i + 1]).toMatch(
      new RegExp(
        `^FileSystem\\s+${ctx.namespace}\\s+${obj.metadata.name}\\s+${fileSystemId}\\s+Synced\\s+True\\s+\\d+s$`,
      ),
    );
  });
});

test('resync --all-terminal re-runs only the terminal objects, while the watcher is down', async () => {
  ctx = await createE2eContext('resync-down');
  startOrchestrator(ctx, 'worker', noMetricsPorts);
  const watcher = startOrchestrator(ctx, 'watcher', noMetricsPorts);
  const stuck = await applyTerminalObject(ctx, 'stuck');
  await applyFileSystem(ctx, 'healthy');
  await waitForCondition(ctx, 'healthy', ConditionType.synced, 'True');

  await watcher.kill('SIGKILL');
  const resync = await runCli(ctx, ['resync', '--all-terminal', '--namespace', ctx.namespace]);
  expect(resync.code).toBe(0);
  expect(resync.stdout).toMatch(
    new RegExp(
      `^${ctx.namespace}/${stuck}  resync requested  \\(workflow filesystem/${ctx.namespace}/${stuck}/[0-9a-f-]{36}\\)\\n$`,
    ),
  );
  await waitForCondition(ctx, stuck, ConditionType.synced, 'True');
  await expectOneFileSystemPerObject(ctx);

  // Nothing terminal is left; an unknown name is an error that says so.
  const again = await runCli(ctx, ['resync', '--all-terminal', '--namespace', ctx.namespace]);
  expect(again).toMatchObject({ code: 0, stdout: 'no FileSystem, MountTarget or AccessPoint objects matched\n' });
  const missing = await runCli(ctx, ['resync', `${ctx.namespace}/nope`]);
  expect(missing).toMatchObject({ code: 1, stdout: `${ctx.namespace}/nope  not found\n` });
  const usage = await runCli(ctx, ['resync']);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/--all-terminal or --selector/);
});

test('explain shows what the object awaits from the observer while AWS is still creating, and nothing pending once synced', async () => {
  ctx = await createE2eContext('explain');
  // The hold must be in place before the create: the orchestrator starts only after it.
  const obj = await applyFileSystem(ctx, 'slow');
  await ctx.admin.holdInCreating({ creationToken: creationTokenFor(obj.metadata.uid) });
  startOrchestrator(ctx, 'worker', noMetricsPorts);
  startOrchestrator(ctx, 'watcher', noMetricsPorts);
  const creating = await waitForCondition(ctx, 'slow', ConditionType.synced, 'False');
  const fileSystemId = creating.status?.fileSystemID;

  // The wait is the observer's: the workflow has no activity pending, and says what it awaits.
  const awaiting = /Awaiting:\s+the observer to see fs-[0-9a-f]+ available \(watch \d+\)/;
  let out = '';
  for (let i = 0; i < 50 && !awaiting.test(out); i++) {
    out = (await runCli(ctx, ['explain', `${ctx.namespace}/slow`])).stdout;
    if (!awaiting.test(out)) await new Promise((r) => setTimeout(r, 200));
  }
  expect(out).toMatch(/Sync state:\s+Creating/);
  expect(out).toMatch(awaiting);
  expect(out).toMatch(/Pending activity:\s+none/);
  expect(out).toMatch(/State:\s+Creating: EFS file system fs-[0-9a-f]+ is creating/);
  expect(out).toMatch(/Last error:\s+none/);
  // Without --temporal-ui-url, the link uses TEMPORAL_UI_URL from the stack's env.
  expect(out).toContain(`${ctx.env.TEMPORAL_UI_URL}/namespaces/default/workflows/`);

  await ctx.admin.setState(fileSystemId as string, 'available');
  await waitForCondition(ctx, 'slow', ConditionType.synced, 'True');
  const done = await runCli(ctx, ['explain', 'slow', '--namespace', ctx.namespace]);
  expect(done.code).toBe(0);
  expect(done.stdout).toMatch(/Sync state:\s+Synced/);
  expect(done.stdout).toMatch(/ACK\.ResourceSynced\s+True\s+Synced/);
  expect(done.stdout).toMatch(/State:\s+Synced: EFS file system fs-[0-9a-f]+ is available/);
  expect(done.stdout).toMatch(/Pending activity:\s+none/);
  expect(done.stdout).toMatch(new RegExp(`File system:\\s+${fileSystemId} \\(available\\)`));

  const unknown = await runCli(ctx, ['explain', `${ctx.namespace}/nope`]);
  expect(unknown).toMatchObject({ code: 1, stderr: `FileSystem ${ctx.namespace}/nope not found\n` });
});
