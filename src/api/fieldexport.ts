/**
 * ACK's FieldExport (services.k8s.aws/v1alpha1): copies one field of an ACK resource (here a
 * FileSystem, MountTarget or AccessPoint in the same namespace) into a key of a ConfigMap or Secret,
 * and keeps it current. Same group, kind and spec as ACK's runtime, so an ACK user's FieldExport
 * manifests apply unchanged.
 */
import { type KindNames } from './filesystem';
import { type KubeObject } from './object';
import { type CommonStatus } from './status';

export const fieldExportGroup = 'services.k8s.aws';

export const fieldExportNames: KindNames = {
  kind: 'FieldExport',
  plural: 'fieldexports',
  singular: 'fieldexport',
  listKind: 'FieldExportList',
  shortNames: [],
  group: fieldExportGroup,
};

export const fieldExportWorkflowType = 'fieldExportWorkflow';

export type FieldExportTargetKind = 'configmap' | 'secret';
export const fieldExportTargetKinds: readonly FieldExportTargetKind[] = ['configmap', 'secret'];

export interface FieldExportSpec {
  from?: {
    /** The source object: its API group, kind and name (in the FieldExport's namespace, as ACK requires). */
    resource?: { group?: string; kind?: string; name?: string };
    /** A jq-style path into the source object, e.g. `.status.fileSystemID`. */
    path?: string;
  };
  to?: {
    kind?: FieldExportTargetKind;
    name?: string;
    /** Default: the FieldExport's namespace. */
    namespace?: string;
    /** Default (as ACK): `<FieldExport namespace>.<FieldExport name>`. */
    key?: string;
  };
}

export type FieldExportObject = KubeObject<FieldExportSpec, CommonStatus>;
