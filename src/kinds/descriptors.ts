import { accessPointDescriptor } from './accesspoint/descriptor';
import { fileSystemDescriptor } from './filesystem/descriptor';
import { type KindDescriptor } from './kind';
import { mountTargetDescriptor } from './mounttarget/descriptor';

/** Every kind's descriptor (pure: the workflow bundle reads it). A new kind adds one line here and one in managers.ts. */
export const descriptors: readonly KindDescriptor[] = [
  fileSystemDescriptor,
  mountTargetDescriptor,
  accessPointDescriptor,
];

export function descriptorOf(kind: string): KindDescriptor {
  const found = descriptors.find((d) => d.kind === kind);
  if (!found) throw new Error(`unknown kind ${kind}; known: ${descriptors.map((d) => d.kind).join(', ')}`);
  return found;
}

export function descriptorForWorkflowType(workflowType: string): KindDescriptor | undefined {
  return descriptors.find((d) => d.workflowType === workflowType);
}
