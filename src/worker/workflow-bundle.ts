import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, type WorkerOptions } from '@temporalio/worker';

/**
 * The workflow code, bundled once by `npm run build` (into dist/, beside the compiled code), so a
 * worker loads it instead of running webpack at start: bundling in the worker cost ~300 MiB of
 * peak RSS and kept much of it.
 */
const workflowsPath = require.resolve('../workflows');
export const workflowBundlePath = path.join(__dirname, '..', '..', 'workflow-bundle.js');

/** The worker's workflow code: the prebuilt bundle, or (run from sources, without a build) the workflows to bundle. */
export function workflowCode(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  return fs.existsSync(workflowBundlePath) ? { workflowBundle: { codePath: workflowBundlePath } } : { workflowsPath };
}

export async function writeWorkflowBundle(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  fs.writeFileSync(workflowBundlePath, code);
}

if (require.main === module) {
  writeWorkflowBundle().catch((err: unknown) => {
    process.stderr.write(`bundling the workflow code failed: ${String(err)}\n`);
    process.exit(1);
  });
}
