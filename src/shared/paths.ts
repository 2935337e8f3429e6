import * as path from 'node:path';

/** The repository root: two levels above this file in both `src/shared` and `dist/src/shared`. */
export const repoRoot: string = findRoot(__dirname);

function findRoot(dir: string): string {
  const parts = dir.split(path.sep);
  const distIndex = parts.lastIndexOf('dist');
  const srcIndex = parts.lastIndexOf('src');
  const cut = distIndex >= 0 ? distIndex : srcIndex;
  return parts.slice(0, cut).join(path.sep) || path.sep;
}

/** Where the local stack keeps its binaries, data, logs and env file (git-ignored). */
export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.EFS_STACK_DIR ?? path.join(repoRoot, '.stack'));
}
