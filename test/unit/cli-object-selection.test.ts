import { describe, expect, it } from '@jest/globals';
import {
  formatObjectArgument,
  kindNamed,
  kindsPhrase,
  parseObjectArgument,
  resourceIdOf,
  selectionSettings,
} from '../../src/cli/commands/object-selection';
import { type KubeObject } from '../../src/api/object';
import { ConfigError, loadConfig } from '../../src/shared/config';

describe('naming objects on the command line', () => {
  it('reads <kind>/<namespace>/<name> for every kind, by any name kubectl accepts', () => {
    for (const word of ['mounttarget', 'mounttargets', 'MountTarget', 'EFSMT']) {
      expect(parseObjectArgument(`${word}/team-a/shared-a`)).toEqual({
        kind: 'MountTarget',
        namespace: 'team-a',
        name: 'shared-a',
      });
    }
    expect(parseObjectArgument('efsap/team-a/app').kind).toBe('AccessPoint');
    expect(parseObjectArgument('filesystem/team-a/data').kind).toBe('FileSystem');
  });

  it('keeps <namespace>/<name> and <name> for a FileSystem', () => {
    expect(parseObjectArgument('team-a/data')).toEqual({ kind: 'FileSystem', namespace: 'team-a', name: 'data' });
    expect(parseObjectArgument('data', 'team-b')).toEqual({ kind: 'FileSystem', namespace: 'team-b', name: 'data' });
    expect(parseObjectArgument('data')).toEqual({ kind: 'FileSystem', namespace: 'default', name: 'data' });
  });

  it('refuses what names no object, saying what would', () => {
    expect(() => parseObjectArgument('volume/team-a/x')).toThrow(
      new ConfigError(
        '"volume" is not a kind; the kinds are filesystem, mounttarget, accesspoint (or their plural and short names)',
      ),
    );
    for (const bad of ['a/b/c/d', 'team-a/', '/x', '']) {
      expect(() => parseObjectArgument(bad)).toThrow(/is not <kind>\/<namespace>\/<name> or <namespace>\/<name>/);
    }
  });

  it('writes the shortest argument that names the object again', () => {
    for (const arg of ['team-a/data', 'mounttarget/team-a/shared-a', 'accesspoint/team-a/app']) {
      expect(formatObjectArgument(parseObjectArgument(arg))).toBe(arg);
    }
    expect(formatObjectArgument(parseObjectArgument('FileSystem/team-a/data'))).toBe('team-a/data');
  });

  it('--kind takes a comma-separated list in the registry’s order; empty means every kind', () => {
    const kindsOf = (raw?: string): unknown =>
      loadConfig(selectionSettings, new Map(raw === undefined ? [] : [['kind', raw]])).kind;
    expect(kindsOf()).toEqual([]);
    expect(kindsOf('accesspoints,efsfs')).toEqual(['FileSystem', 'AccessPoint']);
    expect(() => kindsOf('filesystem,disk')).toThrow(/--kind: "disk" is not a kind/);
    expect(kindsPhrase([])).toBe('FileSystem, MountTarget or AccessPoint');
    expect(kindsPhrase(['AccessPoint'])).toBe('AccessPoint');
    expect(kindNamed('nope')).toBeUndefined();
  });

  it('finds each kind’s own AWS id where ACK keeps it', () => {
    const obj = (status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'efs.services.k8s.aws/v1alpha1',
      kind: 'X',
      metadata: { namespace: 'n', name: 'x', uid: 'u' },
      status,
    });
    const both = { fileSystemID: 'fs-1', mountTargetID: 'fsmt-2', accessPointID: 'fsap-3' };
    expect(resourceIdOf({ kind: 'FileSystem', obj: obj(both) })).toBe('fs-1');
    expect(resourceIdOf({ kind: 'MountTarget', obj: obj(both) })).toBe('fsmt-2');
    expect(resourceIdOf({ kind: 'AccessPoint', obj: obj(both) })).toBe('fsap-3');
    expect(resourceIdOf({ kind: 'MountTarget', obj: obj({ fileSystemID: 'fs-1' }) })).toBeUndefined();
  });
});
