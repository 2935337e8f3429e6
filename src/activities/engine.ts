import { type ResolvedReferences } from '../api/references';
import { type StatusFields } from '../api/status';
import { type ObjectRef } from '../api/workflow-contract';
import { SyncState } from '../domain/conditions';
import { TerminalError } from '../domain/errors';
import {
  createOnlyConflict,
  referencedValue,
  referenceTargets,
  resolvedValues,
  specWithValues,
} from '../domain/references';
import { type FieldError } from '../domain/validate';
import {
  deletedOutside,
  type AppliedChanges,
  type CreatedResource,
  type KindDescriptor,
  type ResourceManager,
} from '../kinds/kind';
import { readReferencedObject } from '../kube/referenced';
import { type Logger } from '../shared/log';
import { classified } from './failures';
import { type ObjectClients } from './objects';
import { pollUntil, type WaitArgs } from './polling';

/** An activity as the worker registers it. */
export type ActivityFunction = (...args: never[]) => Promise<unknown>;

/**
 * The generic activities of one kind, registered under the activity types its descriptor names
 * (the names its workflow histories recorded). Every kind runs the same code; only its resource
 * manager talks to AWS.
 */
export function createKindActivities(
  descriptor: KindDescriptor,
  /** The kind's manager in the AWS partition of the object whose activity runs (resolved per call). */
  managerOf: () => Promise<ResourceManager<unknown, unknown>>,
  deps: {
    clientFor: ObjectClients;
    log: Logger;
    /** The kind's spec rules (pure: the same in every partition). */
    validate: ResourceManager['validate'];
    /** Refusals of a Region change for an object whose resource already lives elsewhere. */
    regionChangeErrors?: () => Promise<FieldError[]>;
  },
): Record<string, ActivityFunction> {
  const types = descriptor.activityTypes;
  const words = (id: string): string => `EFS ${descriptor.noun} ${id}`;
  const created = (manager: ResourceManager<unknown, unknown>, description: unknown): CreatedResource => ({
    id: manager.idOf(description),
    status: manager.statusOf(description),
  });
  const stateOf = (manager: ResourceManager<unknown, unknown>, description: unknown): string | undefined => {
    const state = manager.statusOf(description).lifeCycleState;
    return typeof state === 'string' ? state : undefined;
  };
  /** The resource waited on: its own id (for kinds in a file system) or the file system's. */
  const idOf = (args: WaitArgs): string => (descriptor.parent ? (args.resourceId ?? '') : args.fileSystemId);

  const activities: Record<string, ActivityFunction> = {
    /** A local activity: its answer is recorded, so tightening a rule never changes a decision already made. */
    [types.validate]: async (spec: unknown, namespace: string): Promise<FieldError[]> => [
      ...deps.validate(spec, namespace ?? ''),
      ...((await deps.regionChangeErrors?.()) ?? []),
    ],

    [types.create]: async (ref: ObjectRef, ...rest: unknown[]): Promise<CreatedResource> =>
      classified(async () => {
        const [spec, parentId] = createArguments(rest);
        const manager = await managerOf();
        const made = await manager.create(ref, spec, parentId);
        const resource = {
          ...created(manager, made.description),
          ...(made.settled ? { settled: true, ...(made.slow ? { slow: made.slow } : {}) } : {}),
        };
        deps.log.info(`${descriptor.noun} created or found by its token`, {
          ...ref,
          kind: descriptor.kind,
          id: resource.id,
        });
        return resource;
      }),

    /** Adoption: the resource the annotations name, or undefined when AWS has none. */
    [types.adopt]: async (id: string): Promise<CreatedResource | undefined> =>
      classified(async () => {
        const manager = await managerOf();
        const found = await manager.adopt(id);
        return found === undefined ? undefined : created(manager, found);
      }),

    [types.waitUntilReady]: async (args: WaitArgs): Promise<StatusFields> => {
      const id = idOf(args);
      const { manager, description } = await pollUntil(
        deps.clientFor,
        args,
        async () => {
          const manager = await managerOf();
          const description = await manager.describe(id);
          if (description === undefined) throw deletedOutside(descriptor, id);
          const state = stateOf(manager, description);
          if (state !== undefined && descriptor.failedStates.includes(state)) {
            throw new TerminalError(
              `${descriptor.kind}InErrorState`,
              `${words(id)} is in the "${state}" state; AWS cannot recover it`,
            );
          }
          return { manager, description };
        },
        ({ manager, description }) => ({
          done: descriptor.readyStates.includes(stateOf(manager, description) ?? ''),
          fields: manager.statusOf(description),
          view: {
            state: SyncState.creating,
            message: `${words(id)} is ${stateOf(manager, description)}; waiting until it is available`,
            generation: args.generation,
          },
        }),
      );
      return manager.statusOf(description);
    },

    /** Reads AWS back and makes the calls the spec still needs. Idempotent: a retry re-reads. */
    [types.apply]: async (...args: unknown[]): Promise<AppliedChanges> =>
      classified(async () => {
        const [ref, id, spec] = applyArguments(args);
        const result = await (await managerOf()).apply(ref, id, spec);
        const changes: AppliedChanges = Array.isArray(result) ? { applied: result } : result;
        const { applied } = changes;
        if (applied.length > 0) deps.log.info('applied the spec', { ...ref, kind: descriptor.kind, id, applied });
        return changes;
      }),

    [types.delete]: async (id: string): Promise<void> => classified(async () => (await managerOf()).delete(id)),

    [types.waitUntilGone]: async (args: WaitArgs): Promise<void> => {
      const id = idOf(args);
      await pollUntil(
        deps.clientFor,
        args,
        async () => {
          const manager = await managerOf();
          return { manager, description: await manager.describe(id) };
        },
        ({ manager, description }) => {
          const state = description === undefined ? undefined : stateOf(manager, description);
          return {
            done: description === undefined || descriptor.goneStates.includes(state ?? ''),
            fields: state ? { lifeCycleState: state } : undefined,
            view: {
              state: SyncState.deleting,
              message: `${words(id)} is ${state ?? 'gone'}; waiting until AWS reports it deleted`,
              generation: args.generation,
            },
          };
        },
      );
    },
  };
  const references = descriptor.references ?? [];
  if (types.resolveReferences && references.length > 0) {
    /**
     * Reads each referenced object (of another ACK controller) and fills its value into the spec.
     * Once the resource exists, a create-only value that now resolves differently is refused.
     */
    activities[types.resolveReferences] = async (
      spec: unknown,
      namespace: string,
      id?: string,
    ): Promise<ResolvedReferences> =>
      classified(async () => {
        const kc = deps.clientFor(descriptor.kind).kc;
        const targets = referenceTargets(references, spec, namespace ?? '');
        const found: string[] = [];
        for (const target of targets) {
          const obj = await readReferencedObject(kc, target.field.target, target.namespace, target.name);
          found.push(referencedValue(target, obj));
        }
        const values = resolvedValues(targets, found);
        if (id && targets.some((t) => t.field.createOnly)) {
          const manager = await managerOf();
          const description = manager.createdWith ? await manager.describe(id) : undefined;
          const conflict =
            description && createOnlyConflict(targets, values, manager.createdWith?.(description) ?? {}, words(id));
          if (conflict) throw conflict;
        }
        return { spec: specWithValues(references, spec, values), values };
      });
  }
  if (types.resolveParent) {
    activities[types.resolveParent] = async (spec: unknown, namespace: string): Promise<string> =>
      classified(async () => {
        const manager = await managerOf();
        if (!manager.resolveParent) throw new Error(`kind ${descriptor.kind} has no parent to resolve`);
        return manager.resolveParent(spec, namespace);
      });
  }
  if (types.find) {
    activities[types.find] = async (ref: ObjectRef): Promise<string | undefined> =>
      classified(async () => (await managerOf()).find?.(ref));
  }
  return activities;
}

/**
 * Arguments of a create: (spec, parentId). An activity scheduled before the engine was shared
 * and retried after a deploy may still carry a MountTarget's or AccessPoint's (parentId, spec).
 */
function createArguments([first, second]: unknown[]): [unknown, string | undefined] {
  if (typeof first === 'string' && typeof second !== 'string') return [second, first];
  return [first, typeof second === 'string' ? second : undefined];
}

/** Arguments of an apply: (ref, id, spec); a MountTarget's older call was (id, spec). */
function applyArguments(args: unknown[]): [ObjectRef, string, unknown] {
  if (typeof args[0] === 'string') return [{ namespace: '', name: '', uid: '' }, args[0], args[1]];
  return [args[0] as ObjectRef, String(args[1] ?? ''), args[2]];
}
