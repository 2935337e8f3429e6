import { fieldExportTargetKinds, type FieldExportSpec, type FieldExportTargetKind } from '../api/fieldexport';
import { group as efsGroup } from '../api/filesystem';
import { type FieldError } from './validate';

/**
 * FieldExport, as ACK's runtime does it: a path into the source object selects one string, number
 * or boolean, written as text to a key of an existing ConfigMap or Secret. Pure.
 */

/** The kinds whose fields this controller exports (ACK: the kinds of the controller's own group). */
export const exportableKinds = ['FileSystem', 'MountTarget', 'AccessPoint'] as const;

export interface ExportPlan {
  source: { kind: string; name: string };
  path: PathStep[];
  target: { kind: FieldExportTargetKind; namespace: string; name: string; key: string };
}

export type PathStep = string | number;

/** A FieldExport of another ACK controller's group: not ours to handle, and left untouched (as ACK does). */
export function isForThisController(spec: FieldExportSpec | undefined): boolean {
  const group = spec?.from?.resource?.group;
  return group === undefined || group === '' || group === efsGroup;
}

/** The export a valid spec asks for, or the fields to fix. */
export function exportPlan(
  spec: FieldExportSpec | undefined,
  namespace: string,
  name: string,
): ExportPlan | FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string): void => {
    errors.push({ field: `spec.${field}`, message });
  };
  const kind = spec?.from?.resource?.kind ?? '';
  const known = exportableKinds.find((k) => k.toLowerCase() === kind.toLowerCase());
  if (!known) fail('from.resource.kind', `must be one of ${exportableKinds.join(', ')}, not "${kind}"`);
  const sourceName = spec?.from?.resource?.name ?? '';
  if (!sourceName) fail('from.resource.name', 'is required: the name of the source object in this namespace');
  const path = parsePath(spec?.from?.path ?? '');
  if (typeof path === 'string') fail('from.path', path);
  const targetKind = spec?.to?.kind;
  if (!targetKind || !fieldExportTargetKinds.includes(targetKind)) {
    fail('to.kind', `must be "configmap" or "secret", not "${targetKind ?? ''}"`);
  }
  if (!spec?.to?.name) fail('to.name', 'is required: the ConfigMap or Secret to write to');
  if (errors.length > 0 || !known || typeof path === 'string' || !targetKind) return errors;
  return {
    source: { kind: known, name: sourceName },
    path,
    target: {
      kind: targetKind,
      namespace: spec?.to?.namespace || namespace,
      name: spec?.to?.name ?? '',
      key: spec?.to?.key || `${namespace}.${name}`,
    },
  };
}

/**
 * The jq paths FieldExports use: `.a.b`, `.a[0]`, `.a["b"]`, `.["a"]` (ACK evaluates full jq; field
 * and index steps are what selecting one field needs). A message says what is wrong otherwise.
 */
export function parsePath(path: string): PathStep[] | string {
  const unsupported = `"${path}" is not a path of fields and indexes such as .status.fileSystemID`;
  if (!path.startsWith('.')) return unsupported;
  const steps: PathStep[] = [];
  const token = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\.?\["((?:[^"\\]|\\.)*)"\]/y;
  let at = 0;
  if (path === '.') return steps;
  while (at < path.length) {
    token.lastIndex = at;
    const match = token.exec(path);
    if (!match) return unsupported;
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(Number(match[2]));
    else steps.push(JSON.parse(`"${match[3] ?? ''}"`) as string);
    at = token.lastIndex;
  }
  return steps;
}

/** The value at the path as the text to export, or why there is none (ACK exports strings, integers and booleans). */
export function valueAt(obj: unknown, path: PathStep[]): { value: string } | { missing: string } {
  let current: unknown = obj;
  for (const step of path) {
    if (current === null || current === undefined) break;
    current =
      typeof step === 'number'
        ? Array.isArray(current)
          ? current[step]
          : undefined
        : (current as Record<string, unknown>)[step];
  }
  if (typeof current === 'string') return { value: current };
  if (typeof current === 'boolean') return { value: String(current) };
  if (typeof current === 'number' && Number.isInteger(current)) return { value: String(current) };
  if (current === undefined || current === null) return { missing: 'the path selects nothing (yet)' };
  return { missing: 'the path selects an object, a list or a fraction; select a string, an integer or a boolean' };
}
