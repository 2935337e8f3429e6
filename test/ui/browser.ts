import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { readStackState } from '../../dev/stack/stack';
import { repoRoot, stackDir } from '../../src/shared/paths';

/** Debian's `chromium` package: playwright-core drives it and never downloads a browser of its own. */
export const chromiumPath = '/usr/bin/chromium';

const ensureChromiumScript = path.join(repoRoot, 'dev', 'scripts', 'ensure-chromium.sh');

/**
 * The machine's network is closed, so every feature that calls home is off. Playwright adds
 * `--headless` (headless: true) and a fresh temporary `--user-data-dir` it removes on close
 * (it refuses one in `args`).
 */
export const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the browser tests leave their screenshots. */
export const uiOutputDir = path.join(repoRoot, 'test-output', 'ui');

/**
 * Installs Chromium with dev/scripts/ensure-chromium.sh when it is missing (fast when present);
 * its progress goes straight to the terminal, since the first install takes a minute.
 */
export function ensureChromium(): void {
  const run = spawnSync('bash', [ensureChromiumScript], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0 || !fs.existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is missing at ${chromiumPath} and ${path.relative(repoRoot, ensureChromiumScript)} could not install it ` +
        `(exit ${run.status ?? run.signal}); install the Debian package with \`sudo bash dev/scripts/ensure-chromium.sh\` ` +
        '(or `apt-get install chromium`)',
    );
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags, timeout: 60_000 });
}

/** The base URL of the Temporal Web UI of the running local stack, as its state file records it. */
export function temporalUiUrl(dir: string = stackDir()): string {
  const temporal = readStackState(dir)?.components.find((c) => c.name === 'temporal');
  const url = temporal?.endpoints['Temporal UI'];
  if (!url) {
    throw new Error(
      `the local stack in ${dir} records no Temporal UI endpoint: is it running with its temporal component ` +
        '(`npm run stack -- status`)?',
    );
  }
  return url;
}

/** The UI's workflow list of a Temporal namespace, filtered by a visibility query. */
export function workflowListUrl(baseUrl: string, temporalNamespace: string, query: string): string {
  return `${baseUrl}/namespaces/${encodeURIComponent(temporalNamespace)}/workflows?query=${encodeURIComponent(query)}`;
}
