/** Tags of file systems and access points, and the deprecated file-system-only tag operations. */
import { badRequest } from '../errors';
import { type Tag } from '../model';
import { paginate } from '../pagination';
import { type OperationContext } from '../store';
import * as validate from '../validation';
import { type OperationHandler, queryValue } from './common';

function taggable({ store, scope }: OperationContext, rawId: string | undefined): { tags: Tag[] } {
  const { kind, id } = validate.resourceId(rawId);
  return kind === 'file-system' ? store.fileSystem(scope, id) : store.accessPoint(scope, id);
}

function requireTags(raw: unknown): Tag[] {
  const added = validate.tags(raw);
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
  resource.tags = validate.mergeTags(resource.tags, requireTags(body.Tags));
  return undefined;
};

export const untagResource: OperationHandler = (context, { params, query }) => {
  const resource = taggable(context, params.ResourceId);
  const keys = new Set(validate.tagKeys(query.getAll('tagKeys'), 'tagKeys'));
  resource.tags = resource.tags.filter((t) => !keys.has(t.Key));
  return undefined;
};

export const listTagsForResource: OperationHandler = (context, { params, query }) => {
  const resource = taggable(context, params.ResourceId);
  const limit = validate.maxItems(queryValue(query, 'MaxResults'), 'MaxResults', 100);
  const token = validate.marker(queryValue(query, 'NextToken'), 'NextToken');
  const page = pageOfTags(context, resource.tags, limit, token, 'NextToken');
  return { Tags: page.tags, ...(page.next !== undefined ? { NextToken: page.next } : {}) };
};

export const createTags: OperationHandler = (context, { params, body }) => {
  const fs = context.store.fileSystem(context.scope, validate.fileSystemId(params.FileSystemId));
  fs.tags = validate.mergeTags(fs.tags, requireTags(body.Tags));
  return undefined;
};

export const deleteTags: OperationHandler = (context, { params, body }) => {
  const fs = context.store.fileSystem(context.scope, validate.fileSystemId(params.FileSystemId));
  const raw = body.TagKeys;
  if (!Array.isArray(raw) || raw.some((k) => typeof k !== 'string'))
    throw badRequest('TagKeys must be a list of strings');
  const keys = new Set(validate.tagKeys(raw as string[]));
  fs.tags = fs.tags.filter((t) => !keys.has(t.Key));
  return undefined;
};

export const describeTags: OperationHandler = (context, { params, query }) => {
  const fs = context.store.fileSystem(context.scope, validate.fileSystemId(params.FileSystemId));
  const limit = validate.maxItems(queryValue(query, 'MaxItems'), 'MaxItems', 100);
  const marker = validate.marker(queryValue(query, 'Marker'), 'Marker');
  const page = pageOfTags(context, fs.tags, limit, marker, 'Marker');
  return {
    ...(marker !== undefined ? { Marker: marker } : {}),
    Tags: page.tags,
    ...(page.next !== undefined ? { NextMarker: page.next } : {}),
  };
};
