import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot, stackDir } from '../../src/shared/paths';
import { startedByTestsFlag } from './global-setup';

/** Stops the shared local stack if, and only if, this test run started it. */
export default async function globalTeardown(): Promise<void> {
  if ((globalThis as Record<string, unknown>)[startedByTestsFlag] !== true) return;
  const down = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'bin', 'efs-orchestrator.js'), 'stack', 'down', '--stack-dir', stackDir()],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (down.status !== 0) throw new Error(`stopping the local stack failed (stack down exited ${down.status})`);
}
