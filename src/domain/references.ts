import { ConditionType } from '../api/filesystem';
import { type ObjectReference } from '../api/mounttarget';
import { crdNameOf, type ReferenceField } from '../api/references';
import { RecoverableError, TerminalError } from './errors';
import { type FieldError } from './validate';

/** How an object names its file system: an id, or a FileSystem object (ACK's `fileSystemRef`). */
export type FileSystemTarget = { fileSystemId: string } | { objectNamespace: string; objectName: string };

export function fileSystemTarget(
  spec: { fileSystemID?: string; fileSystemRef?: ObjectReference },
  objectNamespace: string,
): FileSystemTarget | FieldError {
  const name = spec.fileSystemRef?.from?.name;
  if (spec.fileSystemID && name) {
    return { field: 'spec.fileSystemRef', message: 'set either fileSystemID or fileSystemRef, not both' };
  }
  if (spec.fileSystemID) return { fileSystemId: spec.fileSystemID };
  if (name) return { objectNamespace: spec.fileSystemRef?.from?.namespace ?? objectNamespace, objectName: name };
  return {
    field: 'spec.fileSystemID',
    message: 'is required (or name a FileSystem object with fileSystemRef.from.name)',
  };
}

export function isFieldError(value: unknown): value is FieldError {
  return typeof value === 'object' && value !== null && 'field' in value && 'message' in value;
}

/** One referenced object a spec names. */
export interface ReferenceTarget {
  field: ReferenceField;
  namespace: string;
  name: string;
}

type SpecRecord = Record<string, unknown>;

function fromOf(value: unknown): { name?: string; namespace?: string } | undefined {
  return (value as ObjectReference | undefined)?.from;
}

function refsIn(field: ReferenceField, spec: SpecRecord): unknown[] {
  const value = spec[field.refField];
  if (value === undefined || value === null) return [];
  return field.many ? (Array.isArray(value) ? value : []) : [value];
}

/** Whether the spec uses any of the kind's references (a kind without references never does). */
export function usesReferences(fields: readonly ReferenceField[] | undefined, spec: unknown): boolean {
  const s = (spec ?? {}) as SpecRecord;
  return (fields ?? []).some((f) => refsIn(f, s).length > 0);
}

/** The objects the spec's references name; `from.namespace` defaults to the object's own (as in ACK). */
export function referenceTargets(
  fields: readonly ReferenceField[],
  spec: unknown,
  objectNamespace: string,
): ReferenceTarget[] {
  const s = (spec ?? {}) as SpecRecord;
  return fields.flatMap((field) =>
    refsIn(field, s).map((ref) => ({
      field,
      namespace: fromOf(ref)?.namespace || objectNamespace,
      name: fromOf(ref)?.name ?? '',
    })),
  );
}

/**
 * The rules of reference fields, the same for every kind: an id and a reference to it never
 * both (ACK: "both resource reference wrapper and ID cannot be used together"), and every
 * reference names an object.
 */
export function referenceFieldErrors(fields: readonly ReferenceField[], spec: unknown): FieldError[] {
  const s = (spec ?? {}) as SpecRecord;
  const errors: FieldError[] = [];
  for (const field of fields) {
    const refs = refsIn(field, s);
    if (refs.length === 0) continue;
    const value = s[field.valueField];
    const valueSet = field.many ? Array.isArray(value) && value.length > 0 : value !== undefined && value !== '';
    if (valueSet) {
      errors.push({
        field: `spec.${field.refField}`,
        message: `set either ${field.valueField} or ${field.refField}, not both`,
      });
    }
    refs.forEach((ref, i) => {
      if (!fromOf(ref)?.name) {
        errors.push({
          field: `spec.${field.refField}${field.many ? `[${i}]` : ''}.from.name`,
          message: `is required: name the ACK ${field.target.kind} object (${crdNameOf(field.target)})`,
        });
      }
    });
  }
  return errors;
}

/** "Subnet team-a/app-subnet". */
export function referenceWords(target: ReferenceTarget): string {
  return `${target.field.target.kind} ${target.namespace}/${target.name}`;
}

/** How long a reference that is not resolved yet waits before it is read again. */
export const referenceRetryMs = 5_000;

/**
 * The value a referenced object offers, once ACK says it is synced (ACK.ResourceSynced True) and
 * its status carries the value. Until then a RecoverableError naming the object: the step waits
 * and reads it again. `obj` undefined: no such object (yet).
 */
export function referencedValue(target: ReferenceTarget, obj: unknown): string {
  const where = referenceWords(target);
  if (obj === undefined) {
    throw new RecoverableError('ReferenceNotResolved', `${where} does not exist yet`, referenceRetryMs);
  }
  const status = (obj as { status?: { conditions?: { type?: string; status?: string }[] } }).status;
  const synced = status?.conditions?.find((c) => c.type === ConditionType.synced)?.status === 'True';
  if (!synced) {
    throw new RecoverableError(
      'ReferenceNotSynced',
      `${where} is not synced yet (its ${ConditionType.synced} condition is not True)`,
      referenceRetryMs,
    );
  }
  let value: unknown = obj;
  for (const key of target.field.target.valuePath) value = (value as Record<string, unknown> | undefined)?.[key];
  if (typeof value !== 'string' || value === '') {
    throw new RecoverableError(
      'ReferenceNotSynced',
      `${where} is synced but has no ${target.field.target.valuePath.join('.')} yet`,
      referenceRetryMs,
    );
  }
  return value;
}

/** The values, by value field (a list for a many-reference), in the order the spec names them. */
export function resolvedValues(targets: ReferenceTarget[], values: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  targets.forEach((target, i) => {
    const value = values[i] ?? '';
    const key = target.field.valueField;
    if (target.field.many) out[key] = [...((out[key] as string[] | undefined) ?? []), value];
    else out[key] = value;
  });
  return out;
}

/** The spec as AWS should see it: each reference replaced by the value it resolved to. */
export function specWithValues(
  fields: readonly ReferenceField[],
  spec: unknown,
  values: Record<string, string | string[]>,
): SpecRecord {
  const out: SpecRecord = { ...((spec ?? {}) as SpecRecord) };
  for (const field of fields) {
    if (values[field.valueField] === undefined) continue;
    out[field.valueField] = values[field.valueField];
    delete out[field.refField];
  }
  return out;
}

/**
 * A create-only value that now resolves differently from what AWS holds (the referenced object
 * was recreated or changed): AWS cannot change it, so the change is refused, saying why.
 * `createdWith` is what AWS holds, by value field; undefined where it does not say.
 */
export function createOnlyConflict(
  targets: ReferenceTarget[],
  values: Record<string, string | string[]>,
  createdWith: Record<string, unknown>,
  resource: string,
): TerminalError | undefined {
  for (const target of targets) {
    const { field } = target;
    const held = createdWith[field.valueField];
    const now = values[field.valueField];
    if (!field.createOnly || typeof held !== 'string' || held === '' || now === undefined || now === held) continue;
    return new TerminalError(
      'CreateOnlyReferenceChanged',
      `${field.refField} now resolves to ${String(now)} (${referenceWords(target)}), but ${resource} was created with ` +
        `${held}; ${field.valueField} is fixed when AWS creates it, so the change is not applied. Point ` +
        `${field.refField} at an object whose ${field.target.valuePath.join('.')} is ${held}, or delete this object and create a new one`,
    );
  }
  return undefined;
}
