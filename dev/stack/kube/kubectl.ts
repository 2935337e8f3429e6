import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Logger } from '../../../src/shared/log';

const cloudSdkBin = '/usr/lib/google-cloud-sdk/bin';

/**
 * A kubectl within one minor version of the built kube-apiserver (kubectl's supported skew),
 * linked as `<binDir>/kubectl` so the env file can put it first on PATH. Looks at $KUBECTL, the
 * Google Cloud SDK's versioned kubectl binaries, then `kubectl` on PATH. Returns undefined when
 * none fits: the stack works without kubectl.
 */
export function linkKubectl(binDir: string, kubernetesVersion: string, log: Logger): string | undefined {
  const serverMinor = Number(/^v\d+\.(\d+)/.exec(kubernetesVersion)?.[1]);
  const candidates = [
    process.env.KUBECTL,
    ...[serverMinor + 1, serverMinor, serverMinor - 1].map((minor) => path.join(cloudSdkBin, `kubectl.1.${minor}`)),
    'kubectl',
  ].filter((candidate): candidate is string => !!candidate);
  const link = path.join(binDir, 'kubectl');
  for (const candidate of candidates) {
    const minor = kubectlClientMinor(candidate);
    if (minor === undefined || Math.abs(minor - serverMinor) > 1) continue;
    const target = candidate.includes('/') ? candidate : whichOnPath(candidate);
    if (!target || path.resolve(target) === link) continue;
    fs.mkdirSync(binDir, { recursive: true });
    // Link beside, then rename over: stacks sharing the folder may do this at the same moment.
    const temporary = `${link}.${process.pid}.tmp`;
    fs.rmSync(temporary, { force: true });
    fs.symlinkSync(target, temporary);
    fs.renameSync(temporary, link);
    return link;
  }
  log.warn(
    `no kubectl 1.${serverMinor - 1}–1.${serverMinor + 1} found: the stack runs without it, but to use kubectl against ` +
      `it install kubectl 1.${serverMinor} (or set $KUBECTL to one)`,
  );
  return undefined;
}

function kubectlClientMinor(command: string): number | undefined {
  try {
    const out = execFileSync(command, ['version', '--client', '-o', 'json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    const info = JSON.parse(out) as { clientVersion?: { gitVersion?: string } };
    const version = info.clientVersion?.gitVersion ?? '';
    // The Cloud SDK's dispatcher reports a version of its own, not of the kubectl it would run.
    if (version.includes('dispatcher')) return undefined;
    const minor = Number(/^v\d+\.(\d+)/.exec(version)?.[1]);
    return Number.isFinite(minor) ? minor : undefined;
  } catch {
    return undefined;
  }
}

function whichOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (fs.existsSync(candidate)) return fs.realpathSync(candidate);
  }
  return undefined;
}
