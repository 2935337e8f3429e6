import * as fs from 'node:fs';
import { readEnvFile } from '../../dev/stack/env-file';
import { stackFiles } from '../../dev/stack/stack';
import { stackDir } from '../../src/shared/paths';

/**
 * The env of the shared local stack that jest's global setup started or found running (the
 * parsed `.stack/env`: TEMPORAL_ADDRESS, KUBECONFIG, AWS_ENDPOINT_URL_EFS, ...).
 */
export function stackEnv(dir: string = stackDir()): Record<string, string> {
  const file = stackFiles(dir).env;
  if (!fs.existsSync(file)) {
    throw new Error(
      `${file} does not exist: the local stack is not running. Run the tests with \`npm test\` (its global setup ` +
        'starts the stack) or start the stack first with `npm run stack -- up`.',
    );
  }
  return readEnvFile(file);
}

/** Like `stackEnv()[name]`, but an absent variable is an error naming the stack component that should set it. */
export function stackEnvValue(name: string, dir?: string): string {
  const value = stackEnv(dir)[name];
  if (value === undefined || value === '') {
    throw new Error(`the local stack's env file has no ${name}: is the component that provides it part of the stack?`);
  }
  return value;
}
