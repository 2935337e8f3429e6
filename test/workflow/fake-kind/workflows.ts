import { runKind } from '../../../src/workflows/engine';
import { type LifecycleInput } from '../../../src/workflows/lifecycle';
import { storageWidgetDescriptor, widgetDescriptor } from './descriptor';

/** The fake kind's workflow: the generic engine with its descriptor, as every real kind's is. */
export async function widgetWorkflow(input: LifecycleInput): Promise<void> {
  return runKind(widgetDescriptor, input);
}

/** The fake kind publishing a StorageClass, as a FileSystem does. */
export async function storageWidgetWorkflow(input: LifecycleInput): Promise<void> {
  return runKind(storageWidgetDescriptor, input);
}
/** The observer's workflow, as the worker runs it (its loop activity is faked by the tests). */
export { observerWorkflow } from '../../../src/workflows/observer';
