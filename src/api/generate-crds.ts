import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { repoRoot } from '../shared/paths';
import { allCrds } from './crd';

export const crdDir = path.join(repoRoot, 'config', 'crd');
const header = '# Generated from src/api/crd.ts by `npm run generate:crds`. Do not edit by hand.\n';

/** The exact text of each generated CRD file, quoted the way prettier (npm run lint/format) leaves YAML. */
export function renderCrds(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(allCrds()).map(([file, crd]) => [file, header + stringify(crd, { singleQuote: true })]),
  );
}

if (require.main === module) {
  fs.mkdirSync(crdDir, { recursive: true });
  for (const [file, text] of Object.entries(renderCrds())) {
    fs.writeFileSync(path.join(crdDir, file), text);
    process.stdout.write(`wrote config/crd/${file}\n`);
  }
}
