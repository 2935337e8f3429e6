import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes that make every run findable in the Temporal UI without knowing its id.
 * The local stack registers them; production namespaces need them once (README, "Operating").
 */
export const searchAttributes = {
  namespace: defineSearchAttributeKey('KubernetesNamespace', SearchAttributeType.KEYWORD),
  name: defineSearchAttributeKey('KubernetesName', SearchAttributeType.KEYWORD),
  kind: defineSearchAttributeKey('KubernetesKind', SearchAttributeType.KEYWORD),
  fileSystemId: defineSearchAttributeKey('EfsFileSystemId', SearchAttributeType.KEYWORD),
  lifeCycleState: defineSearchAttributeKey('EfsLifeCycleState', SearchAttributeType.KEYWORD),
  syncState: defineSearchAttributeKey('SyncState', SearchAttributeType.KEYWORD),
} as const;

/** The Temporal CLI's names of the search attribute types. */
const cliTypeNames: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** `Name=Type` pairs, as `temporal server start-dev --search-attribute` and the operator CLI take them. */
export const searchAttributeRegistrations: string[] = Object.values(searchAttributes).map(
  (key) => `${key.name}=${cliTypeNames[key.type] ?? key.type}`,
);
