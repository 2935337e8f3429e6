import { type Condition } from './filesystem';

/** The status fields every kind shares: conditions and the workflow's bookkeeping. */
export type CommonStatus = {
  conditions?: Condition[];
  /** The metadata.generation of the last spec the workflow acted on. */
  observedGeneration?: number;
  workflowID?: string;
  /** The value of the resync-request annotation the workflow last acted on. */
  resyncRequestHandled?: string;
  /** Increases with every status write of the workflow; a write carrying a lower number is stale and dropped. */
  statusSequence?: number;
  lifeCycleState?: string;
};

/** Kind-specific status fields a workflow reports (ACK's names, e.g. fileSystemID, mountTargetID). */
export type StatusFields = CommonStatus & Record<string, unknown>;
