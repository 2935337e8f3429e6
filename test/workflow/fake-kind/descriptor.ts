import { type KindDescriptor } from '../../../src/kinds/kind';

/** A kind that exists only in tests: the engine runs it like any other, against fake activities. */
export const widgetDescriptor: KindDescriptor = {
  kind: 'Widget',
  names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList', shortNames: [] },
  workflowType: 'widgetWorkflow',
  crd: () => ({}),
  noun: 'widget',
  idField: 'widgetID',
  adoptionFields: ['widgetID'],
  createOnlyFields: ['size'],
  readyStates: ['available'],
  goneStates: ['deleted'],
  failedStates: ['error'],
  observed: ['widgetID', 'lifeCycleState'],
  activityTypes: {
    validate: 'validateWidget',
    create: 'createWidget',
    find: 'findWidget',
    adopt: 'adoptWidget',
    waitUntilReady: 'waitUntilWidgetReady',
    apply: 'applyWidget',
    delete: 'deleteWidget',
    waitUntilGone: 'waitUntilWidgetGone',
  },
};

/** The fake kind with what a FileSystem adds: a StorageClass and owned mount targets (src/workflows/storage-class.ts). */
export const storageWidgetDescriptor: KindDescriptor = {
  ...widgetDescriptor,
  workflowType: 'storageWidgetWorkflow',
  publishesStorageClass: true,
};
