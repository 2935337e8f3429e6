import { accessPointNames } from './accesspoint';
import { fieldExportNames, fieldExportWorkflowType } from './fieldexport';
import { fileSystemNames, type KindNames } from './filesystem';
import { mountTargetNames } from './mounttarget';

/** Every kind the orchestrator manages, and the workflow that runs each object of it. */
export interface KindInfo {
  names: KindNames;
  /** The workflow function's name, as the worker registers it. */
  workflowType: string;
}

export const kinds = {
  FileSystem: { names: fileSystemNames, workflowType: 'fileSystemWorkflow' },
  MountTarget: { names: mountTargetNames, workflowType: 'mountTargetWorkflow' },
  AccessPoint: { names: accessPointNames, workflowType: 'accessPointWorkflow' },
} as const satisfies Record<string, KindInfo>;

export type KindName = keyof typeof kinds;

/**
 * Kinds the orchestrator also watches and runs a workflow for, but that manage no AWS resource of
 * their own (no descriptor, no resource manager): ACK's FieldExport.
 */
export const companionKinds = {
  FieldExport: { names: fieldExportNames, workflowType: fieldExportWorkflowType },
} as const satisfies Record<string, KindInfo>;

export function kindInfo(kind: string): KindInfo {
  const info = (kinds as Record<string, KindInfo>)[kind] ?? (companionKinds as Record<string, KindInfo>)[kind];
  if (!info) {
    throw new Error(
      `unknown kind ${kind}; known: ${[...Object.keys(kinds), ...Object.keys(companionKinds)].join(', ')}`,
    );
  }
  return info;
}
