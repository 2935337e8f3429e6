import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../src/shared/paths';
import { pythonTools } from './python';

/**
 * The stack's shell-sourceable env file (`.stack/env`): one `export NAME=value` line per
 * variable, each value quoted so that `source .stack/env` in bash, zsh or dash yields it byte for
 * byte. `PATH` is the one exception: the directories the stack adds are prepended to the caller's
 * own `$PATH` rather than freezing the supervisor's.
 */

const safeWord = /^[A-Za-z0-9_@%+=:,./-]+$/;
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Quotes a value for a POSIX shell: single quotes, with each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  if (safeWord.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Renders the env file. `basePath` is the PATH the values were computed against: directories of
 * `env.PATH` that it already holds are left to the reader's own `$PATH`.
 */
export function formatEnvFile(env: Record<string, string>, basePath: string = process.env.PATH ?? ''): string {
  const lines = ['# Environment of the efs-orchestrator local stack; load it into a POSIX shell with `source`.'];
  for (const [name, value] of Object.entries(env)) {
    if (!variableName.test(name)) throw new Error(`"${name}" is not a valid environment variable name`);
    if (value.includes('\0')) throw new Error(`$${name} contains a NUL byte, which no environment can hold`);
    if (name === 'PATH') {
      const inherited = new Set(basePath.split(':').filter(Boolean));
      const added = value.split(':').filter((dir) => dir !== '' && !inherited.has(dir));
      if (added.length > 0) lines.push(`export PATH=${added.map(shellQuote).join(':')}:"$PATH"`);
      continue;
    }
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  return lines.join('\n') + '\n';
}

export function writeEnvFile(file: string, env: Record<string, string>, basePath?: string): void {
  writeFileAtomically(file, formatEnvFile(env, basePath));
}

/**
 * Writes the env file of the stack in `stackDir`, with the commands the README uses after
 * `source .stack/env` on PATH: `efs-orchestrator` (this checkout's CLI, run by the Node that runs
 * the stack, whatever `node` the reader's PATH holds) and `temporal` (the stack's Temporal CLI;
 * its Python virtualenv's other programs stay off PATH). Both live in `<stackDir>/bin`, first on
 * PATH, beside the kubectl the stack links there.
 */
export function writeStackEnvFile(stackDir: string, file: string, env: Record<string, string>): void {
  const binDir = path.join(stackDir, 'bin');
  installStackCommands(binDir, stackDir);
  const pathDirs = (env.PATH ?? process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const withCommands = pathDirs.includes(binDir) ? pathDirs : [binDir, ...pathDirs];
  writeEnvFile(file, { ...env, PATH: withCommands.join(path.delimiter) });
}

/** The launchers of `writeStackEnvFile`, rewritten on every start so they follow this checkout and its Node. */
export function installStackCommands(binDir: string, stackDir: string): void {
  fs.mkdirSync(binDir, { recursive: true });
  const cli = path.join(repoRoot, 'bin', 'efs-orchestrator.js');
  writeFileAtomically(
    path.join(binDir, 'efs-orchestrator'),
    `#!/bin/sh\n# The efs-orchestrator CLI of ${repoRoot}, written by the local stack.\nexec ${shellQuote(process.execPath)} ${shellQuote(cli)} "$@"\n`,
    0o755,
  );
  const link = path.join(binDir, 'temporal');
  const temporal = pythonTools(stackDir).temporal;
  fs.rmSync(link, { force: true });
  // A stack without its Temporal component may have no virtualenv: then the reader's own `temporal` stays.
  if (fs.existsSync(temporal)) fs.symlinkSync(temporal, link);
}

/** Writes through a temporary file and a rename, so a concurrent reader never sees half a file. */
export function writeFileAtomically(file: string, content: string, mode?: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content, { mode });
  fs.renameSync(temporary, file);
}

/**
 * Parses what `formatEnvFile` writes (and the usual hand-written variants): `export NAME=word`
 * assignments where a word mixes bare text, '...' and "..." parts (which may span lines); `$NAME`
 * and `${NAME}` outside single quotes expand from the variables set earlier in the file, then
 * from `inherited`.
 */
export function parseEnvFile(text: string, inherited: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  const lookup = (name: string): string => env[name] ?? inherited[name] ?? '';
  let i = 0;
  const lineAt = (index: number): number => text.slice(0, index).split('\n').length;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    const assignment = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(text.slice(i));
    if (!assignment) {
      const end = text.indexOf('\n', i);
      throw new Error(`env file line ${lineAt(i)} is not NAME=value: ${text.slice(i, end < 0 ? undefined : end)}`);
    }
    const word = parseShellWord(text, i + assignment[0].length, lookup, lineAt(i));
    env[assignment[1] as string] = word.value;
    i = word.end;
    const rest = /^[ \t]*(#[^\n]*)?(\n|$)/.exec(text.slice(i));
    if (!rest) throw new Error(`env file line ${lineAt(i)}: unquoted whitespace in a value`);
    i += rest[0].length;
  }
  return env;
}

export function readEnvFile(file: string, inherited?: NodeJS.ProcessEnv): Record<string, string> {
  return parseEnvFile(fs.readFileSync(file, 'utf8'), inherited);
}

/** Reads one shell word starting at `start`; it ends at unquoted whitespace or the end of the text. */
function parseShellWord(
  text: string,
  start: number,
  lookup: (name: string) => string,
  lineNumber: number,
): { value: string; end: number } {
  let out = '';
  let i = start;
  const fail = (why: string): never => {
    throw new Error(`env file line ${lineNumber}: ${why}`);
  };
  const expand = (): void => {
    const found =
      /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(text.slice(i)) ?? /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
    if (!found) {
      out += '$';
      i++;
      return;
    }
    out += lookup(found[1] as string);
    i += found[0].length;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) fail('unterminated single quote');
      out += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= text.length) fail('unterminated double quote');
        const d = text[i] as string;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1] as string)) {
          if (text[i + 1] !== '\n') out += text[i + 1];
          i += 2;
        } else if (d === '$') {
          expand();
        } else {
          out += d;
          i++;
        }
      }
    } else if (c === '\\') {
      if (i + 1 >= text.length) fail('trailing backslash');
      if (text[i + 1] !== '\n') out += text[i + 1];
      i += 2;
    } else if (c === '$') {
      expand();
    } else if (/\s/.test(c)) {
      break;
    } else {
      out += c;
      i++;
    }
  }
  return { value: out, end: i };
}
