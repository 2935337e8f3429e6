/**
 * The EFS REST-JSON route table (API 2015-02-01): method + path template -> operation, with the
 * success status the API uses. Path labels are matched per segment and URL-decoded, so an ARN
 * sent as a label (`arn%3Aaws%3A...%2Ffs-...`) arrives whole.
 */
import * as accessPoints from './operations/access-points';
import { type OperationHandler } from './operations/common';
import * as fileSystems from './operations/file-systems';
import * as settings from './operations/file-system-settings';
import * as mountTargets from './operations/mount-targets';
import * as replication from './operations/replication';
import * as tags from './operations/tags';

export interface Route {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  status: number;
  handler: OperationHandler;
}

const prefix = '/2015-02-01';

const route = (
  operation: string,
  method: Route['method'],
  path: string,
  status: number,
  handler: OperationHandler,
): Route => ({
  operation,
  method,
  path: prefix + path,
  status,
  handler,
});

// Literal paths come before templated ones that could also match them.
export const routes: readonly Route[] = [
  route(
    'DescribeReplicationConfigurations',
    'GET',
    '/file-systems/replication-configurations',
    200,
    replication.describeReplicationConfigurations,
  ),
  route('CreateFileSystem', 'POST', '/file-systems', 201, fileSystems.createFileSystem),
  route('DescribeFileSystems', 'GET', '/file-systems', 200, fileSystems.describeFileSystems),
  route('UpdateFileSystem', 'PUT', '/file-systems/{FileSystemId}', 202, fileSystems.updateFileSystem),
  route('DeleteFileSystem', 'DELETE', '/file-systems/{FileSystemId}', 204, fileSystems.deleteFileSystem),
  route(
    'UpdateFileSystemProtection',
    'PUT',
    '/file-systems/{FileSystemId}/protection',
    200,
    fileSystems.updateFileSystemProtection,
  ),
  route(
    'PutLifecycleConfiguration',
    'PUT',
    '/file-systems/{FileSystemId}/lifecycle-configuration',
    200,
    settings.putLifecycleConfiguration,
  ),
  route(
    'DescribeLifecycleConfiguration',
    'GET',
    '/file-systems/{FileSystemId}/lifecycle-configuration',
    200,
    settings.describeLifecycleConfiguration,
  ),
  route('PutBackupPolicy', 'PUT', '/file-systems/{FileSystemId}/backup-policy', 200, settings.putBackupPolicy),
  route(
    'DescribeBackupPolicy',
    'GET',
    '/file-systems/{FileSystemId}/backup-policy',
    200,
    settings.describeBackupPolicy,
  ),
  route('PutFileSystemPolicy', 'PUT', '/file-systems/{FileSystemId}/policy', 200, settings.putFileSystemPolicy),
  route(
    'DescribeFileSystemPolicy',
    'GET',
    '/file-systems/{FileSystemId}/policy',
    200,
    settings.describeFileSystemPolicy,
  ),
  route(
    'DeleteFileSystemPolicy',
    'DELETE',
    '/file-systems/{FileSystemId}/policy',
    200,
    settings.deleteFileSystemPolicy,
  ),
  route(
    'CreateReplicationConfiguration',
    'POST',
    '/file-systems/{SourceFileSystemId}/replication-configuration',
    200,
    replication.createReplicationConfiguration,
  ),
  route(
    'DeleteReplicationConfiguration',
    'DELETE',
    '/file-systems/{SourceFileSystemId}/replication-configuration',
    204,
    replication.deleteReplicationConfiguration,
  ),
  route('CreateMountTarget', 'POST', '/mount-targets', 200, mountTargets.createMountTarget),
  route('DescribeMountTargets', 'GET', '/mount-targets', 200, mountTargets.describeMountTargets),
  route('DeleteMountTarget', 'DELETE', '/mount-targets/{MountTargetId}', 204, mountTargets.deleteMountTarget),
  route(
    'DescribeMountTargetSecurityGroups',
    'GET',
    '/mount-targets/{MountTargetId}/security-groups',
    200,
    mountTargets.describeMountTargetSecurityGroups,
  ),
  route(
    'ModifyMountTargetSecurityGroups',
    'PUT',
    '/mount-targets/{MountTargetId}/security-groups',
    204,
    mountTargets.modifyMountTargetSecurityGroups,
  ),
  route('CreateAccessPoint', 'POST', '/access-points', 200, accessPoints.createAccessPoint),
  route('DescribeAccessPoints', 'GET', '/access-points', 200, accessPoints.describeAccessPoints),
  route('DeleteAccessPoint', 'DELETE', '/access-points/{AccessPointId}', 204, accessPoints.deleteAccessPoint),
  route('TagResource', 'POST', '/resource-tags/{ResourceId}', 200, tags.tagResource),
  route('UntagResource', 'DELETE', '/resource-tags/{ResourceId}', 200, tags.untagResource),
  route('ListTagsForResource', 'GET', '/resource-tags/{ResourceId}', 200, tags.listTagsForResource),
  route('CreateTags', 'POST', '/create-tags/{FileSystemId}', 204, tags.createTags),
  route('DeleteTags', 'POST', '/delete-tags/{FileSystemId}', 204, tags.deleteTags),
  route('DescribeTags', 'GET', '/tags/{FileSystemId}', 200, tags.describeTags),
  route('DescribeAccountPreferences', 'GET', '/account-preferences', 200, settings.describeAccountPreferences),
  route('PutAccountPreferences', 'PUT', '/account-preferences', 200, settings.putAccountPreferences),
];

export const operationNames: readonly string[] = routes.map((r) => r.operation);

export type RouteMatch = { route: Route; params: Record<string, string> } | { route: undefined; pathKnown: boolean };

export function matchRoute(method: string, pathname: string): RouteMatch {
  const segments = pathname.split('/');
  let pathKnown = false;
  for (const candidate of routes) {
    const params = matchPath(candidate.path.split('/'), segments);
    if (!params) continue;
    if (candidate.method === method) return { route: candidate, params };
    pathKnown = true;
  }
  return { route: undefined, pathKnown };
}

function matchPath(template: string[], segments: string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const expected = template[i] as string;
    const actual = segments[i] as string;
    if (expected.startsWith('{') && expected.endsWith('}')) {
      if (actual === '') return undefined;
      try {
        params[expected.slice(1, -1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}
