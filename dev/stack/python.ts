import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../src/shared/paths';
import { type Logger } from '../../src/shared/log';

const requirementsFile = path.join(repoRoot, 'dev', 'requirements.txt');

export interface PythonTools {
  venv: string;
  temporal: string;
  motoServer: string;
}

export function pythonTools(stackDir: string): PythonTools {
  const venv = path.join(stackDir, 'venv');
  return { venv, temporal: path.join(venv, 'bin', 'temporal'), motoServer: path.join(venv, 'bin', 'moto_server') };
}

/**
 * Creates `<stackDir>/venv` and installs the pinned dev/requirements.txt into it, once: a stamp
 * holding the requirements' hash makes later calls free until the pins change.
 */
export function ensurePythonTools(stackDir: string, log: Logger): PythonTools {
  const tools = pythonTools(stackDir);
  const wanted = createHash('sha256').update(fs.readFileSync(requirementsFile)).digest('hex');
  const stamp = path.join(tools.venv, '.requirements.sha256');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted && fs.existsSync(tools.temporal)) return tools;

  const python = findPython();
  log.info('installing the stack’s Python tools (Temporal CLI, moto) into the project virtualenv', {
    venv: tools.venv,
  });
  fs.mkdirSync(stackDir, { recursive: true });
  if (!fs.existsSync(path.join(tools.venv, 'bin', 'python'))) {
    execFileSync(python, ['-m', 'venv', tools.venv], { stdio: 'inherit' });
  }
  const pip = spawnSync(
    path.join(tools.venv, 'bin', 'python'),
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'on', '-r', requirementsFile],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (pip.status !== 0) {
    throw new Error(`pip install -r dev/requirements.txt failed (exit ${pip.status}); see the output above`);
  }
  fs.writeFileSync(stamp, wanted);
  return tools;
}

function findPython(): string {
  for (const candidate of ['python3', 'python']) {
    const probe = spawnSync(candidate, ['-c', 'import sys, venv; print(sys.version_info >= (3, 9))'], {
      encoding: 'utf8',
    });
    if (probe.status === 0 && probe.stdout.trim() === 'True') return candidate;
  }
  throw new Error(
    'Python 3.9 or newer with the venv module is needed for the local stack: install python3 and python3-venv',
  );
}
