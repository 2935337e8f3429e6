/** The folders of src/ depend on each other only as src/boundaries.ts allows. */
import { afterEach, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { boundaries } from '../../src/boundaries';
import { repoRoot } from '../../src/shared/paths';
import { checkBoundaries, runtimeImports, sourceFiles, staleRuleEntries } from '../support/boundaries';

describe('the source tree', () => {
  it('imports across the folders of src/ only what src/boundaries.ts allows', () => {
    expect(sourceFiles(repoRoot).length).toBeGreaterThan(50);
    expect(checkBoundaries(repoRoot, boundaries).map((v) => v.message)).toEqual([]);
  });

  it('has a rule for every folder of src/, and every rule names something that exists', () => {
    const folders = fs
      .readdirSync(path.join(repoRoot, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `src/${entry.name}`);
    expect(folders.filter((folder) => !(folder in boundaries))).toEqual([]);
    expect(staleRuleEntries(repoRoot, boundaries)).toEqual([]);
  });
});

describe('run-time imports', () => {
  const specifiers = (text: string) => runtimeImports('x.ts', text).map((site) => site.specifier);

  it('count imports, re-exports, require, require.resolve and import()', () => {
    const text = [
      "import { a } from './a';",
      "import b from './b';",
      "import * as c from './c';",
      "import './d';",
      "import { type T, e } from './e';",
      "export { f } from './f';",
      "export * from './g';",
      "const h = require('./h') as typeof import('./not-counted');",
      "const i = require.resolve('./i');",
      "void import('./j');",
      "import k = require('./k');",
    ].join('\n');
    expect(specifiers(text)).toEqual(['./a', './b', './c', './d', './e', './f', './g', './h', './i', './j', './k']);
    expect(runtimeImports('x.ts', text).map((site) => site.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('leave out type-only imports and exports', () => {
    const text = [
      "import type { A } from './a';",
      "import { type B, type C } from './b';",
      "export type { D } from './d';",
      "export { type E } from './e';",
      "import type F = require('./f');",
      "type G = typeof import('./g');",
    ].join('\n');
    expect(specifiers(text)).toEqual([]);
  });
});

describe('a planted forbidden import', () => {
  let tree: string;
  afterEach(() => fs.rmSync(tree, { recursive: true, force: true }));

  /** A temporary tree with these files (path from the root -> content) and the real rules. */
  function plant(files: Record<string, string>) {
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'efs-boundaries-'));
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
      fs.writeFileSync(path.join(tree, file), text);
    }
    return checkBoundaries(tree, boundaries);
  }

  it('fails naming the file, the import and the rule', () => {
    const violations = plant({
      'src/kube/client.ts': 'export class KindClient {}\n',
      'src/domain/plan.ts': "// pure\nimport { KindClient } from '../kube/client';\nexport const k = KindClient;\n",
    });
    expect(violations).toEqual([
      expect.objectContaining({
        file: 'src/domain/plan.ts',
        line: 2,
        specifier: '../kube/client',
        target: 'src/kube/client',
        rule: 'src/domain',
      }),
    ]);
    expect(violations[0]?.message).toBe(
      "src/domain/plan.ts:2 imports '../kube/client' (src/kube/client), but src/domain may import only its own " +
        `folder and src/api, src/shared/json (${boundaries['src/domain']?.why})`,
    );
  });

  it('passes when the same import is type-only, and within a folder', () => {
    expect(
      plant({
        'src/kube/client.ts': 'export class KindClient {}\n',
        'src/domain/plan.ts': "import type { KindClient } from '../kube/client';\nimport { x } from './validate';\n",
        'src/domain/validate.ts': 'export const x = 1;\n',
      }),
    ).toEqual([]);
  });

  it('fails when src/temporal imports src/cli, and when the watcher reaches a Kubernetes writer or AWS', () => {
    const violations = plant({
      'src/cli/settings.ts': 'export const s = 1;\n',
      'src/kube/client.ts': 'export const read = 1;\n',
      'src/kube/status.ts': 'export const write = 1;\n',
      'src/temporal/connection.ts': "import { s } from '../cli/settings';\n",
      'src/watcher/watcher.ts': [
        "import { read } from '../kube/client';",
        "import { write } from '../kube/status';",
        "import { EFSClient } from '@aws-sdk/client-efs';",
      ].join('\n'),
    });
    expect(violations.map((v) => [v.file, v.specifier, v.rule])).toEqual([
      ['src/temporal/connection.ts', '../cli/settings', 'src/temporal'],
      ['src/watcher/watcher.ts', '../kube/status', 'src/watcher'],
      ['src/watcher/watcher.ts', '@aws-sdk/client-efs', 'src/watcher'],
    ]);
  });

  it('reads a * in a rule as any one path segment', () => {
    const rules = {
      'src/workflows': { mayImport: ['src/kinds/*/descriptor'], why: 'descriptors are data' },
      'src/kinds': { mayImport: [], why: 'kinds' },
    };
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'efs-boundaries-'));
    const files: Record<string, string> = {
      'src/kinds/filesystem/descriptor.ts': 'export const d = 1;\n',
      'src/kinds/filesystem/manager.ts': 'export const m = 1;\n',
      'src/workflows/index.ts':
        "import { d } from '../kinds/filesystem/descriptor';\nimport { m } from '../kinds/filesystem/manager';\n",
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
      fs.writeFileSync(path.join(tree, file), text);
    }
    expect(checkBoundaries(tree, rules).map((v) => [v.file, v.target])).toEqual([
      ['src/workflows/index.ts', 'src/kinds/filesystem/manager'],
    ]);
    expect(staleRuleEntries(tree, rules)).toEqual([]);
  });

  it('fails on an I/O package in pure code, on dev/ or test/ from outside the CLI, and on a folder without a rule', () => {
    const violations = plant({
      'dev/stack/stack.ts': 'export const stack = 1;\n',
      'test/support/x.ts': 'export const x = 1;\n',
      'src/domain/filesystem.ts': "import * as fs from 'fs';\n",
      'src/workflows/lifecycle.ts':
        "import { Client } from '@temporalio/client';\nimport { sleep } from '@temporalio/workflow';\n",
      'src/worker/worker.ts':
        "import { stack } from '../../dev/stack/stack';\nimport { x } from '../../test/support/x';\n",
      'src/cli/commands/dev.ts': "const { stack } = require('../../../dev/stack/stack');\n",
      'src/novel/thing.ts': 'export const nothing = 0;\n',
    });
    expect(violations.map((v) => [v.file, v.target, v.rule])).toEqual([
      ['src/domain/filesystem.ts', 'node:fs', 'src/domain'],
      ['src/novel/thing.ts', '', '(none)'],
      ['src/worker/worker.ts', 'dev/stack/stack', 'src/worker'],
      ['src/worker/worker.ts', 'test/support/x', 'src/worker'],
      ['src/workflows/lifecycle.ts', '@temporalio/client', 'src/workflows'],
    ]);
    expect(violations[1]?.message).toContain('src/novel has no rule in src/boundaries.ts');
  });
});
