import { builtinModules } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { type BoundaryRule } from '../../src/boundaries';

/**
 * Checks the run-time imports of every TypeScript file under `<root>/src` against the rules of
 * src/boundaries.ts (see there for their meaning).
 */

/** One run-time import found in a file. */
export interface ImportSite {
  specifier: string;
  line: number;
}

export interface Violation {
  /** The importing file, from the root. */
  file: string;
  line: number;
  specifier: string;
  /** What the import resolves to: a path from the root without extension, or a package name. */
  target: string;
  /** The key of the rule that refuses it. */
  rule: string;
  message: string;
}

const builtins = new Set(builtinModules);

/** The run-time imports of one source text; type-only imports and `typeof import()` are left out. */
export function runtimeImports(fileName: string, text: string): ImportSite[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: ImportSite[] = [];
  const add = (literal: ts.Node): void => {
    if (!ts.isStringLiteralLike(literal)) return;
    found.push({ specifier: literal.text, line: source.getLineAndCharacterOfPosition(literal.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      if (!isTypeOnlyImport(node.importClause)) add(node.moduleSpecifier);
    } else if (ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier && !isTypeOnlyExport(node)) add(node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node)) {
      if (!node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    } else if (ts.isCallExpression(node) && node.arguments[0]) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isResolve =
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'require' &&
        callee.name.text === 'resolve';
      if (isRequire || isResolve || callee.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isTypeOnlyImport(clause: ts.ImportClause | undefined): boolean {
  if (!clause) return false; // `import 'x'` runs x
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    clause.name === undefined &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((element) => element.isTypeOnly)
  );
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return (
    clause !== undefined &&
    ts.isNamedExports(clause) &&
    clause.elements.length > 0 &&
    clause.elements.every((element) => element.isTypeOnly)
  );
}

/** A package specifier's name (`@scope/name`, `name`, `node:fs`), without any subpath. */
export function packageName(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
  return builtins.has(name) ? `node:${name}` : name;
}

/** `src/kube/client.ts` -> `src/kube/client`; a folder import names its index. */
function resolveRelative(root: string, fromFile: string, specifier: string): string {
  const absolute = path.resolve(path.dirname(path.join(root, fromFile)), specifier);
  const withoutExtension = absolute.replace(/\.(js|ts|json)$/, '');
  const indexed =
    fs.existsSync(path.join(withoutExtension, 'index.ts')) && !fs.existsSync(`${withoutExtension}.ts`)
      ? path.join(withoutExtension, 'index')
      : withoutExtension;
  return toPosix(path.relative(root, indexed));
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** `src/kube/client` -> `src/kube`; `src/boundaries` -> `src/boundaries.ts` (a file at the top). */
function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : file;
}

/** Whether `target` is `entry` or lies under it; a `*` segment of the entry stands for any one segment. */
function within(target: string, entry: string): boolean {
  const targetParts = target.split('/');
  const entryParts = entry.split('/');
  return (
    targetParts.length >= entryParts.length && entryParts.every((part, i) => part === '*' || part === targetParts[i])
  );
}

function pathAllowed(target: string, ownFolder: string, rule: BoundaryRule): boolean {
  return within(target, ownFolder) || rule.mayImport.some((entry) => within(target, entry));
}

function packageAllowed(name: string, rule: BoundaryRule): boolean {
  if (!rule.packages) return true;
  return rule.packages.some((entry) =>
    entry.endsWith('/*') || entry.endsWith(':*') ? name.startsWith(entry.slice(0, -1)) : name === entry,
  );
}

/** The key of the rule that governs a file: the longest key that is the file or one of its folders. */
export function ruleKeyFor(file: string, rules: Readonly<Record<string, BoundaryRule>>): string | undefined {
  return Object.keys(rules)
    .filter((key) => within(file, key))
    .sort((a, b) => b.length - a.length)[0];
}

function describeRule(key: string, rule: BoundaryRule, kind: 'path' | 'package'): string {
  const what =
    kind === 'path'
      ? rule.mayImport.length > 0
        ? `may import only its own folder and ${rule.mayImport.join(', ')}`
        : 'may import nothing outside its own folder'
      : rule.packages && rule.packages.length > 0
        ? `may import only the packages ${rule.packages.join(', ')}`
        : 'may import no package';
  return `${key} ${what} (${rule.why})`;
}

/** The TypeScript files under `<root>/src`, as paths from the root. */
export function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(relative);
    }
  };
  walk('src');
  return files.sort();
}

/** Every run-time import under `<root>/src` that the rules refuse; empty when the tree keeps them. */
export function checkBoundaries(root: string, rules: Readonly<Record<string, BoundaryRule>>): Violation[] {
  const violations: Violation[] = [];
  for (const file of sourceFiles(root)) {
    const key = ruleKeyFor(file, rules);
    const ownFolder = folderOf(file);
    if (key === undefined) {
      violations.push({
        file,
        line: 1,
        specifier: '',
        target: '',
        rule: '(none)',
        message: `${file}: ${ownFolder} has no rule in src/boundaries.ts; add one that says what it may use and why`,
      });
      continue;
    }
    const rule = rules[key] as BoundaryRule;
    for (const { specifier, line } of runtimeImports(file, fs.readFileSync(path.join(root, file), 'utf8'))) {
      const where = `${file}:${line} imports '${specifier}'`;
      const relative = specifier.startsWith('.');
      const target = relative ? resolveRelative(root, file, specifier) : packageName(specifier);
      const allowed = relative ? pathAllowed(target, ownFolder, rule) : packageAllowed(target, rule);
      if (allowed) continue;
      violations.push({
        file,
        line,
        specifier,
        target,
        rule: key,
        message: `${where} (${target}), but ${describeRule(key, rule, relative ? 'path' : 'package')}`,
      });
    }
  }
  return violations;
}

/** Rule keys and allowed paths that name nothing in the tree: a stale rule would hide a missing folder. */
export function staleRuleEntries(root: string, rules: Readonly<Record<string, BoundaryRule>>): string[] {
  // A pattern exists when the part before its first `*` does.
  const exists = (entry: string): boolean => {
    const p = entry.split('/*')[0] as string;
    return fs.existsSync(path.join(root, p)) || fs.existsSync(path.join(root, `${p}.ts`));
  };
  const stale: string[] = [];
  for (const [key, rule] of Object.entries(rules)) {
    if (!exists(key)) stale.push(`rule ${key}`);
    for (const entry of rule.mayImport) if (!exists(entry)) stale.push(`${key} -> ${entry}`);
  }
  return stale;
}
