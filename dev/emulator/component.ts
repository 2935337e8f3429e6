/** The EFS emulator as a piece of the local stack: the compiled CLI's `emulator` command in a child process. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../src/shared/paths';
import { type StackComponent } from '../stack/component';
import { spawnManaged, waitFor } from '../stack/process';
import { adminPrefix } from './admin-types';

const cli = path.join(repoRoot, 'bin', 'efs-orchestrator.js');
const compiledMain = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');

export const emulatorComponent: StackComponent = {
  name: 'efs-emulator',

  async install() {
    // Nothing to install: the emulator is part of the compiled CLI.
  },

  async start(context) {
    if (!fs.existsSync(compiledMain)) {
      throw new Error(
        `the EFS emulator runs from the compiled CLI (${compiledMain} is missing): run \`npm run build\` first`,
      );
    }
    const port = context.ports.EFS_EMULATOR_PORT;
    const url = `http://127.0.0.1:${port}`;
    const adminUrl = url + adminPrefix;
    const child = spawnManaged({
      name: 'efs-emulator',
      command: process.execPath,
      args: [cli, 'emulator', '--port', String(port), '--host', '127.0.0.1'],
      logDir: context.logDir,
      log: context.log,
      env: { ...process.env, ...context.env },
      onCrash: context.onCrash,
    });
    let exited = false;
    void child.exited.then(() => (exited = true));
    try {
      // An exit ends the wait early; it is reported below instead of after the full timeout.
      // Each probe has its own timeout: something else listening on the port might never answer.
      const answers = async () => (await fetch(`${adminUrl}/health`, { signal: AbortSignal.timeout(2_000) })).ok;
      await waitFor(`the EFS emulator on ${url} (log: ${child.logFile})`, async () => exited || (await answers()), {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      if (exited) throw new Error(`the EFS emulator exited during startup; see ${child.logFile}`);
    } catch (err) {
      await child.stop(2_000);
      throw err;
    }
    return {
      name: 'efs-emulator',
      children: [child],
      env: {
        AWS_ENDPOINT_URL_EFS: url,
        // The local STS answers on the same port (dev/emulator/sts.ts).
        AWS_ENDPOINT_URL_STS: url,
        EFS_EMULATOR_ADMIN_URL: adminUrl,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      },
      endpoints: { 'EFS endpoint': url, 'STS endpoint': url, 'EFS emulator admin API': adminUrl },
      stop: () => child.stop(),
    };
  },
};
