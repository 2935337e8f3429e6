/**
 * The primitives of request validation: typed readers of JSON members, string rules, ids and
 * paging parameters. Each resource's own rules sit beside its operations in operations/; each check
 * throws an EfsError (BadRequest unless the API names another code) whose message names the
 * parameter and the rule. Nothing here (or there) comes from the product: the emulator stands in
 * for AWS and applies AWS's rules on its own.
 */
import { badRequest } from './errors';

export type JsonObject = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Primitive readers

export function asObject(value: unknown, what: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${what} must be a JSON object`);
  return value as JsonObject;
}

export interface StringRule {
  min?: number;
  max?: number;
  pattern?: RegExp;
  patternText?: string;
}

/** Length in characters (code points), as the API counts them. */
export const charLength = (s: string): number => [...s].length;

export function optionalString(body: JsonObject, name: string, rule: StringRule = {}): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
  checkString(value, name, rule);
  return value;
}

export function requiredString(body: JsonObject, name: string, rule: StringRule = {}): string {
  const value = optionalString(body, name, rule);
  if (value === undefined) throw badRequest(`${name} is required`);
  return value;
}

export function checkString(value: string, name: string, { min = 0, max, pattern, patternText }: StringRule): void {
  const length = charLength(value);
  if (length < min || (max !== undefined && length > max)) {
    const range = max === undefined ? `at least ${min}` : `${min}-${max}`;
    throw badRequest(`${name} must be ${range} characters long; got ${length}`);
  }
  if (pattern && !pattern.test(value))
    throw badRequest(`${name} '${value}' does not match ${patternText ?? pattern.source}`);
}

export function optionalBoolean(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${name} must be a boolean`);
  return value;
}

export function optionalNumber(body: JsonObject, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(`${name} must be a number`);
  return value;
}

export function optionalEnum<T extends string>(body: JsonObject, name: string, values: readonly T[]): T | undefined {
  const value = optionalString(body, name);
  if (value === undefined) return undefined;
  if (!values.includes(value as T)) throw badRequest(`${name} must be one of ${values.join(', ')}; got '${value}'`);
  return value as T;
}

export function optionalArray(body: JsonObject, name: string): unknown[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw badRequest(`${name} must be a list`);
  return value;
}

export function integerInRange(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Identifiers (an id or its ARN where the API accepts both)

const fileSystemIdPattern =
  /^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:file-system\/(fs-[0-9a-f]{8,40})|(fs-[0-9a-f]{8,40}))$/;
const accessPointIdPattern =
  /^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:access-point\/(fsap-[0-9a-f]{8,40})|(fsap-[0-9a-f]{8,40}))$/;
const mountTargetIdPattern = /^fsmt-[0-9a-f]{8,40}$/;

/** Returns the bare `fs-...` id of a file system id or ARN. */
export function fileSystemId(raw: string | undefined, name = 'FileSystemId'): string {
  if (raw === undefined || raw === '') throw badRequest(`${name} is required`);
  const match = fileSystemIdPattern.exec(raw);
  if (!match) throw badRequest(`${name} '${raw}' is not a file system id (fs-<8-40 hex digits>) or ARN`);
  return (match[2] ?? match[3]) as string;
}

export function accessPointId(raw: string | undefined, name = 'AccessPointId'): string {
  if (raw === undefined || raw === '') throw badRequest(`${name} is required`);
  const match = accessPointIdPattern.exec(raw);
  if (!match) throw badRequest(`${name} '${raw}' is not an access point id (fsap-<8-40 hex digits>) or ARN`);
  return (match[2] ?? match[3]) as string;
}

export function mountTargetId(raw: string | undefined, name = 'MountTargetId'): string {
  if (raw === undefined || raw === '') throw badRequest(`${name} is required`);
  if (!mountTargetIdPattern.test(raw))
    throw badRequest(`${name} '${raw}' is not a mount target id (fsmt-<8-40 hex digits>)`);
  return raw;
}

/** TagResource and friends take either kind of resource. */
export function resourceId(raw: string | undefined): { kind: 'file-system' | 'access-point'; id: string } {
  if (raw !== undefined && (raw.startsWith('fsap-') || raw.includes(':access-point/'))) {
    return { kind: 'access-point', id: accessPointId(raw, 'ResourceId') };
  }
  if (raw !== undefined && (raw.startsWith('fs-') || raw.includes(':file-system/'))) {
    return { kind: 'file-system', id: fileSystemId(raw, 'ResourceId') };
  }
  throw badRequest(`ResourceId '${raw ?? ''}' is not a file system or access point id`);
}

// ---------------------------------------------------------------------------------------------
// Paging parameters (query string)

export function maxItems(raw: string | undefined, name: string, defaultValue: number): number {
  if (raw === undefined) return defaultValue;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1)
    throw badRequest(`${name} must be an integer of at least 1; got '${raw}'`);
  return value;
}

export function pageMarker(raw: string | undefined, name: string): string | undefined {
  if (raw === undefined) return undefined;
  checkString(raw, name, { min: 1, max: 128 });
  return raw;
}
