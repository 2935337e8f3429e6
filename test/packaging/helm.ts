/**
 * A pinned helm for the chart tests: $HELM when set, else `<stack dir>/bin/helm-<version>`, built
 * once from its Go module (`go install helm.sh/helm/v3/cmd/helm@<version>`; about four minutes on
 * two cores the first time, then cached with the stack's other binaries).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stackDir } from '../../src/shared/paths';

export const helmVersion = 'v3.22.0';

export function helmPath(): string {
  return process.env.HELM || path.join(stackDir(), 'bin', `helm-${helmVersion}`);
}

export function ensureHelm(print: (line: string) => void = (line) => process.stdout.write(line + '\n')): string {
  const helm = helmPath();
  if (fs.existsSync(helm)) return helm;
  if (process.env.HELM) throw new Error(`$HELM is ${process.env.HELM}, which does not exist`);
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) {
    throw new Error(
      `building helm ${helmVersion} for the chart tests needs Go (1.26 or newer) on PATH; install Go, ` +
        'or point $HELM at an installed helm 3',
    );
  }
  const binDir = path.dirname(helm);
  fs.mkdirSync(binDir, { recursive: true });
  // Built into a private folder and moved into place, so a cut-short build never leaves a broken helm.
  const buildDir = fs.mkdtempSync(path.join(binDir, '.helm-build-'));
  try {
    print(`building helm ${helmVersion} into ${helm} (once; a few minutes)...`);
    const started = Date.now();
    const build = spawnSync('go', ['install', `helm.sh/helm/v3/cmd/helm@${helmVersion}`], {
      env: { ...process.env, GOBIN: buildDir, GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (build.status !== 0) {
      throw new Error(`go install helm.sh/helm/v3/cmd/helm@${helmVersion} failed:\n${build.stderr.slice(-4000)}`);
    }
    fs.renameSync(path.join(buildDir, 'helm'), helm);
    print(`built helm ${helmVersion} in ${Math.round((Date.now() - started) / 1000)} s`);
    return helm;
  } finally {
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
}

/** Runs helm: its stdout when it succeeds, else its stderr. */
export function helm(args: string[]): { ok: true; stdout: string } | { ok: false; stderr: string } {
  const run = spawnSync(helmPath(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  return run.status === 0 ? { ok: true, stdout: run.stdout } : { ok: false, stderr: run.stderr };
}
