import { Context } from '@temporalio/activity';
import { type EfsGateway } from '../aws/efs';
import { partitionKey, type AwsPartition } from '../aws/partition';
import {
  observedSignal,
  observerWorkflowId,
  observerWorkflowType,
  watchSignal,
  watchesQuery,
  type Observation,
  type ObserverRound,
  type SlowReadMemory,
  type SlowSettings,
  type Watch,
} from '../api/observer-contract';
import {
  answerSlowRead,
  answerWatch,
  planRound,
  planSlowReads,
  type KindStates,
  type ListedCollection,
  type RoundPlan,
} from '../domain/observer';
import { type SlowValues } from '../domain/slow-reads';
import { type ResourceManager } from '../kinds/kind';
import { forEachConcurrently } from '../shared/concurrency';
import { type Logger } from '../shared/log';
import { type AwsTarget, type AwsTargets } from './partitions';

/** How the observer spends its share of the account's EFS budget. */
export interface ObserverSettings {
  /** EFS requests per second the observer makes at most (its share of the account's rate). */
  requestsPerSecond: number;
  /** Seconds between looks at resources nobody waits on (drift of the settings AWS lists). */
  sweepSeconds: number;
  /** Seconds between reads of each watched file system's settings DescribeFileSystems does not return. */
  slowReadSeconds: number;
  /** Least seconds between two looks while objects wait: the bound of their lag, and of the requests spent on them. */
  lookIntervalSeconds: number;
}

export interface ObserverDependencies {
  /** The AWS partition (and its gateway) of an object, of the process, or of a given partition. */
  targets: AwsTargets;
  /** The task queue the observer workflow runs on (the worker's). */
  taskQueue: string;
  settings: ObserverSettings;
  managerIn: (kind: string, target: AwsTarget) => ResourceManager<never, unknown>;
  statesOf: (kind: string) => KindStates;
  log: Logger;
}

/** One run of the loop lasts this long, then hands what it settled to the workflow (which may continue as new). */
const roundMs = 60_000;
/** How often the loop asks its workflow for the watches when it has nothing to look at. */
const idleMs = 500;
/**
 * Seconds of the observer's budget one look may spend on slow reads: after a backlog (a lost
 * memory, an observer that was down) they drain over several looks, and waits are still answered
 * within seconds.
 */
const slowReadBudgetSeconds = 2;
/** Signals to object workflows in flight at once. */
const signalConcurrency = 16;

type Description = Record<string, unknown>;
/** What the observer tells a watch, before the ticket and status are added. */
type Answer = Omit<Observation, 'ticket' | 'status'>;
/** An answer to a watch and the description it came from (its status goes with the signal). */
interface Telling {
  watch: Watch;
  answer: Answer;
  description: Description | undefined;
}

/** Spaces requests so that at most `perSecond` start in any second; heartbeats while it waits. */
class Pacer {
  private nextAt = 0;
  constructor(
    private readonly perSecond: number,
    private readonly ctx: Context,
  ) {}
  async next(): Promise<void> {
    const now = Date.now();
    const wait = this.nextAt - now;
    this.nextAt = Math.max(now, this.nextAt) + 1000 / this.perSecond;
    if (wait > 0) await this.ctx.sleep(wait);
    this.ctx.heartbeat();
  }
}

/** The EFS calls of one partition, as the observer's loop makes them. */
interface PartitionCalls {
  efs: EfsGateway;
  managerFor: (kind: string) => ResourceManager<never, unknown>;
}

/**
 * The observer's activities: `watchResource` hands a watch to the observer of the calling
 * object's partition (starting it if it is not running), `runObserver` is its loop. The loop runs inside a
 * heartbeating activity: when its worker dies, the heartbeat timeout hands it to another worker.
 * It is the one place that signals object workflows (through the worker's Temporal client).
 */
export function createObserverActivities(deps: ObserverDependencies) {
  const workflowIdOf = (partition: AwsPartition): string => observerWorkflowId(partitionKey(partition), deps.taskQueue);
  return {
    async watchResource(watch: Watch): Promise<void> {
      const { partition } = await deps.targets.current();
      await Context.current().client.workflow.signalWithStart(observerWorkflowType, {
        workflowId: workflowIdOf(partition),
        taskQueue: deps.taskQueue,
        args: [{ partition }],
        signal: watchSignal,
        signalArgs: [watch],
      });
    },

    /** One round of the loop, in the observer's partition (rounds recorded before partitions: the process's). */
    async runObserver(partition?: AwsPartition, slowReadsSoFar?: SlowReadMemory): Promise<ObserverRound> {
      const ctx = Context.current();
      const client = ctx.client;
      const target = partition ? await deps.targets.targetOf(partition) : await deps.targets.current();
      const calls: PartitionCalls = { efs: target.gateway, managerFor: (kind) => deps.managerIn(kind, target) };
      const observer = client.workflow.getHandle(workflowIdOf(target.partition));
      const pacer = new Pacer(deps.settings.requestsPerSecond, ctx);
      const settled = new Map<string, number>();
      const known = { fileSystems: 0, accessPoints: 0 };
      const resumed = ctx.info.heartbeatDetails as { lastSweepAt?: number; slowReads?: SlowReadMemory } | undefined;
      let lastSweepAt = resumed?.lastSweepAt ?? 0;
      let lastLookAt = 0;
      const lookIntervalMs = deps.settings.lookIntervalSeconds * 1000;
      let slowReads = resumed?.slowReads ?? slowReadsSoFar;
      const slowReadMs = deps.settings.slowReadSeconds * 1000;
      const slowReadBudget = Math.max(1, Math.floor(deps.settings.requestsPerSecond * slowReadBudgetSeconds));
      const endAt = Date.now() + roundMs;
      const tell = async (watch: Watch, answer: Answer, description: Description | undefined): Promise<void> => {
        const observation: Observation = {
          ...answer,
          ticket: watch.ticket,
          ...(description ? { status: calls.managerFor(watch.kind).statusOf(description as never) } : {}),
        };
        try {
          await client.workflow.getHandle(watch.workflowId).signal(observedSignal, observation);
          settled.set(watch.workflowId, watch.ticket);
        } catch (err) {
          // A workflow that has ended needs no answer; any other failure is retried next round.
          if ((err as { name?: string }).name === 'WorkflowNotFoundError') settled.set(watch.workflowId, watch.ticket);
          else deps.log.warn('observer: signal failed', { workflowId: watch.workflowId, error: String(err) });
        }
      };
      // Signalled side by side: when many resources change at once (a burst turning available), one
      // after another would add each signal's round trip to the lag of all that follow.
      const tellAll = (tellings: Telling[]): Promise<void> =>
        forEachConcurrently(tellings, signalConcurrency, (t) => tell(t.watch, t.answer, t.description));
      while (Date.now() < endAt && !ctx.cancellationSignal.aborted) {
        ctx.heartbeat({ lastSweepAt, slowReads });
        const tooSoon = lastLookAt + lookIntervalMs - Date.now();
        if (tooSoon > 0) {
          await ctx.sleep(tooSoon);
          continue;
        }
        let watches: Watch[];
        try {
          watches = (await observer.query(watchesQuery)).filter((w) => settled.get(w.workflowId) !== w.ticket);
        } catch (err) {
          deps.log.warn('observer: cannot read the watches', { error: String(err) });
          await ctx.sleep(1_000);
          continue;
        }
        const sweepDue = Date.now() - lastSweepAt >= deps.settings.sweepSeconds * 1000;
        const plan = planRound({ watches, known, sweepDue });
        if (sweepDue) lastSweepAt = Date.now();
        const slow = planSlowReads({
          watches,
          memory: slowReads,
          now: Date.now(),
          intervalMs: slowReadMs,
          requestBudget: slowReadBudget,
        });
        slowReads = slow.memory;
        if (plan.requests === 0 && slow.read.length === 0) {
          await ctx.sleep(idleMs);
          continue;
        }
        if (plan.requests > 0) lastLookAt = Date.now();
        // A resource found in a page is answered at once, not after the whole listing: with many
        // pages, those read first would otherwise wait for the rest.
        const answeredFromPage = new Set<Watch>();
        const pageSignals: Promise<void>[] = [];
        const listedWatches = watchesByListedResource(watches, plan);
        const onPage = (kind: string, items: Map<string, Description>): void => {
          const found: Telling[] = [];
          for (const [id, description] of items) {
            for (const watch of listedWatches.get(`${kind}:${id}`) ?? []) {
              answeredFromPage.add(watch);
              const answer = answerWatch(watch, description, deps.statesOf(watch.kind));
              if (answer) found.push({ watch, answer, description });
            }
          }
          pageSignals.push(tellAll(found));
        };
        const sight = plan.requests > 0 ? await look(calls, plan, pacer, known, onPage) : undefined;
        await Promise.all(pageSignals);
        const answers: Telling[] = [];
        for (const watch of watches) {
          if (answeredFromPage.has(watch)) continue;
          const seen = sight?.of(watch);
          if (!seen) continue;
          let description = seen.description;
          // A listing may lag a create: only a describe by id says a wanted resource is gone.
          if (description === undefined && !seen.definitive && watch.until !== 'gone') {
            try {
              await pacer.next();
              description = await describeOne(calls, watch.kind, watch.resourceId);
            } catch (err) {
              deps.log.warn('observer: describe failed', { resourceId: watch.resourceId, error: String(err) });
              continue;
            }
          }
          const answer = answerWatch(watch, description, deps.statesOf(watch.kind));
          if (answer) answers.push({ watch, answer, description });
        }
        await tellAll(answers);
        for (const watch of slow.read) {
          if (settled.get(watch.workflowId) === watch.ticket || !watch.slow) continue;
          let values: SlowValues;
          try {
            values = await readSlowSettings(calls, watch.fileSystemId, watch.slow.settings, pacer);
          } catch (err) {
            // A file system that is gone is told by the listing; any other failure is read again next look.
            if ((err as { name?: string }).name === 'FileSystemNotFound') continue;
            slowReads.pending.push(watch.workflowId);
            deps.log.warn('observer: reading slow settings failed', {
              resourceId: watch.resourceId,
              error: String(err),
            });
            continue;
          }
          const answer = answerSlowRead(watch, values);
          if (answer) await tell(watch, answer, undefined);
        }
      }
      return {
        settled: [...settled].map(([id, ticket]) => ({ workflowId: id, ticket })),
        ...(slowReads ? { slowReads } : {}),
      };
    },
  };

  /** The slow settings a watch names, one paced request each (read one by one so the pace holds). */
  async function readSlowSettings(
    calls: PartitionCalls,
    fileSystemId: string,
    settings: SlowSettings,
    pacer: Pacer,
  ): Promise<SlowValues> {
    const values: SlowValues = { lifecyclePolicies: [], backupStatus: undefined, policy: null };
    const none: SlowSettings = { lifecycle: false, backup: false, policy: false };
    if (settings.lifecycle) {
      await pacer.next();
      values.lifecyclePolicies = (
        await calls.efs.slowSettings(fileSystemId, { ...none, lifecycle: true })
      ).lifecyclePolicies;
    }
    if (settings.backup) {
      await pacer.next();
      values.backupStatus = (await calls.efs.slowSettings(fileSystemId, { ...none, backup: true })).backupStatus;
    }
    if (settings.policy) {
      await pacer.next();
      values.policy = (await calls.efs.slowSettings(fileSystemId, { ...none, policy: true })).policy;
    }
    return values;
  }

  async function describeOne(calls: PartitionCalls, kind: string, id: string): Promise<Description | undefined> {
    return (await calls.managerFor(kind).describe(id)) as Description | undefined;
  }

  /**
   * Makes the round's requests, paced, and says what they showed of each watch. A request that
   * fails leaves its resources unseen until the next round.
   */
  async function look(
    calls: PartitionCalls,
    plan: RoundPlan,
    pacer: Pacer,
    known: Record<ListedCollection, number>,
    onPage: (kind: string, items: Map<string, Description>) => void,
  ): Promise<Sight> {
    const described = new Map<string, Description | undefined>();
    const listed = new Map<string, Map<string, Description>>();
    const failed = (what: string, err: unknown): void =>
      deps.log.warn(`observer: ${what} failed`, { error: String(err) });
    for (const collection of plan.list) {
      const { kind, idField } = listings[collection];
      const found = new Map<string, Description>();
      let next: string | undefined;
      try {
        do {
          await pacer.next();
          const page =
            collection === 'fileSystems'
              ? await calls.efs.fileSystemsPage(next)
              : await calls.efs.accessPointsPage(next);
          const items = new Map((page.items as unknown as Description[]).map((item) => [String(item[idField]), item]));
          for (const [id, item] of items) found.set(id, item);
          onPage(kind, items);
          next = page.next;
        } while (next);
      } catch (err) {
        failed(`listing ${collection}`, err);
        continue;
      }
      known[collection] = found.size;
      listed.set(kind, found);
    }
    for (const { kind, id } of plan.describe) {
      try {
        await pacer.next();
        described.set(`${kind}:${id}`, await describeOne(calls, kind, id));
      } catch (err) {
        failed(`describing ${kind} ${id}`, err);
      }
    }
    const mountTargetsOf = new Map<string, Map<string, Description>>();
    for (const fileSystemId of plan.mountTargetsOf) {
      try {
        await pacer.next();
        const targets = (await calls.efs.mountTargets(fileSystemId)) as unknown as Description[];
        mountTargetsOf.set(fileSystemId, new Map(targets.map((mt) => [String(mt.MountTargetId), mt])));
      } catch (err) {
        // A file system already gone has no mount targets: every one watched in it is gone.
        if ((err as { name?: string }).name === 'FileSystemNotFound') mountTargetsOf.set(fileSystemId, new Map());
        else failed(`describing the mount targets of ${fileSystemId}`, err);
      }
    }
    return {
      of(watch) {
        const key = `${watch.kind}:${watch.resourceId}`;
        if (described.has(key)) return { description: described.get(key), definitive: true };
        const targets = watch.kind === 'MountTarget' ? mountTargetsOf.get(watch.fileSystemId) : undefined;
        if (targets) return { description: targets.get(watch.resourceId), definitive: true };
        const all = listed.get(watch.kind);
        if (!all) return undefined;
        const description = all.get(watch.resourceId);
        return { description, definitive: description !== undefined };
      },
    };
  }
}

/**
 * The watches a listing in `plan` answers, by kind and resource id: those of a listed kind that are
 * not described by id (a describe is the more certain answer, and it comes after the listing).
 */
function watchesByListedResource(watches: readonly Watch[], plan: RoundPlan): Map<string, Watch[]> {
  const listedKinds = new Set(plan.list.map((collection) => listings[collection].kind));
  const describedIds = new Set(plan.describe.map(({ kind, id }) => `${kind}:${id}`));
  const byResource = new Map<string, Watch[]>();
  for (const watch of watches) {
    const key = `${watch.kind}:${watch.resourceId}`;
    if (!listedKinds.has(watch.kind) || describedIds.has(key)) continue;
    byResource.set(key, [...(byResource.get(key) ?? []), watch]);
  }
  return byResource;
}

/** What one round saw of a watched resource; undefined when it was not looked at. */
interface Sight {
  of(watch: Watch): { description: Description | undefined; definitive: boolean } | undefined;
}

const listings: Record<ListedCollection, { kind: string; idField: string }> = {
  fileSystems: { kind: 'FileSystem', idField: 'FileSystemId' },
  accessPoints: { kind: 'AccessPoint', idField: 'AccessPointId' },
};
