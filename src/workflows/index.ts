/** Every workflow the worker runs (the worker bundles this module). */
export { fileSystemWorkflow } from './filesystem';
