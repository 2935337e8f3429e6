import * as fs from 'node:fs';
import * as path from 'node:path';
import { readStackState } from '../../dev/stack/state';
import { repoRoot, stackDir } from '../../src/shared/paths';
import { createE2eContext, startOrchestrator, type E2eContext } from './harness';

/**
 * The local stack's processes and the orchestrators the tests start run on the Node 24 that `npm ci`
 * installs (the `node` dev dependency), whatever Node the machine has; on it the AWS SDK has no
 * Node-version warning to give, so none appears in their logs.
 */
const pinnedNode = fs.realpathSync(path.join(repoRoot, 'node_modules', '.bin', 'node'));
const sdkNodeVersionWarning = 'NodeVersionSupportWarning';
const executableOf = (pid: number): string => fs.realpathSync(`/proc/${pid}/exe`);

let ctx: E2eContext | undefined;
afterAll(() => ctx?.close());

test("the stack's supervisor and its orchestrator (one `run` process: watcher and worker) run the pinned Node, and no stack process an older one", () => {
  const state = readStackState(stackDir());
  if (!state?.ready) throw new Error(`the local stack in ${stackDir()} is not ready`);
  const orchestrator = state.components.find((c) => c.name === 'orchestrator')?.children ?? [];
  expect(orchestrator.map((c) => c.name)).toEqual(['orchestrator']);
  for (const record of [state.supervisor, ...orchestrator]) {
    expect({ process: record.name, executable: executableOf(record.pid) }).toEqual({
      process: record.name,
      executable: pinnedNode,
    });
  }
  // Temporal, etcd and kube-apiserver are no Node programs; whatever runs on Node runs on this one.
  const otherNodes = state.components
    .flatMap((c) => c.children)
    .map((record) => ({ process: record.name, executable: executableOf(record.pid) }))
    .filter(({ executable }) => path.basename(executable) === 'node' && executable !== pinnedNode);
  expect(otherNodes).toEqual([]);
  for (const record of orchestrator) {
    if (record.logFile === undefined) throw new Error(`the stack recorded no log file for ${record.name}`);
    expect(fs.readFileSync(record.logFile, 'utf8')).not.toContain(sdkNodeVersionWarning);
  }
});

test("an orchestrator worker creates its EFS client on the pinned Node without the AWS SDK's Node-version warning", async () => {
  ctx = await createE2eContext('runtime');
  const worker = startOrchestrator(ctx, 'worker');
  await worker.waitForLog('"worker ready"');
  if (worker.child.pid === undefined) throw new Error('the worker did not start');
  expect(executableOf(worker.child.pid)).toBe(pinnedNode);
  expect(fs.readFileSync(worker.logFile, 'utf8')).not.toContain(sdkNodeVersionWarning);
});
