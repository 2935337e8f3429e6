import { annotations } from '../api/workflow-contract';
import { type FieldError } from './validate';

/** Where an object's Region can come from, in ACK's order of precedence. */
export interface RegionSources {
  /** status.ackResourceMetadata.region: where the object's resource already lives. */
  recorded?: string;
  /** The object's services.k8s.aws/region annotation. */
  object?: string;
  /** Its namespace's services.k8s.aws/default-region annotation. */
  namespaceDefault?: string;
  /** The orchestrator's --region. */
  processDefault: string;
}

/** The Region the object asks for: its annotation, else its namespace's default, else the process's. */
export function desiredRegion(sources: RegionSources): string {
  return nonEmpty(sources.object) ?? nonEmpty(sources.namespaceDefault) ?? sources.processDefault;
}

/** The Region the object's calls go to: where its resource lives once it has one, else the one it asks for. */
export function regionOf(sources: RegionSources): string {
  return nonEmpty(sources.recorded) ?? desiredRegion(sources);
}

/**
 * A resource cannot move between Regions: once it exists, asking for another Region is refused
 * (the resource stays managed where it is). Undefined when nothing changed.
 */
export function regionChangeError(sources: RegionSources, resource: string): FieldError | undefined {
  const recorded = nonEmpty(sources.recorded);
  const desired = desiredRegion(sources);
  if (recorded === undefined || recorded === desired) return undefined;
  const from = nonEmpty(sources.object)
    ? `the annotation ${annotations.region}`
    : nonEmpty(sources.namespaceDefault)
      ? `the namespace's ${annotations.namespaceDefaultRegion}`
      : "the orchestrator's --region";
  return {
    field: `metadata.annotations[${annotations.region}]`,
    message:
      `asks for Region ${desired} (from ${from}), but ${resource} already lives in ${recorded} ` +
      `(status.ackResourceMetadata.region) and AWS cannot move it: set ${annotations.region}: ${recorded} on this object ` +
      `to keep managing it, or delete this object and create a new one for ${desired}`,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
