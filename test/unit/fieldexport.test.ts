import { describe, expect, it } from '@jest/globals';
import { exportPlan, isForThisController, parsePath, valueAt } from '../../src/domain/fieldexport';

describe('parsePath', () => {
  it('reads fields and indexes, as jq writes them', () => {
    expect(parsePath('.status.fileSystemID')).toEqual(['status', 'fileSystemID']);
    expect(parsePath('.status.conditions[0].status')).toEqual(['status', 'conditions', 0, 'status']);
    expect(parsePath('.metadata.annotations["services.k8s.aws/region"]')).toEqual([
      'metadata',
      'annotations',
      'services.k8s.aws/region',
    ]);
    expect(parsePath('.')).toEqual([]);
  });

  it('says what it accepts for anything else', () => {
    for (const path of ['status.fileSystemID', '.status | keys', '.status[]', '']) {
      expect(parsePath(path)).toMatch(/is not a path of fields and indexes such as \.status\.fileSystemID/);
    }
  });
});

describe('valueAt', () => {
  const obj = {
    status: { fileSystemID: 'fs-1', numberOfMountTargets: 2, encrypted: true, sizeInBytes: { value: 1.5 } },
  };
  it('exports strings, integers and booleans as text (as ACK does)', () => {
    expect(valueAt(obj, ['status', 'fileSystemID'])).toEqual({ value: 'fs-1' });
    expect(valueAt(obj, ['status', 'numberOfMountTargets'])).toEqual({ value: '2' });
    expect(valueAt(obj, ['status', 'encrypted'])).toEqual({ value: 'true' });
  });
  it('says why there is no value', () => {
    expect(valueAt(obj, ['status', 'missing', 'deeper'])).toEqual({ missing: 'the path selects nothing (yet)' });
    expect(valueAt(obj, ['status', 'sizeInBytes'])).toMatchObject({ missing: expect.stringContaining('an object') });
    expect(valueAt(obj, ['status', 'sizeInBytes', 'value'])).toMatchObject({
      missing: expect.stringContaining('fraction'),
    });
  });
});

describe('exportPlan', () => {
  it("defaults the target's namespace to the FieldExport's and its key to <namespace>.<name>", () => {
    expect(
      exportPlan(
        {
          from: {
            resource: { group: 'efs.services.k8s.aws', kind: 'filesystem', name: 'data' },
            path: '.status.fileSystemID',
          },
          to: { kind: 'configmap', name: 'app-config' },
        },
        'team-a',
        'data-id',
      ),
    ).toEqual({
      source: { kind: 'FileSystem', name: 'data' },
      path: ['status', 'fileSystemID'],
      target: { kind: 'configmap', namespace: 'team-a', name: 'app-config', key: 'team-a.data-id' },
    });
  });

  it('names every field to fix', () => {
    expect(exportPlan({ from: { resource: { kind: 'Bucket' }, path: 'status' }, to: {} }, 'ns', 'x')).toEqual([
      {
        field: 'spec.from.resource.kind',
        message: 'must be one of FileSystem, MountTarget, AccessPoint, not "Bucket"',
      },
      { field: 'spec.from.resource.name', message: 'is required: the name of the source object in this namespace' },
      { field: 'spec.from.path', message: expect.stringContaining('is not a path') },
      { field: 'spec.to.kind', message: 'must be "configmap" or "secret", not ""' },
      { field: 'spec.to.name', message: 'is required: the ConfigMap or Secret to write to' },
    ]);
  });

  it("leaves other controllers' FieldExports alone", () => {
    expect(isForThisController({ from: { resource: { group: 's3.services.k8s.aws' } } })).toBe(false);
    expect(isForThisController({ from: { resource: { group: 'efs.services.k8s.aws' } } })).toBe(true);
    expect(isForThisController({ from: { resource: {} } })).toBe(true);
  });
});
