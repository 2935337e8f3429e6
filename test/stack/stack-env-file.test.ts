import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { formatEnvFile, parseEnvFile, readEnvFile, shellQuote, writeEnvFile } from '../../dev/stack/env-file';
import { startStack, stackFiles } from '../../dev/stack/stack';
import { temporalComponent } from '../../dev/stack/temporal';
import { createLogger } from '../../src/shared/log';
import { freeStackPorts, temporaryStackDir } from '../support/isolated-stack';

const awkward: Record<string, string> = {
  PLAIN: '127.0.0.1:7233',
  URL: 'http://127.0.0.1:18080/admin?x=1&y=2',
  SPACES: 'a value with  two  spaces',
  SINGLE: "it's O'Brien's",
  DOUBLE: 'say "hi"',
  DOLLAR: '$HOME and ${PATH} and $(id) and `id`',
  BACKSLASH: 'C:\\temp\\new',
  NEWLINE: 'line one\nline two',
  GLOB: '*.yaml ?[a]',
  SEMICOLON: 'a; rm -rf /tmp/nothing',
  EMPTY: '',
  UNICODE: 'café ☕',
  HASH: '#not-a-comment',
  TILDE: '~/x',
};

/** What a real shell sees after `source file`: each variable's bytes, as JSON. */
function sourceInShell(
  shell: string,
  file: string,
  names: string[],
  env: NodeJS.ProcessEnv = {},
): Record<string, string> {
  const script = `. "$1"; shift; exec "${process.execPath}" -e 'const o={};for(const n of process.argv.slice(1))o[n]=process.env[n];console.log(JSON.stringify(o))' "$@"`;
  // --norc: bash reads ~/.bashrc even for -c when it thinks a remote shell daemon started it.
  const options = shell === 'bash' ? ['--norc', '--noprofile'] : [];
  const out = execFileSync(shell, [...options, '-c', script, shell, file, ...names], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: '/usr/bin:/bin', ...env },
  });
  return JSON.parse(out) as Record<string, string>;
}

describe('the stack env file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efs-env-file-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(['bash', 'sh'])('survives `source` in %s byte for byte, whatever the values hold', (shell) => {
    const file = path.join(dir, 'env');
    writeEnvFile(file, awkward);
    expect(sourceInShell(shell, file, Object.keys(awkward))).toEqual(awkward);
  });

  it('parses back exactly what it wrote', () => {
    const file = path.join(dir, 'env');
    writeEnvFile(file, awkward);
    expect(readEnvFile(file, {})).toEqual(awkward);
  });

  it('writes one export line per variable, quoting only what needs it', () => {
    expect(formatEnvFile({ TEMPORAL_ADDRESS: '127.0.0.1:7233', NAME: "a b'c" }, '')).toBe(
      '# Environment of the efs-orchestrator local stack; load it into a POSIX shell with `source`.\n' +
        'export TEMPORAL_ADDRESS=127.0.0.1:7233\n' +
        "export NAME='a b'\\''c'\n",
    );
    expect(shellQuote('')).toBe("''");
  });

  it('prepends the directories the stack adds to PATH and keeps the reader’s own PATH', () => {
    const file = path.join(dir, 'env');
    const base = '/usr/bin:/bin';
    writeEnvFile(file, { PATH: `/stack dir/bin:${base}`, KUBECONFIG: '/stack dir/kubeconfig' }, base);
    expect(fs.readFileSync(file, 'utf8')).toContain(`export PATH='/stack dir/bin':"$PATH"`);
    const seen = sourceInShell('bash', file, ['PATH', 'KUBECONFIG'], { PATH: '/opt/mine:/usr/bin:/bin' });
    expect(seen).toEqual({ PATH: '/stack dir/bin:/opt/mine:/usr/bin:/bin', KUBECONFIG: '/stack dir/kubeconfig' });
    expect(readEnvFile(file, { PATH: '/opt/mine:/usr/bin:/bin' }).PATH).toBe('/stack dir/bin:/opt/mine:/usr/bin:/bin');
  });

  it('reads the usual hand-written forms too', () => {
    const text = [
      '# a comment',
      '',
      'export A=plain',
      'B="double $A ${A} \\"quoted\\" \\$literal"',
      "C='single $A'",
      'D=mixed"$A"\'$A\'\\ x',
    ].join('\n');
    expect(parseEnvFile(text, {})).toEqual({
      A: 'plain',
      B: 'double plain plain "quoted" $literal',
      C: 'single $A',
      D: 'mixedplain$A x',
    });
  });

  it('rejects what a shell would not read as one assignment', () => {
    expect(() => parseEnvFile('export A=two words', {})).toThrow(/line 1: unquoted whitespace/);
    expect(() => parseEnvFile("A='open", {})).toThrow(/unterminated single quote/);
    expect(() => parseEnvFile('not an assignment', {})).toThrow(/line 1 is not NAME=value/);
    expect(() => formatEnvFile({ 'BAD-NAME': 'x' })).toThrow(/not a valid environment variable name/);
    expect(() => formatEnvFile({ NUL: 'a\0b' })).toThrow(/NUL byte/);
  });
});

describe('the env file of a running stack', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('puts the README’s commands on PATH: efs-orchestrator and the stack’s temporal, even without node on PATH', async () => {
    const stackDir = await temporaryStackDir('efs-env-commands-');
    dir = stackDir;
    const stack = await startStack({
      stackDir,
      ports: await freeStackPorts(),
      components: [temporalComponent],
      log: createLogger('test-stack', { level: 'warn' }),
      print: () => undefined,
    });
    try {
      // A login shell of someone who has never installed node: only the system directories.
      const script = [
        'source "$1"',
        'command -v efs-orchestrator',
        'command -v temporal',
        'efs-orchestrator help',
        'temporal workflow list --limit 1 --output json',
      ].join(' && ');
      const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script, 'bash', stackFiles(stackDir).env], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: '/usr/bin:/bin', HOME: stackDir },
      });
      const lines = out.split('\n');
      expect(lines.slice(0, 2)).toEqual([
        path.join(stackDir, 'bin', 'efs-orchestrator'),
        path.join(stackDir, 'bin', 'temporal'),
      ]);
      expect(out).toContain('Usage: efs-orchestrator <command>');
      // The stack's Temporal CLI reached the stack's server ($TEMPORAL_ADDRESS): an empty list, as JSON.
      expect(out.trimEnd()).toMatch(/\[\s*\]$/);
    } finally {
      await stack.stop();
    }
  });
});
