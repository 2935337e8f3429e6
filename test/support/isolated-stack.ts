import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultPorts, type StackPorts } from '../../dev/stack/ports';
import { ensurePythonTools, pythonTools } from '../../dev/stack/python';
import { createLogger } from '../../src/shared/log';
import { stackDir } from '../../src/shared/paths';
import { freePorts } from './free-port';

/**
 * Helpers for tests that run their own stack pieces beside the shared stack: a temporary stack
 * folder that borrows the shared Python virtualenv, and free loopback ports.
 */

/** Distinct free ports for every stack port, so a test never meets the shared stack or another test. */
export async function freeStackPorts(): Promise<StackPorts> {
  const ports = { ...defaultPorts };
  const keys = Object.keys(ports) as (keyof StackPorts)[];
  const free = await freePorts(keys.length);
  keys.forEach((key, i) => (ports[key] = free[i] as number));
  return ports;
}

/** The env variables that make a stack command use these ports. */
export function portsEnv(ports: StackPorts): Record<string, string> {
  return Object.fromEntries(Object.entries(ports).map(([key, value]) => [key, String(value)]));
}

/**
 * A fresh temporary stack folder whose `venv` links to the shared one (installed first if needed,
 * under a lock so that parallel test files do not run pip into one virtualenv at once).
 */
export async function temporaryStackDir(prefix = 'efs-stack-'): Promise<string> {
  const shared = stackDir();
  await withFileLock(path.join(os.tmpdir(), 'efs-orchestrator-venv.lock'), async () => {
    ensurePythonTools(shared, createLogger('test-stack'));
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.symlinkSync(pythonTools(shared).venv, path.join(dir, 'venv'));
  return dir;
}

async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      // An empty file is a lock being written: wait for its pid rather than break it.
      if (Number.isInteger(holder) && !isAlive(holder)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${file} (held by pid ${holder})`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
