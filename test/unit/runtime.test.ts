/**
 * The Node that runs the project: the one pinned as a dev dependency, which every npm script and `npx`
 * put first on PATH, whatever Node the machine has (README, "Requirements").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { repoRoot } from '../../src/shared/paths';

interface PackageJson {
  engines: { node: string };
  devDependencies: Record<string, string>;
}

const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
const pinnedNode = packageJson.devDependencies['node'];

describe('the Node runtime', () => {
  it('is pinned to one exact Node 24 release, which the engines field allows', () => {
    expect(pinnedNode).toMatch(/^24\.\d+\.\d+$/);
    expect(packageJson.engines.node).toBe('>=24.11 <25');
  });

  it('runs the tests: jest started through npm or npx uses the pinned Node, not the system one', () => {
    expect(process.version).toBe(`v${pinnedNode}`);
    expect(process.execPath).toBe(fs.realpathSync(path.join(repoRoot, 'node_modules', '.bin', 'node')));
  });
});
