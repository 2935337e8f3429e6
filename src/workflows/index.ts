import * as wf from '@temporalio/workflow';
import { accessPointDescriptor } from '../kinds/accesspoint/descriptor';
import { descriptorForWorkflowType } from '../kinds/descriptors';
import { fileSystemDescriptor } from '../kinds/filesystem/descriptor';
import { mountTargetDescriptor } from '../kinds/mounttarget/descriptor';
import { runKind } from './engine';
import { runFieldExport } from './fieldexport';
import { type LifecycleInput } from './lifecycle';

/**
 * Every workflow the worker runs (the worker bundles this module). Each kind's workflow type
 * (src/api/kinds.ts) is the generic engine with the kind's descriptor; the three below keep the
 * names their histories recorded, and any other kind in the registry runs through the default export.
 */
export async function fileSystemWorkflow(input: LifecycleInput): Promise<void> {
  return runKind(fileSystemDescriptor, input);
}

export async function mountTargetWorkflow(input: LifecycleInput): Promise<void> {
  return runKind(mountTargetDescriptor, input);
}

export async function accessPointWorkflow(input: LifecycleInput): Promise<void> {
  return runKind(accessPointDescriptor, input);
}

/** ACK's FieldExport (src/api/fieldexport.ts): no AWS resource, one Kubernetes field kept in a ConfigMap or Secret. */
export async function fieldExportWorkflow(input: LifecycleInput): Promise<void> {
  return runFieldExport(input);
}

/** Workflow types without a function of their own: the kind registered under that type. */
export default async function kindWorkflow(input: LifecycleInput): Promise<void> {
  const type = wf.workflowInfo().workflowType;
  const descriptor = descriptorForWorkflowType(type);
  if (!descriptor) throw wf.ApplicationFailure.nonRetryable(`no kind runs under workflow type ${type}`);
  return runKind(descriptor, input);
}

export { observerWorkflow } from './observer';
