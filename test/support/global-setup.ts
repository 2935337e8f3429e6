import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspectStack, stackComponents, stackFiles } from '../../dev/stack/stack';
import { repoRoot, stackDir } from '../../src/shared/paths';

/** Set when this run started the stack, so that the global teardown stops only what it started. */
export const startedByTestsFlag = '__efsOrchestratorStackStartedByTests';

/**
 * Jest global setup of the tests that use the shared local stack: reuses a healthy stack when
 * `.stack/state.json` and `.stack/env` say one runs, and otherwise starts one with the compiled
 * CLI (`stack up`), whose progress (the first run builds Kubernetes binaries) is shown as it goes.
 * Jest gives global setup no timeout; `stack up` has its own (EFS_STACK_UP_TIMEOUT).
 */
export default async function globalSetup(): Promise<void> {
  const dir = stackDir();
  const health = inspectStack(dir);
  if (health.healthy && fs.existsSync(stackFiles(dir).env)) {
    const running = new Set(health.components.map((c) => c.name));
    const missing = stackComponents.map((c) => c.name).filter((name) => !running.has(name));
    if (missing.length > 0) {
      throw new Error(
        `the stack running in ${dir} lacks ${missing.join(', ')} (started with --components?); ` +
          'stop it with `npm run stack -- down` and run the tests again',
      );
    }
    process.stdout.write(`\nUsing the local stack already running in ${dir}.\n`);
    return;
  }
  const cli = path.join(repoRoot, 'bin', 'efs-orchestrator.js');
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('the compiled CLI is missing: run `npm run build` first (`npm test` does)');
  }
  process.stdout.write(`\nStarting the local stack in ${dir} for the tests (npm run stack -- up)...\n`);
  const up = spawnSync(process.execPath, [cli, 'stack', 'up', '--stack-dir', dir, '--components', ''], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (up.status !== 0) {
    throw new Error(
      `the local stack did not start (stack up exited ${up.status}); see ${stackFiles(dir).supervisorLog}`,
    );
  }
  (globalThis as Record<string, unknown>)[startedByTestsFlag] = true;
}
