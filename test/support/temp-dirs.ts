import { afterAll, afterEach, beforeAll } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Temporary folders named `<prefix>…` for the tests of one file: `make()` creates one, removed
 * after each test, and after the last test the file fails if a folder with that prefix made during
 * its run is still there, whoever made it (a test that calls mkdtemp itself included).
 *
 * make() tags its folders with this process's id, so that another run of the same tests on the
 * machine (whose folders come and go while this one runs) is not mistaken for a leak.
 */
export function useTemporaryDirs(prefix: string): { make(): string } {
  const made: string[] = [];
  const withPrefix = (): string[] => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(prefix));
  const tagged = /^\d+-/;
  const isOurs = (name: string): boolean => {
    const rest = name.slice(prefix.length);
    return !tagged.test(rest) || rest.startsWith(`${process.pid}-`);
  };
  let before = new Set<string>();
  beforeAll(() => {
    before = new Set(withPrefix());
  });
  afterEach(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  afterAll(() => {
    const left = withPrefix().filter((name) => !before.has(name) && isOurs(name));
    if (left.length > 0) {
      throw new Error(
        `the tests left ${left.join(', ')} in ${os.tmpdir()}: make temporary folders with make(), or remove them`,
      );
    }
  });
  return {
    make() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}${process.pid}-`));
      made.push(dir);
      return dir;
    },
  };
}
