/** Every workflow the worker runs (the worker bundles this module); names match src/api/kinds.ts. */
export { fileSystemWorkflow } from './filesystem';
export { mountTargetWorkflow } from './mounttarget';
export { accessPointWorkflow } from './accesspoint';
