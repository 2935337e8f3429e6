import { accessPointNames } from './accesspoint';
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

export function kindInfo(kind: string): KindInfo {
  const info = (kinds as Record<string, KindInfo>)[kind];
  if (!info) throw new Error(`unknown kind ${kind}; known: ${Object.keys(kinds).join(', ')}`);
  return info;
}
