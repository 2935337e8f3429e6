/** Tags of file systems and access points, and the deprecated file-system-only tag operations. */
import { badRequest } from '../errors';
import { type Tag } from '../model';
import { paginate } from '../pagination';
import { type OperationContext } from '../store';
import { asObject, checkString, fileSystemId, pageMarker, maxItems, resourceId } from '../validation';
import { type OperationHandler, queryValue } from './common';

// Tag rules, shared by every operation that takes tags.

export const maxTagsPerResource = 50;
const tagKeyPattern = /^(?![aA][wW][sS]:)[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const tagValuePattern = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function tagKey(key: unknown): string {
  if (typeof key !== 'string') throw badRequest('Tag keys must be strings');
  checkString(key, 'Tag key', { min: 1, max: 128 });
  if (/^aws:/i.test(key)) throw badRequest(`Tag key '${key}' must not start with 'aws:' (reserved for AWS)`);
  if (!tagKeyPattern.test(key))
    throw badRequest(`Tag key '${key}' may contain only letters, digits, spaces and _ . : / = + - @`);
  return key;
}

export function tags(raw: unknown, name = 'Tags'): Tag[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badRequest(`${name} must be a list`);
  if (raw.length > maxTagsPerResource)
    throw badRequest(`${name} may hold at most ${maxTagsPerResource} tags; got ${raw.length}`);
  const seen = new Set<string>();
  return raw.map((item) => {
    const tag = asObject(item, 'Each tag');
    const key = tagKey(tag.Key);
    const value = tag.Value;
    if (typeof value !== 'string') throw badRequest(`Tag '${key}' needs a string Value`);
    checkString(value, `Value of tag '${key}'`, { max: 256 });
    if (!tagValuePattern.test(value))
      throw badRequest(`Value of tag '${key}' may contain only letters, digits, spaces and _ . : / = + - @`);
    if (seen.has(key)) throw badRequest(`Tag key '${key}' appears more than once`);
    seen.add(key);
    return { Key: key, Value: value };
  });
}

/** Tags after adding `added` to `existing` (same key: new value wins); at most 50 in all. */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const merged = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const tag of added) merged.set(tag.Key, tag.Value);
  if (merged.size > maxTagsPerResource) {
    throw badRequest(`A resource may have at most ${maxTagsPerResource} tags; this request would leave ${merged.size}`);
  }
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

export function tagKeys(raw: string[], name = 'TagKeys'): string[] {
  if (raw.length < 1 || raw.length > maxTagsPerResource)
    throw badRequest(`${name} must list 1-${maxTagsPerResource} keys; got ${raw.length}`);
  for (const key of raw) checkString(key, 'Tag key', { min: 1, max: 128 });
  return raw;
}

function taggable({ store, scope }: OperationContext, rawId: string | undefined): { tags: Tag[] } {
  const { kind, id } = resourceId(rawId);
  return kind === 'file-system' ? store.fileSystem(scope, id) : store.accessPoint(scope, id);
}

function requireTags(raw: unknown): Tag[] {
  const added = tags(raw);
  if (added.length === 0) throw badRequest('Tags must list at least one tag');
  return added;
}

function pageOfTags(
  context: OperationContext,
  tags: Tag[],
  limit: number,
  marker: string | undefined,
  markerName: string,
) {
  const indexed = tags.map((tag, index) => ({ tag, index }));
  const page = paginate(indexed, (t) => t.index, {
    limit,
    marker,
    markerName,
    pageSizeCap: context.config.pageSizeCap,
  });
  return { tags: page.items.map((t) => t.tag), next: page.next };
}

export const tagResource: OperationHandler = (context, { params, body }) => {
  const resource = taggable(context, params.ResourceId);
  resource.tags = mergeTags(resource.tags, requireTags(body.Tags));
  return undefined;
};

export const untagResource: OperationHandler = (context, { params, query }) => {
  const resource = taggable(context, params.ResourceId);
  const keys = new Set(tagKeys(query.getAll('tagKeys'), 'tagKeys'));
  resource.tags = resource.tags.filter((t) => !keys.has(t.Key));
  return undefined;
};

export const listTagsForResource: OperationHandler = (context, { params, query }) => {
  const resource = taggable(context, params.ResourceId);
  const limit = maxItems(queryValue(query, 'MaxResults'), 'MaxResults', 100);
  const token = pageMarker(queryValue(query, 'NextToken'), 'NextToken');
  const page = pageOfTags(context, resource.tags, limit, token, 'NextToken');
  return { Tags: page.tags, ...(page.next !== undefined ? { NextToken: page.next } : {}) };
};

export const createTags: OperationHandler = (context, { params, body }) => {
  const fs = context.store.fileSystem(context.scope, fileSystemId(params.FileSystemId));
  fs.tags = mergeTags(fs.tags, requireTags(body.Tags));
  return undefined;
};

export const deleteTags: OperationHandler = (context, { params, body }) => {
  const fs = context.store.fileSystem(context.scope, fileSystemId(params.FileSystemId));
  const raw = body.TagKeys;
  if (!Array.isArray(raw) || raw.some((k) => typeof k !== 'string'))
    throw badRequest('TagKeys must be a list of strings');
  const keys = new Set(tagKeys(raw as string[]));
  fs.tags = fs.tags.filter((t) => !keys.has(t.Key));
  return undefined;
};

export const describeTags: OperationHandler = (context, { params, query }) => {
  const fs = context.store.fileSystem(context.scope, fileSystemId(params.FileSystemId));
  const limit = maxItems(queryValue(query, 'MaxItems'), 'MaxItems', 100);
  const marker = pageMarker(queryValue(query, 'Marker'), 'Marker');
  const page = pageOfTags(context, fs.tags, limit, marker, 'Marker');
  return {
    ...(marker !== undefined ? { Marker: marker } : {}),
    Tags: page.tags,
    ...(page.next !== undefined ? { NextMarker: page.next } : {}),
  };
};
